/** A percent or amount discount, for a line or for the whole order. Main checks the limits. */
import { useState, type FormEvent } from 'react';
import { currencyExponent } from '../../src-shared/money';
import { AmountInput } from '../common/amount-input';
import { ModalDialog } from '../common/modal-dialog';
import { parseFixed, parsePercent } from '../common/parse-input';
import type { DiscountInput } from './cart-store';

export function DiscountDialog({
  title,
  current,
  currency,
  onApply,
  onDone,
}: {
  title: string;
  current: DiscountInput | null;
  currency: string;
  /** Resolves with an error sentence, or null when applied. */
  onApply(discount: DiscountInput | null): Promise<string | null>;
  onDone(): void;
}) {
  const exponent = currencyExponent(currency);
  const [kind, setKind] = useState<DiscountInput['kind']>(current?.kind ?? 'percent');
  const [text, setText] = useState(
    !current
      ? ''
      : current.kind === 'percent'
        ? String(current.basisPoints / 100)
        : (current.amount / 10 ** exponent).toFixed(exponent),
  );
  const [error, setError] = useState<string | null>(null);

  async function apply(discount: DiscountInput | null) {
    const failure = await onApply(discount);
    if (failure) setError(failure);
    else onDone();
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = (event.currentTarget.elements.namedItem('discount') as HTMLInputElement).value;
    if (kind === 'percent') {
      const basisPoints = parsePercent(typed);
      if (basisPoints === null) return setError('Enter a percent between 0 and 100.');
      return apply({ kind: 'percent', basisPoints });
    }
    const amount = parseFixed(typed, exponent);
    if (amount === null) return setError('Enter an amount, for example 2.50.');
    return apply({ kind: 'amount', amount });
  }

  return (
    <ModalDialog title={title} onClose={onDone}>
      <form onSubmit={submit}>
        <fieldset className="choice">
          <legend>Discount type</legend>
          <label>
            <input type="radio" name="kind" checked={kind === 'percent'} onChange={() => setKind('percent')} /> Percent
          </label>
          <label>
            <input type="radio" name="kind" checked={kind === 'amount'} onChange={() => setKind('amount')} /> Amount
          </label>
        </fieldset>
        <label>
          {kind === 'percent' ? 'Discount (%)' : `Discount (${currency})`}
          <AmountInput name="discount" value={text} onChange={setText} />
        </label>
        <p role="alert" className="field-error">
          {error ?? ''}
        </p>
        <div className="dialog-buttons">
          <button type="submit" className="primary">
            Apply discount
          </button>
          {current && (
            <button type="button" onClick={() => void apply(null)}>
              Remove discount
            </button>
          )}
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/**
 * Overrides a line's unit price, with the reason (main keeps the list price for the
 * receipt trail and the Z report). A cashier's override waits for a manager's approval,
 * asked for by the cart store when main wants it.
 */
import { useId, useState, type FormEvent } from 'react';
import type { LineView } from '../../src-shared/domain';
import { currencyExponent } from '../../src-shared/money';
import { AmountInput } from '../common/amount-input';
import { ModalDialog } from '../common/modal-dialog';
import { parseFixed } from '../common/parse-input';
import { useMoney, useStores } from '../common/use-stores';

export function PriceDialog({ line, currency, onDone }: { line: LineView; currency: string; onDone(): void }) {
  const { cart } = useStores();
  const money = useMoney();
  const exponent = currencyExponent(currency);
  const [price, setPrice] = useState((line.unitPrice / 10 ** exponent).toFixed(exponent));
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const priceId = useId();
  const reasonId = useId();
  const per = line.unit === 'kg' ? ' per kg' : '';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const unitPrice = parseFixed(price, exponent);
    if (unitPrice === null) return setError('Enter the new price, for example 2.50.');
    if (reason.trim().length < 3) return setError('Say why (3 characters or more).');
    setBusy(true);
    setError(null);
    const ok = await cart.getState().overridePrice(line.id, unitPrice, reason.trim());
    setBusy(false);
    if (ok) onDone();
    else setError(cart.getState().notice?.text ?? 'The price was not changed.');
  }

  return (
    <ModalDialog title={`Price of ${line.name}`} onClose={onDone}>
      <form onSubmit={submit}>
        <p className="hint">
          Now {money(line.unitPrice, currency)}
          {per}.
        </p>
        <label htmlFor={priceId}>
          New unit price ({currency}){per}
        </label>
        <AmountInput id={priceId} name="price" value={price} onChange={setPrice} />
        <label htmlFor={reasonId}>Reason</label>
        <input
          id={reasonId}
          name="reason"
          autoComplete="off"
          maxLength={200}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        <p role="alert" className="field-error">
          {error ?? ''}
        </p>
        <div className="dialog-buttons">
          <button type="submit" className="primary" disabled={busy}>
            Set price
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

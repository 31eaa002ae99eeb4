/** Sets a line's quantity: a whole number, or kilograms for items sold by weight. */
import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { LineView } from '../../src-shared/domain';
import { AmountInput } from '../common/amount-input';
import { ModalDialog } from '../common/modal-dialog';
import { parseKilograms, parseUnitQuantity, quantityText } from '../common/parse-input';
import { useStores } from '../common/use-stores';

export function QuantityDialog({ line, onDone }: { line: LineView; onDone(): void }) {
  const { cart } = useStores();
  const setQuantity = useStore(cart, (s) => s.setQuantity);
  const [text, setText] = useState(quantityText(line.qtyMilli, line.unit));
  const [error, setError] = useState<string | null>(null);
  const byWeight = line.unit === 'kg';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = (event.currentTarget.elements.namedItem('quantity') as HTMLInputElement).value;
    const qtyMilli = byWeight ? parseKilograms(typed) : parseUnitQuantity(typed);
    if (qtyMilli === null)
      return setError(byWeight ? 'Enter a weight in kg, for example 0.750.' : 'Enter a whole number, 1 or more.');
    if (await setQuantity(line.id, qtyMilli)) onDone();
    else setError(cart.getState().notice?.text ?? 'The quantity was not changed.');
  }

  return (
    <ModalDialog title={`Quantity of ${line.name}`} onClose={onDone}>
      <form onSubmit={submit}>
        <label>
          {byWeight ? 'Weight (kg)' : 'Quantity'}
          <AmountInput name="quantity" value={text} onChange={setText} />
        </label>
        <p role="alert" className="field-error">
          {error ?? ''}
        </p>
        <div className="dialog-buttons">
          <button type="submit" className="primary">
            Set quantity
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/**
 * Refund of a completed sale, behind the manager approval dialog: each line with what
 * is still refundable and a quantity stepper bounded by it (items sold by weight go back
 * whole), or an amount; and where the money goes, the original payment or cash. Main
 * prices the refund from its own figures and checks the approval; this only collects.
 */
import { useState } from 'react';
import type { OrderView } from '../../src-shared/domain';
import { currencyExponent } from '../../src-shared/money';
import type { Refundable } from '../../src-shared/report';
import { parseFixed, quantityText } from '../format/parse-input';
import type { RefundRequest, RefundTo } from '../stores/refund-store';
import { useMoney, useStores } from '../stores/use-stores';
import { ApprovalDialog } from './approval-dialog';

type Mode = 'items' | 'amount';

/** How many whole items of a line can still go back, or null for a line sold by weight. */
function wholeItemsLeft(order: OrderView, line: Refundable['lines'][number]): number | null {
  const sold = order.lines.find((l) => l.id === line.lineId);
  return sold?.unit === 'kg' ? null : Math.floor(line.qtyMilli / 1000);
}

function Stepper({ name, value, max, onChange }: { name: string; value: number; max: number; onChange(value: number): void }) {
  const clamp = (n: number) => Math.max(0, Math.min(max, n));
  return (
    <span className="stepper">
      <button type="button" aria-label={`One fewer: ${name}`} disabled={value <= 0} onClick={() => onChange(clamp(value - 1))}>−</button>
      <input
        type="number"
        min={0}
        max={max}
        step={1}
        inputMode="numeric"
        aria-label={`Quantity to refund: ${name}`}
        value={value}
        onChange={(event) => onChange(clamp(Math.trunc(Number(event.target.value) || 0)))}
      />
      <button type="button" aria-label={`One more: ${name}`} disabled={value >= max} onClick={() => onChange(clamp(value + 1))}>+</button>
    </span>
  );
}

export function RefundDialog({ order, refundable, onClose }: { order: OrderView; refundable: Refundable; onClose(): void }) {
  const { refunds } = useStores();
  const money = useMoney();
  const m = (minor: number) => money(minor, order.currency);
  const exponent = currencyExponent(order.currency);
  const lines = refundable.lines.filter((line) => line.qtyMilli > 0 && line.amount > 0);
  const [mode, setMode] = useState<Mode>(lines.length > 0 ? 'items' : 'amount');
  /** Whole items per line; for a line sold by weight, 1 means all of what is left. */
  const [picked, setPicked] = useState<Record<string, number>>({});
  const [amountText, setAmountText] = useState('');
  const [to, setTo] = useState<RefundTo>('original');
  const amount = parseFixed(amountText, exponent);

  const chosen = lines.flatMap((line) => {
    const count = picked[line.lineId] ?? 0;
    if (count <= 0) return [];
    return [{ lineId: line.lineId, qtyMilli: wholeItemsLeft(order, line) === null ? line.qtyMilli : count * 1000 }];
  });

  function problem(): string | null {
    if (mode === 'items') return chosen.length > 0 ? null : 'Choose at least one item to refund.';
    if (amount === null || amount <= 0) return 'Enter the amount to refund, for example 5.00.';
    if (amount > refundable.total) return `At most ${m(refundable.total)} can still be refunded on this sale.`;
    return null;
  }

  const request = (reason: string): RefundRequest => (mode === 'items' ? { lines: chosen, to, reason } : { amount: amount!, to, reason });

  return (
    <ApprovalDialog
      title={`Refund sale #${order.number}`}
      submitLabel="Refund"
      defaultReason="Returned by the customer"
      validate={problem}
      onApprove={(approval, reason) => refunds.getState().create(request(reason), approval)}
      onClose={onClose}
    >
      <p>Still refundable on this sale: <strong>{m(refundable.total)}</strong></p>
      <fieldset className="choice">
        <legend>Refund by</legend>
        <label><input type="radio" name="mode" checked={mode === 'items'} disabled={lines.length === 0} onChange={() => setMode('items')} /> Items</label>
        <label><input type="radio" name="mode" checked={mode === 'amount'} onChange={() => setMode('amount')} /> Amount</label>
      </fieldset>
      {mode === 'items' ? (
        <table className="refund-lines" aria-label="Items to refund">
          <thead>
            <tr><th scope="col">Item</th><th scope="col" className="num">Refundable</th><th scope="col" className="num">Refund</th></tr>
          </thead>
          <tbody>
            {lines.map((line) => {
              const whole = wholeItemsLeft(order, line);
              const count = picked[line.lineId] ?? 0;
              const set = (n: number) => setPicked({ ...picked, [line.lineId]: n });
              return (
                <tr key={line.lineId}>
                  <th scope="row">{line.name}</th>
                  <td className="num">{whole === null ? `${quantityText(line.qtyMilli, 'kg')} kg` : whole} · {m(line.amount)}</td>
                  <td className="num">
                    {whole === null ? (
                      <label className="check"><input type="checkbox" checked={count > 0} onChange={(event) => set(event.target.checked ? 1 : 0)} /> All of it</label>
                    ) : (
                      <Stepper name={line.name} value={count} max={whole} onChange={set} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <label>
          Refund amount ({order.currency})
          <input name="amount" inputMode="decimal" autoComplete="off" value={amountText} onChange={(event) => setAmountText(event.target.value)} />
        </label>
      )}
      <fieldset className="choice">
        <legend>Refund to</legend>
        <label><input type="radio" name="to" checked={to === 'original'} onChange={() => setTo('original')} /> Original payment</label>
        <label><input type="radio" name="to" checked={to === 'cash'} onChange={() => setTo('cash')} /> Cash</label>
      </fieldset>
      <p className="hint">
        Paid with: {refundable.tenders.map((t) => `${t.label} (${m(t.refundable)} refundable${t.kind !== 'cash' && !t.viaProvider ? ', on the terminal only' : ''})`).join(', ') || '—'}
      </p>
    </ApprovalDialog>
  );
}

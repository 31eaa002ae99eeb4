/**
 * Refund of a completed sale, behind the manager approval dialog: what is left (goods,
 * tips, and what refunds still waiting for a terminal hold), each line with a quantity
 * stepper bounded by what is still refundable (items sold by weight go back whole) or an
 * amount, the tip (all of it or part), and where the money goes: the original payment,
 * cash, or "Refunded on the terminal" (done on a card terminal the till cannot refund
 * through, recorded here with its reference). Main prices the refund from its own figures
 * and checks the approval; this collects and checks the draft against main's figures.
 */
import { useState } from 'react';
import type { OrderView } from '../../src-shared/domain';
import { currencyExponent } from '../../src-shared/money';
import type { Refundable } from '../../src-shared/report';
import { ApprovalDialog } from '../common/approval-dialog';
import { parseFixed, quantityText } from '../common/parse-input';
import { useMoney, useStores } from '../common/use-stores';
import {
  canRefundOnTerminal,
  refundProblem,
  refundRequest,
  refundShortfall,
  type RefundDraft,
  type RefundTo,
} from './refund-store';

type Mode = RefundDraft['mode'];
type RefundableLine = Refundable['lines'][number];

/** How many whole items of a line can still go back, or null for a line sold by weight. */
function wholeItemsLeft(order: OrderView, line: RefundableLine): number | null {
  const sold = order.lines.find((l) => l.id === line.lineId);
  return sold?.unit === 'kg' ? null : Math.floor(line.qtyMilli / 1000);
}

/** Minor units as a cashier types them: 135 → "1.35". */
function typedAmount(minor: number, exponent: number): string {
  return exponent === 0 ? String(minor) : (minor / 10 ** exponent).toFixed(exponent);
}

function Stepper({
  name,
  value,
  max,
  onChange,
}: {
  name: string;
  value: number;
  max: number;
  onChange(value: number): void;
}) {
  const clamp = (n: number) => Math.max(0, Math.min(max, n));
  return (
    <span className="stepper">
      <button
        type="button"
        aria-label={`One fewer: ${name}`}
        disabled={value <= 0}
        onClick={() => onChange(clamp(value - 1))}
      >
        −
      </button>
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
      <button
        type="button"
        aria-label={`One more: ${name}`}
        disabled={value >= max}
        onClick={() => onChange(clamp(value + 1))}
      >
        +
      </button>
    </span>
  );
}

export function RefundDialog({
  order,
  refundable,
  onClose,
}: {
  order: OrderView;
  refundable: Refundable;
  onClose(): void;
}) {
  const { refunds } = useStores();
  const money = useMoney();
  const m = (minor: number) => money(minor, order.currency);
  const exponent = currencyExponent(order.currency);
  const lines = refundable.lines.filter((line) => line.qtyMilli > 0 && line.amount > 0);
  const [mode, setMode] = useState<Mode>(lines.length > 0 ? 'items' : 'amount');
  /** Whole items per line; for a line sold by weight, 1 means all of what is left. */
  const [picked, setPicked] = useState<Record<string, number>>({});
  const [amountText, setAmountText] = useState('');
  const [tipBack, setTipBack] = useState(false);
  const [tipText, setTipText] = useState(typedAmount(refundable.tips, exponent));
  const [to, setTo] = useState<RefundTo>('original');
  const [evidence, setEvidence] = useState('');
  const onTerminal = canRefundOnTerminal(refundable);

  const chosen = lines.flatMap((line) => {
    const count = picked[line.lineId] ?? 0;
    if (count <= 0) return [];
    // Whole items: a pro-rata estimate for the checks here (main prices the refund itself).
    const qtyMilli = wholeItemsLeft(order, line) === null ? line.qtyMilli : count * 1000;
    return [{ lineId: line.lineId, qtyMilli, amount: Math.floor((line.amount * qtyMilli) / line.qtyMilli) }];
  });

  const draft: RefundDraft = {
    mode,
    lines: mode === 'items' ? chosen : [],
    amount: amountText.trim() === '' ? undefined : parseFixed(amountText, exponent),
    tip: tipBack ? parseFixed(tipText, exponent) : 0,
    to,
    evidence,
  };
  const shortfall = refundShortfall(draft, refundable, m);

  return (
    <ApprovalDialog
      title={`Refund sale #${order.number}`}
      submitLabel="Refund"
      defaultReason="Returned by the customer"
      validate={() => refundProblem(draft, refundable, m)}
      onApprove={(approval, reason) => refunds.getState().create(refundRequest(draft, reason), approval)}
      onClose={onClose}
    >
      <p>
        Still refundable on this sale: <strong>{m(refundable.total)}</strong>
        {refundable.tips > 0 && (
          <>
            {' '}
            · tips <strong>{m(refundable.tips)}</strong>
          </>
        )}
      </p>
      {refundable.reserved > 0 && (
        <p className="hint">{m(refundable.reserved)} is being refunded, waiting for the terminal.</p>
      )}
      {refundable.total > 0 && (
        <>
          <fieldset className="choice">
            <legend>Refund by</legend>
            <label>
              <input
                type="radio"
                name="mode"
                checked={mode === 'items'}
                disabled={lines.length === 0}
                onChange={() => setMode('items')}
              />{' '}
              Items
            </label>
            <label>
              <input type="radio" name="mode" checked={mode === 'amount'} onChange={() => setMode('amount')} /> Amount
            </label>
          </fieldset>
          {mode === 'items' ? (
            <table className="refund-lines" aria-label="Items to refund">
              <thead>
                <tr>
                  <th scope="col">Item</th>
                  <th scope="col" className="num">
                    Refundable
                  </th>
                  <th scope="col" className="num">
                    Refund
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line) => {
                  const whole = wholeItemsLeft(order, line);
                  const count = picked[line.lineId] ?? 0;
                  const set = (n: number) => setPicked({ ...picked, [line.lineId]: n });
                  return (
                    <tr key={line.lineId}>
                      <th scope="row">{line.name}</th>
                      <td className="num">
                        {whole === null ? `${quantityText(line.qtyMilli, 'kg')} kg` : whole} · {m(line.amount)}
                      </td>
                      <td className="num">
                        {whole === null ? (
                          <label className="check">
                            <input
                              type="checkbox"
                              checked={count > 0}
                              onChange={(event) => set(event.target.checked ? 1 : 0)}
                            />{' '}
                            All of it
                          </label>
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
              <input
                name="amount"
                inputMode="decimal"
                autoComplete="off"
                value={amountText}
                onChange={(event) => setAmountText(event.target.value)}
              />
            </label>
          )}
        </>
      )}
      {refundable.tips > 0 && (
        <div className="refund-tip">
          <label className="check">
            <input type="checkbox" checked={tipBack} onChange={(event) => setTipBack(event.target.checked)} /> Refund
            the tip
          </label>
          {tipBack && (
            <label>
              Tip to refund ({order.currency}, up to {m(refundable.tips)})
              <input
                name="tip"
                inputMode="decimal"
                autoComplete="off"
                value={tipText}
                onChange={(event) => setTipText(event.target.value)}
              />
            </label>
          )}
        </div>
      )}
      <fieldset className="choice">
        <legend>Refund to</legend>
        <label>
          <input type="radio" name="to" checked={to === 'original'} onChange={() => setTo('original')} /> Original
          payment
        </label>
        <label>
          <input type="radio" name="to" checked={to === 'cash'} onChange={() => setTo('cash')} /> Cash
        </label>
        {onTerminal && (
          <label>
            <input type="radio" name="to" checked={to === 'outside'} onChange={() => setTo('outside')} /> Refunded on
            the terminal
          </label>
        )}
      </fieldset>
      {to === 'outside' && (
        <>
          <p className="hint">
            Refund the card on the terminal first, then record it here with the number on the terminal&apos;s refund
            receipt.
          </p>
          <label>
            Terminal refund reference
            <input
              name="evidence"
              autoComplete="off"
              maxLength={120}
              value={evidence}
              onChange={(event) => setEvidence(event.target.value)}
            />
          </label>
        </>
      )}
      {shortfall && <p className="field-error">{shortfall}</p>}
      <p className="hint">
        Paid with:{' '}
        {refundable.tenders
          .map(
            (t) =>
              `${t.label} (${m(t.refundable)} refundable${t.tip > 0 ? `, tip ${m(t.tip)}` : ''}${t.kind !== 'cash' && !t.viaProvider ? ', on the terminal only' : ''})`,
          )
          .join(', ') || '—'}
      </p>
    </ApprovalDialog>
  );
}

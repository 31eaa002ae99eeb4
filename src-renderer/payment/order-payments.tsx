/**
 * An order's card and wallet payments (with the voids and refunds made on them), each
 * in the newest state main reported. An approved payment offers "Void payment" and
 * "Refund payment…" where its provider can void or refund from the till (its tender's
 * capabilities), the refund only while main's ledger says something of it is refundable:
 * a payment the till cannot refund through its provider is refunded from the sale's
 * "Refund…" instead, on the terminal or in cash. Both need a manager's approval. Cash
 * back given with a payment is shown with it: to hand over when the sale just completed.
 */
import { useId, useState } from 'react';
import { useStore } from 'zustand';
import type { AttemptView, OrderView } from '../../src-shared/domain';
import { useMoney, useStores } from '../common/use-stores';
import { PaymentActionDialog, type PaymentAction } from './payment-action-dialogs';
import { canVoid, hasReversalInFlight, isReversible } from './payment-admin-store';
import { attemptsForOrder, cashBackOf } from './payment-store';
import { PaymentSummary } from './payment-summary';
import { useCapabilities } from './provider-capabilities';

export function OrderPayments({ order }: { order: OrderView }) {
  const { payment, nav } = useStores();
  const known = useStore(payment, (s) => s.attempts);
  const justSold = useStore(nav, (s) => s.receiptFrom === 'sale');
  const money = useMoney();
  const capabilitiesOf = useCapabilities();
  const [dialog, setDialog] = useState<{ action: PaymentAction; attempt: AttemptView } | null>(null);
  const headingId = useId();
  const attempts = attemptsForOrder(order, known);
  if (attempts.length === 0) return null;
  const cashback = cashBackOf(order);
  // By what the payment's provider can do; one the station no longer offers keeps both and main decides.
  const can = (attempt: AttemptView) => capabilitiesOf(attempt.provider);
  const voidable = (attempt: AttemptView) => canVoid(attempt) && (can(attempt)?.void ?? true);
  const refundable = (attempt: AttemptView) => attempt.refundable > 0 && (can(attempt)?.refund ?? true);

  return (
    <section className="order-payments" aria-labelledby={headingId}>
      <h3 id={headingId}>Card and wallet payments</h3>
      <ul className="attempts" aria-label="Payments on this order" aria-live="polite">
        {attempts.map((attempt) => (
          <li key={attempt.id} className="attempt">
            <PaymentSummary attempt={attempt} />
            {cashback
              .filter((given) => given.attemptId === attempt.id)
              .map((given) =>
                justSold ? (
                  <p key="cashback" role="status" className="due">
                    Cash back {money(given.amount, order.currency)} — give it from the drawer
                  </p>
                ) : (
                  <p key="cashback" className="hint">
                    Cash back {money(given.amount, order.currency)}, given from the drawer
                  </p>
                ),
              )}
            {isReversible(attempt) && (voidable(attempt) || refundable(attempt)) && (
              <div className="attempt-actions">
                {hasReversalInFlight(attempt, attempts) ? (
                  <span className="hint">A void or refund is on its way.</span>
                ) : (
                  <>
                    {voidable(attempt) && (
                      <button type="button" onClick={() => setDialog({ action: 'void', attempt })}>
                        Void payment
                      </button>
                    )}
                    {refundable(attempt) && (
                      <button type="button" onClick={() => setDialog({ action: 'refund', attempt })}>
                        Refund payment…
                      </button>
                    )}
                  </>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {dialog && (
        <PaymentActionDialog action={dialog.action} attempt={dialog.attempt} onClose={() => setDialog(null)} />
      )}
    </section>
  );
}

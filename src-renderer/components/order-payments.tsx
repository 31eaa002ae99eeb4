/**
 * An order's card and wallet payments (with the voids and refunds made on them), each
 * in the newest state main reported. An approved payment offers "Void payment" and
 * "Refund payment…"; both need a manager's approval.
 */
import { useId, useState } from 'react';
import { useStore } from 'zustand';
import type { AttemptView, OrderView } from '../../src-shared/domain';
import { canVoid, hasReversalInFlight, isReversible } from '../stores/payment-admin-store';
import { attemptsForOrder } from '../stores/payment-store';
import { useStores } from '../stores/use-stores';
import { PaymentActionDialog, type PaymentAction } from './payment-action-dialogs';
import { PaymentSummary } from './payment-summary';

export function OrderPayments({ order }: { order: OrderView }) {
  const known = useStore(useStores().payment, (s) => s.attempts);
  const [dialog, setDialog] = useState<{ action: PaymentAction; attempt: AttemptView } | null>(null);
  const headingId = useId();
  const attempts = attemptsForOrder(order, known);
  if (attempts.length === 0) return null;

  return (
    <section className="order-payments" aria-labelledby={headingId}>
      <h3 id={headingId}>Card and wallet payments</h3>
      <ul className="attempts" aria-label="Payments on this order" aria-live="polite">
        {attempts.map((attempt) => (
          <li key={attempt.id} className="attempt">
            <PaymentSummary attempt={attempt} />
            {isReversible(attempt) && (
              <div className="attempt-actions">
                {hasReversalInFlight(attempt, attempts) ? (
                  <span className="hint">A void or refund is on its way.</span>
                ) : (
                  <>
                    {canVoid(attempt) && <button type="button" onClick={() => setDialog({ action: 'void', attempt })}>Void payment</button>}
                    <button type="button" onClick={() => setDialog({ action: 'refund', attempt })}>Refund payment…</button>
                  </>
                )}
              </div>
            )}
          </li>
        ))}
      </ul>
      {dialog && <PaymentActionDialog action={dialog.action} attempt={dialog.attempt} onClose={() => setDialog(null)} />}
    </section>
  );
}

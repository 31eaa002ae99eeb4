/**
 * Manager: card and wallet payments that need a manager (DESIGN §6): payments whose
 * outcome main could not learn ("Settle…" with evidence from the terminal or provider)
 * and late approvals of payments the cashier had given up on ("Refund…" to give the
 * money back). Voids and refunds of a sale's payments are done from its receipt
 * (History → Open); shifts, drawer counts and reports on the Shift screen. The audit
 * trail's hash chain can be verified here.
 */
import { useId, useState } from 'react';
import { useStore } from 'zustand';
import type { AttemptView } from '../../../src-shared/domain';
import { PaymentActionDialog, type PaymentAction } from '../../components/payment-action-dialogs';
import { PaymentSummary } from '../../components/payment-summary';
import { verdictText } from '../../stores/audit-store';
import { isReversible } from '../../stores/payment-admin-store';
import { useStores } from '../../stores/use-stores';

function AttentionList({ label, attempts, action, actionLabel, empty, onAction }: {
  label: string;
  attempts: AttemptView[];
  action: PaymentAction;
  actionLabel: string;
  empty: string;
  onAction(action: PaymentAction, attempt: AttemptView): void;
}) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId}>
      <h4 id={headingId}>{label}</h4>
      {attempts.length === 0 ? (
        <p className="hint">{empty}</p>
      ) : (
        <ul className="attempts" aria-label={label}>
          {attempts.map((attempt) => (
            <li key={attempt.id} className="attempt">
              <PaymentSummary attempt={attempt} />
              {(action !== 'refund' || isReversible(attempt)) && (
                <div className="attempt-actions">
                  <button type="button" onClick={() => onAction(action, attempt)}>{actionLabel}</button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AuditCheck() {
  const { audit } = useStores();
  const verifying = useStore(audit, (s) => s.verifying);
  const verdict = useStore(audit, (s) => s.verdict);
  const error = useStore(audit, (s) => s.error);
  return (
    <section aria-labelledby="audit-heading" className="audit-check">
      <h3 id="audit-heading">Audit trail</h3>
      <p className="hint">Every approval, void, refund and drawer opening is chained in the audit log; a change to any entry breaks the chain.</p>
      <button type="button" disabled={verifying} onClick={() => void audit.getState().verify()}>{verifying ? 'Verifying…' : 'Verify audit trail'}</button>
      <p role="alert" className={verdict?.ok ? 'audit-ok' : 'field-error'}>{verdict ? verdictText(verdict) : (error ?? '')}</p>
    </section>
  );
}

export function ManagerScreen() {
  const { paymentAdmin } = useStores();
  const unresolved = useStore(paymentAdmin, (s) => s.unresolved);
  const flagged = useStore(paymentAdmin, (s) => s.flagged);
  const loaded = useStore(paymentAdmin, (s) => s.loaded);
  const loading = useStore(paymentAdmin, (s) => s.loading);
  const error = useStore(paymentAdmin, (s) => s.error);
  const [dialog, setDialog] = useState<{ action: PaymentAction; attempt: AttemptView } | null>(null);
  const open = (action: PaymentAction, attempt: AttemptView) => setDialog({ action, attempt });

  return (
    <section className="admin-screen manager-screen" aria-labelledby="manager-heading">
      <h2 id="manager-heading">Manager</h2>
      <section aria-labelledby="attention-heading" className="attention">
        <h3 id="attention-heading">Payments needing attention</h3>
        <p className="hint">To void or refund a sale&apos;s payment, open the sale from History.</p>
        <button type="button" disabled={loading} onClick={() => void paymentAdmin.getState().loadAttention()}>Refresh</button>
        <p role="alert" className="field-error">{error ?? ''}</p>
        {!loaded ? (
          <p role="status">{loading ? 'Loading…' : ''}</p>
        ) : (
          <>
            <AttentionList
              label="Outcome unknown"
              attempts={unresolved}
              action="settle"
              actionLabel="Settle…"
              empty="No payment is waiting for its outcome."
              onAction={open}
            />
            <AttentionList
              label="Late approvals"
              attempts={flagged}
              action="refund"
              actionLabel="Refund…"
              empty="No late approval to give back."
              onAction={open}
            />
          </>
        )}
      </section>
      <AuditCheck />
      {dialog && <PaymentActionDialog action={dialog.action} attempt={dialog.attempt} onClose={() => setDialog(null)} />}
    </section>
  );
}

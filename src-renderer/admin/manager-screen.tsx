/**
 * Manager: card and wallet payments that need a manager (DESIGN §6): payments whose
 * outcome main could not learn ("Settle…" with evidence from the terminal or provider)
 * or, when the customer walked away, "Take another payment…"), payments the engine
 * flagged (approvals to give back: "Refund…" through the provider when it can, or
 * "Resolve…": refunded on the terminal, or accepted as the sale's payment with the other
 * payment given back in cash; contradicting answers: looked into), and answers that carried
 * someone else's keys. Voids and refunds of a sale's payments are done from its receipt
 * (History → Open); shifts, drawer counts and reports on the Shift screen. The audit
 * trail's hash chain can be verified here.
 */
import { useId, useState } from 'react';
import { useStore } from 'zustand';
import type { AttemptView } from '../../src-shared/domain';
import { PaymentActionDialog, type PaymentAction } from '../payment/payment-action-dialogs';
import { canRelease, isReversible, resolutionsFor } from '../payment/payment-admin-store';
import { PaymentSummary } from '../payment/payment-summary';
import { useCapabilities } from '../payment/provider-capabilities';
import { useStores } from '../common/use-stores';
import { verdictText } from './audit-store';
import { saveTextFile } from '../common/save-file';

interface AttentionAction {
  action: PaymentAction;
  label: string;
  offered(attempt: AttemptView): boolean;
}

/** Why the engine flagged a payment, in the manager's words. */
const ATTENTION_TEXT: Record<string, string> = {
  'needs-reversal': 'Approved after the sale was paid another way: give the money back.',
  contradiction: 'The provider gave two different final answers: check its records.',
  'readback-mismatch': "The provider's answer does not match this payment (amount or currency).",
  'config-fault': 'The provider says the till is set up wrong (key, address or merchant).',
  released: 'Another payment was allowed while this one was unresolved: watch for a double charge.',
  'over-reversal': "More went back to the customer than this sale took: check the provider's records.",
};

function AttentionList({
  label,
  attempts,
  actions,
  empty,
  onAction,
}: {
  label: string;
  attempts: AttemptView[];
  actions: AttentionAction[];
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
              {attempt.needsAttention && (
                <p className="hint">{ATTENTION_TEXT[attempt.needsAttention] ?? attempt.needsAttention}</p>
              )}
              {actions.some((a) => a.offered(attempt)) && (
                <div className="attempt-actions">
                  {actions
                    .filter((a) => a.offered(attempt))
                    .map((a) => (
                      <button key={a.label} type="button" onClick={() => onAction(a.action, attempt)}>
                        {a.label}
                      </button>
                    ))}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Answers a terminal or gateway sent with someone else's keys (DESIGN §6 rule 7): shown, never applied. */
function ForeignAnswers() {
  const { paymentAdmin } = useStores();
  const foreign = useStore(paymentAdmin, (s) => s.foreign);
  const headingId = useId();
  if (foreign.length === 0) return null;
  return (
    <section aria-labelledby={headingId}>
      <h4 id={headingId}>Answers not for this till</h4>
      <p className="hint">Kept for your records; none of them changed a sale.</p>
      <ul aria-label="Answers not for this till">
        {foreign.map((answer) => (
          <li key={`${answer.at}-${answer.reason}`}>
            {new Date(answer.at).toLocaleString()} · {answer.provider}
            {answer.terminal ? ` (${answer.terminal})` : ''}: {answer.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AuditCheck() {
  const { audit } = useStores();
  const verifying = useStore(audit, (s) => s.verifying);
  const verdict = useStore(audit, (s) => s.verdict);
  const error = useStore(audit, (s) => s.error);
  async function exportChain() {
    const file = await audit.getState().exportChain();
    if (file) saveTextFile(document, file.filename, file.json, 'application/json');
  }
  return (
    <section aria-labelledby="audit-heading" className="audit-check">
      <h3 id="audit-heading">Audit trail</h3>
      <p className="hint">
        Every sale, payment, refund, shift, user and approval is chained and signed in the journal; a change made
        outside the till shows here, and on the seal printed on every Z report.
      </p>
      <div className="report-actions">
        <button type="button" disabled={verifying} onClick={() => void audit.getState().verify()}>
          {verifying ? 'Verifying…' : 'Verify audit trail'}
        </button>
        <button type="button" onClick={() => void exportChain()}>
          Export journal chain
        </button>
      </div>
      <p role="alert" className={verdict?.ok ? 'audit-ok' : 'field-error'}>
        {verdict ? verdictText(verdict) : (error ?? '')}
      </p>
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
  const capabilitiesOf = useCapabilities();
  // Through the provider only where it refunds from the till; one the station no longer offers: main decides.
  const refundable = (attempt: AttemptView) =>
    isReversible(attempt) && (capabilitiesOf(attempt.provider)?.refund ?? true);

  return (
    <section className="admin-screen manager-screen" aria-labelledby="manager-heading">
      <h2 id="manager-heading">Manager</h2>
      <section aria-labelledby="attention-heading" className="attention">
        <h3 id="attention-heading">Payments needing attention</h3>
        <p className="hint">To void or refund a sale&apos;s payment, open the sale from History.</p>
        <button type="button" disabled={loading} onClick={() => void paymentAdmin.getState().loadAttention()}>
          Refresh
        </button>
        <p role="alert" className="field-error">
          {error ?? ''}
        </p>
        {!loaded ? (
          <p role="status">{loading ? 'Loading…' : ''}</p>
        ) : (
          <>
            <AttentionList
              label="Outcome unknown"
              attempts={unresolved}
              actions={[
                { action: 'settle', label: 'Settle…', offered: () => true },
                { action: 'release', label: 'Take another payment…', offered: canRelease },
              ]}
              empty="No payment is waiting for its outcome."
              onAction={open}
            />
            <AttentionList
              label="Flagged payments"
              attempts={flagged}
              actions={[
                { action: 'refund', label: 'Refund…', offered: refundable },
                // Refunded on the terminal, accepted as the sale's payment, or looked into.
                { action: 'resolve', label: 'Resolve…', offered: (a) => resolutionsFor(a).length > 0 },
              ]}
              empty="No payment needs a manager."
              onAction={open}
            />
            <ForeignAnswers />
          </>
        )}
      </section>
      <AuditCheck />
      {dialog && (
        <PaymentActionDialog action={dialog.action} attempt={dialog.attempt} onClose={() => setDialog(null)} />
      )}
    </section>
  );
}

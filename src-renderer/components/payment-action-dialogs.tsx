/**
 * The manager's actions on one card or wallet payment, each behind the approval dialog:
 * void (the whole payment, through the terminal or gateway), refund (part or all of
 * what is still refundable), settle (record the outcome of a payment main could not
 * learn, with evidence) and release (let the sale take another payment while one is still
 * being checked). Main checks the approval and the amounts; these only collect.
 */
import { useState } from 'react';
import type { AttemptView } from '../../src-shared/domain';
import { currencyExponent } from '../../src-shared/money';
import { parseFixed } from '../format/parse-input';
import { resolutionFor, type SettleOutcome } from '../stores/payment-admin-store';
import { useMoney, useStores } from '../stores/use-stores';
import { ApprovalDialog } from './approval-dialog';
import { PaymentSummary } from './payment-summary';
import { AmountInput } from './amount-input';

/** What a manager saw that proves an outcome: a terminal slip number or the provider's own record. */
function EvidenceField({ value, onChange }: { value: string; onChange(value: string): void }) {
  return (
    <label>
      Evidence
      <input name="evidence" autoComplete="off" maxLength={120} placeholder="Slip number or provider record" value={value} onChange={(event) => onChange(event.target.value)} />
    </label>
  );
}

export type PaymentAction = 'void' | 'refund' | 'settle' | 'release' | 'resolve';

export function PaymentActionDialog({ action, attempt, onClose }: { action: PaymentAction; attempt: AttemptView; onClose(): void }) {
  switch (action) {
    case 'void':
      return <VoidDialog attempt={attempt} onClose={onClose} />;
    case 'refund':
      return <RefundDialog attempt={attempt} onClose={onClose} />;
    case 'settle':
      return <SettleDialog attempt={attempt} onClose={onClose} />;
    case 'release':
      return <ReleaseDialog attempt={attempt} onClose={onClose} />;
    case 'resolve':
      return <ResolveDialog attempt={attempt} onClose={onClose} />;
  }
}

function ResolveDialog({ attempt, onClose }: { attempt: AttemptView; onClose(): void }) {
  const { paymentAdmin } = useStores();
  const money = useMoney();
  const [evidence, setEvidence] = useState('');
  const resolution = resolutionFor(attempt);
  const refunded = resolution === 'refunded-elsewhere';
  return (
    <ApprovalDialog
      title={refunded ? 'Record a refund done on the terminal' : 'Close this flag'}
      submitLabel={refunded ? 'Record refund' : 'Close flag'}
      validate={() => (resolution === null ? 'This payment has nothing to close.' : evidence.trim() ? null : 'Enter the evidence: the terminal slip number or the provider\'s record.')}
      onApprove={(approval, reason) => paymentAdmin.getState().resolvePayment(attempt.id, resolution!, evidence.trim(), reason, approval)}
      onClose={onClose}
    >
      <PaymentSummary attempt={attempt} />
      <p className="hint">
        {refunded
          ? `Only when the customer got ${money(attempt.refundable, attempt.currency)} back outside the till (a refund on the terminal itself).`
          : 'Only once you have checked the provider\'s records: the flag is closed, the payment stays as it is.'}
      </p>
      <EvidenceField value={evidence} onChange={setEvidence} />
    </ApprovalDialog>
  );
}

function ReleaseDialog({ attempt, onClose }: { attempt: AttemptView; onClose(): void }) {
  const { paymentAdmin } = useStores();
  const money = useMoney();
  return (
    <ApprovalDialog
      title="Take another payment"
      submitLabel="Take another payment"
      onApprove={(approval, reason) => paymentAdmin.getState().releasePayment(attempt.id, reason, approval)}
      onClose={onClose}
    >
      <PaymentSummary attempt={attempt} />
      <p>
        The outcome of this payment of {money(attempt.amount + attempt.tip, attempt.currency)} is not known yet: the customer may still be
        charged. Only go on if the customer has left the terminal. The till keeps checking it; if it is approved after all, it is given back.
      </p>
    </ApprovalDialog>
  );
}

function VoidDialog({ attempt, onClose }: { attempt: AttemptView; onClose(): void }) {
  const { paymentAdmin } = useStores();
  const money = useMoney();
  return (
    <ApprovalDialog
      title="Void payment"
      submitLabel="Void payment"
      onApprove={(approval, reason) => paymentAdmin.getState().voidPayment(attempt.id, reason, approval)}
      onClose={onClose}
    >
      <PaymentSummary attempt={attempt} />
      <p>The whole payment of {money(attempt.amount + attempt.tip, attempt.currency)} goes back to the customer through the terminal or provider.</p>
    </ApprovalDialog>
  );
}

/** Minor units as a cashier types them: 135 → "1.35" (the field takes a comma too). */
function amountText(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return exponent === 0 ? String(minor) : (minor / 10 ** exponent).toFixed(exponent);
}

function RefundDialog({ attempt, onClose }: { attempt: AttemptView; onClose(): void }) {
  const { paymentAdmin } = useStores();
  const money = useMoney();
  const [text, setText] = useState(amountText(attempt.refundable, attempt.currency));
  const amount = parseFixed(text, currencyExponent(attempt.currency));

  function validate(): string | null {
    if (amount === null || amount <= 0) return `Enter the amount to refund, for example ${amountText(Math.min(100, attempt.refundable), attempt.currency)}.`;
    if (amount > attempt.refundable) return `At most ${money(attempt.refundable, attempt.currency)} can still be refunded on this payment.`;
    return null;
  }

  return (
    <ApprovalDialog
      title="Refund payment"
      submitLabel="Refund payment"
      validate={validate}
      onApprove={(approval, reason) => paymentAdmin.getState().refundPayment(attempt.id, amount!, reason, approval)}
      onClose={onClose}
    >
      <PaymentSummary attempt={attempt} />
      <label>
        Refund amount ({attempt.currency})
        <AmountInput name="amount" value={text} onChange={setText} />
      </label>
      <p className="hint">Up to {money(attempt.refundable, attempt.currency)}.</p>
    </ApprovalDialog>
  );
}

function SettleDialog({ attempt, onClose }: { attempt: AttemptView; onClose(): void }) {
  const { paymentAdmin } = useStores();
  const [outcome, setOutcome] = useState<SettleOutcome | null>(null);
  const [evidence, setEvidence] = useState('');

  function validate(): string | null {
    if (outcome === null) return 'Say what the terminal or provider shows: approved or declined.';
    if (!evidence.trim()) return 'Enter the evidence: the terminal slip number or the provider\'s status.';
    return null;
  }

  return (
    <ApprovalDialog
      title="Settle payment"
      submitLabel="Settle payment"
      validate={validate}
      onApprove={(approval, reason) => paymentAdmin.getState().settlePayment(attempt.id, outcome!, evidence.trim(), reason, approval)}
      onClose={onClose}
    >
      <PaymentSummary attempt={attempt} />
      <p className="hint">Only settle with proof from the terminal or the provider&apos;s records: the till could not learn the outcome itself.</p>
      <fieldset className="choice">
        <legend>Outcome</legend>
        <label><input type="radio" name="outcome" checked={outcome === 'approved'} onChange={() => setOutcome('approved')} /> Approved (the customer was charged)</label>
        <label><input type="radio" name="outcome" checked={outcome === 'declined'} onChange={() => setOutcome('declined')} /> Declined (nothing was charged)</label>
      </fieldset>
      <EvidenceField value={evidence} onChange={setEvidence} />
    </ApprovalDialog>
  );
}

/**
 * The manager's actions on one card or wallet payment, each behind the approval dialog:
 * void (the whole payment, through the terminal or gateway), refund (part or all of
 * what is still refundable), settle (record the outcome of a payment main could not
 * learn, with evidence), release (let the sale take another payment while one is still
 * being checked) and resolve (close a flag: a late approval refunded on the terminal or
 * accepted as the sale's payment, anything else looked into). Main checks the approval
 * and the amounts; these only collect.
 */
import { useState } from 'react';
import type { AttemptView } from '../../src-shared/domain';
import { currencyExponent } from '../../src-shared/money';
import { AmountInput } from '../common/amount-input';
import { ApprovalDialog } from '../common/approval-dialog';
import { parseFixed } from '../common/parse-input';
import { useMoney, useStores } from '../common/use-stores';
import { resolutionsFor, type Resolution, type SettleOutcome } from './payment-admin-store';
import { PaymentSummary } from './payment-summary';

/** What a manager saw that proves an outcome: a terminal slip number or the provider's own record. */
function EvidenceField({ value, onChange }: { value: string; onChange(value: string): void }) {
  return (
    <label>
      Evidence
      <input
        name="evidence"
        autoComplete="off"
        maxLength={120}
        placeholder="Slip number or provider record"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

export type PaymentAction = 'void' | 'refund' | 'settle' | 'release' | 'resolve';

export function PaymentActionDialog({
  action,
  attempt,
  onClose,
}: {
  action: PaymentAction;
  attempt: AttemptView;
  onClose(): void;
}) {
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

/** Each way a manager closes a flag: the radio, the approve button and what it means. */
const RESOLUTION_TEXT: Record<Resolution, { choice: string; submit: string; hint(amount: string): string }> = {
  'refunded-elsewhere': {
    choice: 'Refunded on the terminal',
    submit: 'Record refund',
    hint: (amount) => `Only when the customer got ${amount} back outside the till (a refund on the terminal itself).`,
  },
  accepted: {
    choice: "Accept as the sale's payment (give the other payment back in cash)",
    submit: 'Accept payment',
    hint: (amount) =>
      `The sale keeps this payment of ${amount}; what the sale took another way for it goes back to the customer from the drawer, in cash.`,
  },
  acknowledged: {
    choice: 'Looked into',
    submit: 'Close flag',
    hint: () => "Only once you have checked the provider's records: the flag is closed, the payment stays as it is.",
  },
};

function ResolveDialog({ attempt, onClose }: { attempt: AttemptView; onClose(): void }) {
  const { paymentAdmin } = useStores();
  const money = useMoney();
  const [evidence, setEvidence] = useState('');
  const offered = resolutionsFor(attempt);
  const [picked, setPicked] = useState<Resolution | null>(null);
  const resolution = picked ?? (offered.length === 1 ? offered[0] : null);
  const text = resolution ? RESOLUTION_TEXT[resolution] : null;
  const amount = money(resolution === 'accepted' ? attempt.amount : attempt.refundable, attempt.currency);

  function validate(): string | null {
    if (offered.length === 0) return 'This payment has nothing to close.';
    if (resolution === null) return 'Choose what happened to this payment.';
    return evidence.trim() ? null : "Enter the evidence: the terminal slip number or the provider's record.";
  }

  return (
    <ApprovalDialog
      title="Resolve flagged payment"
      submitLabel={text?.submit ?? 'Resolve'}
      validate={validate}
      onApprove={(approval, reason) =>
        paymentAdmin.getState().resolvePayment(attempt.id, resolution!, evidence.trim(), reason, approval)
      }
      onClose={onClose}
    >
      <PaymentSummary attempt={attempt} />
      {offered.length > 0 && (
        <fieldset className="choice">
          <legend>What happened</legend>
          {offered.map((option) => (
            <label key={option}>
              <input
                type="radio"
                name="resolution"
                checked={resolution === option}
                onChange={() => setPicked(option)}
              />{' '}
              {RESOLUTION_TEXT[option].choice}
            </label>
          ))}
        </fieldset>
      )}
      {text && <p className="hint">{text.hint(amount)}</p>}
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
        The outcome of this payment of {money(attempt.amount + attempt.tip, attempt.currency)} is not known yet: the
        customer may still be charged. Only go on if the customer has left the terminal. The till keeps checking it; if
        it is approved after all, it is given back.
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
      <p>
        The whole payment of {money(attempt.amount + attempt.tip, attempt.currency)} goes back to the customer through
        the terminal or provider.
      </p>
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
    if (amount === null || amount <= 0)
      return `Enter the amount to refund, for example ${amountText(Math.min(100, attempt.refundable), attempt.currency)}.`;
    if (amount > attempt.refundable)
      return `At most ${money(attempt.refundable, attempt.currency)} can still be refunded on this payment.`;
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
    if (!evidence.trim()) return "Enter the evidence: the terminal slip number or the provider's status.";
    return null;
  }

  return (
    <ApprovalDialog
      title="Settle payment"
      submitLabel="Settle payment"
      validate={validate}
      onApprove={(approval, reason) =>
        paymentAdmin.getState().settlePayment(attempt.id, outcome!, evidence.trim(), reason, approval)
      }
      onClose={onClose}
    >
      <PaymentSummary attempt={attempt} />
      <p className="hint">
        Only settle with proof from the terminal or the provider&apos;s records: the till could not learn the outcome
        itself.
      </p>
      <fieldset className="choice">
        <legend>Outcome</legend>
        <label>
          <input type="radio" name="outcome" checked={outcome === 'approved'} onChange={() => setOutcome('approved')} />{' '}
          Approved (the customer was charged)
        </label>
        <label>
          <input type="radio" name="outcome" checked={outcome === 'declined'} onChange={() => setOutcome('declined')} />{' '}
          Declined (nothing was charged)
        </label>
      </fieldset>
      <EvidenceField value={evidence} onChange={setEvidence} />
    </ApprovalDialog>
  );
}

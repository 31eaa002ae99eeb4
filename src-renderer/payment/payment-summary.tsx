/**
 * One card or wallet payment in a line or two: which tender, what kind (sale, void,
 * refund), amount, tip, its state in the cashier's words and what is still refundable.
 * Shared by the order's payment list, the attention list and the approval dialogs.
 */
import { useStore } from 'zustand';
import type { AttemptView } from '../../src-shared/domain';
import { clockTime } from '../common/time-text';
import { useLocale, useMoney, useStores } from '../common/use-stores';
import { attemptText } from './attempt-text';

const KIND_TEXT = { sale: 'Payment', void: 'Void', refund: 'Refund' } as const;

/** The tender's label from the station's tender list (with its terminal), else the provider id. */
export function useTenderLabel(): (attempt: Pick<AttemptView, 'provider' | 'terminal'>) => string {
  const tenders = useStore(useStores().appInfo, (s) => s.info?.tenders ?? null);
  return (attempt) =>
    tenders?.find((t) => t.provider === attempt.provider && t.terminal === attempt.terminal)?.label ??
    tenders?.find((t) => t.provider === attempt.provider)?.label ??
    attempt.provider;
}

export function PaymentSummary({ attempt }: { attempt: AttemptView }) {
  const money = useMoney();
  const locale = useLocale();
  const labelOf = useTenderLabel();
  const text = attemptText(attempt, (iso) => clockTime(iso, locale));
  const m = (amount: number) => money(amount, attempt.currency);
  const reversible =
    attempt.kind === 'sale' && (attempt.state === 'approved' || attempt.state === 'partially_refunded');

  return (
    <div className={`payment-summary tone-${text.tone}`}>
      <span className="attempt-label">
        {KIND_TEXT[attempt.kind]} · {labelOf(attempt)} · {m(attempt.amount)}
        {attempt.tip > 0 && <> (tip {m(attempt.tip)})</>}
      </span>
      <strong className="attempt-state">{text.headline}</strong>
      {text.detail && text.detail.toLowerCase() !== text.headline.toLowerCase() && (
        <span className="attempt-detail">{text.detail}</span>
      )}
      {reversible && <span className="attempt-detail">Refundable: {m(attempt.refundable)}</span>}
      {attempt.card?.maskedPan && (
        <span className="attempt-detail">
          {attempt.card.brand ?? 'Card'} {attempt.card.maskedPan}
        </span>
      )}
    </div>
  );
}

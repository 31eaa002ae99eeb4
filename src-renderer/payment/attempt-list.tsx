/**
 * The order's electronic payment attempts, each in the state main reports. No retry
 * button anywhere: an unknown attempt is being checked by main (DESIGN §6 rule 2).
 */
import type { AttemptView } from '../../src-shared/domain';
import { clockTime } from '../common/time-text';
import { useLocale, useMoney, useStores } from '../common/use-stores';
import { attemptText, canStopWaiting } from './attempt-text';
import { useTenderLabel } from './payment-summary';

export function AttemptList({ attempts }: { attempts: AttemptView[] }) {
  const { payment } = useStores();
  const money = useMoney();
  const locale = useLocale();
  const labelOf = useTenderLabel();

  return (
    <ul className="attempts" aria-label="Card and wallet payments" aria-live="polite">
      {attempts.map((attempt) => {
        const text = attemptText(attempt, (iso) => clockTime(iso, locale));
        return (
          <li key={attempt.id} className={`attempt tone-${text.tone}`}>
            <span className="attempt-label">
              {labelOf(attempt)} · {money(attempt.amount, attempt.currency)}
            </span>
            <strong className="attempt-state">{text.headline}</strong>
            {text.detail && <span className="attempt-detail">{text.detail}</span>}
            {canStopWaiting(attempt) && (
              <button type="button" onClick={() => void payment.getState().stopWaiting(attempt.id)}>
                Stop waiting
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

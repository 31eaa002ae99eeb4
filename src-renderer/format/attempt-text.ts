/**
 * What the cashier reads for a payment attempt, straight from its state. An unknown
 * attempt is "checking", never "retry": main resolves it by querying the provider
 * (DESIGN §6 rule 2), so the UI offers no way to send the sale again.
 */
import type { AttemptState, AttemptView } from '../../src-shared/domain';

export type AttemptTone = 'info' | 'success' | 'error' | 'warning';

export interface AttemptText {
  headline: string;
  detail: string;
  tone: AttemptTone;
}

/** States in which the money's fate is still open. */
const OPEN_STATES: readonly AttemptState[] = ['created', 'sending', 'pending', 'unknown'];

export function isAttemptOpen(attempt: Pick<AttemptView, 'state'>): boolean {
  return OPEN_STATES.includes(attempt.state);
}

/** The cashier may stop waiting while the request is out; an unknown attempt is main's to resolve. */
export function canStopWaiting(attempt: Pick<AttemptView, 'state'>): boolean {
  return attempt.state === 'created' || attempt.state === 'sending' || attempt.state === 'pending';
}

/** formatTime turns the ISO nextCheckAt into the station's clock time. */
export function attemptText(attempt: AttemptView, formatTime: (iso: string) => string): AttemptText {
  const message = attempt.message.trim();
  switch (attempt.state) {
    case 'created':
    case 'sending':
      return { headline: attempt.method === 'card' ? 'Sending to terminal…' : 'Sending to the provider…', detail: message, tone: 'info' };
    case 'pending':
      return { headline: attempt.method === 'card' ? 'Waiting for the card…' : 'Waiting for the customer…', detail: message, tone: 'info' };
    case 'approved':
      return { headline: 'Approved', detail: message, tone: 'success' };
    case 'declined':
      return { headline: message ? `Declined: ${message}` : 'Declined', detail: '', tone: 'error' };
    case 'cancelled':
      return { headline: 'Cancelled', detail: message, tone: 'warning' };
    case 'unknown':
      return {
        headline: message ? `Checking with the provider… ${message}` : 'Checking with the provider…',
        detail: attempt.nextCheckAt ? `Next check at ${formatTime(attempt.nextCheckAt)}` : 'Waiting for the provider to answer',
        tone: 'warning',
      };
    case 'voided':
      return { headline: 'Voided', detail: message, tone: 'warning' };
    case 'refunded':
      return { headline: 'Refunded', detail: message, tone: 'warning' };
    case 'partially_refunded':
      return { headline: 'Partially refunded', detail: message, tone: 'warning' };
  }
}

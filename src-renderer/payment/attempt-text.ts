/**
 * What the cashier reads for a payment attempt, straight from its state. An unknown
 * attempt is "checking", never "retry": main resolves it by querying the provider
 * (DESIGN §6 rule 2), so the UI offers no way to send the sale again.
 */
import { isUnresolved } from '../../src-shared/attempt-states';
import type { AttemptView } from '../../src-shared/domain';

export type AttemptTone = 'info' | 'success' | 'error' | 'warning';

export interface AttemptText {
  headline: string;
  detail: string;
  tone: AttemptTone;
}

/** The money's fate is still open: the sale takes no other payment until it is known (or a manager released it). */
export function isAttemptOpen(attempt: Pick<AttemptView, 'state'> & Partial<Pick<AttemptView, 'released'>>): boolean {
  return isUnresolved(attempt.state) && attempt.released !== true;
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
      return {
        headline: attempt.method === 'card' ? 'Sending to terminal…' : 'Sending to the provider…',
        detail: message,
        tone: 'info',
      };
    case 'pending':
      return {
        headline: attempt.method === 'card' ? 'Waiting for the card…' : 'Waiting for the customer…',
        detail: message,
        tone: 'info',
      };
    case 'approved':
      return { headline: 'Approved', detail: message, tone: 'success' };
    case 'declined':
      return { headline: message ? `Declined: ${message}` : 'Declined', detail: '', tone: 'error' };
    case 'cancelled':
      return { headline: 'Cancelled', detail: message, tone: 'warning' };
    case 'cancelling':
      return {
        headline: 'Cancelling…',
        detail: message || 'Waiting for the provider to confirm. Take no other payment until it does.',
        tone: 'warning',
      };
    case 'needs_reversal':
      return { headline: 'Approved after the sale was paid: giving the money back', detail: message, tone: 'error' };
    case 'unknown':
      return {
        headline: message ? `Checking with the provider… ${message}` : 'Checking with the provider…',
        detail: attempt.nextCheckAt
          ? `Next check at ${formatTime(attempt.nextCheckAt)}`
          : 'Waiting for the provider to answer',
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

/**
 * The payment attempt state machine (DESIGN.md §6). Every transition the engine makes
 * is checked here, so an impossible one (approved → declined, unknown → created…) is a
 * bug that stops loudly instead of corrupting the journal.
 */
import { UNRESOLVED_ATTEMPT_STATES, type AttemptState } from './domain';

const TRANSITIONS: Readonly<Record<AttemptState, readonly AttemptState[]>> = {
  created: ['sending', 'cancelled'],
  sending: ['pending', 'cancelling', 'approved', 'needs_reversal', 'declined', 'cancelled', 'unknown'],
  pending: ['pending', 'cancelling', 'approved', 'needs_reversal', 'declined', 'cancelled', 'unknown'],
  // The cashier asked to stop: only a confirmed answer (or a manager with evidence) ends it.
  cancelling: ['cancelling', 'approved', 'needs_reversal', 'declined', 'cancelled', 'unknown'],
  unknown: ['unknown', 'pending', 'approved', 'needs_reversal', 'declined', 'cancelled'],
  approved: ['voided', 'partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  // An approval after a decline or a cancel is real money: it still pays the order or is reversed (rule 6).
  declined: ['approved', 'needs_reversal'],
  cancelled: ['approved', 'needs_reversal'],
  // Given back by the engine (void / refund), by a manager's refund, or recorded refunded on the terminal.
  // …or accepted by a manager as the sale's tender after all (what the sale took another way goes back).
  needs_reversal: ['voided', 'refunded', 'partially_refunded', 'approved'],
  voided: [],
  refunded: [],
};

/** States whose outcome is not known yet: they are re-queried and block their order and terminal. */
export const UNRESOLVED_STATES = UNRESOLVED_ATTEMPT_STATES;

/** Final answers a provider can give about a request. */
export function isFinalOutcome(state: string): state is 'approved' | 'declined' | 'cancelled' {
  return state === 'approved' || state === 'declined' || state === 'cancelled';
}

export function isUnresolved(state: AttemptState): boolean {
  return UNRESOLVED_STATES.includes(state);
}

export function canTransition(from: AttemptState, to: AttemptState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: AttemptState,
    readonly to: AttemptState,
  ) {
    super(`Payment attempt cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function assertTransition(from: AttemptState, to: AttemptState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

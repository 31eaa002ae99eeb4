/**
 * The payment attempt state machine (DESIGN.md §6). Every transition the engine makes
 * is checked here, so an impossible one (approved → declined, unknown → created…) is a
 * bug that stops loudly instead of corrupting the journal.
 */
import type { AttemptState } from '../../src-shared/domain';

const TRANSITIONS: Readonly<Record<AttemptState, readonly AttemptState[]>> = {
  created: ['sending', 'cancelled'],
  sending: ['pending', 'approved', 'declined', 'cancelled', 'unknown'],
  pending: ['pending', 'approved', 'declined', 'cancelled', 'unknown'],
  unknown: ['unknown', 'pending', 'approved', 'declined', 'cancelled'],
  approved: ['voided', 'partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  declined: [],
  cancelled: [],
  voided: [],
  refunded: [],
};

/** States whose outcome is not known yet: they are re-queried and block a new attempt for the order. */
export const UNRESOLVED_STATES: readonly AttemptState[] = ['created', 'sending', 'pending', 'unknown'];

export function isUnresolved(state: AttemptState): boolean {
  return UNRESOLVED_STATES.includes(state);
}

export function canTransition(from: AttemptState, to: AttemptState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(readonly from: AttemptState, readonly to: AttemptState) {
    super(`Payment attempt cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function assertTransition(from: AttemptState, to: AttemptState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

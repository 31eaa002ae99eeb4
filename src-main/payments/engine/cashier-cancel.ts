/**
 * The cashier stops waiting for a payment (DESIGN.md §6 rule 5): the attempt becomes `cancelling`
 * and keeps blocking its order and terminal while the request still out is aborted and allowed
 * to come back, then the provider is asked to cancel, boundedly. Only a final answer ends it; a
 * provider that cannot cancel from the till, or a cancel that did not get through, leaves the
 * attempt `unknown`, to queries.
 */
import type { AttemptView } from '../../../src-shared/domain';
import { isFinalOutcome } from '../../../src-shared/attempt-states';
import { toAttemptView } from '../../journal/attempt-repository';
import type { EngineContext } from './engine-context';
import type { ProviderOutcome } from '../provider';

/** The engine's `cancel`. */
export function createCashierCancel(context: EngineContext) {
  const { deps, life, requireAttempt } = context;
  const { attempts, journal } = deps;
  const { apply, audit, providerFor, publish, settleInFlight } = life;

  return {
    /**
     * The cashier stops waiting (rule 5): the attempt becomes `cancelling` and keeps blocking
     * its order and terminal; the request is aborted first, then the provider is asked to
     * cancel. Only a confirmed answer (or a manager's settlement) ends it.
     */
    async cancel(attemptId: string, userId: string): Promise<AttemptView> {
      const row = requireAttempt(attemptId);
      if (row.state !== 'sending' && row.state !== 'pending') return toAttemptView(row);
      journal.transaction(() => {
        attempts.transition(row.id, {
          to: 'cancelling',
          cause: `cashier stopped waiting (user ${userId})`,
          message: 'Cancelling: waiting for the provider to confirm…',
        });
        audit('payment.cancelRequested', row, { state: row.state }, userId);
      });
      publish(attempts.byId(row.id)!);
      // Until the provider's cancel answers, only a final answer may move the attempt.
      life.cancelling.add(row.id);
      let outcome: ProviderOutcome | null = null;
      const provider = providerFor(row);
      try {
        await settleInFlight(row.id);
        const afterAbort = attempts.byId(row.id)!;
        // The request came back with a final answer meanwhile (an approval pays the sale).
        if (afterAbort.state !== 'cancelling' || life.closed) return toAttemptView(afterAbort);
        if (!provider?.capabilities.cancel) {
          outcome = {
            state: 'unknown',
            message: `${provider?.label ?? row.provider} cannot cancel from the till: if the customer is still at the terminal, press Cancel there. The payment keeps being checked; take no other payment for this sale until it is known.`,
          };
        } else {
          try {
            const answer = await life.cancelAtProvider(provider, afterAbort);
            outcome = isFinalOutcome(answer.state) ? answer : { ...answer, state: 'unknown' };
          } catch (error) {
            outcome = {
              state: 'unknown',
              message: `The cancel did not get through (${(error as Error).message}); the payment keeps being checked.`,
            };
          }
        }
      } finally {
        life.cancelling.delete(row.id);
      }
      apply(row.id, outcome, `cancel requested by user ${userId}`);
      return toAttemptView(attempts.byId(row.id)!);
    },
  };
}

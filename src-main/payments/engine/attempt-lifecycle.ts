/**
 * An attempt's life once the engine has accepted it (DESIGN.md §6): journaled and sent
 * (rule 1), its provider's answers applied or flagged (rules 6 and 7), re-checked on a
 * relative back-off counted in real queries (rule 8), and an approval the order no longer
 * needs reversed with the attempt's own keys. The engine's public operations
 * (payment-engine.ts) decide what may start; this module carries what then happens, by
 * composing its parts over one shared `LifecycleContext` (lifecycle-context.ts): sending
 * (attempt-sending.ts), applying outcomes (outcome-application.ts), re-checking
 * (requery-schedule.ts) and reversing (approval-reversal.ts).
 */
import { isUnresolved } from '../../../src-shared/attempt-states';
import { createApprovalReversal } from './approval-reversal';
import { createAttemptSending } from './attempt-sending';
import type { EngineDeps } from './engine-deps';
import { createLifecycleContext } from './lifecycle-context';
import { createOutcomeApplication } from './outcome-application';
import { createRequerySchedule } from './requery-schedule';

/** One engine's attempt lifecycle; `close` stops its timers and aborts what is still out. */
export function createAttemptLifecycle(deps: EngineDeps) {
  const context = createLifecycleContext(deps);
  const { attempts } = deps;
  const { inFlight, cancelling, timers, providerFor, toProviderAttempt, publish, raiseFlag, audit } = context;
  // Applying an outcome re-arms the attempt's check and may start a reversal, and both of those
  // apply outcomes in turn: they are bound late, once built (nothing runs while the parts are built).
  const { apply } = createOutcomeApplication(context, {
    nextCheckAt: (row) => schedule.nextCheckAt(row),
    armCheck: (row) => schedule.armCheck(row),
    reverse: (row) => reversal.reverse(row),
    reversePending: (providerId) => reversal.reversePending(providerId),
  });
  const sending = createAttemptSending(context, apply);
  const schedule = createRequerySchedule(context, apply);
  const reversal = createApprovalReversal(context, sending);
  const { journalAttempt, launch, begin, settleInFlight, cancelAtProvider } = sending;
  const { scheduleCheck, requery, requeryAll } = schedule;
  const { reverse, reversePending } = reversal;

  return {
    apply,
    cancelAtProvider,
    begin,
    journalAttempt,
    launch,
    requery,
    requeryAll,
    settleInFlight,
    reverse,
    publish,
    audit,
    providerFor,
    toProviderAttempt,
    reversePending,
    raiseFlag,
    /** Puts an unresolved attempt back on the back-off (its last check failed). */
    recheckLater(id: string): void {
      const row = attempts.byId(id);
      if (row && isUnresolved(row.state)) scheduleCheck(row);
    },
    isInFlight: (id: string) => inFlight.has(id),
    /** Attempts whose cancel is being carried out: until the provider's cancel answers, only a final answer moves them. */
    cancelling,
    get closed() {
      return context.closed;
    },
    /** Stops every timer and aborts every request still out; later answers are ignored. */
    close(): void {
      context.closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      for (const running of inFlight.values()) running.controller.abort();
    },
  };
}

/** One engine's lifecycle, as payment-engine.ts and its operations use it. */
export type AttemptLifecycle = ReturnType<typeof createAttemptLifecycle>;

/**
 * Re-checking unresolved attempts (DESIGN.md §6 rule 8): each is queried on a back-off counted in
 * real queries sent (never in progress reports), on relative timers a wall clock stepped back
 * cannot stretch; never two queries at once for one attempt, and none while the provider's own
 * start() or cancel() is still working on it. A query never creates a charge; its answer goes
 * through `apply` like any other. Also the immediate re-query of a provider's attempts when its
 * link comes back.
 */
import { isUnresolved } from '../../../src-shared/attempt-states';
import type { AttemptRow } from '../../journal/attempt-repository';
import type { LifecycleContext } from './lifecycle-context';
import type { ApplyOutcome } from './outcome-application';
import type { ProviderOutcome } from '../provider';

/** Re-query delays for unresolved attempts, indexed by real queries sent: quick at first, then every 5 minutes. */
const DEFAULT_BACKOFF_MS = [2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000];

/** The check schedule of one engine's unresolved attempts; `apply` takes each query's answer. */
export function createRequerySchedule(context: LifecycleContext, apply: ApplyOutcome) {
  const { deps, inFlight, cancelling, timers, providerFor, toProviderAttempt } = context;
  const now = deps.now ?? (() => new Date());
  const backoff = deps.backoffMs ?? DEFAULT_BACKOFF_MS;
  const { attempts } = deps;
  /** Attempts with a query out: never two at once for one attempt. */
  const querying = new Set<string>();

  /** When an unresolved attempt is queried next: counted in real queries sent, never in progress reports (rule 8). */
  function backoffDelay(row: AttemptRow): number {
    return backoff[Math.min(row.query_count, backoff.length - 1)];
  }

  function nextCheckAt(row: AttemptRow): Date {
    return new Date(now().getTime() + backoffDelay(row));
  }

  /** Sets (or clears) the timer for the next check: a relative delay, so a wall clock stepped back cannot stretch it. */
  function armCheck(row: AttemptRow, delayMs: number = backoffDelay(row)): void {
    const existing = timers.get(row.id);
    if (existing) clearTimeout(existing);
    timers.delete(row.id);
    if (context.closed || !row.next_check_at || !isUnresolved(row.state)) return;
    const timer = setTimeout(
      () =>
        void requery(row.id, 'scheduled query').catch((error) => deps.log(`Checking attempt ${row.id} failed`, error)),
      Math.max(0, delayMs),
    );
    timer.unref();
    timers.set(row.id, timer);
  }

  /** Re-schedules without a transition (the provider is still busy with the attempt). */
  function scheduleCheck(row: AttemptRow): void {
    if (context.closed) return;
    attempts.scheduleCheck(row.id, nextCheckAt(row));
    armCheck(attempts.byId(row.id)!);
  }

  async function requery(id: string, cause: string): Promise<void> {
    timers.delete(id);
    const row = attempts.byId(id);
    // A row still `created` comes from an older journal: only reconciliation resolves it (never sent).
    if (!row || !isUnresolved(row.state) || row.state === 'created' || context.closed || querying.has(id)) return;
    // The provider's own start() or cancel() is still working on it: their answer comes first.
    if (inFlight.has(id) || cancelling.has(id)) return scheduleCheck(row);
    // Counted before the call, also when nothing can be asked: the back-off grows either way.
    attempts.countQuery(id);
    const provider = providerFor(row);
    if (!provider) {
      apply(
        id,
        {
          state: 'unknown',
          message: `${row.provider} is not configured on this till; a manager must settle this payment with the provider's records.`,
        },
        cause,
      );
      return;
    }
    querying.add(id);
    let outcome: ProviderOutcome;
    try {
      outcome = await provider.query(toProviderAttempt(row));
    } catch (error) {
      outcome = {
        state: 'unknown',
        message: `Could not reach ${provider.label}: ${(error as Error).message}. Checking again shortly.`,
      };
    } finally {
      querying.delete(id);
    }
    apply(id, outcome, cause);
  }

  /** Queries now every unresolved attempt of a provider (optionally one terminal) that nobody is waiting on. */
  function requeryAll(providerId: string, terminal: string | null, cause: string): void {
    for (const row of attempts.unresolved()) {
      if (row.provider !== providerId || (terminal !== null && row.terminal !== null && row.terminal !== terminal))
        continue;
      if (inFlight.has(row.id) || cancelling.has(row.id)) continue;
      void requery(row.id, cause).catch((error) => deps.log(`Checking attempt ${row.id} failed`, error));
    }
  }

  return { nextCheckAt, armCheck, scheduleCheck, requery, requeryAll };
}

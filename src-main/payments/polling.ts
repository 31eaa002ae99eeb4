/**
 * The one polling helper every provider uses to recover an answer (DESIGN.md §6 rule 8):
 * deadlines on a monotonic clock, so a wall clock stepped back or forward neither keeps a
 * sale polling for an hour nor ends it at once; pauses that end when the signal aborts.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Milliseconds that only move forward (never the wall clock). Tests pass their own. */
export interface MonotonicClock {
  now(): number;
}

export const monotonicClock: MonotonicClock = { now: () => performance.now() };

/** A point in monotonic time, `ms` from now. */
export interface Deadline {
  remainingMs(): number;
  expired(): boolean;
}

export function deadlineAfter(ms: number, clock: MonotonicClock = monotonicClock): Deadline {
  const end = clock.now() + ms;
  return {
    remainingMs: () => Math.max(0, end - clock.now()),
    expired: () => clock.now() >= end,
  };
}

/** Waits `ms`; false (at once) when the signal aborts first or already had. */
export async function pauseUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return false;
  try {
    await delay(Math.max(0, ms), undefined, signal ? { signal } : undefined);
    return true;
  } catch {
    return false;
  }
}

export interface PollOptions<T> {
  /** Pause before each check (the first check too, unless `immediate`). */
  intervalMs: number;
  /** How long to keep checking, on the monotonic clock. */
  windowMs: number;
  signal: AbortSignal;
  /** One check (a query). Never creates a charge. */
  check(signal: AbortSignal): Promise<T>;
  isFinal(result: T): boolean;
  /** Told after every non-final check (progress for the screen). */
  onResult?(result: T): void;
  immediate?: boolean;
  clock?: MonotonicClock;
}

export interface PollResult<T> {
  /** The last check's result; null when none ran. */
  last: T | null;
  /** How polling ended: a final answer, the window ran out, or the signal aborted. */
  ended: 'final' | 'window' | 'aborted';
  checks: number;
}

/** Checks every interval until a final answer, the end of the window, or the signal. */
export async function pollUntilFinal<T>(options: PollOptions<T>): Promise<PollResult<T>> {
  const deadline = deadlineAfter(options.windowMs, options.clock);
  let last: T | null = null;
  let checks = 0;
  let first = true;
  while (!deadline.expired()) {
    if (!(first && options.immediate)) {
      if (!(await pauseUnlessAborted(Math.min(options.intervalMs, deadline.remainingMs()), options.signal))) break;
    }
    first = false;
    last = await options.check(options.signal);
    checks += 1;
    if (options.isFinal(last)) return { last, ended: 'final', checks };
    if (options.signal.aborted) break;
    options.onResult?.(last);
  }
  return { last, ended: options.signal.aborted ? 'aborted' : 'window', checks };
}

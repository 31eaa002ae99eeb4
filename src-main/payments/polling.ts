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
async function pauseUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await delay(Math.max(0, ms), undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** How a wait between two checks ended: check again, stop (the signal aborted), or an answer that came on its own. */
export type PollWait<T> = 'next' | 'aborted' | { final: T };

export interface PollOptions<T> {
  /** Pause before each check (the first check too, unless `immediate`). */
  intervalMs: number;
  /** How long to keep checking, on the monotonic clock. */
  windowMs: number;
  signal: AbortSignal;
  /** One check (a query). Never creates a charge. */
  check(signal: AbortSignal): Promise<T>;
  isFinal(result: T): boolean;
  /** Told after every non-final check while the signal has not aborted (progress for the screen). */
  onResult?(result: T): void;
  immediate?: boolean;
  /**
   * What the window bounds. True (default): a pause is cut at the window's end and one last
   * check runs there ("every 2 s for 60 s" checks at the 60th second too). False: no check
   * starts once the window has ended, but the pause after every check still runs, so what
   * arrived meanwhile is read (CodePay's recovery: query, then listen).
   */
  checkAtWindowEnd?: boolean;
  /**
   * The pause between checks; default: a plain pause that ends early when the signal aborts.
   * A provider whose answers may also come on their own (a terminal re-delivering a result)
   * listens for them here.
   */
  wait?(ms: number, signal: AbortSignal): Promise<PollWait<T>>;
  clock?: MonotonicClock;
}

export interface PollResult<T> {
  /** The last answer (a check's, or one that came during a wait); null when none came. */
  last: T | null;
  /** How polling ended: a final answer, the window ran out, or the signal aborted. */
  ended: 'final' | 'window' | 'aborted';
  checks: number;
}

const plainPause = async (ms: number, signal: AbortSignal): Promise<PollWait<never>> =>
  (await pauseUnlessAborted(ms, signal)) ? 'next' : 'aborted';

/** Checks every interval until a final answer, the end of the window, or the signal. */
export async function pollUntilFinal<T>(options: PollOptions<T>): Promise<PollResult<T>> {
  const { signal } = options;
  const deadline = deadlineAfter(options.windowMs, options.clock);
  const wait = options.wait ?? plainPause;
  const checkAtEnd = options.checkAtWindowEnd ?? true;
  let last: T | null = null;
  let checks = 0;
  for (let first = true; ; first = false) {
    if (first && options.immediate) {
      if (deadline.expired() || (!checkAtEnd && signal.aborted)) break;
    } else {
      if (checkAtEnd && deadline.expired()) break;
      const waited = await wait(Math.min(options.intervalMs, deadline.remainingMs()), signal);
      if (waited === 'aborted') break;
      if (waited !== 'next') return { last: waited.final, ended: 'final', checks };
      if (!checkAtEnd && deadline.expired()) break;
    }
    last = await options.check(signal);
    checks += 1;
    if (options.isFinal(last)) return { last, ended: 'final', checks };
    // Aborted: the next wait ends at once (after reading what already arrived).
    if (!signal.aborted) options.onResult?.(last);
  }
  return { last, ended: signal.aborted ? 'aborted' : 'window', checks };
}

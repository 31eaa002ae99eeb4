/**
 * Locks the till after a stretch without input. Pure timer logic (any input calls
 * poke()); the DOM listeners are in bindIdleLock.
 */
import { realTimers, type Timers } from '../api/timers';

export interface IdleTimer {
  /** Input happened: start the countdown again. */
  poke(): void;
  stop(): void;
}

/** timeoutMs ≤ 0 disables it. onIdle returns false to be asked again after another timeout. */
export function createIdleTimer(
  timeoutMs: number,
  onIdle: () => boolean | void,
  timers: Timers = realTimers,
): IdleTimer {
  let handle: unknown = null;
  function arm(): void {
    if (handle !== null) timers.clearTimeout(handle);
    handle = timeoutMs > 0 ? timers.setTimeout(fire, timeoutMs) : null;
  }
  function fire(): void {
    handle = null;
    if (onIdle() === false) arm();
  }
  arm();
  return {
    poke: arm,
    stop() {
      if (handle !== null) timers.clearTimeout(handle);
      handle = null;
    },
  };
}

const ACTIVITY = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;

export function bindIdleLock(win: Window, timeoutMs: number, onIdle: () => boolean | void): () => void {
  const timer = createIdleTimer(timeoutMs, onIdle);
  const poke = (): void => timer.poke();
  ACTIVITY.forEach((type) => win.addEventListener(type, poke, { capture: true, passive: true }));
  return () => {
    timer.stop();
    ACTIVITY.forEach((type) => win.removeEventListener(type, poke, { capture: true }));
  };
}

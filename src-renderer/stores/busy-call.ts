/**
 * A panel's call to main under a busy tag: the tag shows while it runs, a failure
 * becomes the panel's error (not when the session ended: the lock screen says that).
 */
import { toClientError } from '../api/client-error';

/** Errors the panels do not show: the app goes to the login or lock screen instead. */
export const QUIET_ERRORS: ReadonlySet<string> = new Set(['NOT_AUTHENTICATED', 'SESSION_LOCKED']);

export function isQuiet(code: string): boolean {
  return QUIET_ERRORS.has(code);
}

export function busyRunner(set: (patch: { busy?: string | null; error?: string | null }) => void) {
  return async function run<T>(tag: string, call: () => Promise<T>): Promise<T | null> {
    set({ busy: tag, error: null });
    try {
      return await call();
    } catch (error) {
      const failure = toClientError(error);
      if (!isQuiet(failure.code)) set({ error: failure.message });
      return null;
    } finally {
      set({ busy: null });
    }
  };
}

/**
 * A panel's call to main under a busy tag: the tag shows while it runs, a failure
 * becomes the panel's error (not when the session ended: the lock screen says that).
 */
import { showFailure } from './shown-error';

/** Runs calls under a busy tag; resolves with the call's result, or null when it failed. */
export function busyRunner(set: (patch: { busy?: string | null; error?: string | null }) => void) {
  return async function run<T>(tag: string, call: () => Promise<T>): Promise<T | null> {
    set({ busy: tag, error: null });
    try {
      return await call();
    } catch (error) {
      showFailure(set, error);
      return null;
    } finally {
      set({ busy: null });
    }
  };
}

/**
 * The one rule for which failed calls a panel shows: every failure but the session ending.
 * When main answers NOT_AUTHENTICATED or SESSION_LOCKED the app goes to the login or lock
 * screen, which says why; the panel behind it stays quiet.
 */
import { toClientError } from '../api/client-error';

/** The codes that end the signed-in session (main logged it out, or it was locked). */
export type SessionEndedCode = 'NOT_AUTHENTICATED' | 'SESSION_LOCKED';

/** True when a failure means the session ended: the session store handles it, not the panel. */
export function endsSession(code: string): code is SessionEndedCode {
  return code === 'NOT_AUTHENTICATED' || code === 'SESSION_LOCKED';
}

/** The sentence a panel shows for a failed call, or null when the session ending explains it. */
export function shownError(error: unknown): string | null {
  const failure = toClientError(error);
  return endsSession(failure.code) ? null : failure.message;
}

/** Puts a failure on a panel's `error`; when the session ending explains it, the panel is left as it is. */
export function showFailure(set: (patch: { error: string }) => void, error: unknown): void {
  const shown = shownError(error);
  if (shown !== null) set({ error: shown });
}

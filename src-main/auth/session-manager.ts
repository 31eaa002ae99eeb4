/**
 * The station's signed-in user. One POS station has one session at a time; main
 * enforces it (idle lock, PIN lockout) whatever the UI shows.
 */
import { PosError } from '../../src-shared/errors';
import type { SessionView } from '../../src-shared/domain';
import type { AuditLog } from './audit-log';
import { createCredentialCheck, type CredentialCheck } from './credential-check';
import { toUserView, type UserReader, type UserRow, type UserWriter } from '../journal/user-repository';

export interface SecurityPolicy {
  idleLockSeconds: number;
  maxPinAttempts: number;
  lockoutSeconds: number;
  /** Manager PINs shorter than this are refused when a user is added (config `security.managerPinMinLength`). */
  managerPinMinLength?: number;
}

export interface SessionManager {
  login(userId: string, pin: string): Promise<SessionView>;
  current(): SessionView | null;
  /** The signed-in, unlocked user, or a typed error. Counts as activity. */
  require(): UserRow;
  lock(): void;
  logout(): void;
}

export function createSessionManager(deps: {
  users: UserReader & UserWriter;
  audit: AuditLog;
  policy: SecurityPolicy;
  now?: () => number;
  onChange: (session: SessionView | null) => void;
  /** Shared with manager approvals so both count on one lock (built here when not given). */
  credentials?: CredentialCheck;
}): SessionManager {
  const now = deps.now ?? Date.now;
  const credentials = deps.credentials ?? createCredentialCheck(deps);
  let session: { userId: string; startedAt: string; lastActivity: number; locked: boolean } | null = null;

  const view = (): SessionView | null => {
    if (!session || session.locked) return null;
    const user = deps.users.byId(session.userId);
    return user
      ? { user: toUserView(user), startedAt: session.startedAt, idleLockSeconds: deps.policy.idleLockSeconds }
      : null;
  };

  const idleExpired = (): boolean =>
    session !== null &&
    deps.policy.idleLockSeconds > 0 &&
    now() - session.lastActivity > deps.policy.idleLockSeconds * 1000;

  return {
    async login(userId, pin) {
      const user = deps.users.byId(userId);
      if (!user || !user.active)
        throw new PosError('BAD_CREDENTIALS', 'That user does not exist or is disabled.', 'userId');
      const checked = await credentials.checkPin(user, pin);
      if (!checked.ok && checked.reason === 'locked') {
        deps.audit.append({
          userId: user.id,
          action: 'login.refused',
          object: `user:${user.id}`,
          detail: { why: 'locked', lockedUntil: checked.lockedUntil },
        });
        const until = checked.lockedUntil ? new Date(checked.lockedUntil).toLocaleTimeString() : 'later';
        throw new PosError(
          'LOCKED_OUT',
          `Too many wrong PINs. ${user.name} can try again at ${until}, or a manager can help.`,
        );
      }
      if (!checked.ok) {
        const { failures, lockedUntil } = checked;
        deps.audit.append({
          userId: user.id,
          action: lockedUntil ? 'login.lockedOut' : 'login.failed',
          object: `user:${user.id}`,
          detail: { failures },
        });
        if (lockedUntil)
          throw new PosError(
            'LOCKED_OUT',
            `Too many wrong PINs: ${user.name} is locked for ${Math.round(deps.policy.lockoutSeconds / 60)} minutes.`,
          );
        const left = deps.policy.maxPinAttempts - failures;
        throw new PosError(
          'BAD_CREDENTIALS',
          `Wrong PIN. ${left} ${left === 1 ? 'try' : 'tries'} left before ${user.name} is locked.`,
          'pin',
        );
      }
      deps.audit.append({
        userId: user.id,
        action: 'login',
        object: `user:${user.id}`,
        detail: {
          switchedFrom: session && session.userId !== user.id ? session.userId : null,
          // Kept working (issue 12): a manager whose PIN predates the store's minimum signs in, and the
          // journal says so until the owner gives them a longer PIN (`npm run journal -- add-user`).
          ...(user.role === 'manager' && pin.length < (deps.policy.managerPinMinLength ?? 0)
            ? { pinShorterThanMinimum: true }
            : {}),
        },
      });
      session = { userId: user.id, startedAt: new Date(now()).toISOString(), lastActivity: now(), locked: false };
      const result = view()!;
      deps.onChange(result);
      return result;
    },
    current() {
      if (idleExpired()) this.lock();
      return view();
    },
    require() {
      if (!session) throw new PosError('NOT_AUTHENTICATED', 'Sign in first.');
      if (!session.locked && idleExpired()) this.lock();
      if (session.locked) throw new PosError('SESSION_LOCKED', 'The till is locked. Enter your PIN to continue.');
      const user = deps.users.byId(session.userId);
      if (!user || !user.active) throw new PosError('NOT_AUTHENTICATED', 'Sign in first.');
      session.lastActivity = now();
      return user;
    },
    lock() {
      if (!session || session.locked) return;
      session.locked = true;
      deps.audit.append({ userId: session.userId, action: 'session.locked', object: null, detail: {} });
      deps.onChange(null);
    },
    logout() {
      if (!session) return;
      deps.audit.append({ userId: session.userId, action: 'logout', object: null, detail: {} });
      session = null;
      deps.onChange(null);
    },
  };
}

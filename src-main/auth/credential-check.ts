/**
 * One place where a PIN or a staff badge is checked, for logins and manager approvals
 * alike (issue 12). A PIN try is counted BEFORE the slow scrypt hash, in one SQL
 * statement that also sets the lock: however many tries arrive at once, at most
 * `maxPinAttempts` of them are ever hashed before the user is locked, and a failure never
 * clears a lock. A right PIN clears the count (and re-hashes an older-cost hash).
 * Badge codes that are no manager's count on one station-wide counter with the same
 * limit and lockout, so guessing badges runs at a handful per lockout period.
 */
import type { UserReader, UserRow, UserWriter } from '../journal/user-repository';
import { hashPin, needsRehash, verifyPin } from './pin-hash';

export interface LockoutPolicy {
  maxPinAttempts: number;
  lockoutSeconds: number;
}

export type PinCheck =
  | { ok: true }
  /** Refused without hashing: the user is locked until `lockedUntil`. */
  | { ok: false; reason: 'locked'; lockedUntil: string | null }
  /** A wrong PIN, the `failures`-th in a row; `lockedUntil` when this try locked the user. */
  | { ok: false; reason: 'wrong'; failures: number; lockedUntil: string | null };

export type BadgeGuard = { ok: true } | { ok: false; lockedUntil: string };

export interface CredentialCheck {
  checkPin(user: UserRow, pin: string): Promise<PinCheck>;
  /** Whether badges are accepted now (refused while the station-wide badge lock runs). */
  badgeOpen(): BadgeGuard;
  /** A badge that is no manager's was offered: counted; the lock time when this one set it. */
  badgeFailed(): { failures: number; lockedUntil: string | null };
  /** A manager's badge was accepted: the station's badge count starts again. */
  badgeSucceeded(): void;
  /** True while the user is locked (badge-only approvals check this; nothing is counted). */
  isLocked(user: UserRow): boolean;
}

export function createCredentialCheck(deps: {
  users: UserReader & UserWriter;
  policy: LockoutPolicy;
  now?: () => number;
}): CredentialCheck {
  const now = deps.now ?? (() => Date.now());
  const iso = (ms: number) => new Date(ms).toISOString();
  let badgeFailures = 0;
  let badgeLockedUntil = 0;

  return {
    async checkPin(user, pin) {
      const at = now();
      // Counted first, synchronously: no await between the lock check and the count.
      const claimed = deps.users.claimAttempt(
        user.id,
        iso(at),
        deps.policy.maxPinAttempts,
        iso(at + deps.policy.lockoutSeconds * 1000),
      );
      if (!claimed) return { ok: false, reason: 'locked', lockedUntil: deps.users.byId(user.id)?.locked_until ?? null };
      if (!(await verifyPin(pin, user.pin_hash)))
        return { ok: false, reason: 'wrong', failures: claimed.failedAttempts, lockedUntil: claimed.lockedUntil };
      deps.users.clearFailures(user.id);
      if (needsRehash(user.pin_hash)) deps.users.setPinHash(user.id, await hashPin(pin));
      return { ok: true };
    },
    badgeOpen() {
      if (badgeLockedUntil > now()) return { ok: false, lockedUntil: iso(badgeLockedUntil) };
      if (badgeLockedUntil !== 0) {
        badgeLockedUntil = 0;
        badgeFailures = 0;
      }
      return { ok: true };
    },
    badgeFailed() {
      badgeFailures += 1;
      if (badgeFailures < deps.policy.maxPinAttempts) return { failures: badgeFailures, lockedUntil: null };
      badgeLockedUntil = now() + deps.policy.lockoutSeconds * 1000;
      return { failures: badgeFailures, lockedUntil: iso(badgeLockedUntil) };
    },
    badgeSucceeded() {
      badgeFailures = 0;
    },
    isLocked: (user) => {
      const current = deps.users.byId(user.id)?.locked_until ?? null;
      return current !== null && Date.parse(current) > now();
    },
  };
}

/** Users and their PIN state. SQL for users lives here only. */
import { randomUUID } from 'node:crypto';
import type { Role, UserView } from '../../src-shared/domain';
import type { Db } from './open-journal';

export interface UserRow {
  id: string;
  name: string;
  role: Role;
  pin_hash: string;
  badge: string | null;
  failed_attempts: number;
  locked_until: string | null;
  active: number;
}

export interface UserReader {
  byId(id: string): UserRow | null;
  /** The active user with this badge code, or null. */
  byBadge(badge: string): UserRow | null;
  /** Active users for the login screen: cashiers first, then managers, by name. */
  listActive(): UserView[];
  /** How many users there are, active or not (0: a fresh journal). */
  count(): number;
}

export interface UserWriter {
  /** Adds a user (a new id unless one is given); returns the id. */
  create(user: { id?: string; name: string; role: Role; pinHash: string; badge?: string | null }): string;
  /**
   * Counts one credential try BEFORE it is checked, in one statement (issue 12): refused
   * (null) while the user is locked at `now`; otherwise the count goes up and reaching
   * `maxAttempts` locks the user until `lockUntil`. A lock that has run out starts a fresh
   * count. Returns the count after this try and the lock it set, if any.
   */
  claimAttempt(
    id: string,
    now: string,
    maxAttempts: number,
    lockUntil: string,
  ): { failedAttempts: number; lockedUntil: string | null } | null;
  /** A right PIN: the failure count and any lock are cleared. */
  clearFailures(id: string): void;
  /** Replaces the stored PIN hash (re-hashed with stronger parameters after a right PIN). */
  setPinHash(id: string, pinHash: string): void;
}

export type UserRepository = UserReader & UserWriter;

/** A user as the screens see it (no PIN state). */
export function toUserView(row: UserRow): UserView {
  return { id: row.id, name: row.name, role: row.role };
}

export function createUserRepository(db: Db): UserReader & UserWriter {
  const byId = db.prepare('SELECT * FROM users WHERE id = ?');
  const byBadge = db.prepare('SELECT * FROM users WHERE badge = ? AND active = 1');
  const list = db.prepare("SELECT id, name, role FROM users WHERE active = 1 ORDER BY role = 'manager', name");
  const count = db.prepare('SELECT COUNT(*) AS n FROM users');
  const insert = db.prepare(
    'INSERT INTO users (id, name, role, pin_hash, badge, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  // ISO-8601 UTC strings of one length compare as times; a lock still set in the WHERE has run out.
  const claim = db.prepare(
    `UPDATE users
        SET failed_attempts = CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END,
            locked_until = CASE
              WHEN (CASE WHEN locked_until IS NOT NULL THEN 1 ELSE failed_attempts + 1 END) >= @max THEN @lockUntil
              ELSE NULL END
      WHERE id = @id AND (locked_until IS NULL OR locked_until <= @now)
      RETURNING failed_attempts AS failedAttempts, locked_until AS lockedUntil`,
  );
  const clear = db.prepare('UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = ?');
  const setHash = db.prepare('UPDATE users SET pin_hash = ? WHERE id = ?');
  return {
    byId: (id) => (byId.get(id) as UserRow | undefined) ?? null,
    byBadge: (badge) => (byBadge.get(badge) as UserRow | undefined) ?? null,
    listActive: () => list.all() as UserView[],
    count: () => (count.get() as { n: number }).n,
    create(user) {
      const id = user.id ?? randomUUID();
      insert.run(id, user.name, user.role, user.pinHash, user.badge ?? null, new Date().toISOString());
      return id;
    },
    claimAttempt: (id, now, max, lockUntil) =>
      (claim.get({ id, now, max, lockUntil }) as { failedAttempts: number; lockedUntil: string | null } | undefined) ??
      null,
    clearFailures: (id) => void clear.run(id),
    setPinHash: (id, pinHash) => void setHash.run(pinHash, id),
  };
}

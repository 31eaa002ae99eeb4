import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../../src-main/auth/audit-log';
import { createAuditRepository } from '../../../../src-main/journal/audit-repository';
import { hashPin } from '../../../../src-main/auth/pin-hash';
import { createSessionManager } from '../../../../src-main/auth/session-manager';
import { createUserRepository } from '../../../../src-main/journal/user-repository';
import { openJournal, type JournalHandle } from '../../../../src-main/journal/open-journal';

const FAST = { N: 1024, r: 8, p: 1 };

describe('sessions', () => {
  let dir: string;
  let journal: JournalHandle;
  let clock: number;
  let changes: (string | null)[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-session-'));
    journal = openJournal(join(dir, 'journal.sqlite'));
    clock = Date.parse('2026-11-21T10:00:00Z');
    changes = [];
  });
  afterEach(() => {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function setup(policy = { idleLockSeconds: 60, maxPinAttempts: 3, lockoutSeconds: 300 }) {
    const users = createUserRepository(journal.db);
    const id = users.create({ name: 'Casey', role: 'cashier', pinHash: await hashPin('1234', FAST) });
    const audit = createAuditLog(createAuditRepository(journal.db));
    const sessions = createSessionManager({
      users,
      audit,
      policy,
      now: () => clock,
      onChange: (s) => changes.push(s?.user.name ?? null),
    });
    return { id, sessions, users };
  }

  it('signs in with the right PIN and refuses work before that', async () => {
    const { id, sessions } = await setup();
    expect(() => sessions.require()).toThrow(expect.objectContaining({ code: 'NOT_AUTHENTICATED' }));
    const session = await sessions.login(id, '1234');
    expect(session.user).toEqual({ id, name: 'Casey', role: 'cashier' });
    expect(sessions.require().id).toBe(id);
    expect(changes).toEqual(['Casey']);
  });

  it('locks the user out after repeated wrong PINs, even with the right PIN, until the lockout ends', async () => {
    const { id, sessions } = await setup();
    await expect(sessions.login(id, '0000')).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
      message: expect.stringContaining('2 tries left'),
    });
    await expect(sessions.login(id, '0000')).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
    await expect(sessions.login(id, '0000')).rejects.toMatchObject({ code: 'LOCKED_OUT' });
    await expect(sessions.login(id, '1234')).rejects.toMatchObject({ code: 'LOCKED_OUT' });
    clock += 301_000;
    await expect(sessions.login(id, '1234')).resolves.toMatchObject({ user: { id } });
    const actions = (journal.db.prepare('SELECT action FROM audit ORDER BY seq').all() as { action: string }[]).map(
      (r) => r.action,
    );
    // The right PIN tried while locked is refused without being checked, and journaled.
    expect(actions).toEqual(['login.failed', 'login.failed', 'login.lockedOut', 'login.refused', 'login']);
  });

  it('a successful login resets the failure count', async () => {
    const { id, sessions, users } = await setup();
    await expect(sessions.login(id, '0000')).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
    await sessions.login(id, '1234');
    expect(users.byId(id)!.failed_attempts).toBe(0);
  });

  it('locks when idle, in main, whatever the UI does', async () => {
    const { id, sessions } = await setup();
    await sessions.login(id, '1234');
    clock += 59_000;
    expect(sessions.require().id).toBe(id);
    clock += 61_000;
    expect(() => sessions.require()).toThrow(expect.objectContaining({ code: 'SESSION_LOCKED' }));
    expect(sessions.current()).toBeNull();
    await sessions.login(id, '1234');
    expect(sessions.require().id).toBe(id);
  });

  it('logout ends the session', async () => {
    const { id, sessions } = await setup();
    await sessions.login(id, '1234');
    sessions.logout();
    expect(() => sessions.require()).toThrow(expect.objectContaining({ code: 'NOT_AUTHENTICATED' }));
  });
});

import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { createSessionStore } from '../../../../src-renderer/session/session-store';
import type { SessionView } from '../../../../src-shared/domain';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport } from '../fake-transport';

const casey = { id: 'u-casey', name: 'Casey', role: 'cashier' as const };
const session: SessionView = { user: casey, startedAt: '2025-01-01T09:00:00Z', idleLockSeconds: 120 };

function setup(current: SessionView | null = null) {
  const transport = fakeTransport({
    'pos:session.current': () => current,
    'pos:session.users': () => [casey],
    'pos:session.lock': () => ({ ok: true as const }),
    'pos:session.logout': () => ({ ok: true as const }),
  });
  return { transport, store: createSessionStore(createClient(transport)) };
}

describe('session store', () => {
  it("starts logged out with the user list, or active with main's session", async () => {
    const out = setup();
    await out.store.getState().start();
    expect(out.store.getState()).toMatchObject({ status: 'logged-out', users: [casey] });
    const active = setup(session);
    await active.store.getState().start();
    expect(active.store.getState()).toMatchObject({ status: 'active', session });
  });

  it('shows BAD_CREDENTIALS and LOCKED_OUT messages from main', async () => {
    const { transport, store } = setup();
    transport.handlers['pos:session.login'] = () => {
      throw new PosError('BAD_CREDENTIALS', 'Wrong PIN. 4 tries left.');
    };
    await expect(store.getState().login('u-casey', '0000')).resolves.toBe(false);
    expect(store.getState().error).toEqual({ code: 'BAD_CREDENTIALS', message: 'Wrong PIN. 4 tries left.' });
    transport.handlers['pos:session.login'] = () => {
      throw new PosError('LOCKED_OUT', 'Too many tries: wait 5 minutes.');
    };
    await store.getState().login('u-casey', '0000');
    expect(store.getState().error).toEqual({ code: 'LOCKED_OUT', message: 'Too many tries: wait 5 minutes.' });
  });

  it('locks at once, keeps the user for the unlock, and unlocks with pos:session.login', async () => {
    const { transport, store } = setup();
    transport.handlers['pos:session.login'] = ({ userId, pin }) => {
      expect([userId, pin]).toEqual(['u-casey', '1234']);
      return session;
    };
    await store.getState().login('u-casey', '1234');
    const locking = store.getState().lock();
    expect(store.getState()).toMatchObject({ status: 'locked', lockedUser: casey, session: null });
    // main says "no session" while locked: still the lock screen, not the login list
    transport.emit('pos:session.changed', null);
    await locking;
    expect(store.getState().status).toBe('locked');
    await store.getState().login('u-casey', '1234');
    expect(store.getState()).toMatchObject({ status: 'active', lockedUser: null });
  });

  it('goes to the lock or login screen when a call says SESSION_LOCKED or NOT_AUTHENTICATED', async () => {
    const { store } = setup(session);
    await store.getState().start();
    store.getState().authFailed('SESSION_LOCKED');
    expect(store.getState()).toMatchObject({ status: 'locked', lockedUser: casey });
    store.getState().authFailed('NOT_AUTHENTICATED');
    expect(store.getState()).toMatchObject({ status: 'logged-out', lockedUser: null });
  });

  it('follows pos:session.changed', () => {
    const { transport, store } = setup();
    transport.emit('pos:session.changed', session);
    expect(store.getState().status).toBe('active');
    transport.emit('pos:session.changed', null);
    expect(store.getState().status).toBe('logged-out');
  });

  it('log out calls main and returns to the login list', async () => {
    const { transport, store } = setup(session);
    await store.getState().start();
    await store.getState().logout();
    expect(store.getState().status).toBe('logged-out');
    expect(transport.calls.map((c) => c.channel)).toContain('pos:session.logout');
  });
});

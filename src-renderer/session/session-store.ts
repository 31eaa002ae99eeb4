/**
 * Who is at the till: logged out, active, or locked (same user's PIN unlocks). Any call
 * answered NOT_AUTHENTICATED or SESSION_LOCKED moves here through authFailed().
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { SessionView, UserView } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { toClientError, type ClientErrorCode } from '../api/client-error';
import { shownError, type SessionEndedCode } from '../common/shown-error';

export type SessionStatus = 'starting' | 'logged-out' | 'locked' | 'active';

export interface SessionState {
  status: SessionStatus;
  session: SessionView | null;
  /** The user whose session is locked: the lock screen asks for their PIN. */
  lockedUser: UserView | null;
  users: UserView[];
  error: { code: ClientErrorCode; message: string } | null;
  busy: boolean;
  /** Reads the session and the user list from main (start-up and after a reconnect). */
  start(): Promise<void>;
  login(userId: string, pin: string): Promise<boolean>;
  lock(): Promise<void>;
  logout(): Promise<void>;
  /** From the lock screen to the user list, for another cashier to log in. */
  switchUser(): void;
  authFailed(code: SessionEndedCode): void;
  clearError(): void;
}

export type SessionStore = StoreApi<SessionState>;

export function createSessionStore(client: PosClient): SessionStore {
  const store = createStore<SessionState>()((set, get) => ({
    status: 'starting',
    session: null,
    lockedUser: null,
    users: [],
    error: null,
    busy: false,

    async start() {
      try {
        const [session, users] = await Promise.all([
          client.invoke('pos:session.current', {}),
          client.invoke('pos:session.users', {}),
        ]);
        set({ users });
        if (session) set({ status: 'active', session, lockedUser: null });
        else if (get().status !== 'locked') set({ status: 'logged-out', session: null });
      } catch (error) {
        const failure = toClientError(error);
        if (get().status === 'starting') set({ status: 'logged-out' });
        if (shownError(failure) !== null) set({ error: { code: failure.code, message: failure.message } });
      }
    },

    async login(userId, pin) {
      set({ busy: true, error: null });
      try {
        const session = await client.invoke('pos:session.login', { userId, pin });
        set({ status: 'active', session, lockedUser: null, busy: false });
        return true;
      } catch (error) {
        const failure = toClientError(error);
        set({ busy: false, error: { code: failure.code, message: failure.message } });
        return false;
      }
    },

    async lock() {
      const user = get().session?.user ?? get().lockedUser;
      // Lock the screen at once; main confirms.
      set({ status: 'locked', lockedUser: user, session: null, error: null });
      try {
        await client.invoke('pos:session.lock', {});
      } catch (error) {
        const failure = toClientError(error);
        if (shownError(failure) !== null) set({ error: { code: failure.code, message: failure.message } });
      }
    },

    async logout() {
      set({ status: 'logged-out', session: null, lockedUser: null, error: null });
      try {
        await client.invoke('pos:session.logout', {});
      } catch {
        // Already logged out in main (or unreachable): the login screen is right either way.
      }
    },

    switchUser() {
      set({ status: 'logged-out', error: null });
    },

    authFailed(code) {
      const { status, session, lockedUser } = get();
      if (code === 'SESSION_LOCKED') {
        if (status !== 'locked') set({ status: 'locked', lockedUser: session?.user ?? lockedUser, session: null });
      } else if (status !== 'logged-out') {
        set({ status: 'logged-out', session: null, lockedUser: null });
      }
    },

    clearError() {
      set({ error: null });
    },
  }));

  client.on('pos:session.changed', (session) => {
    if (session) store.setState({ status: 'active', session, lockedUser: null });
    // null means locked or logged out; a lock we started stays a lock.
    else if (store.getState().status !== 'locked') store.setState({ status: 'logged-out', session: null });
  });

  return store;
}

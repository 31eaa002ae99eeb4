/** The till is locked (idle or F12): the same user's PIN unlocks; someone else may switch in. */
import { useStore } from 'zustand';
import type { UserView } from '../../src-shared/domain';
import { useStores } from '../common/use-stores';
import { PinEntry } from './pin-entry';

export function LockScreen({ user }: { user: UserView }) {
  const { session } = useStores();
  const error = useStore(session, (s) => s.error);
  const busy = useStore(session, (s) => s.busy);

  return (
    <main className="lock-screen">
      <h1>Locked</h1>
      <p>{user.name} is signed in. Enter your PIN to unlock.</p>
      <PinEntry submitLabel="Unlock" busy={busy} onSubmit={(pin) => session.getState().login(user.id, pin)} />
      <p role="alert" className="field-error">
        {error?.message ?? ''}
      </p>
      <div className="lock-actions">
        <button type="button" onClick={() => session.getState().switchUser()}>
          Switch user
        </button>
        <button type="button" onClick={() => void session.getState().logout()}>
          Log out
        </button>
      </div>
    </main>
  );
}

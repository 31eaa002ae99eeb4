/** Pick a user, enter the PIN. In demo mode the default PINs are printed here. */
import { useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../common/use-stores';
import { PinEntry } from './pin-entry';

export function LoginScreen() {
  const { session, appInfo } = useStores();
  const users = useStore(session, (s) => s.users);
  const error = useStore(session, (s) => s.error);
  const busy = useStore(session, (s) => s.busy);
  const demoPins = useStore(appInfo, (s) => (s.info?.demo ? s.info.demoPins : null));
  const storeName = useStore(appInfo, (s) => s.info?.store.name ?? 'Countertop');
  const [picked, setPicked] = useState<string | null>(null);
  const userId = picked ?? (users.length === 1 ? users[0].id : null);

  return (
    <main className="login-screen">
      <h1>{storeName}</h1>
      <h2>Log in</h2>
      {demoPins && demoPins.length > 0 && (
        <section className="demo-pins" aria-labelledby="demo-pins-heading">
          <h3 id="demo-pins-heading">Demo PINs</h3>
          <ul>
            {demoPins.map((entry) => (
              <li key={entry.name}>
                {entry.name} ({entry.role}): <strong>{entry.pin}</strong>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="user-list" role="group" aria-label="Who is logging in?">
        {users.map((user) => (
          <button
            key={user.id}
            type="button"
            aria-pressed={user.id === userId}
            onClick={() => {
              setPicked(user.id);
              session.getState().clearError();
            }}
          >
            {user.name} <span className="role">{user.role}</span>
          </button>
        ))}
      </div>
      <PinEntry
        submitLabel="Log in"
        busy={busy}
        disabled={userId === null}
        onSubmit={(pin) => (userId ? session.getState().login(userId, pin) : Promise.resolve(false))}
      />
      <p role="alert" className="field-error">
        {error?.message ?? ''}
      </p>
    </main>
  );
}

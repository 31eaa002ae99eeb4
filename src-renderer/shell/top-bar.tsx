/** Store, cashier, screen navigation (sale, history, shift, devices, manager), lock and log out. */
import { useStore } from 'zustand';
import type { Screen } from './nav-store';
import { useStores } from '../common/use-stores';

const MAIN_SCREENS: { screen: Screen; label: string }[] = [
  { screen: 'sale', label: 'Sale' },
  { screen: 'history', label: 'History (F8)' },
  { screen: 'shift', label: 'Shift (F9)' },
];

const ADMIN_SCREENS: { screen: Screen; label: string }[] = [
  { screen: 'devices', label: 'Devices' },
  { screen: 'manager', label: 'Manager' },
];

export function TopBar() {
  const { nav, session, appInfo, commands } = useStores();
  const screen = useStore(nav, (s) => s.screen);
  const user = useStore(session, (s) => s.session?.user ?? null);
  const storeName = useStore(appInfo, (s) => s.info?.store.name ?? 'Countertop');

  const goTo = (target: Screen) => commands.open(target);
  const current = (target: Screen) =>
    screen === target || (target === 'sale' && (screen === 'tender' || screen === 'receipt')) ? 'page' : undefined;

  return (
    <header className="top-bar">
      <span className="store-name">{storeName}</span>
      <nav aria-label="Screens">
        {MAIN_SCREENS.map(({ screen: target, label }) => (
          <button key={target} type="button" aria-current={current(target)} onClick={() => goTo(target)}>
            {label}
          </button>
        ))}
        <span className="nav-divider" aria-hidden="true" />
        {ADMIN_SCREENS.map(({ screen: target, label }) => (
          <button key={target} type="button" aria-current={current(target)} onClick={() => goTo(target)}>
            {label}
          </button>
        ))}
      </nav>
      <span className="cashier">{user ? `${user.name} (${user.role})` : ''}</span>
      <button type="button" onClick={() => void session.getState().lock()}>
        Lock (F12)
      </button>
      <button type="button" onClick={() => void session.getState().logout()}>
        Log out
      </button>
    </header>
  );
}

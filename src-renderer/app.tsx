/**
 * The shell: banners, login/lock or the signed-in workspace, and the page-wide keyboard
 * bindings (wedge scanner, shortcuts, idle lock).
 */
import { useEffect, type ReactElement } from 'react';
import { useStore } from 'zustand';
import { DevicesScreen } from './admin/devices-screen';
import { ManagerScreen } from './admin/manager-screen';
import { offerScan } from './common/scan-interceptor';
import { HistoryScreen } from './history/history-screen';
import { ReceiptScreen } from './history/receipt-screen';
import { TenderScreen } from './payment/tender-screen';
import { VirtualTerminalPanel } from './payment/virtual-terminal';
import { CartApproval } from './sale/cart-approval';
import { SaleScreen } from './sale/sale-screen';
import { bindIdleLock } from './session/idle-timer';
import { LockScreen } from './session/lock-screen';
import { LoginScreen } from './session/login-screen';
import type { AppStores } from './shell/app-stores';
import { MessageArea } from './shell/message-area';
import type { Screen } from './shell/nav-store';
import { ShortcutLegend } from './shell/shortcut-legend';
import { bindShortcuts, type ShortcutAction } from './shell/shortcuts';
import { ConnectionBanner, DemoBanner, GiveBackBanner } from './shell/status-banners';
import { TopBar } from './shell/top-bar';
import { useStores } from './common/use-stores';
import { bindWedgeScanner } from './shell/wedge-binding';
import { ShiftScreen } from './shift/shift-screen';

const SCREENS: Record<Screen, () => ReactElement> = {
  sale: SaleScreen,
  tender: TenderScreen,
  receipt: ReceiptScreen,
  history: HistoryScreen,
  shift: ShiftScreen,
  devices: DevicesScreen,
  manager: ManagerScreen,
};

function runShortcut(stores: AppStores, action: ShortcutAction): void {
  if (stores.session.getState().status !== 'active') return;
  switch (action) {
    case 'focus-search':
      return stores.nav.getState().focusSearch();
    case 'pay':
      return stores.commands.pay();
    case 'history':
      return stores.commands.openHistory();
    case 'shift':
      return stores.commands.open('shift');
    case 'lock':
      return void stores.session.getState().lock();
    case 'back':
      return stores.nav.getState().screen === 'sale' ? stores.catalog.getState().clearSearch() : stores.commands.back();
  }
}

function Workspace() {
  const stores = useStores();
  const screen = useStore(stores.nav, (s) => s.screen);
  const demo = useStore(stores.appInfo, (s) => s.info?.demo ?? false);
  const Current = SCREENS[screen];
  return (
    <>
      <TopBar />
      <GiveBackBanner />
      <MessageArea />
      <div className="workspace-row">
        <main className={`workspace screen-${screen}`}>
          <Current />
        </main>
        {demo && <VirtualTerminalPanel />}
      </div>
      <ShortcutLegend />
      <CartApproval />
    </>
  );
}

export function App() {
  const stores = useStores();
  const status = useStore(stores.session, (s) => s.status);
  const lockedUser = useStore(stores.session, (s) => s.lockedUser);
  const idleLockSeconds = useStore(stores.session, (s) => s.session?.idleLockSeconds ?? 0);

  // An open approval prompt takes a scan as the manager's badge; otherwise it goes to the cart.
  useEffect(
    () =>
      bindWedgeScanner(window, {
        onScan: (code) => {
          if (!offerScan(code)) void stores.commands.scan(code, 'wedge');
        },
      }),
    [stores],
  );
  useEffect(() => bindShortcuts(window, (action) => runShortcut(stores, action)), [stores]);
  useEffect(() => {
    if (status !== 'active' || idleLockSeconds <= 0) return;
    return bindIdleLock(window, idleLockSeconds * 1000, () => {
      // Never lock over a payment the customer is still making; ask again later.
      if (stores.commands.paymentInFlight()) return false;
      void stores.session.getState().lock();
    });
  }, [stores, status, idleLockSeconds]);

  let body: ReactElement;
  if (status === 'starting')
    body = (
      <main className="starting">
        <p role="status">Starting…</p>
      </main>
    );
  else if (status === 'active') body = <Workspace />;
  else if (status === 'locked' && lockedUser) body = <LockScreen user={lockedUser} />;
  else body = <LoginScreen />;

  return (
    <div className="app">
      <DemoBanner />
      <ConnectionBanner />
      {body}
    </div>
  );
}

/**
 * Builds every feature store over one client and wires what crosses features: auth
 * failures to the session, a completed order to its receipt, a reconnect to a re-read
 * of main's state. Commands are the few cashier actions that touch several stores.
 */
import { createAuditStore, type AuditStore } from '../admin/audit-store';
import { createDevicesStore, type DevicesStore } from '../admin/devices-store';
import { createTerminalsStore, type TerminalsStore } from '../admin/terminals-store';
import type { PosClient } from '../api/client';
import { endsSession } from '../common/shown-error';
import { createHistoryStore, type HistoryStore } from '../history/history-store';
import { createReceiptStore, type ReceiptStore } from '../history/receipt-store';
import { isAttemptOpen } from '../payment/attempt-text';
import { createDemoStore, type DemoStore } from '../payment/demo-store';
import { createPaymentAdminStore, type PaymentAdminStore } from '../payment/payment-admin-store';
import { attemptsForOrder, createPaymentStore, type PaymentStore } from '../payment/payment-store';
import { createRefundStore, type RefundStore } from '../refund/refund-store';
import { createCartStore, type CartStore, type ScanSource } from '../sale/cart-store';
import { createCatalogStore, type CatalogStore, type CatalogStoreOptions } from '../sale/catalog-store';
import { createSessionStore, type SessionStore } from '../session/session-store';
import { createReportsStore, type ReportsStore } from '../shift/reports-store';
import { createShiftStore, type ShiftStore } from '../shift/shift-store';
import { createAppInfoStore, type AppInfoStore } from './app-info-store';
import { createNavStore, type NavStore, type Screen } from './nav-store';

export interface Commands {
  /** Reads station facts and the session; call once when the page opens. */
  start(): Promise<void>;
  /** A scan from the wedge detector or a code keyed in the search box. */
  scan(code: string, source: ScanSource): Promise<void>;
  pay(): void;
  newSale(): Promise<void>;
  openHistory(): void;
  openHistoryReceipt(orderId: string): Promise<void>;
  /** Goes to a screen from the top bar, reading what that screen shows. */
  open(screen: Screen): void;
  /** Prints the receipt on screen: the original, or a copy (which the screen then shows as COPY). */
  printReceipt(copy: boolean): Promise<void>;
  /** Esc: one step back from where the cashier is. */
  back(): void;
  /** True while an electronic payment of the open order is still undecided. */
  paymentInFlight(): boolean;
}

export interface AppStores {
  client: PosClient;
  appInfo: AppInfoStore;
  session: SessionStore;
  cart: CartStore;
  catalog: CatalogStore;
  payment: PaymentStore;
  history: HistoryStore;
  receipt: ReceiptStore;
  demo: DemoStore;
  devices: DevicesStore;
  paymentAdmin: PaymentAdminStore;
  refunds: RefundStore;
  shift: ShiftStore;
  reports: ReportsStore;
  terminals: TerminalsStore;
  audit: AuditStore;
  nav: NavStore;
  commands: Commands;
  dispose(): void;
}

export function createAppStores(client: PosClient, options: { catalog?: CatalogStoreOptions } = {}): AppStores {
  const appInfo = createAppInfoStore(client);
  const session = createSessionStore(client);
  const cart = createCartStore(client);
  const catalog = createCatalogStore(client, options.catalog);
  const payment = createPaymentStore(client, { applyOrder: (order) => cart.getState().applyOrder(order) });
  const history = createHistoryStore(client);
  const receipt = createReceiptStore(client);
  const demo = createDemoStore(client);
  const devices = createDevicesStore(client);
  const paymentAdmin = createPaymentAdminStore(client, { receive: (attempt) => payment.getState().receive(attempt) });
  const refunds = createRefundStore(client);
  const reports = createReportsStore(client);
  const shift = createShiftStore(client, { closed: (report) => reports.getState().show(report) });
  // Paired or removed terminals change the tenders main offers.
  const terminals = createTerminalsStore(client, { changed: () => void appInfo.getState().load() });
  const audit = createAuditStore(client);
  const nav = createNavStore();

  const commands: Commands = {
    async start() {
      await Promise.all([appInfo.getState().load(), session.getState().start()]);
    },

    async scan(code, source) {
      if (session.getState().status !== 'active') {
        session.setState({ error: { code: 'NOT_AUTHENTICATED', message: 'Log in before scanning.' } });
        return;
      }
      const kind = await cart.getState().scan(code, source);
      if (kind === 'wallet') nav.getState().go('tender');
      else if (kind !== null && nav.getState().screen !== 'tender') nav.getState().go('sale');
    },

    pay() {
      const order = cart.getState().order;
      if (order?.status === 'open' && order.lines.length > 0) nav.getState().go('tender');
    },

    async newSale() {
      nav.getState().go('sale');
      cart.getState().clearNotice();
      catalog.getState().clearSearch();
      payment.getState().clearError();
      if (cart.getState().order?.status !== 'open') await cart.getState().load();
    },

    openHistory() {
      nav.getState().go('history');
      cart.getState().clearNotice();
      void history.getState().search(history.getState().query);
    },

    async openHistoryReceipt(orderId) {
      nav.getState().showReceipt('history');
      await receipt.getState().load(orderId, false);
    },

    open(screen) {
      if (screen === 'history') return commands.openHistory();
      nav.getState().go(screen);
      if (screen === 'devices') void Promise.all([devices.getState().load(), terminals.getState().load()]);
      if (screen === 'shift') void Promise.all([shift.getState().load(), reports.getState().loadList()]);
      if (screen === 'manager') void paymentAdmin.getState().loadAttention();
    },

    async printReceipt(copy) {
      const orderId = receipt.getState().orderId;
      if (!orderId) return;
      await Promise.all([
        devices.getState().printReceipt(orderId, copy),
        copy ? receipt.getState().reprint() : Promise.resolve(),
      ]);
    },

    back() {
      const { screen, receiptFrom } = nav.getState();
      if (screen === 'receipt') {
        if (receiptFrom === 'history') nav.getState().go('history');
        else void commands.newSale();
      } else if (screen !== 'sale') {
        nav.getState().go('sale');
      }
    },

    paymentInFlight() {
      const order = cart.getState().order;
      return (
        !!order && order.status === 'open' && attemptsForOrder(order, payment.getState().attempts).some(isAttemptOpen)
      );
    },
  };

  const unsubscribers = [
    client.onFailure((error) => {
      if (endsSession(error.code)) session.getState().authFailed(error.code);
    }),

    session.subscribe((now, before) => {
      // The dialogs waiting on a manager go with the workspace: a cart change left waiting is dropped.
      if (now.status !== 'active' && before.status === 'active' && cart.getState().approvalAsk)
        cart.getState().dismissApproval();
    }),

    session.subscribe((now, before) => {
      if (now.status !== 'active' || before.status === 'active') return;
      // A new cashier starts on the sale screen; an unlock returns to where they were.
      if (before.status !== 'locked') nav.getState().go('sale');
      void cart.getState().load();
      void catalog.getState().loadGrid();
    }),

    cart.subscribe((now, before) => {
      // Only the sale on the till completing opens its receipt: a later change to an
      // older order (a payment voided from history) must not take the screen.
      const done = now.order;
      if (!done || done === before.order || done.status !== 'completed') return;
      if (before.order?.id !== done.id || before.order.status !== 'open') return;
      nav.getState().showReceipt('sale');
      cart.getState().clearNotice();
      void receipt.getState().load(done.id, false);
    }),

    // A scan read in main (a HID scanner, the virtual scanner) moves the screen as a wedge scan does;
    // the devices screen stays put, as that is where a scanner is tried out.
    client.on('pos:scan.received', (scan) => {
      const screen = nav.getState().screen;
      if (scan.error || session.getState().status !== 'active' || screen === 'devices') return;
      if (scan.kind === 'wallet') nav.getState().go('tender');
      else if (scan.kind !== null && scan.kind !== 'badge' && screen !== 'tender') nav.getState().go('sale');
    }),

    (() => {
      let lost = false;
      return client.onConnection((status) => {
        if (status === 'closed') lost = true;
        if (status !== 'open' || !lost) return;
        // Events sent while we were away are gone: read main's state again.
        lost = false;
        void session
          .getState()
          .start()
          .then(() => {
            if (session.getState().status !== 'active') return;
            void cart.getState().load();
            if (appInfo.getState().info?.demo) void demo.getState().load();
            const screen = nav.getState().screen;
            if (screen === 'devices') void Promise.all([devices.getState().load(), terminals.getState().load()]);
            if (screen === 'shift') void shift.getState().load();
            const refundOrder = refunds.getState().orderId;
            if (screen === 'receipt' && refundOrder) void refunds.getState().load(refundOrder);
            if (paymentAdmin.getState().loaded) void paymentAdmin.getState().loadAttention();
          });
      });
    })(),
  ];

  return {
    client,
    appInfo,
    session,
    cart,
    catalog,
    payment,
    history,
    receipt,
    demo,
    devices,
    paymentAdmin,
    refunds,
    shift,
    reports,
    terminals,
    audit,
    nav,
    commands,
    dispose: () => unsubscribers.forEach((unsubscribe) => unsubscribe()),
  };
}

/**
 * Builds every feature store over one client and wires what crosses features: auth
 * failures to the session, a completed order to its receipt, a reconnect to a re-read
 * of main's state. Commands are the few cashier actions that touch several stores.
 */
import type { PosClient } from '../api/client';
import { isAttemptOpen } from '../format/attempt-text';
import { createAppInfoStore, type AppInfoStore } from './app-info-store';
import { createCartStore, type CartStore, type ScanSource } from './cart-store';
import { createCatalogStore, type CatalogStore, type CatalogStoreOptions } from './catalog-store';
import { createHistoryStore, type HistoryStore } from './history-store';
import { createNavStore, type NavStore } from './nav-store';
import { attemptsForOrder, createPaymentStore, type PaymentStore } from './payment-store';
import { createReceiptStore, type ReceiptStore } from './receipt-store';
import { createSessionStore, type SessionStore } from './session-store';

export interface Commands {
  /** Reads station facts and the session; call once when the page opens. */
  start(): Promise<void>;
  /** A scan from the wedge detector or a code keyed in the search box. */
  scan(code: string, source: ScanSource): Promise<void>;
  pay(): void;
  newSale(): Promise<void>;
  openHistory(): void;
  openHistoryReceipt(orderId: string): Promise<void>;
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
      return !!order && order.status === 'open' && attemptsForOrder(order, payment.getState().attempts).some(isAttemptOpen);
    },
  };

  const unsubscribers = [
    client.onFailure((error) => {
      if (error.code === 'NOT_AUTHENTICATED' || error.code === 'SESSION_LOCKED') session.getState().authFailed(error.code);
    }),

    session.subscribe((now, before) => {
      if (now.status !== 'active' || before.status === 'active') return;
      // A new cashier starts on the sale screen; an unlock returns to where they were.
      if (before.status !== 'locked') nav.getState().go('sale');
      void cart.getState().load();
      void catalog.getState().loadGrid();
    }),

    cart.subscribe((now, before) => {
      const done = now.finished;
      if (!done || done === before.finished || done.status !== 'completed') return;
      if (before.finished?.id === done.id && before.finished.status === 'completed') return;
      nav.getState().showReceipt('sale');
      cart.getState().clearNotice();
      void receipt.getState().load(done.id, false);
    }),

    (() => {
      let lost = false;
      return client.onConnection((status) => {
        if (status === 'closed') lost = true;
        if (status !== 'open' || !lost) return;
        // Events sent while we were away are gone: read main's state again.
        lost = false;
        void session.getState().start().then(() => {
          if (session.getState().status === 'active') void cart.getState().load();
        });
      });
    })(),
  ];

  return {
    client, appInfo, session, cart, catalog, payment, history, receipt, nav, commands,
    dispose: () => unsubscribers.forEach((unsubscribe) => unsubscribe()),
  };
}

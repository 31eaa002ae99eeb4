/**
 * Tendering: cash (main computes change) and electronic attempts. An attempt's state is
 * rendered as main reports it, from the tender reply, `pos:payment.changed` events and
 * the order's own attempt list; the newest report of each attempt wins.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AttemptView, OrderView } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';

export interface CashResult {
  orderId: string;
  change: number;
  completed: boolean;
}

/** Which electronic tender: a provider and, for providers that drive several, its terminal. */
export interface TenderChoice {
  provider: string;
  terminal: string | null;
}

export interface ElectronicOptions {
  /** CodePay: the customer picks a tip on the terminal's screen. */
  onScreenTip?: boolean;
  /** A customer's wallet code keyed by the cashier (a scanned one goes through the scan path). */
  walletCode?: string;
}

export interface PaymentState {
  /** Attempts main told us about, by id. */
  attempts: Record<string, AttemptView>;
  lastCash: CashResult | null;
  busy: boolean;
  error: string | null;
  payCash(orderId: string, tendered: number): Promise<CashResult | null>;
  startElectronic(orderId: string, tender: TenderChoice, amount: number, options?: ElectronicOptions): Promise<AttemptView | null>;
  stopWaiting(attemptId: string): Promise<void>;
  /** Takes an attempt main reported (reply or `pos:payment.changed`). */
  receive(attempt: AttemptView): void;
  clearError(): void;
}

export type PaymentStore = StoreApi<PaymentState>;

function newer(a: AttemptView | undefined, b: AttemptView): AttemptView {
  return a && a.updatedAt > b.updatedAt ? a : b;
}

/** The order's attempts, each in its newest known state, oldest first. */
export function attemptsForOrder(order: OrderView, known: Record<string, AttemptView>): AttemptView[] {
  const merged = new Map(order.attempts.map((attempt) => [attempt.id, attempt]));
  for (const attempt of Object.values(known)) {
    if (attempt.orderId === order.id) merged.set(attempt.id, newer(merged.get(attempt.id), attempt));
  }
  return [...merged.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * Approvals the customer must get back (DESIGN §6 rule 6): an approval that arrived after its
 * sale was paid another way. Shown to the cashier at once, whatever screen is open.
 */
export function moneyToGiveBack(known: Record<string, AttemptView>): AttemptView[] {
  return Object.values(known).filter((attempt) => attempt.kind === 'sale' && attempt.state === 'needs_reversal');
}

export function createPaymentStore(client: PosClient, hooks: { applyOrder(order: OrderView): void }): PaymentStore {
  const store = createStore<PaymentState>()((set, get) => {
    function failed(error: unknown): null {
      const failure = toClientError(error);
      set({ busy: false, error: failure.code === 'NOT_AUTHENTICATED' || failure.code === 'SESSION_LOCKED' ? null : failure.message });
      return null;
    }

    return {
      attempts: {},
      lastCash: null,
      busy: false,
      error: null,

      async payCash(orderId, tendered) {
        set({ busy: true, error: null });
        try {
          const { order, change, completed } = await client.invoke('pos:tender.cash', { orderId, tendered });
          const result = { orderId, change, completed };
          // lastCash first: the order completing moves the screen to the receipt, which shows the change.
          set({ busy: false, lastCash: result });
          hooks.applyOrder(order);
          return result;
        } catch (error) {
          return failed(error);
        }
      },

      async startElectronic(orderId, tender, amount, options = {}) {
        set({ busy: true, error: null });
        try {
          const attempt = await client.invoke('pos:tender.start', {
            orderId, provider: tender.provider, terminal: tender.terminal, amount,
            ...(options.onScreenTip ? { onScreenTip: true } : {}),
            ...(options.walletCode ? { walletCode: options.walletCode } : {}),
          });
          get().receive(attempt);
          set({ busy: false });
          return attempt;
        } catch (error) {
          return failed(error);
        }
      },

      async stopWaiting(attemptId) {
        set({ error: null });
        try {
          get().receive(await client.invoke('pos:tender.cancel', { attemptId }));
        } catch (error) {
          failed(error);
        }
      },

      receive(attempt) {
        const attempts = get().attempts;
        set({ attempts: { ...attempts, [attempt.id]: newer(attempts[attempt.id], attempt) } });
      },

      clearError() {
        set({ error: null });
      },
    };
  });

  client.on('pos:payment.changed', (attempt) => store.getState().receive(attempt));

  return store;
}

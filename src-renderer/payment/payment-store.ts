/**
 * Tendering: cash (main computes change) and electronic attempts. An attempt's state is
 * rendered as main reports it, from the tender reply, `pos:payment.changed` events and
 * the order's own attempt list; the newest report of each attempt wins.
 *
 * Cash back above the store's limit needs a manager: main answers APPROVAL_REQUIRED to
 * `pos:tender.start`. The store then asks (`approvalAsk`, shown by the tender screen with
 * the approval dialog) and sends the SAME start again with the reason and the approval;
 * `startElectronic` settles only once that is decided (as the cart store does).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelInput } from '../../src-shared/contract';
import type { AttemptView, OrderView } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';
import { createApprovalWaiter, type Approval } from '../common/approval';
import { shownError } from '../common/shown-error';

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
  /** The customer picks a tip on the terminal's screen (a provider with `capabilities.onScreenTip`). */
  onScreenTip?: boolean;
  /** A customer's wallet code keyed by the cashier (a scanned one goes through the scan path). */
  walletCode?: string;
  /** Cash handed to the customer from the drawer, charged to the card on top of the amount (minor units). */
  cashback?: number;
}

/** A payment main starts only once a manager approves (cash back over the store's limit). */
export interface PaymentApprovalAsk {
  /** Grows with every ask: a new ask is a new dialog. */
  id: number;
  /** Main's sentence: why a manager is needed. */
  message: string;
  orderId: string;
  amount: number;
  cashback: number;
}

export interface PaymentState {
  /** Attempts main told us about, by id. */
  attempts: Record<string, AttemptView>;
  lastCash: CashResult | null;
  busy: boolean;
  error: string | null;
  /** A payment waiting for a manager's approval, or null. */
  approvalAsk: PaymentApprovalAsk | null;
  payCash(orderId: string, tendered: number): Promise<CashResult | null>;
  /** Resolves with the attempt main started, or null (refused, or no manager approved it). */
  startElectronic(
    orderId: string,
    tender: TenderChoice,
    amount: number,
    options?: ElectronicOptions,
  ): Promise<AttemptView | null>;
  /**
   * Starts the payment waiting in `approvalAsk` with the manager's approval (undefined when
   * a manager is signed in). Resolves with null once main started it, else the sentence for
   * the dialog (a wrong PIN leaves the payment waiting).
   */
  approve(approval: Approval | undefined, reason: string): Promise<string | null>;
  /** No manager approved: the waiting payment is not started. */
  dismissApproval(): void;
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

/** Cash back of the order's card tenders, to hand over from the drawer. */
export function cashBackOf(order: OrderView): { attemptId: string | null; amount: number }[] {
  return order.tenders
    .filter((tender) => tender.kind !== 'cash' && tender.cashback > 0)
    .map((tender) => ({ attemptId: tender.attemptId, amount: tender.cashback }));
}

type StartInput = ChannelInput<'pos:tender.start'>;

export function createPaymentStore(client: PosClient, hooks: { applyOrder(order: OrderView): void }): PaymentStore {
  const store = createStore<PaymentState>()((set, get) => {
    /** The start behind `approvalAsk`, until a manager approves it or the dialog is dismissed. */
    const waiter = createApprovalWaiter<AttemptView, Omit<PaymentApprovalAsk, 'id' | 'message'>>((ask) =>
      set({ approvalAsk: ask }),
    );

    function failed(error: unknown): null {
      set({ busy: false, error: shownError(error) });
      return null;
    }

    return {
      attempts: {},
      lastCash: null,
      busy: false,
      error: null,
      approvalAsk: null,

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
        const input: StartInput = {
          orderId,
          provider: tender.provider,
          terminal: tender.terminal,
          amount,
          ...(options.onScreenTip ? { onScreenTip: true } : {}),
          ...(options.walletCode ? { walletCode: options.walletCode } : {}),
          ...(options.cashback ? { cashback: options.cashback } : {}),
        };
        try {
          const attempt = await client.invoke('pos:tender.start', input);
          get().receive(attempt);
          set({ busy: false });
          return attempt;
        } catch (error) {
          const failure = toClientError(error);
          if (failure.code !== 'APPROVAL_REQUIRED') return failed(error);
          set({ busy: false });
          return waiter.wait({ orderId, amount, cashback: options.cashback ?? 0 }, failure.message, (extra) =>
            client.invoke('pos:tender.start', { ...input, ...extra }),
          );
        }
      },

      approve: (approval, reason) =>
        waiter.approve(
          approval,
          reason,
          (attempt) => get().receive(attempt),
          (error) => toClientError(error).message,
        ),

      dismissApproval() {
        if (waiter.dismiss()) set({ error: 'The payment was not started: no manager approved it.' });
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

/**
 * IOTPay v1 gateway simulator for demo/training mode and integration tests
 * (PAYMENTS.md §6 "IOTPay"). An HTTP server on 127.0.0.1 that checks the `params=` wrapper
 * and the MD5 signature like the real gateway, signs its replies, adds fields clients do
 * not know, and plays per-order behaviours: card sales on a (virtual) PAX terminal that
 * block create_order, wallet codes that move 0 → 1 → 2 over queries, refunds with
 * refundable tracking, and the faults a POS must survive. It counts what matters: charges,
 * create_order calls per mchOrderNo, refunds.
 *
 * This entry (the one demo mode and the tests import) holds the server and the control
 * surface, the virtual terminal's act() included; the books and the order state machine live
 * in `iotpay-simulator-orders.ts`, the HTTP endpoints in `iotpay-simulator-routes.ts`, all
 * sharing one `IotpaySimContext`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  FINAL,
  createIotpayOrderBook,
  type IotpayBehaviour,
  type IotpayBehaviourOptions,
  type IotpayReplyFault,
  type IotpaySimContext,
  type IotpaySimulatorOptions,
  type Order,
  type RefundRecord,
} from './iotpay-simulator-orders';
import { createIotpayRoutes } from './iotpay-simulator-routes';

export type {
  IotpayBehaviour,
  IotpayBehaviourOptions,
  IotpayReplyFault,
  IotpaySimulatorOptions,
} from './iotpay-simulator-orders';

export type VirtualTerminalAction = 'tap-approve' | 'decline' | 'walk-away';

export interface SimulatedOrder {
  payOrderId: string;
  mchOrderNo: string;
  channelId: string;
  amount: number;
  tip: number;
  currency: string;
  status: number;
  refundable: number;
  queries: number;
  awaitingTerminal: boolean;
}

export interface IotpaySimulator {
  /** e.g. http://127.0.0.1:41234 — use as the provider's baseUrl. */
  readonly url: string;
  readonly mchId: string;
  readonly key: string;
  /** Queue a behaviour for the next create_order (calls queue up in order). */
  setBehaviour(behaviour: IotpayBehaviour, opts?: IotpayBehaviourOptions): void;
  clearBehaviours(): void;
  /** Break the next `count` query_order replies (replaces any earlier setting; count 0 clears). */
  setQueryFault(fault: IotpayReplyFault, count?: number): void;
  /** Break the next refund_order reply; `charge` false: fail before refunding. */
  setRefundFault(fault: IotpayReplyFault, opts?: { charge?: boolean }): void;
  /** Orders that became paid (each counted once). */
  charges(): number;
  createOrderCalls(mchOrderNo: string): number;
  queryCalls(mchOrderNo: string): number;
  /** Refunds that moved money (a repeated mchRefundNo is not counted again). */
  refunds(): number;
  refundCalls(mchRefundNo: string): number;
  order(mchOrderNo: string): SimulatedOrder | null;
  /** CC_PAX sales waiting on the virtual terminal. */
  pendingCardSales(): { mchOrderNo: string; amount: number; currency: string }[];
  /** Plays the customer at the virtual terminal. False when no such sale is waiting. */
  act(mchOrderNo: string, action: VirtualTerminalAction): boolean;
  /**
   * The customer pays an order that is not final yet, whatever its behaviour (taps the card
   * after the cashier stopped waiting, confirms the wallet payment late). False when the order
   * is unknown or already final.
   */
  payNow(mchOrderNo: string): boolean;
  /**
   * The merchant key changes at the gateway (fault "wrong merchant key"): from now on, requests
   * signed with the till's old key are refused with 0013, and replies are signed with the new one.
   */
  setMerchantKey(key: string): void;
  /** Subscribe to any change (new order, status, terminal, each query); returns unsubscribe. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

/** Starts the simulator; resolves once it listens. */
export async function startIotpaySimulator(options: IotpaySimulatorOptions = {}): Promise<IotpaySimulator> {
  const mchId = options.mchId ?? '10000576';
  const orders = new Map<string, Order>();
  const byPayOrderId = new Map<string, Order>();
  const refundsByNo = new Map<string, RefundRecord>();
  const createCalls = new Map<string, number>();
  const refundCallCounts = new Map<string, number>();
  const queue: { behaviour: IotpayBehaviour; opts: IotpayBehaviourOptions }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const listeners = new Set<() => void>();
  if (options.onChange) listeners.add(options.onChange);
  const context: IotpaySimContext = {
    options,
    mchId,
    key: options.key ?? 'demo-merchant-key',
    orders,
    byPayOrderId,
    refundsByNo,
    createCalls,
    refundCallCounts,
    queue,
    queryFault: null,
    refundFault: null,
    timers,
    listeners,
    chargeCount: 0,
    refundCount: 0,
    serial: 0,
  };
  const book = createIotpayOrderBook(context);
  const { changed, later, setStatus, paid } = book;
  const { handle, answerHeld } = createIotpayRoutes(context, book);

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('simulator error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    url: `http://${address.address}:${address.port}`,
    mchId,
    get key() {
      return context.key;
    },
    setBehaviour(behaviour, opts = {}) {
      queue.push({ behaviour, opts });
    },
    clearBehaviours() {
      queue.length = 0;
    },
    setQueryFault(fault, count = 1) {
      context.queryFault = { fault, remaining: count };
    },
    setRefundFault(fault, opts = {}) {
      context.refundFault = { fault, charge: opts.charge !== false };
    },
    charges: () => context.chargeCount,
    createOrderCalls: (mchOrderNo) => createCalls.get(mchOrderNo) ?? 0,
    queryCalls: (mchOrderNo) => orders.get(mchOrderNo)?.queries ?? 0,
    refunds: () => context.refundCount,
    refundCalls: (mchRefundNo) => refundCallCounts.get(mchRefundNo) ?? 0,
    order(mchOrderNo) {
      const o = orders.get(mchOrderNo);
      return o
        ? {
            payOrderId: o.payOrderId,
            mchOrderNo: o.mchOrderNo,
            channelId: o.channelId,
            amount: o.amount,
            tip: o.tip,
            currency: o.currency,
            status: o.status,
            refundable: o.refundable,
            queries: o.queries,
            awaitingTerminal: o.awaitingTerminal,
          }
        : null;
    },
    pendingCardSales() {
      return [...orders.values()]
        .filter((o) => o.awaitingTerminal)
        .map((o) => ({ mchOrderNo: o.mchOrderNo, amount: o.amount, currency: o.currency }));
    },
    act(mchOrderNo, action) {
      const order = orders.get(mchOrderNo);
      if (!order || !order.awaitingTerminal) return false;
      order.awaitingTerminal = false;
      if (action === 'tap-approve') {
        paid(order);
        answerHeld(order);
      } else if (action === 'decline') {
        setStatus(order, 9);
        answerHeld(order);
      } else {
        // The customer left: the terminal keeps the order "paying", then expires it; the
        // POS's create_order gets no reply and times out (§6).
        order.walkedAway = true;
        changed();
        later(order.opts.expireMs ?? options.walkAwayExpireMs ?? 90_000, () => setStatus(order, 4));
      }
      return true;
    },
    payNow(mchOrderNo) {
      const order = orders.get(mchOrderNo);
      if (!order || FINAL(order.status)) return false;
      order.awaitingTerminal = false;
      paid(order);
      answerHeld(order);
      return true;
    },
    setMerchantKey(next) {
      context.key = next;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const order of orders.values()) {
        order.held?.destroy();
        order.held = null;
      }
      listeners.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A YabandPay gateway with one cloud POS terminal behind it, for demo mode (the
 * "virtual terminal") and integration tests over real HTTP (PAYMENTS.md §6). It checks
 * what the real gateway checks (HMAC, required fields, duplicate request_id, method),
 * moves orders through their states on timers, enforces the reversal / refund / capture
 * rules, and counts charges so tests can prove nothing was charged twice.
 *
 * Choices where the vendor is silent (PAYMENTS.md §3.2 Gaps), all marked SIM:
 * - a reused request_id answers -3002; with `duplicateRevealsTradeId` the reply also
 *   carries the original trade_id in signed data, else no data at all; with
 *   `replayDuplicatePos` a reused v3.POS request_id is accepted and answers the ORIGINAL
 *   order again (an idempotent replay: it may already be paid);
 * - nested reply values (`transaction_info`) are signed as PHP's "Array" by default, or
 *   as compact JSON (`nestedSigning`);
 * - a reused order_id (new request_id) is refused with -3002 too, never a second order;
 * - a reused m_refund_id returns the existing refund, never a second one;
 * - business refusals use code -2002, an offline terminal -2001, unknown ids -2004
 *   (undocumented codes: the provider reads only the documented ones).
 *
 * This entry (the one demo mode and the tests import) holds the server and the control
 * surface, the virtual terminal's act() included; the books and the order rules live in
 * `yabandpay-simulator-orders.ts`, the methods and their HTTP framing in
 * `yabandpay-simulator-methods.ts`, all sharing one `YabandpaySimContext`.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  OPEN,
  createYabandpayOrderBook,
  type YabandpaySimContext,
  type YabandpaySimFault,
  type YabandpaySimOrder,
  type YabandpaySimOutcome,
  type YabandpaySimRefund,
  type YabandpaySimRefundOutcome,
  type YabandpaySimStats,
  type YabandpaySimulatorOptions,
} from './yabandpay-simulator-orders';
import { createYabandpayMethods } from './yabandpay-simulator-methods';
import type { NestedSigningForm } from './yabandpay-sign';

export { YABANDPAY_SIM_QUOTED_PAN } from './yabandpay-simulator-orders';
export type {
  YabandpaySimFault,
  YabandpaySimOrder,
  YabandpaySimOutcome,
  YabandpaySimRefund,
  YabandpaySimRefundOutcome,
  YabandpaySimStats,
  YabandpaySimulatorOptions,
} from './yabandpay-simulator-orders';

export type YabandpaySimAction = 'approve' | 'decline' | 'cancel' | 'walk-away';

export interface YabandpaySimulator {
  readonly url: string;
  setOutcome(outcome: YabandpaySimOutcome): void;
  /** Outcomes for the next orders, in order, before the default applies again. */
  queueOutcomes(...outcomes: YabandpaySimOutcome[]): void;
  setRefundOutcome(outcome: YabandpaySimRefundOutcome): void;
  /** The next `times` replies to `method` ('*' for any) go wrong this way. */
  injectFault(method: string, fault: YabandpaySimFault, times?: number): void;
  setTerminalOffline(offline: boolean): void;
  setDuplicateRevealsTradeId(reveal: boolean): void;
  setReplayDuplicatePos(replay: boolean): void;
  setNestedSigning(form: NestedSigningForm): void;
  /** Corrupt the sign of every reply until turned off. */
  setCorruptSignatures(corrupt: boolean): void;
  /** Virtual terminal: what the customer does with a waiting (interactive) order. False if it is not waiting. */
  act(tradeId: string, action: YabandpaySimAction): boolean;
  /** Orders the terminal is showing now (02 pending / 03 processing / 04 verify). */
  waitingOrders(): YabandpaySimOrder[];
  /** Called after every state change; returns an unsubscribe function. */
  onChange(listener: (order: YabandpaySimOrder) => void): () => void;
  order(tradeId: string): YabandpaySimOrder | undefined;
  ordersFor(orderId: string): YabandpaySimOrder[];
  /** v3.POS requests received for an order_id (accepted or not). */
  posCallsFor(orderId: string): number;
  /** The request_id of each v3.POS received for an order_id, in order. */
  posRequestIdsFor(orderId: string): string[];
  refundsFor(tradeId: string): YabandpaySimRefund[];
  stats(): YabandpaySimStats;
  close(): Promise<void>;
}

/** Starts the simulator on 127.0.0.1 (port 0 = any free port). */
export async function startYabandpaySimulator(options: YabandpaySimulatorOptions): Promise<YabandpaySimulator> {
  const now = options.now ?? Date.now;
  const stepMs = options.stepMs ?? 1_500;
  const queued: YabandpaySimOutcome[] = [];
  const faults: { method: string; fault: YabandpaySimFault; left: number }[] = [];
  const orders = new Map<string, YabandpaySimOrder>();
  const refunds = new Map<string, YabandpaySimRefund>();
  const requestIds = new Map<string, string | null>(); // request_id → trade_id of the v3.POS it created
  const posCalls = new Map<string, string[]>(); // order_id → request_id of each v3.POS
  const listeners = new Set<(order: YabandpaySimOrder) => void>();
  const timers = new Set<NodeJS.Timeout>();
  const stats: YabandpaySimStats = { charges: 0, reversals: 0, refunds: 0, refundedMinor: 0, captures: 0, calls: {} };

  const context: YabandpaySimContext = {
    options,
    now,
    stepMs,
    defaultOutcome: options.outcome ?? 'paid',
    refundOutcome: options.refundOutcome ?? 'refunded',
    revealTradeId: options.duplicateRevealsTradeId ?? false,
    replayPos: options.replayDuplicatePos ?? false,
    nestedSigning: options.nestedSigning ?? 'php-array',
    offline: false,
    corrupt: false,
    queued,
    faults,
    orders,
    refunds,
    requestIds,
    posCalls,
    listeners,
    timers,
    stats,
  };
  const book = createYabandpayOrderBook(context);
  const { later, setState } = book;
  const { respond } = createYabandpayMethods(context, book);

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/Payments') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > 65_536) req.socket.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => respond(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setOutcome: (outcome) => {
      context.defaultOutcome = outcome;
    },
    queueOutcomes: (...outcomes) => {
      queued.push(...outcomes);
    },
    setRefundOutcome: (outcome) => {
      context.refundOutcome = outcome;
    },
    injectFault: (method, fault, times = 1) => {
      faults.push({ method, fault, left: times });
    },
    setTerminalOffline: (value) => {
      context.offline = value;
    },
    setDuplicateRevealsTradeId: (value) => {
      context.revealTradeId = value;
    },
    setReplayDuplicatePos: (value) => {
      context.replayPos = value;
    },
    setNestedSigning: (form) => {
      context.nestedSigning = form;
    },
    setCorruptSignatures: (value) => {
      context.corrupt = value;
    },
    act(tradeId, action) {
      const order = orders.get(tradeId);
      if (!order || order.outcome !== 'interactive' || !OPEN.has(order.state)) return false;
      if (action === 'approve') {
        setState(order, '03');
        later(stepMs, () => {
          if (OPEN.has(order.state)) setState(order, order.operation === '2' ? '01' : '00');
        });
      } else {
        setState(order, { decline: '05', cancel: '08', 'walk-away': '07' }[action]);
      }
      return true;
    },
    waitingOrders: () => [...orders.values()].filter((o) => OPEN.has(o.state)).map((o) => ({ ...o })),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    order: (tradeId) => {
      const o = orders.get(tradeId);
      return o && { ...o };
    },
    ordersFor: (orderId) => [...orders.values()].filter((o) => o.orderId === orderId).map((o) => ({ ...o })),
    posCallsFor: (orderId) => posCalls.get(orderId)?.length ?? 0,
    posRequestIdsFor: (orderId) => [...(posCalls.get(orderId) ?? [])],
    refundsFor: (tradeId) => [...refunds.values()].filter((r) => r.tradeId === tradeId).map((r) => ({ ...r })),
    stats: () => ({ ...stats, calls: { ...stats.calls } }),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      listeners.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

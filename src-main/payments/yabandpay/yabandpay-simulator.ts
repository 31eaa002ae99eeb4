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
 * One file on purpose: the brief gives the simulator one module; it is long because it
 * is a whole gateway, each method a short handler.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { parseDecimalString, toDecimalString } from '../../../src-shared/money';
import { cancelPaymentDeadline, sameGatewayDay } from './yabandpay-clock';
import { yabandpaySignData, type NestedSigningForm } from './yabandpay-sign';

/** How the next terminal orders end. `interactive` waits for `act()`. */
export type YabandpaySimOutcome =
  'paid' | 'authorized' | 'declined' | 'failed' | 'cancelled' | 'expired' | 'verify-paid' | 'stuck' | 'interactive';
/** How the next refunds end: 22 → 23, or stuck at 20 / 21, or 22 → 24 / 25. */
export type YabandpaySimRefundOutcome = 'refunded' | 'awaiting-approval' | 'balance-pending' | 'failed' | 'error';
/**
 * What goes wrong with the next reply to a method (the request itself is still processed,
 * except internal-error). `slow`: the reply comes `stepMs` × 20 late. `card-in-message`: the
 * reply's free-text message quotes a full card number, as some gateways do in error texts.
 * `foreign-order`: a successful reply that names an order (order_id, trade_id) is signed
 * correctly but names ANOTHER order: the latest other order the gateway has (so its trade_id
 * is real and may be paid), else a made-up one.
 */
export type YabandpaySimFault =
  | 'internal-error'
  | 'drop'
  | 'http500'
  | 'malformed'
  | 'bad-signature'
  | 'hang'
  | 'slow'
  | 'card-in-message'
  | 'foreign-order';

/** The full (Luhn-valid) test card number `card-in-message` quotes. */
export const YABANDPAY_SIM_QUOTED_PAN = '4111111111111111';
export type YabandpaySimAction = 'approve' | 'decline' | 'cancel' | 'walk-away';

export interface YabandpaySimulatorOptions {
  secretKey: string;
  port?: number;
  /** Default outcome of new orders (default 'paid'). */
  outcome?: YabandpaySimOutcome;
  refundOutcome?: YabandpaySimRefundOutcome;
  /** Delay between two state changes (default 1500 ms; tests use a few ms). */
  stepMs?: number;
  /** Gateway clock (default Date.now), for the same-day / 00:30 CET / 30-day rules. */
  now?: () => number;
  /** SIM: whether a -3002 reply to a reused v3.POS request_id includes the original trade_id. */
  duplicateRevealsTradeId?: boolean;
  /** SIM: a reused v3.POS request_id is accepted and answers the original order again (no second order). */
  replayDuplicatePos?: boolean;
  /** How nested reply values are signed: PHP SDK "Array" (default) or compact JSON. */
  nestedSigning?: NestedSigningForm;
  /** QueryOrder / QueryRefundOrder states as codes ("00", default) or words ("paid"). */
  stateFormat?: 'code' | 'word';
}

export interface YabandpaySimOrder {
  tradeId: string;
  orderId: string;
  requestId: string;
  operation: '1' | '2';
  amount: number;
  tip: number;
  currency: string;
  description: string;
  state: string;
  createdAt: number;
  paidAt: number | null;
  captured: number | null;
  outcome: YabandpaySimOutcome;
}

export interface YabandpaySimRefund {
  refundId: string;
  mRefundId: string | null;
  tradeId: string;
  amount: number;
  currency: string;
  state: string;
  createdAt: number;
}

export interface YabandpaySimStats {
  /** Orders that became paid: sales paid on the terminal plus captured authorisations. */
  charges: number;
  /** Charges later reversed (POSReversal or CancelPayment of a paid/authorised order). */
  reversals: number;
  /** Refunds that reached 23 refunded, and their total in minor units. */
  refunds: number;
  refundedMinor: number;
  captures: number;
  /** Every signature-valid request, by method. */
  calls: Record<string, number>;
}

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

const CODE_WORD: Record<string, string> = {
  '00': 'paid',
  '01': 'authorized',
  '02': 'pending',
  '03': 'processing',
  '04': 'verify',
  '05': 'declined',
  '06': 'failed',
  '07': 'expired',
  '08': 'cancelled',
  '20': 'to-be-approval',
  '21': 'refund pending',
  '22': 'refund processing',
  '23': 'refunded',
  '24': 'refund failed',
  '25': 'refund error',
};
const OPEN = new Set(['02', '03', '04']);
const LIVE_REFUND = new Set(['20', '21', '22', '23']);
const DAY = 86_400_000;
const SIM = { offline: '-2001', notAllowed: '-2002', notFound: '-2004' } as const;

const REQUIRED: Record<string, string[]> = {
  'v3.POS': [
    'pay_method',
    'sub_pay_method',
    'operation',
    'tid',
    'order_id',
    'amount',
    'currency',
    'description',
    'notify_url',
    'request_id',
  ],
  'v3.QueryOrder': ['trade_id'],
  'v3.POSCancel': ['tid', 'trade_id', 'request_id'],
  'v3.POSReversal': ['tid', 'trade_id', 'request_id'],
  'v3.CancelPayment': ['trade_id'],
  'v3.CreateRefund': ['trade_id', 'refund_amount', 'refund_currency', 'refund_description'],
  'v3.QueryRefundOrder': ['refund_id'],
  'v3.Capture': ['trade_id', 'amount', 'currency', 'description', 'notify_url', 'request_id'],
};

type Reply = { status: boolean; code: string; data: Record<string, unknown> | []; message: string; sign?: string };
class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }
}

function minor(text: string, currency: string, field: string): number {
  try {
    return parseDecimalString(text, currency);
  } catch {
    throw new Refusal('-3001', `Invalid field: ${field}`);
  }
}

/** Starts the simulator on 127.0.0.1 (port 0 = any free port). */
export async function startYabandpaySimulator(options: YabandpaySimulatorOptions): Promise<YabandpaySimulator> {
  const now = options.now ?? Date.now;
  const stepMs = options.stepMs ?? 1_500;
  let defaultOutcome = options.outcome ?? 'paid';
  let refundOutcome = options.refundOutcome ?? 'refunded';
  let revealTradeId = options.duplicateRevealsTradeId ?? false;
  let replayPos = options.replayDuplicatePos ?? false;
  let nestedSigning: NestedSigningForm = options.nestedSigning ?? 'php-array';
  let offline = false;
  let corrupt = false;
  const queued: YabandpaySimOutcome[] = [];
  const faults: { method: string; fault: YabandpaySimFault; left: number }[] = [];
  const orders = new Map<string, YabandpaySimOrder>();
  const refunds = new Map<string, YabandpaySimRefund>();
  const requestIds = new Map<string, string | null>(); // request_id → trade_id of the v3.POS it created
  const posCalls = new Map<string, string[]>(); // order_id → request_id of each v3.POS
  const listeners = new Set<(order: YabandpaySimOrder) => void>();
  const timers = new Set<NodeJS.Timeout>();
  const stats: YabandpaySimStats = { charges: 0, reversals: 0, refunds: 0, refundedMinor: 0, captures: 0, calls: {} };

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  const stateText = (code: string) => (options.stateFormat === 'word' ? CODE_WORD[code] : code);
  const unix = (ms: number | null) => (ms === null ? '' : String(Math.floor(ms / 1000)));

  function setState(order: YabandpaySimOrder, state: string): void {
    if (order.state === state) return;
    order.state = state;
    if (state === '00' || state === '01') order.paidAt ??= now();
    if (state === '00' && order.operation === '1') stats.charges += 1;
    for (const listener of listeners) listener({ ...order });
  }

  /** The terminal's own progress, step by step, for non-interactive orders. */
  function runScript(order: YabandpaySimOrder): void {
    const approved = order.operation === '2' ? '01' : '00';
    const finals: Partial<Record<YabandpaySimOutcome, string>> = {
      paid: approved,
      authorized: approved,
      declined: '05',
      failed: '06',
      cancelled: '08',
      expired: '07',
    };
    const step = (state: string, then?: () => void) =>
      later(stepMs, () => {
        if (OPEN.has(order.state)) {
          setState(order, state);
          then?.();
        }
      });
    if (order.outcome === 'verify-paid') step('04', () => step(approved));
    else if (finals[order.outcome]) step(finals[order.outcome]!);
  }

  function find(tradeId: string): YabandpaySimOrder {
    const order = orders.get(tradeId);
    if (!order) throw new Refusal(SIM.notFound, 'Order not found');
    return order;
  }
  function claimRequestId(requestId: string, tradeId: string | null): void {
    if (requestIds.has(requestId)) {
      const original = requestIds.get(requestId) ?? null;
      const data =
        revealTradeId && original ? { trade_id: original, order_id: orders.get(original)?.orderId ?? '' } : undefined;
      throw new Refusal('-3002', 'duplicate request_id', data);
    }
    requestIds.set(requestId, tradeId);
  }
  function needTerminal(): void {
    if (offline) throw new Refusal(SIM.offline, 'POS terminal is offline');
  }
  const liveRefunds = (tradeId: string) =>
    [...refunds.values()].filter((r) => r.tradeId === tradeId && LIVE_REFUND.has(r.state));
  const total = (order: YabandpaySimOrder) => order.amount + order.tip;

  function orderInfo(order: YabandpaySimOrder): Record<string, unknown> {
    const paid = order.paidAt !== null;
    return {
      trade_id: order.tradeId,
      order_id: order.orderId,
      pay_method: 'offline',
      sub_pay_method: 'point_of_sales',
      amount: toDecimalString(total(order), order.currency),
      tip_amount: toDecimalString(order.tip, order.currency),
      currency: order.currency,
      description: order.description,
      state: stateText(order.state),
      created_at: unix(order.createdAt),
      paid_time: unix(order.paidAt),
      transaction_id: paid ? `SIM${order.orderId}` : '',
      card_brand: paid ? 'VISA' : '',
      card_number: paid ? '424242******4242' : '',
      auth_code: paid ? '0A1B2C' : '',
      entry_mode: paid ? 'contactless' : '',
    };
  }
  const posReply = (o: YabandpaySimOrder) => ({
    order_id: o.orderId,
    trade_id: o.tradeId,
    amount: toDecimalString(total(o), o.currency),
    currency: o.currency,
    tip_amount: o.tip ? toDecimalString(o.tip, o.currency) : '',
    state: 'processing',
  });
  const refundInfo = (r: YabandpaySimRefund) => ({
    refund_id: r.refundId,
    m_refund_id: r.mRefundId,
    trade_id: r.tradeId,
    refund_amount: toDecimalString(r.amount, r.currency),
    refund_currency: r.currency,
    state: stateText(r.state),
    refund_time: unix(r.createdAt),
  });

  const handlers: Record<string, (d: Record<string, string>) => Record<string, unknown>> = {
    'v3.POS'(d) {
      posCalls.set(d.order_id, [...(posCalls.get(d.order_id) ?? []), d.request_id]);
      if (d.pay_method !== 'offline' || d.sub_pay_method !== 'point_of_sales')
        throw new Refusal('-4011', 'Not support the payment method');
      if (!/^\d{1,19}$/.test(d.order_id)) throw new Refusal('-3001', 'Invalid field: order_id');
      if (!/^[A-Za-z0-9]{24,}$/.test(d.request_id)) throw new Refusal('-3001', 'Invalid field: request_id');
      if (d.operation !== '1' && d.operation !== '2') throw new Refusal('-3001', 'Invalid field: operation');
      if (d.currency !== 'EUR' && d.currency !== 'CHF') throw new Refusal('-3001', 'Invalid field: currency');
      const amount = minor(d.amount, d.currency, 'amount');
      const tip = d.tip_amount ? minor(d.tip_amount, d.currency, 'tip_amount') : 0;
      if (amount < 10 || tip < 0 || tip > amount) throw new Refusal('-3001', 'Invalid field: amount');
      // Duplicates first: a resent request must never reach the terminal again.
      const original = orders.get(requestIds.get(d.request_id) ?? '');
      if (replayPos && original) return posReply(original);
      claimRequestId(d.request_id, null);
      if ([...orders.values()].some((o) => o.orderId === d.order_id)) throw new Refusal('-3002', 'duplicate order_id');
      try {
        needTerminal();
      } catch (refusal) {
        requestIds.delete(d.request_id);
        throw refusal;
      }
      const order: YabandpaySimOrder = {
        tradeId: randomUUID(),
        orderId: d.order_id,
        requestId: d.request_id,
        operation: d.operation,
        amount: amount - tip,
        tip,
        currency: d.currency,
        description: d.description,
        state: '03',
        createdAt: now(),
        paidAt: null,
        captured: null,
        outcome: queued.shift() ?? defaultOutcome,
      };
      orders.set(order.tradeId, order);
      requestIds.set(d.request_id, order.tradeId);
      if (order.outcome === 'interactive') order.state = '02';
      for (const listener of listeners) listener({ ...order });
      runScript(order);
      return posReply(order);
    },
    'v3.QueryOrder': (d) => ({ transaction_info: orderInfo(find(d.trade_id)) }),
    'v3.POSCancel'(d) {
      claimRequestId(d.request_id, null);
      needTerminal();
      const order = find(d.trade_id);
      if (!OPEN.has(order.state)) throw new Refusal(SIM.notAllowed, 'Only an unpaid order can be cancelled');
      setState(order, '08');
      return { trade_id: order.tradeId, state: 'cancelled' };
    },
    'v3.POSReversal'(d) {
      claimRequestId(d.request_id, null);
      needTerminal();
      const order = find(d.trade_id);
      if (order.state !== '00' || order.paidAt === null)
        throw new Refusal(SIM.notAllowed, 'Only a successful sale can be reversed');
      if (!sameGatewayDay(order.paidAt, now()))
        throw new Refusal(SIM.notAllowed, 'A reversal is only possible on the day of the sale');
      if (liveRefunds(order.tradeId).length > 0)
        throw new Refusal(SIM.notAllowed, 'Only the full amount can be reversed');
      setState(order, '08');
      stats.reversals += 1;
      return { trade_id: order.tradeId, state: 'cancelled' };
    },
    'v3.CancelPayment'(d) {
      const order = find(d.trade_id);
      if (!OPEN.has(order.state) && order.state !== '00' && order.state !== '01')
        throw new Refusal(SIM.notAllowed, 'This order cannot be cancelled');
      if (liveRefunds(order.tradeId).length > 0)
        throw new Refusal(SIM.notAllowed, 'An order with a refund cannot be cancelled');
      if (now() > cancelPaymentDeadline(order.paidAt ?? order.createdAt))
        throw new Refusal(SIM.notAllowed, 'Cancel is only possible until 00:30 CET the next day');
      const wasCharged = order.state === '00';
      setState(order, '08');
      if (wasCharged) stats.reversals += 1;
      return { trade_id: order.tradeId, state: 'cancelled' };
    },
    'v3.CreateRefund'(d) {
      const order = find(d.trade_id);
      const amount = minor(d.refund_amount, order.currency, 'refund_amount');
      const mRefundId = d.m_refund_id || null;
      const earlier = mRefundId ? [...refunds.values()].find((r) => r.mRefundId === mRefundId) : undefined;
      if (earlier) {
        if (earlier.tradeId !== order.tradeId || earlier.amount !== amount)
          throw new Refusal(SIM.notAllowed, 'm_refund_id already used for another refund');
        return refundInfo(earlier); // SIM: the same refund again, never a second one
      }
      if (order.state !== '00') throw new Refusal(SIM.notAllowed, 'Only a paid order can be refunded');
      if (d.refund_currency !== order.currency)
        throw new Refusal(SIM.notAllowed, 'refund_currency must be the currency of the order');
      if (now() - (order.paidAt ?? order.createdAt) > 365 * DAY)
        throw new Refusal(SIM.notAllowed, 'Orders older than one year cannot be refunded');
      const live = liveRefunds(order.tradeId);
      if (live.length >= 29) throw new Refusal(SIM.notAllowed, 'Fewer than 30 refunds are allowed per order');
      const refunded = live.reduce((sum, r) => sum + r.amount, 0);
      if (amount <= 0 || refunded + amount > (order.captured ?? total(order)))
        throw new Refusal(SIM.notAllowed, 'The refund amount exceeds what is left of the order');
      const refund: YabandpaySimRefund = {
        refundId: randomUUID(),
        mRefundId,
        tradeId: order.tradeId,
        amount,
        currency: order.currency,
        state: '22',
        createdAt: now(),
      };
      if (refundOutcome === 'awaiting-approval') refund.state = '20';
      if (refundOutcome === 'balance-pending') refund.state = '21';
      refunds.set(refund.refundId, refund);
      const final = { refunded: '23', failed: '24', error: '25' }[refundOutcome as 'refunded' | 'failed' | 'error'];
      if (final) {
        later(stepMs, () => {
          refund.state = final;
          if (final === '23') {
            stats.refunds += 1;
            stats.refundedMinor += refund.amount;
          }
        });
      }
      return refundInfo(refund);
    },
    'v3.QueryRefundOrder'(d) {
      const refund = refunds.get(d.refund_id);
      if (!refund) throw new Refusal(SIM.notFound, 'Refund not found');
      return refundInfo(refund);
    },
    'v3.Capture'(d) {
      claimRequestId(d.request_id, null);
      const order = find(d.trade_id);
      if (order.operation !== '2' || order.state !== '01' || order.captured !== null)
        throw new Refusal(SIM.notAllowed, 'Only an open authorisation can be captured, once');
      if (now() - (order.paidAt ?? order.createdAt) > 30 * DAY)
        throw new Refusal(SIM.notAllowed, 'Capture is only possible within 30 days');
      if (d.currency !== order.currency)
        throw new Refusal(SIM.notAllowed, 'currency must be the currency of the authorisation');
      const amount = minor(d.amount, order.currency, 'amount');
      if (amount <= 0 || amount > total(order))
        throw new Refusal(SIM.notAllowed, 'The capture exceeds the authorisation');
      order.captured = amount;
      setState(order, '00');
      stats.charges += 1;
      stats.captures += 1;
      return { trade_id: order.tradeId, amount: d.amount, currency: d.currency, state: 'paid' };
    },
  };

  function signed(reply: Reply): Reply {
    if (Array.isArray(reply.data)) return reply; // SIM: an error without data is not signed
    const sign = yabandpaySignData(reply.data, options.secretKey, nestedSigning);
    return { ...reply, sign: corrupt ? sign.replace(/^./, (c) => (c === '0' ? '1' : '0')) : sign };
  }

  function handle(body: unknown): { method: string; reply: Reply } {
    const fail = (code: string, message: string, data?: Record<string, unknown>) =>
      signed({ status: false, code, data: data ?? [], message });
    if (typeof body !== 'object' || body === null)
      return { method: '', reply: fail('-3001', 'Required field is missing') };
    const { user, sign, method, time, data } = body as Record<string, unknown>;
    if (
      typeof user !== 'string' ||
      !user ||
      typeof sign !== 'string' ||
      typeof method !== 'string' ||
      (typeof time !== 'number' && typeof time !== 'string') ||
      typeof data !== 'object' ||
      data === null ||
      Array.isArray(data)
    ) {
      return { method: String(method ?? ''), reply: fail('-3001', 'Required field is missing') };
    }
    const fields = { ...(data as Record<string, unknown>), user, method, time: String(time) };
    if (yabandpaySignData(fields, options.secretKey) !== sign)
      return { method, reply: fail('-403', 'The signature Error') };
    stats.calls[method] = (stats.calls[method] ?? 0) + 1;
    const handler = handlers[method];
    if (!handler) return { method, reply: fail('-4011', 'Not support the payment method') };
    const strings: Record<string, string> = {};
    for (const [key, value] of Object.entries(data))
      if (typeof value === 'string' || typeof value === 'number') strings[key] = String(value);
    const missing = REQUIRED[method].find((key) => !strings[key]);
    if (missing) return { method, reply: fail('-3001', `Required field is missing: ${missing}`) };
    if (takeFault(method, 'internal-error')) return { method, reply: fail('-1000', 'Internal error') };
    try {
      return { method, reply: signed({ status: true, code: '200', data: handler(strings), message: '' }) };
    } catch (error) {
      if (error instanceof Refusal) return { method, reply: fail(error.code, error.message, error.data) };
      return { method, reply: fail('-1000', 'Internal error') };
    }
  }

  /** The same reply, re-signed, about another order than the one it answers (fault `foreign-order`). */
  function foreignOrderReply(reply: Reply): Reply {
    if (Array.isArray(reply.data) || typeof reply.data.order_id !== 'string') return reply;
    const ours = reply.data.order_id;
    const other = [...orders.values()].reverse().find((o) => o.orderId !== ours);
    const data = other
      ? { ...reply.data, ...posReply(other) }
      : { ...reply.data, order_id: `${ours.slice(0, -1)}${(Number(ours.slice(-1)) + 1) % 10}`, trade_id: randomUUID() };
    return signed({ status: reply.status, code: reply.code, data, message: reply.message });
  }

  function takeFault(method: string, only?: YabandpaySimFault): YabandpaySimFault | null {
    const index = faults.findIndex(
      (f) => (f.method === method || f.method === '*') && (only ? f.fault === only : f.fault !== 'internal-error'),
    );
    if (index < 0) return null;
    const fault = faults[index];
    if (--fault.left <= 0) faults.splice(index, 1);
    return fault.fault;
  }

  function respond(req: IncomingMessage, res: ServerResponse, text: string): void {
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* answered as a missing field below */
    }
    const handled = handle(body);
    const { method } = handled;
    let { reply } = handled;
    switch (takeFault(method)) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'hang':
        return; // closed by close()
      case 'slow':
        later(stepMs * 20, () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply)));
        return;
      case 'http500':
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"gateway"}');
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' }).end('<html>Bad Gateway</html>');
        return;
      case 'bad-signature':
        reply.sign = '0'.repeat(64);
        break;
      case 'card-in-message':
        reply.message = `${reply.message || 'Declined'} (card ${YABANDPAY_SIM_QUOTED_PAN})`;
        break;
      case 'foreign-order':
        reply = foreignOrderReply(reply);
        break;
      default:
        break;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  }

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
      defaultOutcome = outcome;
    },
    queueOutcomes: (...outcomes) => {
      queued.push(...outcomes);
    },
    setRefundOutcome: (outcome) => {
      refundOutcome = outcome;
    },
    injectFault: (method, fault, times = 1) => {
      faults.push({ method, fault, left: times });
    },
    setTerminalOffline: (value) => {
      offline = value;
    },
    setDuplicateRevealsTradeId: (value) => {
      revealTradeId = value;
    },
    setReplayDuplicatePos: (value) => {
      replayPos = value;
    },
    setNestedSigning: (form) => {
      nestedSigning = form;
    },
    setCorruptSignatures: (value) => {
      corrupt = value;
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

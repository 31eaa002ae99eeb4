/**
 * The simulated YabandPay gateway's books and the order rules they enforce (PAYMENTS.md §3, §6):
 * the shapes of outcomes, faults, options, orders, refunds and counts the simulator's API uses;
 * the state codes and the SIM refusal codes; and, over the shared books, the state transitions
 * (the cloud terminal's own progress on timers), the request_id and terminal checks and the
 * signed views of an order or a refund that replies carry. The entry `yabandpay-simulator.ts`
 * creates the one `YabandpaySimContext` this book and the methods
 * (`yabandpay-simulator-methods.ts`) share.
 */
import { parseDecimalString, toDecimalString } from '../../../src-shared/money';
import type { NestedSigningForm } from './yabandpay-sign';

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
/** Order states the terminal is still showing (02 pending / 03 processing / 04 verify). */
export const OPEN = new Set(['02', '03', '04']);
const LIVE_REFUND = new Set(['20', '21', '22', '23']);
export const DAY = 86_400_000;
/** SIM: the undocumented codes of business refusals, an offline terminal and unknown ids. */
export const SIM = { offline: '-2001', notAllowed: '-2002', notFound: '-2004' } as const;

/** A refusal a method throws; answered with its code, message and (signed) data. */
export class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** A decimal amount in minor units, refused as an invalid `field` when it does not parse. */
export function minor(text: string, currency: string, field: string): number {
  try {
    return parseDecimalString(text, currency);
  } catch {
    throw new Refusal('-3001', `Invalid field: ${field}`);
  }
}

/**
 * What the simulated gateway's parts share: its settings (some changed at runtime by the
 * control surface), its books and the faults scripted for the next replies. Created once per
 * simulator by `startYabandpaySimulator`.
 */
export interface YabandpaySimContext {
  options: YabandpaySimulatorOptions;
  /** The gateway clock. */
  now: () => number;
  /** Delay between two state changes. */
  stepMs: number;
  defaultOutcome: YabandpaySimOutcome;
  refundOutcome: YabandpaySimRefundOutcome;
  revealTradeId: boolean;
  replayPos: boolean;
  nestedSigning: NestedSigningForm;
  /** The terminal is offline: terminal methods are refused with -2001. */
  offline: boolean;
  /** Corrupt the sign of every reply. */
  corrupt: boolean;
  /** Outcomes for the next orders, before the default applies again. */
  queued: YabandpaySimOutcome[];
  faults: { method: string; fault: YabandpaySimFault; left: number }[];
  /** Orders by trade_id, refunds by refund_id. */
  orders: Map<string, YabandpaySimOrder>;
  refunds: Map<string, YabandpaySimRefund>;
  /** request_id → trade_id of the v3.POS it created. */
  requestIds: Map<string, string | null>;
  /** order_id → request_id of each v3.POS. */
  posCalls: Map<string, string[]>;
  listeners: Set<(order: YabandpaySimOrder) => void>;
  timers: Set<NodeJS.Timeout>;
  stats: YabandpaySimStats;
}

/** The order book's transitions, checks and views, over the shared context. */
export type YabandpayOrderBook = ReturnType<typeof createYabandpayOrderBook>;

/** The order book: timers, state transitions, the checks methods share and the views replies carry. */
export function createYabandpayOrderBook(context: YabandpaySimContext) {
  const { options, now, stepMs, orders, refunds, requestIds, listeners, timers, stats } = context;

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
        context.revealTradeId && original
          ? { trade_id: original, order_id: orders.get(original)?.orderId ?? '' }
          : undefined;
      throw new Refusal('-3002', 'duplicate request_id', data);
    }
    requestIds.set(requestId, tradeId);
  }
  function needTerminal(): void {
    if (context.offline) throw new Refusal(SIM.offline, 'POS terminal is offline');
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

  return {
    later,
    setState,
    runScript,
    find,
    claimRequestId,
    needTerminal,
    liveRefunds,
    total,
    orderInfo,
    posReply,
    refundInfo,
  };
}

/**
 * What every YabandPay flow (sale, void, refund, capture) shares: the config, the timing
 * rules, the client and what this process remembers about the sales it sent.
 */
import { monotonicClock, type MonotonicClock } from '../polling';
import type { ProviderAttempt, ProviderOutcome } from '../provider';
import type { YabandpayCallResult, YabandpayClient } from './yabandpay-client';
import { toDecimalString } from '../../../src-shared/money';

/** The `providers.yabandpay` config block (DESIGN.md §4), with the terminal's TID resolved. */
export interface YabandpayConfig {
  baseUrl: string;
  /** Top-level `user` of every call (for POS calls the docs use the terminal TID). */
  user: string;
  secretKey: string;
  /** The cloud POS terminal's TID (`tid` of v3.POS / POSCancel / POSReversal). */
  tid: string;
  /** Required by v3.POS (§3.3); the POS itself polls, so any receiver the merchant runs will do. */
  notifyUrl: string;
  currency: 'EUR' | 'CHF';
}

/** Timing rules; tests shrink them to milliseconds. */
export interface YabandpayTiming {
  /** Between two `v3.QueryOrder` / `v3.QueryRefundOrder` polls. */
  pollIntervalMs: number;
  /** How long `start` polls a sale before answering `unknown` (the engine then re-queries). */
  pollWindowMs: number;
  /** How long `start` polls a refund before answering `unknown`. */
  refundPollWindowMs: number;
  /** Per HTTP request. */
  requestTimeoutMs: number;
  /**
   * How many times a sale whose `v3.POS` reply was lost may be re-sent, with the same
   * order_id and request_id, to learn its trade_id (PAYMENTS.md §3.2 Gap). Then the
   * manager looks it up in the portal. Bounded over the attempt's whole life, restarts
   * included, through the engine's journaled `queriesSent` (yabandpay-sale.ts `resendAllowed`).
   */
  maxPosResends: number;
  /** Wall clock for `time` and the same-day / 00:30 CET rules only; injectable for tests. */
  now: () => number;
  /** Every poll window and deadline (DESIGN.md §6 rule 8); tests pass their own. */
  clock: MonotonicClock;
}

export const DEFAULT_YABANDPAY_TIMING: Readonly<YabandpayTiming> = {
  pollIntervalMs: 2_000,
  pollWindowMs: 180_000,
  refundPollWindowMs: 60_000,
  requestTimeoutMs: 15_000,
  maxPosResends: 2,
  now: () => Date.now(),
  clock: monotonicClock,
};

export interface YabandpayContext {
  config: YabandpayConfig;
  timing: YabandpayTiming;
  client: YabandpayClient;
  /** Aborted by `close()`. */
  closed: AbortSignal;
  /** trade_ids learned by this process, by order_id (attempt.reference). */
  tradeIds: RecentByOrderId<string>;
  /** `v3.POS` re-sends made by this process, by order_id (the durable bound is `attempt.queriesSent`). */
  posResends: RecentByOrderId<number>;
  /** `v3.POS` requests still on the wire, by order_id: a query or cancel waits for them instead of re-sending. */
  posInFlight: Map<string, Promise<YabandpayCallResult>>;
}

/**
 * What this process learned about each sale it sent, by order_id. The engine journals a
 * trade_id only when it is reported, but a cashier cancel (v3.POSCancel) or a query can
 * come while start() is still waiting; without the trade_id the first could not close
 * the terminal screen and the second would re-send v3.POS. Bounded: entries are needed
 * for minutes, not for the life of the till.
 */
export class RecentByOrderId<T> {
  private readonly byOrderId = new Map<string, T>();
  constructor(private readonly limit = 500) {}

  remember(orderId: string, value: T): void {
    this.byOrderId.delete(orderId);
    this.byOrderId.set(orderId, value);
    if (this.byOrderId.size > this.limit) {
      const oldest = this.byOrderId.keys().next().value;
      if (oldest !== undefined) this.byOrderId.delete(oldest);
    }
  }

  recall(orderId: string): T | undefined {
    return this.byOrderId.get(orderId);
  }
}

/** The attempt's trade_id: journaled by the engine, else learned earlier by this process. */
export function tradeIdOf(ctx: YabandpayContext, attempt: ProviderAttempt): string | null {
  return attempt.providerRef ?? ctx.tradeIds.recall(attempt.reference) ?? null;
}

/** Combines the caller's signal (if any) with the provider's `closed` signal. */
export function withClosed(ctx: YabandpayContext, signal?: AbortSignal): AbortSignal {
  return signal ? AbortSignal.any([signal, ctx.closed]) : ctx.closed;
}

/** "EUR 12.50" for cashier sentences. */
export function moneyText(minor: number, currency: string): string {
  return `${currency} ${toDecimalString(minor, currency)}`;
}

/** An outcome for which nothing was sent (or nothing trustworthy came back). */
export function outcome(
  state: ProviderOutcome['state'],
  message: string,
  extra: Omit<ProviderOutcome, 'state' | 'message'> = {},
): ProviderOutcome {
  return { state, message, ...extra };
}

/** A pre-authorisation (operation 2) instead of a sale: the engine's `preauth` option. */
export function isAuthorisation(attempt: ProviderAttempt): boolean {
  return attempt.options?.preauth === true;
}

/** The engine's capture of a held authorisation (`original` is the authorisation). */
export function isCapture(attempt: ProviderAttempt): boolean {
  return attempt.kind === 'sale' && attempt.options?.capture === true;
}

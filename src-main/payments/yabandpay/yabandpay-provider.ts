/**
 * YabandPay cloud POS terminals as a PaymentProvider (PAYMENTS.md §3). The engine hands
 * over attempts it has already journaled; this module only talks to the gateway:
 * sale / authorisation (v3.POS + v3.QueryOrder polling), void (v3.POSReversal or
 * v3.CancelPayment), refund (v3.CreateRefund + v3.QueryRefundOrder), cancel of a waiting
 * terminal (v3.POSCancel) and capture of an authorisation (v3.Capture).
 */
import type { PaymentProvider, ProviderAttempt, ProviderCapabilities, ProviderOutcome } from '../provider';
import { authorisationOf, captureAuthorisation, queryCapture } from './yabandpay-capture';
import { createYabandpayClient } from './yabandpay-client';
import {
  DEFAULT_YABANDPAY_TIMING,
  isCapture,
  outcome,
  RecentByOrderId,
  type YabandpayConfig,
  type YabandpayContext,
  type YabandpayTiming,
} from './yabandpay-context';
import { queryRefund, startRefund } from './yabandpay-refund';
import { cancelSale, querySale, startSale } from './yabandpay-sale';
import { queryVoid, startVoid } from './yabandpay-void';

export type { YabandpayConfig, YabandpayTiming } from './yabandpay-context';

/** The YabandPay provider: the PaymentProvider contract plus capture of authorisations. */
export interface YabandpayProvider extends PaymentProvider {
  /**
   * Captures an approved authorisation (attempt.options.preauth, state 01) once.
   * `amount` in minor units excluding the tip (like attempt.amount; attempt.tip is added),
   * default the whole authorisation. approved → approvedAmount = amount, tip = attempt.tip.
   */
  capture(attempt: ProviderAttempt, amount?: number): Promise<ProviderOutcome>;
}

const CLOSED = 'The YabandPay connection is closed; nothing was sent.';

/** What the provider may tell the rest of the till (the registry wires it). */
export interface YabandpayProviderHooks {
  /** Signature findings and set-up faults, one line each (never a key, a PAN or reply data). */
  log?: (line: string) => void;
}

/** What YabandPay's cloud POS can do (cancel, void, refunds, tip, pre-authorisation and capture). */
export const YABANDPAY_CAPABILITIES: Readonly<ProviderCapabilities> = {
  cancel: true,
  void: true,
  refund: true,
  partialRefund: true,
  tip: true,
  preauth: true,
  cashback: false,
  onScreenTip: false,
  lanes: false,
  pushResults: false,
  hostedForm: false,
  terminalAuthentication: false,
};

/**
 * Creates the provider. `timing` overrides the production defaults (poll every 2 s for
 * 3 min, refunds for 1 min, 15 s per request, 2 re-sends of a lost v3.POS).
 *
 * attempt.amount excludes the tip (as everywhere in Countertop); YabandPay's `amount`
 * includes it, so the provider sends amount + tip with `tip_amount` = tip.
 */
export function createYabandpayProvider(
  config: YabandpayConfig,
  timing: Partial<YabandpayTiming> = {},
  hooks: YabandpayProviderHooks = {},
): YabandpayProvider {
  const resolved: YabandpayTiming = { ...DEFAULT_YABANDPAY_TIMING, ...timing };
  const lifetime = new AbortController();
  const ctx: YabandpayContext = {
    config,
    timing: resolved,
    client: createYabandpayClient({
      baseUrl: config.baseUrl,
      user: config.user,
      secretKey: config.secretKey,
      timeoutMs: resolved.requestTimeoutMs,
      now: resolved.now,
      ...(hooks.log ? { log: hooks.log } : {}),
    }),
    closed: lifetime.signal,
    tradeIds: new RecentByOrderId<string>(),
    posResends: new RecentByOrderId<number>(),
    posInFlight: new Map(),
  };

  async function query(attempt: ProviderAttempt): Promise<ProviderOutcome> {
    if (lifetime.signal.aborted) return outcome('unknown', CLOSED);
    if (attempt.kind === 'refund') return queryRefund(ctx, attempt);
    if (attempt.kind === 'void') return queryVoid(ctx, attempt);
    // A capture is never resent: the authorisation's own state says whether it happened.
    if (isCapture(attempt)) return queryCapture(ctx, attempt);
    return querySale(ctx, attempt);
  }

  async function start(
    attempt: ProviderAttempt,
    signal: AbortSignal,
    progress: Parameters<PaymentProvider['start']>[2],
  ): Promise<ProviderOutcome> {
    if (lifetime.signal.aborted) return outcome('declined', CLOSED);
    if (signal.aborted) return outcome('declined', 'Stopped before anything was sent to YabandPay.');
    if (attempt.kind === 'refund') return startRefund(ctx, attempt, signal, progress);
    if (attempt.kind === 'void') return startVoid(ctx, attempt, signal, progress);
    if (isCapture(attempt)) return captureAuthorisation(ctx, authorisationOf(attempt), attempt.amount);
    return startSale(ctx, attempt, signal, progress);
  }

  async function cancel(attempt: ProviderAttempt): Promise<ProviderOutcome> {
    if (lifetime.signal.aborted) return outcome('unknown', CLOSED);
    // Only a sale waits on the terminal; for anything else say where it stands instead.
    if (attempt.kind !== 'sale') return query(attempt);
    return cancelSale(ctx, attempt);
  }

  return {
    id: 'yabandpay',
    label: 'YabandPay card terminal',
    method: 'card',
    capabilities: YABANDPAY_CAPABILITIES,

    start,
    query,
    cancel,

    async capture(attempt, amount) {
      if (lifetime.signal.aborted) return outcome('declined', CLOSED);
      return captureAuthorisation(ctx, attempt, amount);
    },

    async close() {
      lifetime.abort();
    },
  };
}

/**
 * The order flow both IOTPay providers share (card sales on a PAX terminal, CC_PAX, seed0;
 * wallet codes, the micropay channels, seed3): `query_order` read as an outcome,
 * `create_order`'s reply settled without ever sending the order again (DESIGN.md §6 rule 2),
 * the queries after a lost or uncertain reply on the one poller, and the requests a provider
 * has out aborted when it closes. What differs per channel (how an order's status reads, the
 * cashier's words, the polling rule) comes in an `IotpayChannel`.
 */
import { isFinalOutcome } from '../../../src-shared/attempt-states';
import { pollUntilFinal, type MonotonicClock } from '../polling';
import type { ProviderAttempt, ProviderOutcome } from '../provider';
import { toIotpayCents } from './iotpay-amounts';
import {
  callDetail,
  MAX_ORDER_NO,
  type IotpayCallResult,
  type IotpayClient,
  type IotpayConfig,
  type IotpayOrder,
} from './iotpay-client';
import { iotpayConfigFault, iotpayErrorCode, iotpayErrorKind, iotpayErrorMessage } from './iotpay-errors';
import { configFaultOutcome, ownIds } from './iotpay-read-back';

/** What an IOTPay provider brings to the shared flow. */
export interface IotpayChannel {
  config: IotpayConfig;
  client: IotpayClient;
  /** Limit for one query_order call. */
  queryTimeoutMs: number;
  /** The cashier's word for what is being paid: a card 'sale', a wallet 'payment'. */
  noun: 'sale' | 'payment';
  /** Reads an order the gateway returned (its status) as an outcome carrying its read-back. */
  outcomeOf(order: IotpayOrder, attempt: ProviderAttempt, detail: Record<string, unknown>): ProviderOutcome;
}

/**
 * The attempt as IOTPay takes a new order: its amount and tip in cents, or, when it cannot be
 * one (a currency IOTPay does not take, a reference over String(30)), why nothing was sent.
 */
export function orderCents(attempt: ProviderAttempt): { amount: number; tip: number } | { refused: ProviderOutcome } {
  let amount: number;
  let tip: number;
  try {
    amount = toIotpayCents(attempt.amount, attempt.currency);
    tip = toIotpayCents(attempt.tip, attempt.currency);
  } catch (error) {
    return { refused: { state: 'declined', message: `${(error as Error).message}. Nothing was sent.` } };
  }
  if (attempt.reference.length === 0 || attempt.reference.length > MAX_ORDER_NO) {
    const message = 'The payment reference is not valid for IOTPay (1–30 characters). Nothing was sent.';
    return { refused: { state: 'declined', message } };
  }
  return { amount, tip };
}

/** True for an answer that ends polling: final, or a set-up fault that more of the same query cannot change. */
function settles(outcome: ProviderOutcome): boolean {
  return isFinalOutcome(outcome.state) || outcome.configFault !== undefined;
}

/**
 * One query_order by mchOrderNo (the attempt's own unless given: a refund looks up its
 * original), read as an outcome; never final without a verified reply.
 */
export async function queryIotpayOrder(
  channel: IotpayChannel,
  attempt: ProviderAttempt,
  mchOrderNo = attempt.reference,
  signal?: AbortSignal,
): Promise<ProviderOutcome> {
  const { config, noun } = channel;
  const params = { mchId: config.mchId, mchOrderNo };
  const result = await channel.client.call('query_order', params, { timeoutMs: channel.queryTimeoutMs, signal });
  const keep = ownIds(attempt, result.ok ? result.reply.order : null);
  const detail = callDetail('query_order', result, keep);
  if (!result.ok) {
    if (result.failure.configFault) return configFaultOutcome(result.failure.configFault, detail, noun);
    const message = `IOTPay did not give a trustworthy answer. The ${noun} is being checked.`;
    return { state: 'unknown', message, detail };
  }
  const { reply } = result;
  if (reply.success && reply.order) {
    const about = mchOrderNo === attempt.reference ? attempt : { ...attempt, reference: mchOrderNo };
    return channel.outcomeOf(reply.order, about, detail);
  }
  const code = iotpayErrorCode(reply);
  const configFault = iotpayConfigFault(code, config.mchId);
  if (configFault) return configFaultOutcome(configFault, detail, noun);
  // 0112 "order does not exist" is no proof that nothing was charged: a create still in transit
  // reads the same, and query_order is documented for wallets only (§1.3 Gap). Stay unknown.
  const message =
    iotpayErrorKind(code) === 'not-found'
      ? `IOTPay has no record of this ${noun} yet. It is being checked.`
      : `${iotpayErrorMessage(code, reply.retMsg ?? reply.errCodeDes, keep)} The ${noun} is being checked.`;
  return { state: 'unknown', message, detail };
}

/** The cashier stopped waiting: what is known, still pending, for the engine to keep checking. */
export function stoppedWaiting(
  message: string,
  last: ProviderOutcome | null,
  cause: Record<string, unknown>,
): ProviderOutcome {
  return {
    state: 'pending',
    message,
    providerRef: last?.providerRef,
    readBack: last?.readBack,
    configFault: last?.configFault,
    detail: { ...last?.detail, after: cause, abandoned: true },
  };
}

/** A channel's polling rule (seed0: every 2 s for 60 s; seed3: every 2 s, 30 times). */
export interface IotpayPollRule {
  intervalMs: number;
  /** How long to keep querying, on the monotonic clock. */
  windowMs: number;
  /** At most this many queries; absent: as many as the window holds. */
  maxChecks?: number;
  clock?: MonotonicClock;
}

/** How polling ended without a final answer; the provider words it for the cashier. */
export interface IotpayPollEnd {
  signal: AbortSignal;
  /** What the cashier is told when they stopped waiting. */
  stoppedWaiting: string;
  /** After every non-final query (progress for the screen). */
  onResult(outcome: ProviderOutcome): void;
  /** The outcome when the rule ran out: a sentence, and what the journal's detail adds. */
  unfinished(last: ProviderOutcome | null, checks: number): { message: string; detail: Record<string, unknown> };
}

/**
 * Queries the order by the rule until a final answer, a configuration fault (more queries
 * cannot help), the rule's end (`unknown`) or the signal (what is known, pending). `cause`,
 * the call that needed it, goes into the detail. `immediate`: the first query goes at once
 * (0113: the gateway just said the order exists).
 */
export async function pollIotpayOrder(
  channel: IotpayChannel,
  attempt: ProviderAttempt,
  rule: IotpayPollRule,
  end: IotpayPollEnd,
  cause: Record<string, unknown>,
  immediate = false,
): Promise<ProviderOutcome> {
  let checks = 0;
  const polled = await pollUntilFinal<ProviderOutcome>({
    intervalMs: rule.intervalMs,
    windowMs: rule.windowMs,
    signal: end.signal,
    immediate,
    clock: rule.clock,
    check: (checkSignal) => {
      checks += 1;
      return queryIotpayOrder(channel, attempt, attempt.reference, checkSignal);
    },
    isFinal: (outcome) => settles(outcome) || (rule.maxChecks !== undefined && checks >= rule.maxChecks),
    onResult: end.onResult,
  });
  const last = polled.last;
  if (last && (isFinalOutcome(last.state) || last.configFault)) {
    return { ...last, detail: { ...last.detail, after: cause } };
  }
  if (polled.ended === 'aborted') return stoppedWaiting(end.stoppedWaiting, last, cause);
  const unfinished = end.unfinished(last, polled.checks);
  return {
    state: 'unknown',
    message: unfinished.message,
    providerRef: last?.providerRef,
    readBack: last?.readBack,
    detail: { ...last?.detail, after: cause, ...unfinished.detail },
  };
}

/** Where the providers differ once create_order has answered (or not). */
export interface IotpayCreateHandlers {
  /** The cashier stopped waiting (or the provider closed) while create_order was out. */
  aborted(detail: Record<string, unknown>): Promise<ProviderOutcome> | ProviderOutcome;
  /**
   * The order may exist: find it by querying, never by sending it again. `immediate` after
   * 0113 "already paid"; `accepted` is the still open order create_order returned.
   */
  poll(detail: Record<string, unknown>, immediate: boolean, accepted?: ProviderOutcome): Promise<ProviderOutcome>;
}

/** Reads create_order's result: final, refused (nothing charged), or left to queries. */
export async function settleCreateOrder(
  channel: IotpayChannel,
  attempt: ProviderAttempt,
  created: IotpayCallResult,
  handlers: IotpayCreateHandlers,
): Promise<ProviderOutcome> {
  const { noun } = channel;
  const keep = ownIds(attempt, created.ok ? created.reply.order : null);
  const detail = callDetail('create_order', created, keep);
  if (!created.ok) {
    const { failure } = created;
    if (failure.kind === 'aborted') return handlers.aborted(detail);
    if (!failure.delivered) {
      const message = `Could not reach IOTPay, so the ${noun} was not sent and nothing was charged. Check the network.`;
      return { state: 'declined', message, detail };
    }
    // A 404 for create_order: there is no such endpoint at this address, so no order was made.
    if (failure.configFault && failure.httpStatus === 404) {
      const configFault = `${failure.configFault} Nothing was charged.`;
      return { state: 'declined', message: configFault, configFault, detail };
    }
    if (failure.configFault) return configFaultOutcome(failure.configFault, detail, noun);
    return handlers.poll(detail, false);
  }
  const { reply } = created;
  if (reply.success && reply.order) {
    const outcome = channel.outcomeOf(reply.order, attempt, detail);
    return isFinalOutcome(outcome.state) ? outcome : handlers.poll(detail, false, outcome);
  }
  const code = iotpayErrorCode(reply);
  const kind = iotpayErrorKind(code);
  if (kind === 'refused') {
    const configFault = iotpayConfigFault(code, channel.config.mchId, 'Nothing was charged.');
    const message = configFault ?? iotpayErrorMessage(code, reply.retMsg ?? reply.errCodeDes, keep);
    return { state: 'declined', message, configFault, detail };
  }
  // 0113 "already paid": this mchOrderNo was charged before — read it at once, don't fail it;
  // from now on the engine applies an approval only with a read-back of this order's amount
  // and currency (query replies need not state the amount: it may be another till's charge).
  // Uncertain errors (0010, 0110, 0111, 0118, unknown): the order may exist; query it.
  const outcome = await handlers.poll(detail, kind === 'already-paid');
  return kind === 'already-paid' ? { ...outcome, readBackRequired: true } : outcome;
}

/**
 * A cancel IOTPay does not have for the channel: the order as it stands (`now`, when it could
 * be read), and otherwise what the cashier can do instead (`advice`).
 */
export function withoutCancel(now: ProviderOutcome | null, advice: string): ProviderOutcome {
  if (now && isFinalOutcome(now.state)) return now;
  return {
    ...now,
    state: now?.state === 'pending' ? 'pending' : 'unknown',
    message: now?.configFault ? now.message : advice,
  };
}

/** The requests a provider has out, aborted together when it closes. */
export interface OpenRequests {
  readonly closed: boolean;
  /** Runs `work` with a signal that aborts with the caller's or when the provider closes. */
  run<T>(signal: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  close(): void;
}

export function openRequests(): OpenRequests {
  const controllers = new Set<AbortController>();
  let closed = false;
  return {
    get closed() {
      return closed;
    },
    async run(signal, work) {
      const controller = new AbortController();
      controllers.add(controller);
      try {
        return await work(AbortSignal.any([signal, controller.signal]));
      } finally {
        controllers.delete(controller);
      }
    },
    close() {
      closed = true;
      for (const controller of controllers) controller.abort();
      controllers.clear();
    },
  };
}

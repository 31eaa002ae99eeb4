/**
 * Card sales on a PAX terminal through the IOTPay cloud (`create_order`, channel CC_PAX,
 * seed0). The call blocks while the customer uses the terminal. When its reply is lost,
 * late, unsigned or garbled the sale is NEVER sent again: the order is queried by
 * mchOrderNo every 2 s for a minute (seed0), then handed back as `unknown` for the
 * engine to keep checking (DESIGN.md §6 rule 2).
 */
import type {
  PaymentProvider, ProviderAttempt, ProviderCapabilities, ProviderOutcome,
} from '../provider';
import { pollUntilFinal, type MonotonicClock } from '../polling';
import { toIotpayCents } from './iotpay-amounts';
import { iotpayCardBlock } from './iotpay-card-block';
import {
  callDetail, createIotpayClient, MAX_ORDER_NO, truncate, type IotpayConfig, type IotpayOrder,
} from './iotpay-client';
import { iotpayConfigFault, iotpayErrorCode, iotpayErrorKind, iotpayErrorMessage } from './iotpay-errors';
import { configFaultOutcome, iotpayOrderAmounts, ownIds } from './iotpay-read-back';

export type { IotpayConfig } from './iotpay-client';

/** Timings of the CC_PAX flow; production defaults follow seed0 and PAYMENTS.md §6. */
export interface IotpayPaxTiming {
  /** How long create_order may block while the customer is at the terminal. */
  createTimeoutMs: number;
  /** Pause between order queries after a lost reply. */
  queryIntervalMs: number;
  /** How long to keep querying before returning `unknown`. */
  queryWindowMs: number;
  /** Limit for one query_order call. */
  queryTimeoutMs: number;
  /** The clock the query window is measured on (tests pass their own); never the wall clock. */
  clock?: MonotonicClock;
}

export const IOTPAY_PAX_DEFAULT_TIMING: Readonly<IotpayPaxTiming> = {
  createTimeoutMs: 95_000,
  queryIntervalMs: 2_000,
  queryWindowMs: 60_000,
  queryTimeoutMs: 10_000,
};

/** IOTPay documents no cancel, void or refund for CC_PAX: those happen on the terminal (§1.3). */
export const IOTPAY_PAX_CAPABILITIES: Readonly<ProviderCapabilities> = {
  cancel: false,
  void: false,
  refund: false,
  partialRefund: false,
  tip: false,
  preauth: false,
  cashback: false,
  onScreenTip: false,
  lanes: false,
  pushResults: false,
  hostedForm: false,
  terminalAuthentication: false,
};


const FINAL_STATES = new Set(['approved', 'declined', 'cancelled']);
const isFinal = (outcome: ProviderOutcome): boolean => FINAL_STATES.has(outcome.state);

/**
 * Reads a CC_PAX order status (§1.3): 2/3 paid, 0/1 still at the terminal, 4 system cancel,
 * other >3 declined. Every outcome read from an order carries its read-back.
 */
function outcomeFromOrder(order: IotpayOrder, attempt: ProviderAttempt, detail: Record<string, unknown>): ProviderOutcome {
  if (order.mchOrderNo !== undefined && order.mchOrderNo !== attempt.reference) {
    return { state: 'unknown', message: 'IOTPay answered about a different sale. The sale is being checked.', detail: { ...detail, answeredFor: order.mchOrderNo } };
  }
  const amounts = iotpayOrderAmounts(order, attempt);
  const card = iotpayCardBlock({ ...order, currency: amounts.currency }, 'iotpay-pax', ownIds(attempt, order));
  const base = { providerRef: order.payOrderId, detail, readBack: amounts.readBack } as const;
  if (order.status === 2 || order.status === 3) {
    return {
      ...base,
      state: 'approved',
      message: card.responseText ? `Approved: ${card.responseText}` : 'Approved.',
      card,
      approvedAmount: amounts.amount,
      tip: amounts.tip,
    };
  }
  if (order.status === 0 || order.status === 1) {
    return { ...base, state: 'pending', message: 'The customer is still at the terminal.' };
  }
  if (order.status === 4) {
    return { ...base, state: 'cancelled', message: card.responseText ? `Cancelled by the terminal: ${card.responseText}` : 'The terminal cancelled the sale (it timed out or expired). Nothing was charged.', card };
  }
  return { ...base, state: 'declined', message: card.responseText ? `Not approved: ${card.responseText}` : 'The card payment was not approved.', card };
}

/**
 * Creates the IOTPay CC_PAX card provider ('iotpay-pax'). `timing` overrides the
 * production defaults (tests pass milliseconds); `log` hears reply signature mismatches.
 */
export function createIotpayPaxProvider(config: IotpayConfig, timing: Partial<IotpayPaxTiming> = {}, log?: (line: string) => void): PaymentProvider {
  const t: IotpayPaxTiming = { ...IOTPAY_PAX_DEFAULT_TIMING, ...timing };
  const client = createIotpayClient({ baseUrl: config.baseUrl, key: config.key, log });
  const inFlight = new Set<AbortController>();
  let closed = false;

  /** One query_order by mchOrderNo, read as an outcome (never final without a verified reply). */
  async function queryOnce(attempt: ProviderAttempt, signal?: AbortSignal): Promise<ProviderOutcome> {
    const result = await client.call('query_order', { mchId: config.mchId, mchOrderNo: attempt.reference }, { timeoutMs: t.queryTimeoutMs, signal });
    const keep = ownIds(attempt, result.ok ? result.reply.order : null);
    const detail = callDetail('query_order', result, keep);
    if (!result.ok) {
      if (result.failure.configFault) return configFaultOutcome(result.failure.configFault, detail, 'sale');
      return { state: 'unknown', message: 'IOTPay did not give a trustworthy answer. The sale is being checked.', detail };
    }
    const { reply } = result;
    if (reply.success && reply.order) return outcomeFromOrder(reply.order, attempt, detail);
    const code = iotpayErrorCode(reply);
    const configFault = iotpayConfigFault(code, config.mchId);
    if (configFault) return configFaultOutcome(configFault, detail, 'sale');
    // 0112 "order does not exist": query_order is documented for wallets only (§1.3 Gap),
    // so a missing CC_PAX order is not proof that nothing was charged. Stay unknown.
    const message = iotpayErrorKind(code) === 'not-found'
      ? 'IOTPay has no record of this sale yet. It is being checked.'
      : `${iotpayErrorMessage(code, reply.retMsg ?? reply.errCodeDes, keep)} The sale is being checked.`;
    return { state: 'unknown', message, detail };
  }

  /**
   * Queries every interval until a final answer, the end of the window (monotonic clock), a
   * configuration fault (more queries cannot help), or the signal. `immediate`: the first
   * query goes at once (0113: the gateway just said the order exists).
   */
  async function queryUntilFinal(attempt: ProviderAttempt, signal: AbortSignal, progress: (m: string) => void, cause: Record<string, unknown>, immediate = false): Promise<ProviderOutcome> {
    progress('No reply from IOTPay yet. Checking the sale (it will not be sent again)…');
    const polled = await pollUntilFinal<ProviderOutcome>({
      intervalMs: t.queryIntervalMs,
      windowMs: t.queryWindowMs,
      signal,
      immediate,
      clock: t.clock,
      check: (checkSignal) => queryOnce(attempt, checkSignal),
      isFinal: (outcome) => isFinal(outcome) || outcome.configFault !== undefined,
      onResult: (outcome) => progress(outcome.state === 'pending' ? 'The customer is still at the terminal…' : 'Still checking the sale with IOTPay…'),
    });
    const last = polled.last;
    if (last && (isFinal(last) || last.configFault)) return { ...last, detail: { ...last.detail, after: cause } };
    if (polled.ended === 'aborted') return stoppedWaiting(last, cause);
    const stillAtTerminal = last?.state === 'pending';
    return {
      state: 'unknown',
      message: stillAtTerminal
        ? 'The terminal has not finished the sale. Do not take another card payment for it; it is being checked.'
        : 'IOTPay has not confirmed the sale. Do not take another card payment for it; it is being checked.',
      providerRef: last?.providerRef,
      readBack: last?.readBack,
      detail: { ...last?.detail, after: cause, windowMs: t.queryWindowMs },
    };
  }

  function stoppedWaiting(last: ProviderOutcome | null, cause: Record<string, unknown>): ProviderOutcome {
    return {
      state: 'pending',
      message: 'Stopped waiting. If the customer is still at the terminal, cancel the sale there; it keeps being checked.',
      providerRef: last?.providerRef,
      readBack: last?.readBack,
      configFault: last?.configFault,
      detail: { ...last?.detail, after: cause, abandoned: true },
    };
  }

  async function sale(attempt: ProviderAttempt, signal: AbortSignal, progress: (m: string) => void): Promise<ProviderOutcome> {
    let amount: number;
    let tip: number;
    try {
      amount = toIotpayCents(attempt.amount, attempt.currency);
      tip = toIotpayCents(attempt.tip, attempt.currency);
    } catch (error) {
      return { state: 'declined', message: `${(error as Error).message}. Nothing was sent.` };
    }
    if (attempt.reference.length === 0 || attempt.reference.length > MAX_ORDER_NO) {
      return { state: 'declined', message: 'The payment reference is not valid for IOTPay (1–30 characters). Nothing was sent.' };
    }
    const title = truncate(attempt.description || 'Countertop sale', 64);
    progress('Waiting for the customer on the terminal…');
    const created = await client.call('create_order', {
      mchId: config.mchId,
      mchOrderNo: attempt.reference,
      channelId: 'CC_PAX',
      currency: attempt.currency,
      amount,
      tip,
      clientIp: config.clientIp ?? '127.0.0.1',
      device: attempt.terminal ?? config.device,
      // seed0: 'http://localhost' means no webhook for CC_PAX; we poll instead (§1.4, §5).
      notifyUrl: 'http://localhost',
      subject: title,
      body: truncate(attempt.description || 'Countertop sale', 255),
      // seed0: "not used now, but must have a value".
      extra: 'CC_API',
      jobNo: config.loginName,
    }, { timeoutMs: t.createTimeoutMs, signal });
    const keep = ownIds(attempt, created.ok ? created.reply.order : null);
    const detail = callDetail('create_order', created, keep);

    if (!created.ok) {
      const { failure } = created;
      if (failure.kind === 'aborted') {
        if (closed) return stoppedWaiting(null, detail);
        // The cashier stopped waiting: one honest look, then hand back what is known.
        const now = await queryOnce(attempt);
        return isFinal(now) ? now : stoppedWaiting(now, detail);
      }
      if (!failure.delivered) {
        return { state: 'declined', message: 'Could not reach IOTPay, so the sale was not sent and nothing was charged. Check the network.', detail };
      }
      // A 404 for create_order: there is no such endpoint at this address, so no order was made.
      if (failure.configFault && failure.httpStatus === 404) {
        return { state: 'declined', message: `${failure.configFault} Nothing was charged.`, configFault: `${failure.configFault} Nothing was charged.`, detail };
      }
      if (failure.configFault) return configFaultOutcome(failure.configFault, detail, 'sale');
      return queryUntilFinal(attempt, signal, progress, detail);
    }
    const { reply } = created;
    if (reply.success && reply.order) {
      const outcome = outcomeFromOrder(reply.order, attempt, detail);
      if (outcome.state !== 'pending' && outcome.state !== 'unknown') return outcome;
      return queryUntilFinal(attempt, signal, progress, detail);
    }
    const code = iotpayErrorCode(reply);
    const kind = iotpayErrorKind(code);
    if (kind === 'refused') {
      const configFault = iotpayConfigFault(code, config.mchId, 'Nothing was charged.');
      return { state: 'declined', message: configFault ?? iotpayErrorMessage(code, reply.retMsg ?? reply.errCodeDes, keep), configFault, detail };
    }
    // 0113 "already paid": this mchOrderNo was charged before — read it at once, don't fail it;
    // from now on the engine applies an approval only with a read-back of this sale's amount
    // and currency (query replies need not state the amount: it may be another till's charge).
    // Uncertain errors (0010, 0110, 0111, 0118, unknown): the order may exist; query it.
    const outcome = await queryUntilFinal(attempt, signal, progress, detail, kind === 'already-paid');
    return kind === 'already-paid' ? { ...outcome, readBackRequired: true } : outcome;
  }
  function withCloseSignal(signal: AbortSignal): { controller: AbortController; signal: AbortSignal } {
    const controller = new AbortController();
    inFlight.add(controller);
    return { controller, signal: AbortSignal.any([signal, controller.signal]) };
  }

  return {
    id: 'iotpay-pax',
    label: 'Card (IOTPay terminal)',
    method: 'card',
    capabilities: IOTPAY_PAX_CAPABILITIES,

    async start(attempt, signal, progress) {
      if (closed) return { state: 'declined', message: 'The IOTPay terminal link is closed. Nothing was sent.' };
      if (attempt.kind !== 'sale') {
        return {
          state: 'declined',
          message: attempt.kind === 'refund'
            ? 'IOTPay terminal card refunds are done on the PAX terminal itself (Refund in its menu). Nothing was sent.'
            : 'IOTPay has no void for terminal card sales; use the terminal. Nothing was sent.',
        };
      }
      const linked = withCloseSignal(signal);
      try {
        return await sale(attempt, linked.signal, progress);
      } finally {
        inFlight.delete(linked.controller);
      }
    },

    async query(attempt) {
      if (attempt.kind !== 'sale') return { state: 'declined', message: 'IOTPay terminal refunds and voids are not sent from the register; nothing to check.' };
      return queryOnce(attempt);
    },

    async cancel(attempt) {
      // No documented cancel for CC_PAX (§1.3): say so, and report the order as it stands.
      const now = await queryOnce(attempt);
      if (isFinal(now)) return now;
      return {
        ...now,
        state: now.state === 'pending' ? 'pending' : 'unknown',
        message: now.configFault
          ? now.message
          : 'IOTPay cannot cancel a terminal sale from the register: press Cancel on the terminal. The sale keeps being checked.',
      };
    },

    async close() {
      closed = true;
      for (const controller of inFlight) controller.abort();
      inFlight.clear();
    },
  };
}

/**
 * WeChat Pay / Alipay / UnionPay payment codes scanned by the cashier ("merchant scan",
 * seed3): create_order with channel WX_MICROPAY / ALIPAY_MICROPAY / UPI_MICROPAY, then
 * query_order every 2 s up to 30 times until status 2/3 (paid) or >3 (final). Refunds
 * through /v1/refund_order with the engine's journaled mchRefundNo.
 *
 * The customer's code lives only in memory for the create_order call: it is never logged
 * or put in an outcome; the journal gets `maskWalletCode(code)`.
 */
import type {
  PaymentProvider, ProviderAttempt, ProviderCapabilities, ProviderOutcome,
} from '../provider';
import { pollUntilFinal, type MonotonicClock } from '../polling';
import { toIotpayCents } from './iotpay-amounts';
import { iotpayWalletBlock } from './iotpay-card-block';
import {
  callDetail, createIotpayClient, MAX_ORDER_NO, truncate, type IotpayConfig, type IotpayOrder,
} from './iotpay-client';
import { iotpayConfigFault, iotpayErrorCode, iotpayErrorKind, iotpayErrorMessage } from './iotpay-errors';
import { configFaultOutcome, iotpayOrderAmounts, ownIds } from './iotpay-read-back';

export type { IotpayConfig } from './iotpay-client';

export type IotpayWalletChannel = 'WX_MICROPAY' | 'ALIPAY_MICROPAY' | 'UPI_MICROPAY';

/**
 * The micropay channel for a customer's payment code (DESIGN.md §5): WeChat 18 digits
 * starting 10–15; Alipay 16–24 digits starting 25–30; UnionPay 19 digits starting 62.
 */
export function walletChannelForCode(code: string): IotpayWalletChannel | null {
  const digits = code.trim();
  if (/^1[0-5]\d{16}$/.test(digits)) return 'WX_MICROPAY';
  if (/^(2[5-9]|30)\d{14,22}$/.test(digits)) return 'ALIPAY_MICROPAY';
  if (/^62\d{17}$/.test(digits)) return 'UPI_MICROPAY';
  return null;
}

/** A payment code safe for logs and the journal: only its last 4 digits show. */
export function maskWalletCode(code: string): string {
  const digits = code.trim();
  return digits.length <= 4 ? '*'.repeat(digits.length) : `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** Timings of the micropay flow; production defaults follow seed3 (every 2 s, 30 times). */
export interface IotpayWalletTiming {
  createTimeoutMs: number;
  pollIntervalMs: number;
  maxPolls: number;
  queryTimeoutMs: number;
  refundTimeoutMs: number;
  /** The clock the polling bound is measured on (tests pass their own); never the wall clock. */
  clock?: MonotonicClock;
}

export const IOTPAY_WALLET_DEFAULT_TIMING: Readonly<IotpayWalletTiming> = {
  createTimeoutMs: 30_000,
  pollIntervalMs: 2_000,
  maxPolls: 30,
  queryTimeoutMs: 10_000,
  refundTimeoutMs: 30_000,
};

/**
 * Refunds (partial too) are documented for WeChat/Alipay/UnionPay (§1.3). No cancel:
 * the v1 docs we have show no micropay reverse/close, so an unpaid code payment is
 * cancelled by the customer on their phone or expires (status 4).
 */
export const IOTPAY_WALLET_CAPABILITIES: Readonly<ProviderCapabilities> = {
  cancel: false,
  void: false,
  refund: true,
  partialRefund: true,
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
 * seed3 statuses: 0 created, 1 customer confirming, 2/3 paid, 4 system cancel, 9 customer
 * cancel. Every outcome read from an order carries its read-back.
 */
function outcomeFromOrder(order: IotpayOrder, attempt: ProviderAttempt, detail: Record<string, unknown>): ProviderOutcome {
  if (order.mchOrderNo !== undefined && order.mchOrderNo !== attempt.reference) {
    return { state: 'unknown', message: 'IOTPay answered about a different payment. It is being checked.', detail: { ...detail, answeredFor: order.mchOrderNo } };
  }
  const card = iotpayWalletBlock(order);
  const amounts = iotpayOrderAmounts(order, attempt);
  const base = { providerRef: order.payOrderId, detail, readBack: amounts.readBack } as const;
  switch (order.status) {
    case 2: case 3:
      return { ...base, state: 'approved', message: `Paid with ${card.brand ?? 'the wallet'}.`, card, approvedAmount: amounts.amount };
    case 0:
      return { ...base, state: 'pending', message: 'Waiting for the customer to confirm on their phone…' };
    case 1:
      return { ...base, state: 'pending', message: 'The customer is confirming on their phone (entering their password)…' };
    case 9:
      return { ...base, state: 'cancelled', message: 'The customer cancelled the payment. Nothing was charged.' };
    case 4:
      return { ...base, state: 'cancelled', message: 'The payment was cancelled by the system (it expired). Nothing was charged.' };
    default:
      return order.status > 3
        ? { ...base, state: 'declined', message: 'The wallet payment was not accepted. Nothing was charged.' }
        : { ...base, state: 'unknown', message: 'IOTPay reported a status we do not know. The payment is being checked.' };
  }
}

/**
 * Creates the IOTPay wallet provider ('iotpay-wallet'). `timing` overrides the
 * production defaults (tests pass milliseconds); `log` hears reply signature mismatches.
 */
export function createIotpayWalletProvider(config: IotpayConfig, timing: Partial<IotpayWalletTiming> = {}, log?: (line: string) => void): PaymentProvider {
  const t: IotpayWalletTiming = { ...IOTPAY_WALLET_DEFAULT_TIMING, ...timing };
  const client = createIotpayClient({ baseUrl: config.baseUrl, key: config.key, log });
  const inFlight = new Set<AbortController>();
  let closed = false;

  async function queryOrder(mchOrderNo: string, attempt: ProviderAttempt, signal?: AbortSignal): Promise<ProviderOutcome> {
    const result = await client.call('query_order', { mchId: config.mchId, mchOrderNo }, { timeoutMs: t.queryTimeoutMs, signal });
    const keep = ownIds(attempt, result.ok ? result.reply.order : null);
    const detail = callDetail('query_order', result, keep);
    if (!result.ok) {
      if (result.failure.configFault) return configFaultOutcome(result.failure.configFault, detail, 'payment');
      return { state: 'unknown', message: 'IOTPay did not give a trustworthy answer. The payment is being checked.', detail };
    }
    const { reply } = result;
    if (reply.success && reply.order) return outcomeFromOrder(reply.order, { ...attempt, reference: mchOrderNo }, detail);
    const code = iotpayErrorCode(reply);
    const configFault = iotpayConfigFault(code, config.mchId);
    if (configFault) return configFaultOutcome(configFault, detail, 'payment');
    // 0112 stays unknown: a create that is still in transit would look the same.
    const message = iotpayErrorKind(code) === 'not-found'
      ? 'IOTPay has no record of this payment yet. It is being checked.'
      : `${iotpayErrorMessage(code, reply.retMsg ?? reply.errCodeDes, keep)} The payment is being checked.`;
    return { state: 'unknown', message, detail };
  }

  function stoppedWaiting(last: ProviderOutcome | null, cause: Record<string, unknown>): ProviderOutcome {
    return {
      state: 'pending',
      message: 'Stopped waiting for the customer. The payment keeps being checked; do not take another payment for it until it is settled.',
      providerRef: last?.providerRef,
      readBack: last?.readBack,
      configFault: last?.configFault,
      detail: { ...last?.detail, after: cause, abandoned: true },
    };
  }

  /**
   * seed3: query every interval, `maxPolls` times, until a final status. The count is the
   * rule; the window (on the monotonic clock, so a stepped wall clock cannot stretch it) is
   * the bound when queries are slow. A configuration fault ends it at once: more of the same
   * query cannot help.
   */
  async function poll(attempt: ProviderAttempt, signal: AbortSignal, progress: (m: string) => void, cause: Record<string, unknown>, immediate = false): Promise<ProviderOutcome> {
    let checks = 0;
    const polled = await pollUntilFinal<ProviderOutcome>({
      intervalMs: t.pollIntervalMs,
      windowMs: t.maxPolls * (t.pollIntervalMs + t.queryTimeoutMs),
      signal,
      immediate,
      clock: t.clock,
      check: (checkSignal) => {
        checks += 1;
        return queryOrder(attempt.reference, attempt, checkSignal);
      },
      isFinal: (outcome) => isFinal(outcome) || outcome.configFault !== undefined || checks >= t.maxPolls,
      onResult: (outcome) => progress(outcome.message),
    });
    const last = polled.last;
    if (last && (isFinal(last) || last.configFault)) return { ...last, detail: { ...last.detail, after: cause } };
    if (polled.ended === 'aborted') return stoppedWaiting(last, cause);
    return {
      state: 'unknown',
      message: 'The customer has not confirmed the payment. Do not take another payment for it; it is being checked.',
      providerRef: last?.providerRef,
      readBack: last?.readBack,
      detail: { ...last?.detail, after: cause, polls: checks },
    };
  }

  /** Every sale outcome carries the masked code and channel for the journal, never the code. */
  async function sale(attempt: ProviderAttempt, signal: AbortSignal, progress: (m: string) => void): Promise<ProviderOutcome> {
    const outcome = await sendSale(attempt, signal, progress);
    const channelId = walletChannelForCode(attempt.walletCode ?? '');
    return channelId ? { ...outcome, detail: { ...outcome.detail, walletCode: maskWalletCode(attempt.walletCode ?? ''), channelId } } : outcome;
  }

  async function sendSale(attempt: ProviderAttempt, signal: AbortSignal, progress: (m: string) => void): Promise<ProviderOutcome> {
    const code = attempt.walletCode ?? '';
    const channelId = walletChannelForCode(code);
    if (!channelId) return { state: 'declined', message: 'This is not a WeChat Pay, Alipay or UnionPay payment code. Nothing was sent.' };
    let amount: number;
    try {
      amount = toIotpayCents(attempt.amount, attempt.currency);
    } catch (error) {
      return { state: 'declined', message: `${(error as Error).message}. Nothing was sent.` };
    }
    if (attempt.reference.length === 0 || attempt.reference.length > MAX_ORDER_NO) {
      return { state: 'declined', message: 'The payment reference is not valid for IOTPay (1–30 characters). Nothing was sent.' };
    }
    progress('Sending the payment code to IOTPay…');
    const created = await client.call('create_order', {
      mchId: config.mchId,
      mchOrderNo: attempt.reference,
      jobNo: config.loginName,
      currency: attempt.currency,
      channelId,
      amount,
      device: attempt.terminal ?? config.device,
      // seed3: required, "not used for now"; results come from polling.
      notifyUrl: 'http://localhost',
      subject: truncate(attempt.description || 'Countertop sale', 64),
      body: truncate(attempt.description || 'Countertop sale', 255),
      codeType: 'barcode',
      identityCode: code.trim(),
      clientIp: config.clientIp ?? '127.0.0.1',
    }, { timeoutMs: t.createTimeoutMs, signal });
    const keep = ownIds(attempt, created.ok ? created.reply.order : null);
    const detail = callDetail('create_order', created, keep);

    if (!created.ok) {
      const { failure } = created;
      if (failure.kind === 'aborted') return stoppedWaiting(null, detail);
      if (!failure.delivered) {
        return { state: 'declined', message: 'Could not reach IOTPay, so the payment was not sent and nothing was charged. Check the network.', detail };
      }
      // A 404 for create_order: there is no such endpoint at this address, so no order was made.
      if (failure.configFault && failure.httpStatus === 404) {
        return { state: 'declined', message: `${failure.configFault} Nothing was charged.`, configFault: `${failure.configFault} Nothing was charged.`, detail };
      }
      if (failure.configFault) return configFaultOutcome(failure.configFault, detail, 'payment');
      return poll(attempt, signal, progress, detail);
    }
    const { reply } = created;
    if (reply.success && reply.order) {
      const outcome = outcomeFromOrder(reply.order, attempt, detail);
      if (isFinal(outcome)) return outcome;
      progress(outcome.message);
      return poll(attempt, signal, progress, detail);
    }
    const errCode = iotpayErrorCode(reply);
    const kind = iotpayErrorKind(errCode);
    if (kind === 'refused') {
      const configFault = iotpayConfigFault(errCode, config.mchId, 'Nothing was charged.');
      return { state: 'declined', message: configFault ?? iotpayErrorMessage(errCode, reply.retMsg ?? reply.errCodeDes, keep), configFault, detail };
    }
    // 0113 already paid (read it at once; from now on the engine applies an approval only with a
    // matching read-back), or an uncertain error: the order may exist — read it, never resend.
    const outcome = await poll(attempt, signal, progress, detail, kind === 'already-paid');
    return kind === 'already-paid' ? { ...outcome, readBackRequired: true } : outcome;
  }

  /** The original sale's payOrderId: from the engine, else looked up by its mchOrderNo. */
  async function originalPayOrderId(attempt: ProviderAttempt): Promise<string | null> {
    if (attempt.original?.providerRef) return attempt.original.providerRef;
    if (!attempt.original?.reference) return null;
    const found = await queryOrder(attempt.original.reference, attempt);
    return found.state === 'approved' ? (found.providerRef ?? null) : null;
  }

  /**
   * Sends refund_order with mchRefundNo = attempt.reference. `recheck` is the query path:
   * IOTPay's refund query page is not available (§1.3 Gap), so a refund whose reply was
   * lost is re-checked by sending the SAME mchRefundNo again; the gateway keys refunds on
   * it (unique per merchant) and must never refund it twice (the simulator enforces this).
   * A FAIL on a re-check stays `unknown` — it may be the gateway refusing a duplicate of a
   * refund that already went through.
   */
  async function refund(attempt: ProviderAttempt, signal: AbortSignal | undefined, recheck: boolean): Promise<ProviderOutcome> {
    let refundAmount: number;
    try {
      refundAmount = toIotpayCents(attempt.amount, attempt.currency);
    } catch (error) {
      return { state: 'declined', message: `${(error as Error).message}. Nothing was refunded.` };
    }
    if (attempt.reference.length === 0 || attempt.reference.length > MAX_ORDER_NO) {
      return { state: 'declined', message: 'The refund reference is not valid for IOTPay (1–30 characters). Nothing was refunded.' };
    }
    const payOrderId = await originalPayOrderId(attempt);
    if (!payOrderId) {
      return recheck
        ? { state: 'unknown', message: 'The original payment could not be found at IOTPay right now. The refund is being checked.' }
        : { state: 'declined', message: 'The original payment could not be found at IOTPay. Nothing was refunded.' };
    }
    const result = await client.call('refund_order', {
      mchId: config.mchId,
      mchRefundNo: attempt.reference,
      refundAmount,
      currency: attempt.currency,
      clientIp: config.clientIp ?? '127.0.0.1',
      device: attempt.terminal ?? config.device,
      loginName: config.loginName,
      payOrderId,
    }, { timeoutMs: recheck ? t.queryTimeoutMs : t.refundTimeoutMs, signal });
    const keep = ownIds(attempt);
    const detail = { ...callDetail('refund_order', result, keep), payOrderId, mchRefundNo: attempt.reference };
    if (!result.ok) {
      if (!result.failure.delivered) {
        return recheck
          ? { state: 'unknown', message: 'Could not reach IOTPay to check the refund. It will be checked again.', detail }
          : { state: 'declined', message: 'Could not reach IOTPay, so the refund was not sent. Nothing was refunded.', detail };
      }
      const { configFault } = result.failure;
      return { state: 'unknown', message: `${configFault ? `${configFault} ` : ''}IOTPay did not confirm the refund. It is being checked; do not refund again.`, configFault, detail };
    }
    const { reply } = result;
    if (reply.success) {
      const refundOrderId = typeof reply.raw.refundOrderId === 'string' ? reply.raw.refundOrderId : undefined;
      return { state: 'approved', message: 'Refunded.', providerRef: refundOrderId ?? payOrderId, approvedAmount: attempt.amount, detail: { ...detail, refundOrderId } };
    }
    const code = iotpayErrorCode(reply);
    const message = iotpayErrorMessage(code, reply.retMsg ?? reply.errCodeDes, keep);
    if (!recheck && iotpayErrorKind(code) === 'refused') return { state: 'declined', message, configFault: iotpayConfigFault(code, config.mchId, 'Nothing was refunded.'), detail };
    return { state: 'unknown', message: `${message} The refund is being checked; do not refund again.`, configFault: iotpayConfigFault(code, config.mchId), detail };
  }

  function withCloseSignal(signal: AbortSignal): { controller: AbortController; signal: AbortSignal } {
    const controller = new AbortController();
    inFlight.add(controller);
    return { controller, signal: AbortSignal.any([signal, controller.signal]) };
  }

  return {
    id: 'iotpay-wallet',
    label: 'WeChat Pay / Alipay / UnionPay (IOTPay)',
    method: 'wallet',
    capabilities: IOTPAY_WALLET_CAPABILITIES,

    async start(attempt, signal, progress) {
      if (closed) return { state: 'declined', message: 'The IOTPay link is closed. Nothing was sent.' };
      if (attempt.kind === 'void') return { state: 'declined', message: 'IOTPay has no void for wallet payments; refund it instead. Nothing was sent.' };
      const linked = withCloseSignal(signal);
      try {
        return attempt.kind === 'refund' ? await refund(attempt, linked.signal, false) : await sale(attempt, linked.signal, progress);
      } finally {
        inFlight.delete(linked.controller);
      }
    },

    async query(attempt) {
      if (attempt.kind === 'refund') return refund(attempt, undefined, true);
      if (attempt.kind === 'void') return { state: 'declined', message: 'IOTPay wallet voids are never sent; nothing to check.' };
      return queryOrder(attempt.reference, attempt);
    },

    async cancel(attempt) {
      const now = attempt.kind === 'sale' ? await queryOrder(attempt.reference, attempt) : null;
      if (now && isFinal(now)) return now;
      return {
        ...now,
        state: now?.state === 'pending' ? 'pending' : 'unknown',
        message: now?.configFault
          ? now.message
          : 'IOTPay cannot cancel a wallet payment from the register: ask the customer to cancel it on their phone. It keeps being checked.',
      };
    },

    async close() {
      closed = true;
      for (const controller of inFlight) controller.abort();
      inFlight.clear();
    },
  };
}

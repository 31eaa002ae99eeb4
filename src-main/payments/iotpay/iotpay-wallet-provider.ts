/**
 * WeChat Pay / Alipay / UnionPay payment codes scanned by the cashier ("merchant scan",
 * seed3): create_order with channel WX_MICROPAY / ALIPAY_MICROPAY / UPI_MICROPAY, then
 * query_order every 2 s up to 30 times until status 2/3 (paid) or >3 (final). Refunds
 * through /v1/refund_order with the engine's journaled mchRefundNo.
 *
 * The customer's code lives only in memory for the create_order call: it is never logged
 * or put in an outcome; the journal gets `maskWalletCode(code)`.
 */
import { maskWalletCode } from '../../../src-shared/pan-mask';
import type { PaymentProvider, ProviderAttempt, ProviderCapabilities, ProviderOutcome } from '../provider';
import type { MonotonicClock } from '../polling';
import { toIotpayCents } from './iotpay-amounts';
import { iotpayWalletBlock } from './iotpay-card-block';
import {
  callDetail,
  createIotpayClient,
  MAX_ORDER_NO,
  truncate,
  type IotpayConfig,
  type IotpayOrder,
} from './iotpay-client';
import { iotpayConfigFault, iotpayErrorCode, iotpayErrorKind, iotpayErrorMessage } from './iotpay-errors';
import {
  openRequests,
  orderCents,
  pollIotpayOrder,
  queryIotpayOrder,
  settleCreateOrder,
  stoppedWaiting,
  withoutCancel,
  type IotpayChannel,
} from './iotpay-order-flow';
import { iotpayOrderAmounts, ownIds } from './iotpay-read-back';

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

/** What the cashier is told when they stop waiting for a wallet payment. */
const STOPPED_WAITING =
  'Stopped waiting for the customer. The payment keeps being checked; ' +
  'do not take another payment for it until it is settled.';

/**
 * seed3 statuses: 0 created, 1 customer confirming, 2/3 paid, 4 system cancel, 9 customer
 * cancel. Every outcome read from an order carries its read-back.
 */
function outcomeFromOrder(
  order: IotpayOrder,
  attempt: ProviderAttempt,
  detail: Record<string, unknown>,
): ProviderOutcome {
  if (order.mchOrderNo !== undefined && order.mchOrderNo !== attempt.reference) {
    return {
      state: 'unknown',
      message: 'IOTPay answered about a different payment. It is being checked.',
      detail: { ...detail, answeredFor: order.mchOrderNo },
    };
  }
  const card = iotpayWalletBlock(order);
  const amounts = iotpayOrderAmounts(order, attempt);
  const base = { providerRef: order.payOrderId, detail, readBack: amounts.readBack } as const;
  switch (order.status) {
    case 2:
    case 3:
      return {
        ...base,
        state: 'approved',
        message: `Paid with ${card.brand ?? 'the wallet'}.`,
        card,
        approvedAmount: amounts.amount,
      };
    case 0:
      return { ...base, state: 'pending', message: 'Waiting for the customer to confirm on their phone…' };
    case 1:
      return {
        ...base,
        state: 'pending',
        message: 'The customer is confirming on their phone (entering their password)…',
      };
    case 9:
      return { ...base, state: 'cancelled', message: 'The customer cancelled the payment. Nothing was charged.' };
    case 4:
      return {
        ...base,
        state: 'cancelled',
        message: 'The payment was cancelled by the system (it expired). Nothing was charged.',
      };
    default:
      return order.status > 3
        ? { ...base, state: 'declined', message: 'The wallet payment was not accepted. Nothing was charged.' }
        : {
            ...base,
            state: 'unknown',
            message: 'IOTPay reported a status we do not know. The payment is being checked.',
          };
  }
}

/**
 * Creates the IOTPay wallet provider ('iotpay-wallet'). `timing` overrides the
 * production defaults (tests pass milliseconds); `log` hears reply signature mismatches.
 */
export function createIotpayWalletProvider(
  config: IotpayConfig,
  timing: Partial<IotpayWalletTiming> = {},
  log?: (line: string) => void,
): PaymentProvider {
  const t: IotpayWalletTiming = { ...IOTPAY_WALLET_DEFAULT_TIMING, ...timing };
  const client = createIotpayClient({ baseUrl: config.baseUrl, key: config.key, log });
  const channel: IotpayChannel = {
    config,
    client,
    queryTimeoutMs: t.queryTimeoutMs,
    noun: 'payment',
    outcomeOf: outcomeFromOrder,
  };
  const requests = openRequests();

  /**
   * seed3: query every interval, `maxPolls` times, until a final status. The count is the
   * rule; the window (on the monotonic clock, so a stepped wall clock cannot stretch it) is
   * the bound when queries are slow.
   */
  function poll(
    attempt: ProviderAttempt,
    signal: AbortSignal,
    progress: (m: string) => void,
    cause: Record<string, unknown>,
    immediate: boolean,
  ): Promise<ProviderOutcome> {
    const windowMs = t.maxPolls * (t.pollIntervalMs + t.queryTimeoutMs);
    const rule = { intervalMs: t.pollIntervalMs, windowMs, maxChecks: t.maxPolls, clock: t.clock };
    return pollIotpayOrder(
      channel,
      attempt,
      rule,
      {
        signal,
        stoppedWaiting: STOPPED_WAITING,
        onResult: (outcome) => progress(outcome.message),
        unfinished: (_last, checks) => ({
          message:
            'The customer has not confirmed the payment. Do not take another payment for it; it is being checked.',
          detail: { polls: checks },
        }),
      },
      cause,
      immediate,
    );
  }

  /** Every sale outcome carries the masked code and channel for the journal, never the code. */
  async function sale(
    attempt: ProviderAttempt,
    signal: AbortSignal,
    progress: (m: string) => void,
  ): Promise<ProviderOutcome> {
    const outcome = await sendSale(attempt, signal, progress);
    const channelId = walletChannelForCode(attempt.walletCode ?? '');
    return channelId
      ? { ...outcome, detail: { ...outcome.detail, walletCode: maskWalletCode(attempt.walletCode ?? ''), channelId } }
      : outcome;
  }

  async function sendSale(
    attempt: ProviderAttempt,
    signal: AbortSignal,
    progress: (m: string) => void,
  ): Promise<ProviderOutcome> {
    const code = attempt.walletCode ?? '';
    const channelId = walletChannelForCode(code);
    if (!channelId)
      return {
        state: 'declined',
        message: 'This is not a WeChat Pay, Alipay or UnionPay payment code. Nothing was sent.',
      };
    const cents = orderCents(attempt);
    if ('refused' in cents) return cents.refused;
    progress('Sending the payment code to IOTPay…');
    const created = await client.call(
      'create_order',
      {
        mchId: config.mchId,
        mchOrderNo: attempt.reference,
        jobNo: config.loginName,
        currency: attempt.currency,
        channelId,
        amount: cents.amount,
        device: attempt.terminal ?? config.device,
        // seed3: required, "not used for now"; results come from polling.
        notifyUrl: 'http://localhost',
        subject: truncate(attempt.description || 'Countertop sale', 64),
        body: truncate(attempt.description || 'Countertop sale', 255),
        codeType: 'barcode',
        identityCode: code.trim(),
        clientIp: config.clientIp ?? '127.0.0.1',
      },
      { timeoutMs: t.createTimeoutMs, signal },
    );
    return settleCreateOrder(channel, attempt, created, {
      aborted: (detail) => stoppedWaiting(STOPPED_WAITING, null, detail),
      poll: (detail, immediate, accepted) => {
        if (accepted) progress(accepted.message);
        return poll(attempt, signal, progress, detail, immediate);
      },
    });
  }

  /** The original sale's payOrderId: from the engine, else looked up by its mchOrderNo. */
  async function originalPayOrderId(attempt: ProviderAttempt): Promise<string | null> {
    if (attempt.original?.providerRef) return attempt.original.providerRef;
    if (!attempt.original?.reference) return null;
    const found = await queryIotpayOrder(channel, attempt, attempt.original.reference);
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
  async function refund(
    attempt: ProviderAttempt,
    signal: AbortSignal | undefined,
    recheck: boolean,
  ): Promise<ProviderOutcome> {
    let refundAmount: number;
    try {
      refundAmount = toIotpayCents(attempt.amount, attempt.currency);
    } catch (error) {
      return { state: 'declined', message: `${(error as Error).message}. Nothing was refunded.` };
    }
    if (attempt.reference.length === 0 || attempt.reference.length > MAX_ORDER_NO) {
      return {
        state: 'declined',
        message: 'The refund reference is not valid for IOTPay (1–30 characters). Nothing was refunded.',
      };
    }
    const payOrderId = await originalPayOrderId(attempt);
    if (!payOrderId) {
      return recheck
        ? {
            state: 'unknown',
            message: 'The original payment could not be found at IOTPay right now. The refund is being checked.',
          }
        : { state: 'declined', message: 'The original payment could not be found at IOTPay. Nothing was refunded.' };
    }
    const result = await client.call(
      'refund_order',
      {
        mchId: config.mchId,
        mchRefundNo: attempt.reference,
        refundAmount,
        currency: attempt.currency,
        clientIp: config.clientIp ?? '127.0.0.1',
        device: attempt.terminal ?? config.device,
        loginName: config.loginName,
        payOrderId,
      },
      { timeoutMs: recheck ? t.queryTimeoutMs : t.refundTimeoutMs, signal },
    );
    const keep = ownIds(attempt);
    const detail = { ...callDetail('refund_order', result, keep), payOrderId, mchRefundNo: attempt.reference };
    if (!result.ok) {
      if (!result.failure.delivered) {
        return recheck
          ? {
              state: 'unknown',
              message: 'Could not reach IOTPay to check the refund. It will be checked again.',
              detail,
            }
          : {
              state: 'declined',
              message: 'Could not reach IOTPay, so the refund was not sent. Nothing was refunded.',
              detail,
            };
      }
      const { configFault } = result.failure;
      return {
        state: 'unknown',
        message: `${configFault ? `${configFault} ` : ''}IOTPay did not confirm the refund. It is being checked; do not refund again.`,
        configFault,
        detail,
      };
    }
    const { reply } = result;
    if (reply.success) {
      const refundOrderId = typeof reply.raw.refundOrderId === 'string' ? reply.raw.refundOrderId : undefined;
      return {
        state: 'approved',
        message: 'Refunded.',
        providerRef: refundOrderId ?? payOrderId,
        approvedAmount: attempt.amount,
        detail: { ...detail, refundOrderId },
      };
    }
    const code = iotpayErrorCode(reply);
    const message = iotpayErrorMessage(code, reply.retMsg ?? reply.errCodeDes, keep);
    if (!recheck && iotpayErrorKind(code) === 'refused')
      return {
        state: 'declined',
        message,
        configFault: iotpayConfigFault(code, config.mchId, 'Nothing was refunded.'),
        detail,
      };
    return {
      state: 'unknown',
      message: `${message} The refund is being checked; do not refund again.`,
      configFault: iotpayConfigFault(code, config.mchId),
      detail,
    };
  }

  return {
    id: 'iotpay-wallet',
    label: 'WeChat Pay / Alipay / UnionPay (IOTPay)',
    method: 'wallet',
    capabilities: IOTPAY_WALLET_CAPABILITIES,

    async start(attempt, signal, progress) {
      if (requests.closed) return { state: 'declined', message: 'The IOTPay link is closed. Nothing was sent.' };
      if (attempt.kind === 'void')
        return {
          state: 'declined',
          message: 'IOTPay has no void for wallet payments; refund it instead. Nothing was sent.',
        };
      return requests.run(signal, (linked) =>
        attempt.kind === 'refund' ? refund(attempt, linked, false) : sale(attempt, linked, progress),
      );
    },

    async query(attempt) {
      if (attempt.kind === 'refund') return refund(attempt, undefined, true);
      if (attempt.kind === 'void')
        return { state: 'declined', message: 'IOTPay wallet voids are never sent; nothing to check.' };
      return queryIotpayOrder(channel, attempt);
    },

    async cancel(attempt) {
      const now = attempt.kind === 'sale' ? await queryIotpayOrder(channel, attempt) : null;
      return withoutCancel(
        now,
        'IOTPay cannot cancel a wallet payment from the register: ' +
          'ask the customer to cancel it on their phone. It keeps being checked.',
      );
    },

    async close() {
      requests.close();
    },
  };
}

/**
 * Card sales on a PAX terminal through the IOTPay cloud (`create_order`, channel CC_PAX,
 * seed0). The call blocks while the customer uses the terminal. When its reply is lost,
 * late, unsigned or garbled the sale is NEVER sent again: the order is queried by
 * mchOrderNo every 2 s for a minute (seed0), then handed back as `unknown` for the
 * engine to keep checking (DESIGN.md §6 rule 2).
 */
import { isFinalOutcome } from '../../../src-shared/attempt-states';
import type { PaymentProvider, ProviderAttempt, ProviderCapabilities, ProviderOutcome } from '../provider';
import type { MonotonicClock } from '../polling';
import { iotpayCardBlock } from './iotpay-card-block';
import { createIotpayClient, truncate, type IotpayConfig, type IotpayOrder } from './iotpay-client';
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

/** What the cashier is told when they stop waiting for a CC_PAX sale. */
const STOPPED_WAITING =
  'Stopped waiting. If the customer is still at the terminal, cancel the sale there; ' + 'it keeps being checked.';

/**
 * Reads a CC_PAX order status (§1.3): 2/3 paid, 0/1 still at the terminal, 4 system cancel,
 * other >3 declined. Every outcome read from an order carries its read-back.
 */
function outcomeFromOrder(
  order: IotpayOrder,
  attempt: ProviderAttempt,
  detail: Record<string, unknown>,
): ProviderOutcome {
  if (order.mchOrderNo !== undefined && order.mchOrderNo !== attempt.reference) {
    return {
      state: 'unknown',
      message: 'IOTPay answered about a different sale. The sale is being checked.',
      detail: { ...detail, answeredFor: order.mchOrderNo },
    };
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
    return {
      ...base,
      state: 'cancelled',
      message: card.responseText
        ? `Cancelled by the terminal: ${card.responseText}`
        : 'The terminal cancelled the sale (it timed out or expired). Nothing was charged.',
      card,
    };
  }
  return {
    ...base,
    state: 'declined',
    message: card.responseText ? `Not approved: ${card.responseText}` : 'The card payment was not approved.',
    card,
  };
}

/**
 * Creates the IOTPay CC_PAX card provider ('iotpay-pax'). `timing` overrides the
 * production defaults (tests pass milliseconds); `log` hears reply signature mismatches.
 */
export function createIotpayPaxProvider(
  config: IotpayConfig,
  timing: Partial<IotpayPaxTiming> = {},
  log?: (line: string) => void,
): PaymentProvider {
  const t: IotpayPaxTiming = { ...IOTPAY_PAX_DEFAULT_TIMING, ...timing };
  const client = createIotpayClient({ baseUrl: config.baseUrl, key: config.key, log });
  const channel: IotpayChannel = {
    config,
    client,
    queryTimeoutMs: t.queryTimeoutMs,
    noun: 'sale',
    outcomeOf: outcomeFromOrder,
  };
  const requests = openRequests();

  /**
   * seed0: query every interval until a final answer or the end of the window (monotonic
   * clock). `immediate`: the first query goes at once (0113: the gateway just said the order exists).
   */
  function queryUntilFinal(
    attempt: ProviderAttempt,
    signal: AbortSignal,
    progress: (m: string) => void,
    cause: Record<string, unknown>,
    immediate: boolean,
  ): Promise<ProviderOutcome> {
    progress('No reply from IOTPay yet. Checking the sale (it will not be sent again)…');
    const rule = { intervalMs: t.queryIntervalMs, windowMs: t.queryWindowMs, clock: t.clock };
    return pollIotpayOrder(
      channel,
      attempt,
      rule,
      {
        signal,
        stoppedWaiting: STOPPED_WAITING,
        onResult: (outcome) =>
          progress(
            outcome.state === 'pending'
              ? 'The customer is still at the terminal…'
              : 'Still checking the sale with IOTPay…',
          ),
        unfinished: (last) => ({
          message:
            last?.state === 'pending'
              ? 'The terminal has not finished the sale. Do not take another card payment for it; it is being checked.'
              : 'IOTPay has not confirmed the sale. Do not take another card payment for it; it is being checked.',
          detail: { windowMs: t.queryWindowMs },
        }),
      },
      cause,
      immediate,
    );
  }

  async function sale(
    attempt: ProviderAttempt,
    signal: AbortSignal,
    progress: (m: string) => void,
  ): Promise<ProviderOutcome> {
    const cents = orderCents(attempt);
    if ('refused' in cents) return cents.refused;
    const title = truncate(attempt.description || 'Countertop sale', 64);
    progress('Waiting for the customer on the terminal…');
    const created = await client.call(
      'create_order',
      {
        mchId: config.mchId,
        mchOrderNo: attempt.reference,
        channelId: 'CC_PAX',
        currency: attempt.currency,
        amount: cents.amount,
        tip: cents.tip,
        clientIp: config.clientIp ?? '127.0.0.1',
        device: attempt.terminal ?? config.device,
        // seed0: 'http://localhost' means no webhook for CC_PAX; we poll instead (§1.4, §5).
        notifyUrl: 'http://localhost',
        subject: title,
        body: truncate(attempt.description || 'Countertop sale', 255),
        // seed0: "not used now, but must have a value".
        extra: 'CC_API',
        jobNo: config.loginName,
      },
      { timeoutMs: t.createTimeoutMs, signal },
    );
    return settleCreateOrder(channel, attempt, created, {
      aborted: async (detail) => {
        if (requests.closed) return stoppedWaiting(STOPPED_WAITING, null, detail);
        // The cashier stopped waiting: one honest look, then hand back what is known.
        const now = await queryIotpayOrder(channel, attempt);
        return isFinalOutcome(now.state) ? now : stoppedWaiting(STOPPED_WAITING, now, detail);
      },
      poll: (detail, immediate) => queryUntilFinal(attempt, signal, progress, detail, immediate),
    });
  }

  return {
    id: 'iotpay-pax',
    label: 'Card (IOTPay terminal)',
    method: 'card',
    capabilities: IOTPAY_PAX_CAPABILITIES,

    async start(attempt, signal, progress) {
      if (requests.closed) {
        return { state: 'declined', message: 'The IOTPay terminal link is closed. Nothing was sent.' };
      }
      if (attempt.kind !== 'sale') {
        return {
          state: 'declined',
          message:
            attempt.kind === 'refund'
              ? 'IOTPay terminal card refunds are done on the PAX terminal itself (Refund in its menu). Nothing was sent.'
              : 'IOTPay has no void for terminal card sales; use the terminal. Nothing was sent.',
        };
      }
      return requests.run(signal, (linked) => sale(attempt, linked, progress));
    },

    async query(attempt) {
      if (attempt.kind !== 'sale')
        return {
          state: 'declined',
          message: 'IOTPay terminal refunds and voids are not sent from the register; nothing to check.',
        };
      return queryIotpayOrder(channel, attempt);
    },

    async cancel(attempt) {
      // No documented cancel for CC_PAX (§1.3): say so, and report the order as it stands.
      const now = await queryIotpayOrder(channel, attempt);
      return withoutCancel(
        now,
        'IOTPay cannot cancel a terminal sale from the register: press Cancel on the terminal. ' +
          'The sale keeps being checked.',
      );
    },

    async close() {
      requests.close();
    },
  };
}

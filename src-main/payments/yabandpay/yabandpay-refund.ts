/**
 * Refunds of a YabandPay sale (PAYMENTS.md §3.2): `v3.CreateRefund` once, with our
 * attempt reference as `m_refund_id`, then `v3.QueryRefundOrder` by refund_id until
 * 23 refunded / 24 failed / 25 error. Partial refunds are allowed (fewer than 30, summing
 * to at most the sale; the gateway enforces both).
 */
import { pollUntilFinal } from '../polling';
import type { ProviderAttempt, ProviderOutcome } from '../provider';
import { moneyText, outcome, withClosed, type YabandpayContext } from './yabandpay-context';
import { YABANDPAY_ERROR } from './yabandpay-errors';
import { readRefundState, refundDataSchema } from './yabandpay-states';
import { toDecimalString } from '../../../src-shared/money';
import type { z } from 'zod';

type RefundData = z.infer<typeof refundDataSchema>;

function refundOutcome(attempt: ProviderAttempt, data: RefundData): ProviderOutcome {
  const providerRef = data.refund_id;
  const detail = {
    refund_id: data.refund_id,
    m_refund_id: data.m_refund_id ?? null,
    state: data.state,
    refund_amount: data.refund_amount ?? null,
  };
  // m_refund_id is ours: a reply naming another one is not about this refund.
  if (data.m_refund_id && data.m_refund_id !== attempt.reference) {
    return outcome('unknown', 'YabandPay answered about a different refund; it will be checked again.', {
      providerRef,
      detail,
    });
  }
  const read = readRefundState(data.state);
  if (read.class === 'approved' || read.class === 'declined')
    return outcome(read.class, read.sentence, { providerRef, detail });
  if (read.class === 'open') return outcome('pending', read.sentence, { providerRef, detail });
  return outcome('unknown', read.sentence, { providerRef, detail });
}

async function queryRefundOnce(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  refundId: string,
  signal?: AbortSignal,
): Promise<ProviderOutcome | null> {
  const reply = await ctx.client.call('v3.QueryRefundOrder', { refund_id: refundId }, withClosed(ctx, signal));
  if (reply.kind !== 'ok') return null;
  const parsed = refundDataSchema.safeParse(reply.data);
  if (!parsed.success || parsed.data.refund_id !== refundId) return null;
  return refundOutcome(attempt, parsed.data);
}

/** `start` for kind 'refund'. */
export async function startRefund(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  signal: AbortSignal,
  progress: (message: string) => void,
): Promise<ProviderOutcome> {
  const tradeId = attempt.original?.providerRef;
  if (!attempt.original || !tradeId)
    return outcome('declined', 'This sale has no YabandPay trade id, so it cannot be refunded here; nothing was sent.');
  const amount = attempt.amount + attempt.tip;
  if (!Number.isSafeInteger(amount) || amount <= 0)
    return outcome('declined', 'The refund amount is not valid; nothing was sent.');
  if (amount > attempt.original.amount + attempt.original.tip) {
    return outcome(
      'declined',
      `A refund cannot be more than the sale (${moneyText(attempt.original.amount + attempt.original.tip, attempt.currency)}); nothing was sent.`,
    );
  }
  progress('Sending the refund to YabandPay…');
  const reply = await ctx.client.call(
    'v3.CreateRefund',
    {
      trade_id: tradeId,
      refund_amount: toDecimalString(amount, attempt.currency),
      refund_currency: attempt.currency,
      refund_description: attempt.description.trim() || `Refund ${attempt.reference}`,
      m_refund_id: attempt.reference,
      notify_url: ctx.config.notifyUrl,
    },
    withClosed(ctx, signal),
  );
  if (reply.kind === 'no-answer') {
    return outcome(
      'unknown',
      `No reply from YabandPay (${reply.reason}): check the YabandPay portal for refund ${attempt.reference} before refunding again.`,
    );
  }
  if (reply.kind === 'error') {
    if (reply.code === YABANDPAY_ERROR.internal) {
      return outcome(
        'unknown',
        `${reply.cashierMessage} Check the YabandPay portal for refund ${attempt.reference} before refunding again.`,
        { detail: { code: reply.code } },
      );
    }
    return outcome('declined', reply.cashierMessage, { detail: { code: reply.code, message: reply.message } });
  }
  const created = refundDataSchema.safeParse(reply.data);
  if (!created.success)
    return outcome(
      'unknown',
      `YabandPay replied without a refund id: check the YabandPay portal for refund ${attempt.reference}.`,
    );
  let known = refundOutcome(attempt, created.data);
  if (known.state !== 'pending' && known.state !== 'unknown') return known;
  progress(known.message);
  const polled = await pollUntilFinal<ProviderOutcome | null>({
    intervalMs: ctx.timing.pollIntervalMs,
    windowMs: ctx.timing.refundPollWindowMs,
    clock: ctx.timing.clock,
    signal: withClosed(ctx, signal),
    check: (checkSignal) => queryRefundOnce(ctx, attempt, created.data.refund_id, checkSignal),
    isFinal: (result) => result !== null && result.state !== 'pending' && result.state !== 'unknown',
    onResult: (result) => {
      if (result && result.message !== known.message) progress(result.message);
      known = result ?? known;
    },
  });
  if (polled.ended === 'final' && polled.last) return polled.last;
  if (polled.ended === 'aborted')
    return { ...known, message: `${known.message} Stopped waiting; it will be checked again.` };
  return { ...known, state: 'unknown', message: `${known.message} The refund will be checked again.` };
}

/**
 * `query` for a refund. Without a refund_id we do NOT resend v3.CreateRefund: the
 * vendor does not document that m_refund_id is idempotent (Gap), and a second refund is
 * money out of the drawer's reach. The manager settles it from the portal.
 */
export async function queryRefund(ctx: YabandpayContext, attempt: ProviderAttempt): Promise<ProviderOutcome> {
  if (!attempt.providerRef) {
    return outcome(
      'unknown',
      `YabandPay never confirmed refund ${attempt.reference}: a manager must look it up in the YabandPay portal and settle it.`,
    );
  }
  return (
    (await queryRefundOnce(ctx, attempt, attempt.providerRef)) ??
    outcome('unknown', 'YabandPay did not say how the refund ended; it will be checked again.', {
      providerRef: attempt.providerRef,
    })
  );
}

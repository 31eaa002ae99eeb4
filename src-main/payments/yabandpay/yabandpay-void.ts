/**
 * Voiding an approved YabandPay sale (PAYMENTS.md §3.2): `v3.POSReversal` on the day of
 * the sale (full amount, shown on the terminal), else `v3.CancelPayment` until 00:30 CET
 * the next day (full amount, never after a refund). Past both windows the sale can only
 * be refunded, and we say so without calling anything.
 */
import type { ProviderAttempt, ProviderOutcome } from '../provider';
import { cancelPaymentDeadline, sameGatewayDay } from './yabandpay-clock';
import { outcome, withClosed, type YabandpayContext } from './yabandpay-context';
import { newYabandpayRequestId } from './yabandpay-ids';
import { lookUpOrder } from './yabandpay-order-status';
import { readPaymentState, transactionDetail, unixSecondsToMs } from './yabandpay-states';

const REFUND_INSTEAD = 'Refund it instead.';

type Step = 'v3.POSReversal' | 'v3.CancelPayment';

/** `start` for kind 'void'. Answers approved once the gateway confirmed the reversal. */
export async function startVoid(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  signal: AbortSignal,
  progress: (message: string) => void,
): Promise<ProviderOutcome> {
  const original = attempt.original;
  const tradeId = original?.providerRef;
  if (!original || !tradeId)
    return outcome('declined', 'This sale has no YabandPay trade id, so it cannot be voided here. ' + REFUND_INSTEAD);
  if (attempt.amount + attempt.tip !== original.amount + original.tip) {
    return outcome('declined', 'YabandPay only voids the full amount of a sale. ' + REFUND_INSTEAD);
  }
  // Nothing has been sent yet: a failed look-up means nothing was voided.
  const lookup = await lookUpOrder(ctx, tradeId, signal);
  if (lookup.kind !== 'info') {
    const why = lookup.kind === 'error' ? lookup.message : `YabandPay did not answer (${lookup.reason}).`;
    return outcome('declined', `${why} Nothing was voided; try again.`, { providerRef: tradeId });
  }
  const info = lookup.info;
  const read = readPaymentState(info.state);
  if (read.code === '08')
    return outcome('approved', 'This sale is already reversed at YabandPay.', {
      providerRef: tradeId,
      detail: transactionDetail(info),
    });
  if (read.class !== 'approved')
    return outcome('declined', `This sale is not paid at YabandPay (${read.sentence}), so there is nothing to void.`, {
      providerRef: tradeId,
    });

  const now = ctx.timing.now();
  const paidAt = unixSecondsToMs(info.paid_time ?? info.created_at);
  const steps: Step[] = [];
  // POSReversal is for a successful sale (00), not an open authorisation (01).
  if (!read.authorisedOnly && paidAt !== null && sameGatewayDay(paidAt, now)) steps.push('v3.POSReversal');
  if (paidAt === null || now <= cancelPaymentDeadline(paidAt)) steps.push('v3.CancelPayment');
  if (steps.length === 0)
    return outcome(
      'declined',
      'It is past 00:30 (CET) after the day of this sale, so YabandPay no longer voids it. ' + REFUND_INSTEAD,
      { providerRef: tradeId },
    );

  let refusal = '';
  for (const step of steps) {
    progress(
      step === 'v3.POSReversal' ? 'Reversing the sale on the terminal…' : 'Cancelling the payment at YabandPay…',
    );
    const data =
      step === 'v3.POSReversal'
        ? { tid: ctx.config.tid, trade_id: tradeId, request_id: newYabandpayRequestId() }
        : { trade_id: tradeId };
    const reply = await ctx.client.call(step, data, withClosed(ctx, signal));
    if (reply.kind === 'ok')
      return outcome('approved', 'The sale was voided at YabandPay.', {
        providerRef: tradeId,
        detail: { trade_id: tradeId, via: step },
      });
    // The request may have been acted on: only a query can tell now.
    if (reply.kind === 'no-answer')
      return outcome('unknown', `YabandPay did not confirm the void (${reply.reason}); it will be checked.`, {
        providerRef: tradeId,
        detail: { trade_id: tradeId, via: step },
      });
    refusal = reply.message || reply.cashierMessage;
  }
  return outcome('declined', `YabandPay refused the void (${refusal}). ${REFUND_INSTEAD}`, { providerRef: tradeId });
}

/** `query` for a void: the original sale is cancelled (voided), still paid (not voided) or unclear. */
export async function queryVoid(ctx: YabandpayContext, attempt: ProviderAttempt): Promise<ProviderOutcome> {
  const tradeId = attempt.original?.providerRef ?? attempt.providerRef;
  if (!tradeId) return outcome('declined', 'This sale has no YabandPay trade id; nothing was voided.');
  const lookup = await lookUpOrder(ctx, tradeId);
  if (lookup.kind !== 'info')
    return outcome('unknown', 'YabandPay did not say whether the sale was voided; it will be checked again.', {
      providerRef: tradeId,
    });
  const read = readPaymentState(lookup.info.state);
  const detail = transactionDetail(lookup.info);
  if (read.code === '08')
    return outcome('approved', 'The sale was voided at YabandPay.', { providerRef: tradeId, detail });
  if (read.class === 'approved')
    return outcome('declined', 'YabandPay still shows the sale as paid: the void did not go through.', {
      providerRef: tradeId,
      detail,
    });
  return outcome('unknown', read.sentence, { providerRef: tradeId, detail });
}

/**
 * Capturing a YabandPay pre-authorisation (`operation 2`, state 01): `v3.Capture`, once,
 * within 30 days (PAYMENTS.md §3.2). When the reply is a refusal or lost, the order's own
 * state tells whether the capture happened (00 paid) — a capture is never sent twice.
 */
import type { ProviderAttempt, ProviderOutcome } from '../provider';
import { moneyText, outcome, type YabandpayContext } from './yabandpay-context';
import { newYabandpayRequestId } from './yabandpay-ids';
import { lookUpOrder } from './yabandpay-order-status';
import { readPaymentState, transactionDetail } from './yabandpay-states';
import { toDecimalString } from '../../../src-shared/money';

/**
 * Captures `amount` (minor units, tip excluded like attempt.amount; default the whole
 * authorisation) plus attempt.tip, of an approved authorisation attempt. approved →
 * `approvedAmount` = amount and `tip` = attempt.tip, in the engine's terms.
 */
export async function captureAuthorisation(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  amount = attempt.amount,
): Promise<ProviderOutcome> {
  const tradeId = attempt.providerRef;
  if (!tradeId)
    return outcome(
      'declined',
      'This authorisation has no YabandPay trade id, so it cannot be captured; nothing was sent.',
    );
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > attempt.amount) {
    return outcome(
      'declined',
      `The capture must be more than zero and at most the authorised ${moneyText(attempt.amount, attempt.currency)}; nothing was sent.`,
    );
  }
  // YabandPay amounts include the tip (seed 004).
  const total = amount + attempt.tip;
  const reply = await ctx.client.call(
    'v3.Capture',
    {
      trade_id: tradeId,
      amount: toDecimalString(total, attempt.currency),
      currency: attempt.currency,
      description: attempt.description.trim() || `Order ${attempt.reference}`,
      notify_url: ctx.config.notifyUrl,
      request_id: newYabandpayRequestId(),
    },
    ctx.closed,
  );
  if (reply.kind === 'ok') {
    return outcome('approved', `Captured ${moneyText(total, attempt.currency)}.`, {
      providerRef: tradeId,
      approvedAmount: amount,
      tip: attempt.tip,
      detail: { trade_id: tradeId, captured: total },
    });
  }
  const refusal = reply.kind === 'error' ? reply.cashierMessage : null;
  const lookup = await lookUpOrder(ctx, tradeId);
  if (lookup.kind === 'info') {
    const read = readPaymentState(lookup.info.state);
    const detail = transactionDetail(lookup.info);
    if (read.code === '00')
      return outcome('approved', 'This authorisation is already captured.', { providerRef: tradeId, detail });
    if (refusal !== null) return outcome('declined', `${refusal} (${read.sentence})`, { providerRef: tradeId, detail });
  } else if (refusal !== null) {
    return outcome('declined', refusal, { providerRef: tradeId });
  }
  return outcome(
    'unknown',
    'YabandPay did not confirm the capture; it will be checked before anything else is tried.',
    { providerRef: tradeId },
  );
}

/** The held authorisation a capture attempt points at, as captureAuthorisation wants it. */
export function authorisationOf(capture: ProviderAttempt): ProviderAttempt {
  const original = capture.original;
  return {
    ...capture,
    providerRef: original?.providerRef ?? null,
    amount: original?.amount ?? capture.amount,
    tip: capture.tip,
  };
}

/** Whether a capture whose reply was lost happened: the authorisation reads 00 paid once captured. */
export async function queryCapture(ctx: YabandpayContext, capture: ProviderAttempt): Promise<ProviderOutcome> {
  const tradeId = capture.original?.providerRef;
  if (!tradeId) return outcome('declined', 'The authorisation has no YabandPay trade id; nothing was captured.');
  const lookup = await lookUpOrder(ctx, tradeId);
  if (lookup.kind !== 'info')
    return outcome('unknown', 'YabandPay did not answer about the capture; it will be checked again.', {
      providerRef: tradeId,
    });
  const read = readPaymentState(lookup.info.state);
  if (read.code === '00')
    return outcome('approved', 'The authorisation is captured.', {
      providerRef: tradeId,
      approvedAmount: capture.amount,
      tip: capture.tip,
      detail: transactionDetail(lookup.info),
    });
  return outcome('unknown', `Not captured yet (${read.sentence}); a manager can settle it with the portal's record.`, {
    providerRef: tradeId,
    detail: transactionDetail(lookup.info),
  });
}

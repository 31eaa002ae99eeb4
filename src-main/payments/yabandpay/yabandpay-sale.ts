/**
 * Card sale / authorisation on a YabandPay cloud POS terminal: `v3.POS` once, then poll
 * `v3.QueryOrder` by trade_id (PAYMENTS.md §3.2, §5: no backend, so polling replaces the
 * notify). A lost `v3.POS` reply leaves no trade_id and no way to query by our own ids,
 * so recovery resends the SAME request (same order_id and request_id): the gateway must
 * answer -3002 and never create a second order.
 */
import type { ProgressReport, ProviderAttempt, ProviderOutcome } from '../provider';
import { YABANDPAY_ERROR } from './yabandpay-errors';
import { isAuthorisation, moneyText, outcome, tradeIdOf, withClosed, type YabandpayContext } from './yabandpay-context';
import { newYabandpayRequestId, orderIdProblem, requestIdProblem } from './yabandpay-ids';
import { lookUpOrder, querySaleByTradeId, saleOutcomeFromInfo } from './yabandpay-order-status';
import { posReplyDataSchema } from './yabandpay-states';
import { toDecimalString } from '../../../src-shared/money';

/** EUR amounts under 0.10 are refused by the gateway (seed 004); CHF assumed alike. */
const MINIMUM_MINOR = 10;

/** The `v3.POS` data for an attempt, or why it cannot be sent. Deterministic: a resend is byte-for-byte the same request. */
export function posRequestData(ctx: YabandpayContext, attempt: ProviderAttempt): { data: Record<string, string | undefined> } | { problem: string } {
  const problem = orderIdProblem(attempt.reference) ?? requestIdProblem(attempt.requestId);
  if (problem) return { problem };
  if (attempt.currency !== ctx.config.currency) {
    return { problem: `This YabandPay terminal takes ${ctx.config.currency}, not ${attempt.currency}; nothing was sent.` };
  }
  if (!Number.isSafeInteger(attempt.amount) || !Number.isSafeInteger(attempt.tip) || attempt.amount <= 0 || attempt.tip < 0) {
    return { problem: 'The payment amount is not valid; nothing was sent.' };
  }
  // YabandPay's amount includes the tip ("tip included in the total", seed 004); ours does not.
  const total = attempt.amount + attempt.tip;
  if (total < MINIMUM_MINOR) return { problem: `YabandPay takes card payments from ${moneyText(MINIMUM_MINOR, attempt.currency)}; nothing was sent.` };
  const description = [...(attempt.description.trim() || `Order ${attempt.reference}`)].slice(0, 64).join('');
  return {
    data: {
      pay_method: 'offline',
      sub_pay_method: 'point_of_sales',
      operation: isAuthorisation(attempt) ? '2' : '1',
      tid: ctx.config.tid,
      order_id: attempt.reference,
      amount: toDecimalString(total, attempt.currency),
      tip_amount: attempt.tip > 0 ? toDecimalString(attempt.tip, attempt.currency) : undefined,
      currency: attempt.currency,
      description,
      notify_url: ctx.config.notifyUrl,
      request_id: attempt.requestId,
    },
  };
}

/** What the cashier is told when the gateway will not say how a lost sale ended. */
export function slipCheckMessage(attempt: ProviderAttempt): string {
  return (
    `YabandPay already has payment ${attempt.reference} but its reply was lost, and the gateway will not say how it ended. ` +
    `On the terminal, open the last transaction (or its slip): check that the amount is ${moneyText(attempt.amount + attempt.tip, attempt.currency)}, ` +
    'that the time matches this sale, and whether it says approved. A manager then settles this payment with that slip.'
  );
}

/** -3002 duplicate: recover through the trade_id if the (signed) reply gives it, else ask for the slip. */
async function resolveDuplicate(ctx: YabandpayContext, attempt: ProviderAttempt, data: Record<string, unknown> | null, signal?: AbortSignal): Promise<ProviderOutcome> {
  const parsed = data ? posReplyDataSchema.safeParse(data) : null;
  if (parsed?.success) {
    ctx.tradeIds.remember(attempt.reference, parsed.data.trade_id);
    return querySaleByTradeId(ctx, attempt, parsed.data.trade_id, signal);
  }
  return outcome('unknown', slipCheckMessage(attempt), { detail: { code: YABANDPAY_ERROR.duplicateRequest, needsSlip: true } });
}

/** Polls an order until a final state, the window's end (unknown), or the cashier stops waiting (what is known). */
async function pollSale(ctx: YabandpayContext, attempt: ProviderAttempt, tradeId: string, signal: AbortSignal, progress: ProgressReport): Promise<ProviderOutcome> {
  const started = performance.now();
  let known = outcome('pending', 'Waiting for the customer at the terminal…', { providerRef: tradeId, detail: { trade_id: tradeId } });
  let told = '';
  for (;;) {
    if (!(await ctx.sleep(ctx.timing.pollIntervalMs, signal))) {
      return { ...known, message: `${known.message} Stopped waiting; the payment will be checked again.` };
    }
    const lookup = await lookUpOrder(ctx, tradeId, signal);
    if (lookup.kind === 'info') {
      const read = saleOutcomeFromInfo(ctx, attempt, lookup.info);
      if (read.state !== 'pending' && read.state !== 'unknown') return read;
      if (read.state === 'pending') known = read;
      if (read.message !== told) progress((told = read.message));
    }
    // A failed poll is not an answer: keep polling until the window ends.
    if (performance.now() - started >= ctx.timing.pollWindowMs) {
      return outcome('unknown', 'The terminal has not finished this payment yet; it will be checked again.', {
        providerRef: tradeId,
        detail: known.detail ?? { trade_id: tradeId },
      });
    }
  }
}

/** `start` for kind 'sale': one v3.POS, then polling. */
export async function startSale(ctx: YabandpayContext, attempt: ProviderAttempt, signal: AbortSignal, progress: ProgressReport): Promise<ProviderOutcome> {
  const request = posRequestData(ctx, attempt);
  if ('problem' in request) return outcome('declined', request.problem, { detail: { sent: false } });
  progress('Sending the payment to the terminal…');
  const reply = await ctx.client.call('v3.POS', request.data, withClosed(ctx, signal));
  if (reply.kind === 'no-answer') {
    return outcome('unknown', `No reply from YabandPay (${reply.reason}); the payment will be checked before anything else is tried.`, { detail: { reason: reply.reason } });
  }
  if (reply.kind === 'error') {
    if (reply.code === YABANDPAY_ERROR.duplicateRequest) return resolveDuplicate(ctx, attempt, reply.data, signal);
    // -1000 may come after the order was created: not a refusal we can trust.
    if (reply.code === YABANDPAY_ERROR.internal) return outcome('unknown', `${reply.cashierMessage} The payment will be checked.`, { detail: { code: reply.code } });
    return outcome('declined', reply.cashierMessage, { detail: { code: reply.code, message: reply.message } });
  }
  const posReply = posReplyDataSchema.safeParse(reply.data);
  if (!posReply.success) return outcome('unknown', 'YabandPay replied without a trade id; the payment will be checked.', { detail: { reason: 'no trade_id' } });
  const tradeId = posReply.data.trade_id;
  ctx.tradeIds.remember(attempt.reference, tradeId);
  progress('The terminal is waiting for the card…', { providerRef: tradeId });
  return pollSale(ctx, attempt, tradeId, signal, progress);
}

/**
 * `query` for a sale. With a trade_id: one v3.QueryOrder. Without (the v3.POS reply was
 * lost): resend the identical v3.POS (DESIGN.md §6 rule 2 forbids a NEW sale, not the
 * same idempotent request). If that resend was accepted as new, the first never arrived:
 * the terminal is now prompting for a sale nobody is waiting for, so we close it at once
 * (v3.POSCancel) and report what the order really became.
 */
export async function querySale(ctx: YabandpayContext, attempt: ProviderAttempt): Promise<ProviderOutcome> {
  const known = tradeIdOf(ctx, attempt);
  if (known) return querySaleByTradeId(ctx, attempt, known);
  const request = posRequestData(ctx, attempt);
  if ('problem' in request) return outcome('declined', request.problem, { detail: { sent: false } });
  const reply = await ctx.client.call('v3.POS', request.data, ctx.closed);
  if (reply.kind === 'no-answer') return outcome('unknown', `YabandPay did not answer (${reply.reason}); the payment will be checked again.`);
  if (reply.kind === 'error') {
    if (reply.code === YABANDPAY_ERROR.duplicateRequest) return resolveDuplicate(ctx, attempt, reply.data);
    // Any other refusal says nothing about the first request: stay unknown.
    return outcome('unknown', `${reply.cashierMessage} The payment will be checked again.`, { detail: { code: reply.code } });
  }
  const posReply = posReplyDataSchema.safeParse(reply.data);
  if (!posReply.success) return outcome('unknown', 'YabandPay replied without a trade id; the payment will be checked again.');
  const tradeId = posReply.data.trade_id;
  ctx.tradeIds.remember(attempt.reference, tradeId);
  const now = await querySaleByTradeId(ctx, attempt, tradeId);
  if (now.state !== 'pending' && now.state !== 'unknown') return now;
  const closed = await closeTerminalScreen(ctx, attempt, tradeId);
  if (closed.state === 'cancelled') {
    return { ...closed, message: 'The first payment request never reached the terminal, so nothing was charged; take the payment again.' };
  }
  return closed;
}

/** v3.POSCancel, then the order's real state if the gateway refused (e.g. it was paid meanwhile). */
async function closeTerminalScreen(ctx: YabandpayContext, attempt: ProviderAttempt, tradeId: string): Promise<ProviderOutcome> {
  const reply = await ctx.client.call('v3.POSCancel', { tid: ctx.config.tid, trade_id: tradeId, request_id: newYabandpayRequestId() }, ctx.closed);
  if (reply.kind === 'ok') {
    return outcome('cancelled', 'The terminal’s payment screen was closed; nothing was charged.', { providerRef: tradeId, detail: { trade_id: tradeId, cancelled: 'v3.POSCancel' } });
  }
  if (reply.kind === 'no-answer') {
    return outcome('unknown', `YabandPay did not confirm the cancel (${reply.reason}); the payment will be checked again.`, { providerRef: tradeId });
  }
  return querySaleByTradeId(ctx, attempt, tradeId);
}

/** `cancel` for a sale: close the terminal's waiting screen (unpaid orders only). */
export async function cancelSale(ctx: YabandpayContext, attempt: ProviderAttempt): Promise<ProviderOutcome> {
  // The engine journals the trade_id only when start() returns; the cashier cancels while it polls.
  const tradeId = tradeIdOf(ctx, attempt);
  if (!tradeId) {
    return outcome('unknown', 'The terminal screen cannot be closed from here before YabandPay gives a trade id; press cancel on the terminal. The payment will be checked.');
  }
  return closeTerminalScreen(ctx, attempt, tradeId);
}

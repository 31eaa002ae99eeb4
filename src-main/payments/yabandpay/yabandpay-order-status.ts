/**
 * Reading a payment's state with `v3.QueryOrder` (by trade_id; there is no query by
 * order_id or request_id, PAYMENTS.md §3.2 Gap) and turning it into an outcome.
 */
import type { ProviderAttempt, ProviderOutcome } from '../provider';
import { outcome, withClosed, type YabandpayContext } from './yabandpay-context';
import { cardBlockFrom, queryOrderDataSchema, readPaymentState, transactionDetail, type TransactionInfo } from './yabandpay-states';

export type OrderLookup =
  | { kind: 'info'; info: TransactionInfo }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'no-answer'; reason: string };

/** One `v3.QueryOrder`. A verified reply whose shape is wrong counts as no answer. */
export async function lookUpOrder(ctx: YabandpayContext, tradeId: string, signal?: AbortSignal): Promise<OrderLookup> {
  const reply = await ctx.client.call('v3.QueryOrder', { trade_id: tradeId }, withClosed(ctx, signal));
  if (reply.kind === 'no-answer') return reply;
  if (reply.kind === 'error') return { kind: 'error', code: reply.code, message: reply.cashierMessage };
  const parsed = queryOrderDataSchema.safeParse(reply.data);
  if (!parsed.success || parsed.data.transaction_info.trade_id !== tradeId) return { kind: 'no-answer', reason: 'order query reply did not describe this trade' };
  return { kind: 'info', info: parsed.data.transaction_info };
}

/**
 * The outcome of a sale (or authorisation) from its transaction_info. `pending` while the
 * terminal or the risk review is still acting. The gateway must be talking about our
 * order_id: anything else is not an answer about this attempt.
 */
export function saleOutcomeFromInfo(ctx: YabandpayContext, attempt: ProviderAttempt, info: TransactionInfo): ProviderOutcome {
  const detail = transactionDetail(info);
  const providerRef = info.trade_id;
  if (info.order_id && info.order_id !== attempt.reference) {
    return outcome('unknown', 'YabandPay answered about a different order; the payment will be checked again.', { providerRef, detail });
  }
  const read = readPaymentState(info.state);
  switch (read.class) {
    case 'approved':
      return outcome('approved', read.sentence, {
        providerRef,
        card: cardBlockFrom(info, ctx.config.tid),
        // No approvedAmount: the POS API has no on-screen tip or partial approval, and the
        // vendor's reply example shows amount "12" for a request of "12.5" with tip "0.5"
        // (seed 004), so the reply's amount is not trusted to restate ours.
        detail: { ...detail, authorisedOnly: read.authorisedOnly },
      });
    case 'declined':
    case 'cancelled':
      return outcome(read.class, read.sentence, { providerRef, detail });
    case 'open':
      return outcome('pending', read.sentence, { providerRef, detail });
    default:
      return outcome('unknown', read.sentence, { providerRef, detail });
  }
}

/** One query of a sale by trade_id, as an outcome (unknown when nothing trustworthy came back). */
export async function querySaleByTradeId(ctx: YabandpayContext, attempt: ProviderAttempt, tradeId: string, signal?: AbortSignal): Promise<ProviderOutcome> {
  const lookup = await lookUpOrder(ctx, tradeId, signal);
  if (lookup.kind === 'info') return saleOutcomeFromInfo(ctx, attempt, lookup.info);
  const why = lookup.kind === 'error' ? lookup.message : `YabandPay did not answer (${lookup.reason}).`;
  return outcome('unknown', `${why} The payment will be checked again.`, { providerRef: tradeId, detail: { trade_id: tradeId, lookup: lookup.kind } });
}

/**
 * Reading a payment's state with `v3.QueryOrder` (by trade_id; there is no query by
 * order_id or request_id, PAYMENTS.md §3.2 Gap) and turning it into an outcome.
 */
import { parseDecimalString } from '../../../src-shared/money';
import type { ProviderAttempt, ProviderOutcome } from '../provider';
import { outcome, withClosed, type YabandpayContext } from './yabandpay-context';
import {
  cardBlockFrom,
  queryOrderDataSchema,
  readPaymentState,
  transactionDetail,
  type TransactionInfo,
} from './yabandpay-states';

export type OrderLookup =
  | { kind: 'info'; info: TransactionInfo }
  | { kind: 'error'; code: string; message: string; configFault?: string }
  | { kind: 'no-answer'; reason: string; configFault?: string; signatureFailed?: true };

/** One `v3.QueryOrder`. A verified reply whose shape is wrong counts as no answer. */
export async function lookUpOrder(ctx: YabandpayContext, tradeId: string, signal?: AbortSignal): Promise<OrderLookup> {
  const reply = await ctx.client.call('v3.QueryOrder', { trade_id: tradeId }, withClosed(ctx, signal));
  if (reply.kind === 'no-answer') return reply;
  if (reply.kind === 'error')
    return {
      kind: 'error',
      code: reply.code,
      message: reply.cashierMessage,
      ...(reply.configFault ? { configFault: reply.configFault } : {}),
    };
  const parsed = queryOrderDataSchema.safeParse(reply.data);
  if (!parsed.success || parsed.data.transaction_info.trade_id !== tradeId)
    return { kind: 'no-answer', reason: 'order query reply did not describe this trade' };
  return { kind: 'info', info: parsed.data.transaction_info };
}

/**
 * What a reply says the order is (provider.ts `readBack`), in minor units of its currency,
 * without the tip. YabandPay's request `amount` includes the tip (seed 004), so the base is
 * amount − tip_amount; but the same page's reply example restates a request of 12.5 with
 * tip 0.5 as amount "12", the base itself. Until the vendor says which, a tipped reply whose
 * amount is exactly our base is read that way; any other amount is reported as total − tip
 * for the engine to check. Nothing when the reply does not name an amount and a currency.
 */
export function readBackOf(
  reply: { amount?: string | null; tip_amount?: string | null; currency?: string | null },
  attempt: Pick<ProviderAttempt, 'amount'>,
): ProviderOutcome['readBack'] {
  if (!reply.amount || !reply.currency) return undefined;
  try {
    const amount = parseDecimalString(reply.amount, reply.currency);
    const tip = reply.tip_amount ? parseDecimalString(reply.tip_amount, reply.currency) : 0;
    return { amount: tip > 0 && amount === attempt.amount ? amount : amount - tip, currency: reply.currency };
  } catch {
    return undefined;
  }
}

/**
 * The outcome of a sale (or authorisation) from its transaction_info. `pending` while the
 * terminal or the risk review is still acting. The gateway must be talking about our
 * order_id: anything else is not an answer about this attempt.
 */
function saleOutcomeFromInfo(ctx: YabandpayContext, attempt: ProviderAttempt, info: TransactionInfo): ProviderOutcome {
  const detail = transactionDetail(info);
  const providerRef = info.trade_id;
  if (info.order_id && info.order_id !== attempt.reference) {
    return outcome('unknown', 'YabandPay answered about a different order; the payment will be checked again.', {
      providerRef,
      detail,
    });
  }
  const readBack = readBackOf(info, attempt);
  const known = { providerRef, detail, ...(readBack ? { readBack } : {}) };
  const read = readPaymentState(info.state);
  switch (read.class) {
    case 'approved':
      return outcome('approved', read.sentence, {
        ...known,
        card: cardBlockFrom(info, ctx.config.tid),
        // No approvedAmount: the POS API has no on-screen tip or partial approval. What the
        // gateway says the order is goes in readBack, for the engine to check.
        detail: { ...detail, authorisedOnly: read.authorisedOnly },
      });
    case 'declined':
    case 'cancelled':
      return outcome(read.class, read.sentence, known);
    case 'open':
      return outcome('pending', read.sentence, known);
    default:
      return outcome('unknown', read.sentence, known);
  }
}

/** The outcome of a look-up that brought no state: unknown, saying plainly why. */
function failedLookupOutcome(lookup: Exclude<OrderLookup, { kind: 'info' }>, tradeId: string): ProviderOutcome {
  const signatureFailed = lookup.kind === 'no-answer' && lookup.signatureFailed === true;
  const why =
    lookup.kind === 'error'
      ? lookup.message
      : signatureFailed
        ? 'YabandPay\'s reply about this payment failed the signature check in every known form (PHP "Array", compact JSON), so it was not believed; a manager can settle it from the YabandPay portal.'
        : `YabandPay did not answer (${lookup.reason}).`;
  return outcome('unknown', `${why} The payment will be checked again.`, {
    providerRef: tradeId,
    detail: {
      trade_id: tradeId,
      lookup: lookup.kind,
      ...(lookup.kind === 'no-answer' ? { reason: lookup.reason } : { code: lookup.code }),
      ...(signatureFailed ? { signatureFailed } : {}),
    },
    ...(lookup.configFault ? { configFault: lookup.configFault } : {}),
  });
}

/** One query of a sale by trade_id, as an outcome (unknown when nothing trustworthy came back). */
export async function querySaleByTradeId(
  ctx: YabandpayContext,
  attempt: ProviderAttempt,
  tradeId: string,
  signal?: AbortSignal,
): Promise<ProviderOutcome> {
  const lookup = await lookUpOrder(ctx, tradeId, signal);
  return lookup.kind === 'info' ? saleOutcomeFromInfo(ctx, attempt, lookup.info) : failedLookupOutcome(lookup, tradeId);
}

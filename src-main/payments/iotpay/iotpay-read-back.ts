/**
 * What both IOTPay providers read back from a gateway reply the same way: the order's
 * amounts (cents → minor units of the order's currency), the read-back the engine checks
 * against the attempt (DESIGN.md §6 rule 7), the attempt's own ids that the PAN masker must
 * leave alone, and the outcome of a call that failed for a configuration reason.
 */
import type { ProviderAttempt, ProviderOutcome } from '../provider';
import { replyCentsToMinor } from './iotpay-amounts';
import type { IotpayOrder } from './iotpay-client';

/** The order's amounts as the gateway states them, in minor units of `currency`. */
export interface IotpayOrderAmounts {
  currency: string;
  /** Base amount, without tip; undefined when the reply names none or it cannot be converted. */
  amount?: number;
  tip?: number;
  /** What the engine compares with the attempt: set whenever the reply names the order's amount. */
  readBack?: { amount: number; currency: string };
}

/**
 * Reads an order's amounts. The currency is the one the gateway names (the attempt's when it
 * names none). An amount in a currency the adapter cannot convert is read back as sent: its
 * currency differs from the attempt's, so the engine flags it rather than apply it.
 */
export function iotpayOrderAmounts(order: IotpayOrder, attempt: ProviderAttempt): IotpayOrderAmounts {
  const currency = order.currency || attempt.currency;
  const amount = replyCentsToMinor(order.amount, currency);
  const tip = replyCentsToMinor(order.tip, currency);
  const readBack = order.amount === undefined ? undefined : { amount: amount ?? order.amount, currency };
  return { currency, amount, tip, readBack };
}

/** Ids of this attempt that may look like card numbers (digit references) and are not. */
export function ownIds(attempt: ProviderAttempt, order?: IotpayOrder | null): ReadonlySet<string> {
  const ids = [
    attempt.reference,
    attempt.requestId,
    attempt.providerRef,
    attempt.original?.reference,
    attempt.original?.providerRef,
    order?.payOrderId,
    order?.channelOrderNo,
  ];
  return new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''));
}

/**
 * A query that cannot work until the settings are fixed: still `unknown` (the order may
 * exist), but saying why instead of "still checking".
 */
export function configFaultOutcome(
  configFault: string,
  detail: Record<string, unknown>,
  what: 'sale' | 'payment',
): ProviderOutcome {
  return {
    state: 'unknown',
    message: `${configFault} The ${what} cannot be checked until the settings are fixed; do not take another payment for it.`,
    configFault,
    detail,
  };
}

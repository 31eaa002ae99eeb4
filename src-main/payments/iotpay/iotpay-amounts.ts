/**
 * IOTPay amounts at the adapter's edge (PAYMENTS.md §1.3, seed0 "payment amount in cents").
 * The POS keeps integer minor units of the store currency; IOTPay's `amount`, `tip` and
 * `refundAmount` are cents. The conversion goes through the currency's exponent, and only
 * for the currencies an IOTPay merchant account can hold: anything else is refused before
 * a request is built (KWD 1.500 is never sent as `1500` "cents").
 */
import { currencyExponent, isSupportedCurrency } from '../../../src-shared/money';

/** The currencies an IOTPay merchant account is opened in (checked when the config loads, too). */
export const IOTPAY_CURRENCIES: readonly string[] = ['CAD', 'USD'];

export function isIotpayCurrency(currency: string): boolean {
  return IOTPAY_CURRENCIES.includes(currency) && isSupportedCurrency(currency);
}

/** IOTPay's amount fields are hundredths of the currency's major unit. */
const IOTPAY_EXPONENT = 2;

function checkedExponent(currency: string): number {
  if (!isIotpayCurrency(currency))
    throw new RangeError(`IOTPay does not take ${currency} (only ${IOTPAY_CURRENCIES.join(', ')})`);
  return currencyExponent(currency);
}

/** Store minor units → IOTPay cents (CAD 1250 → 1250). Throws RangeError for a currency IOTPay does not take. */
export function toIotpayCents(minor: number, currency: string): number {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Amount ${minor} is not an integer of minor units`);
  const shift = IOTPAY_EXPONENT - checkedExponent(currency);
  if (shift >= 0) return minor * 10 ** shift;
  const divisor = 10 ** -shift;
  if (minor % divisor !== 0) throw new RangeError(`${minor} minor units of ${currency} cannot be sent as whole cents`);
  return minor / divisor;
}

/** IOTPay cents → store minor units (USD 999 → 999). Throws RangeError for a currency IOTPay does not take. */
export function fromIotpayCents(cents: number, currency: string): number {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`IOTPay amount ${cents} is not an integer of cents`);
  const shift = checkedExponent(currency) - IOTPAY_EXPONENT;
  if (shift >= 0) return cents * 10 ** shift;
  const divisor = 10 ** -shift;
  if (cents % divisor !== 0) throw new RangeError(`${cents} cents cannot be held in ${currency} minor units`);
  return cents / divisor;
}

/** A cents value from a reply, in minor units of `currency`; undefined when absent or not convertible. */
export function replyCentsToMinor(cents: number | undefined, currency: string): number | undefined {
  if (cents === undefined) return undefined;
  try {
    return fromIotpayCents(cents, currency);
  } catch {
    return undefined;
  }
}

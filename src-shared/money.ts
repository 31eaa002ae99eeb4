/**
 * Money is integer minor units everywhere. Decimal strings exist only at provider
 * adapters (toDecimalString / parseDecimalString) and in display formatting.
 */

/** ISO 4217 minor-unit exponents for the currencies a store can be configured with. */
const EXPONENTS: Readonly<Record<string, number>> = {
  AUD: 2,
  CAD: 2,
  CHF: 2,
  CNY: 2,
  DKK: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  MXN: 2,
  NOK: 2,
  NZD: 2,
  SEK: 2,
  SGD: 2,
  USD: 2,
  JPY: 0,
  KRW: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  TND: 3,
};

export function isSupportedCurrency(code: string): boolean {
  return Object.hasOwn(EXPONENTS, code);
}

export function currencyExponent(currency: string): number {
  const exponent = EXPONENTS[currency];
  if (exponent === undefined) throw new RangeError(`Unsupported currency ${currency}`);
  return exponent;
}

function assertMinor(amount: number): void {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`Amount ${amount} is not an integer of minor units`);
}

/** 1250 CAD → "12.50"; 5 JPY → "5"; -7 EUR → "-0.07". */
export function toDecimalString(minor: number, currency: string): string {
  assertMinor(minor);
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Strict parse of a provider's decimal string into minor units. Accepts fewer
 * decimals than the exponent ("12.5" EUR → 1250); refuses more, exponents, spaces.
 */
export function parseDecimalString(text: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a decimal amount`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) throw new RangeError(`"${text}" has more decimals than ${currency} allows`);
  const minor = Number(whole + fraction.padEnd(exponent, '0'));
  assertMinor(minor);
  return sign === '-' ? -minor : minor;
}

/** round(a × b ÷ c), halves away from zero, exact for any safe integers. */
export function mulDivRound(a: number, b: number, c: number): number {
  if (c === 0) throw new RangeError('Division by zero');
  const numerator = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  const negative = numerator < 0n !== divisor < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = divisor < 0n ? -divisor : divisor;
  let quotient = n / d;
  if ((n % d) * 2n >= d) quotient += 1n;
  return Number(negative ? -quotient : quotient);
}

/** Round to a multiple of step (cash rounding, e.g. step 5 for CAD nickels), halves up. */
export function roundToStep(amount: number, step: number): number {
  assertMinor(amount);
  if (step <= 1) return amount;
  return mulDivRound(amount, 1, step) * step;
}

/**
 * Split `total` across `weights` in proportion, largest remainder first, so the parts
 * always add up to exactly `total`. Used to spread an order discount over lines.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  assertMinor(total);
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  if (weightSum === 0) return weights.map(() => 0);
  const parts = weights.map((w) => {
    const exact = BigInt(total) * BigInt(w);
    return { floor: Number(exact / BigInt(weightSum)), remainder: Number(exact % BigInt(weightSum)) };
  });
  let left = total - parts.reduce((sum, p) => sum + p.floor, 0);
  const order = parts.map((_, i) => i).sort((i, j) => parts[j].remainder - parts[i].remainder || i - j);
  const result = parts.map((p) => p.floor);
  for (const i of order) {
    if (left <= 0) break;
    result[i] += 1;
    left -= 1;
  }
  return result;
}

/** Display only: locale-formatted amount with currency symbol. */
export function formatMoney(minor: number, currency: string, locale = 'en-CA'): string {
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(minor / 10 ** exponent);
}

/**
 * Cart pricing: line amounts, discounts and taxes in integer minor units.
 * Rules: an order discount is spread over lines in proportion to their amounts (largest
 * remainder) before tax, so tax is always charged on what the customer actually pays.
 * Inclusive (VAT-style) tax is round(net × r ÷ (1 + r)) and the base is net − that tax, so
 * base + tax = net always (issue 11, item 8). Taxes are rounded half away from zero either
 * per line ('line') or once per tax for the whole order ('order', see priceOrder).
 */
import { allocate, mulDivRound } from './money';

/** A tax as configured: parts per million so 9.975 % is 99 750 exactly. */
export interface TaxRate {
  code: string;
  label: string;
  ratePpm: number;
  /** true: prices already include this tax (VAT style); false: added on top. */
  inclusive: boolean;
  /**
   * Codes sharing a group are rounded together in 'order' rounding; default: the code.
   * For callers that give each line its own code for one real tax (order-view.ts).
   */
  roundingGroup?: string;
}

/** 'line': each line's tax is rounded; 'order': each tax is rounded once over the order. */
export type TaxRounding = 'line' | 'order';

/** Percent discounts are in basis points (10 % = 1000) so they stay integers. */
export type Discount = { kind: 'percent'; basisPoints: number } | { kind: 'amount'; amount: number };

export interface LineInput {
  id: string;
  unitPrice: number;
  /** Quantity in thousandths: 1 each = 1000; 1.250 kg = 1250. */
  qtyMilli: number;
  discount: Discount | null;
  taxCodes: readonly string[];
}

export interface TaxAmount {
  code: string;
  label: string;
  inclusive: boolean;
  amount: number;
  /** What the tax was computed on (net of discounts, excluding inclusive tax for inclusive rates). */
  base: number;
}

export interface PricedLine {
  id: string;
  /** unitPrice × qty, before any discount. */
  gross: number;
  lineDiscount: number;
  orderDiscount: number;
  /** gross − discounts: what the line costs before exclusive taxes. */
  net: number;
  taxes: TaxAmount[];
}

export interface OrderTotals {
  lines: PricedLine[];
  subtotal: number;
  discountTotal: number;
  taxes: TaxAmount[];
  /** Exclusive taxes only: what is added on top of the net. */
  addedTax: number;
  /** Inclusive taxes only: already inside the prices. */
  includedTax: number;
  total: number;
}

export const PPM = 1_000_000;

export function lineGross(unitPrice: number, qtyMilli: number): number {
  return mulDivRound(unitPrice, qtyMilli, 1000);
}

export function discountAmount(discount: Discount | null, base: number): number {
  if (!discount || base <= 0) return 0;
  const raw = discount.kind === 'percent' ? mulDivRound(base, discount.basisPoints, 10_000) : discount.amount;
  return Math.max(0, Math.min(raw, base));
}

/** Σ of the line's inclusive rates, in ppm: the line's price is base × (1 + Σr). */
function inclusivePpmOf(rates: readonly TaxRate[]): number {
  return rates.filter((r) => r.inclusive).reduce((sum, r) => sum + r.ratePpm, 0);
}

/** Largest-remainder split of `total` by `weights` for any sign of total (money.allocate wants total ≥ 0). */
function split(total: number, weights: readonly number[]): number[] {
  return total < 0 ? allocate(-total, weights).map((part) => -part) : allocate(total, weights);
}

/**
 * The inclusive tax inside `net`, split between the inclusive rates in proportion to their
 * rates: round(net × Σr ÷ (1 + Σr)) in all, so the parts add up to the line's total exactly.
 */
function inclusiveTaxParts(net: number, inclusiveRatesPpm: readonly number[]): number[] {
  const sumPpm = inclusiveRatesPpm.reduce((sum, r) => sum + r, 0);
  const total = sumPpm ? mulDivRound(net, sumPpm, PPM + sumPpm) : 0;
  return split(total, inclusiveRatesPpm);
}

/** Per-line rounding: the line's inclusive tax and each exclusive tax are rounded on the line. */
function lineRoundedTaxes(net: number, rates: readonly TaxRate[]): TaxAmount[] {
  const parts = inclusiveTaxParts(
    net,
    rates.filter((r) => r.inclusive).map((r) => r.ratePpm),
  );
  // Inclusive rates share one base; exclusive rates on the same line are charged on it too.
  const base = net - parts.reduce((sum, p) => sum + p, 0);
  let next = 0;
  return rates.map((rate) => ({
    code: rate.code,
    label: rate.label,
    inclusive: rate.inclusive,
    base,
    amount: rate.inclusive ? parts[next++] : mulDivRound(base, rate.ratePpm, PPM),
  }));
}

/** One line's exact, unrounded tax for one rate: num ÷ den. */
interface ExactShare {
  group: string;
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y) [x, y] = [y, x % y];
  return x;
}

/** round(n ÷ d) for d > 0, halves away from zero like mulDivRound. */
function divRound(n: bigint, d: bigint): number {
  const magnitude = ((n < 0n ? -n : n) * 2n + d) / (2n * d);
  return Number(n < 0n ? -magnitude : magnitude);
}

/**
 * Exact shares as safe, non-negative weights for allocate: over one denominator, divided by
 * their gcd, and only if still beyond 2^53 scaled to 2^52 (that can move a cent between
 * lines, never the total). Nets are never negative (prices ≥ 0, discounts capped at the
 * line); a mixed-sign order would be split by magnitude.
 */
function safeWeights(nums: readonly bigint[]): number[] {
  const abs = nums.map((n) => (n < 0n ? -n : n));
  const divisor = abs.reduce(gcd, 0n) || 1n;
  const reduced = abs.map((n) => n / divisor);
  const sum = reduced.reduce((a, b) => a + b, 0n);
  if (sum <= BigInt(Number.MAX_SAFE_INTEGER)) return reduced.map(Number);
  return reduced.map((n) => Number((n << 52n) / sum));
}

/**
 * 'order' rounding: each group's tax is rounded once from the exact sum of its shares,
 * then spread back over the shares in proportion, so the parts add up to it exactly.
 */
function roundOncePerGroup(shares: readonly ExactShare[]): number[] {
  const amounts = shares.map(() => 0);
  const groups = new Map<string, number[]>();
  shares.forEach((share, k) => {
    const members = groups.get(share.group);
    if (members) members.push(k);
    else groups.set(share.group, [k]);
  });
  for (const members of groups.values()) {
    const den = members.reduce((lcm, k) => (lcm / gcd(lcm, shares[k].den)) * shares[k].den, 1n);
    const nums = members.map((k) => shares[k].num * (den / shares[k].den));
    const total = divRound(
      nums.reduce((a, b) => a + b, 0n),
      den,
    );
    split(total, safeWeights(nums)).forEach((amount, m) => {
      amounts[members[m]] = amount;
    });
  }
  return amounts;
}

/**
 * Per-order rounding. Inclusive taxes first: rate r on a line whose inclusive rates sum to R
 * holds net × r ÷ (1 + R) exactly; per tax, those are summed over the order, rounded once and
 * spread back. Each line's base is then net − its inclusive taxes, and exclusive taxes are
 * rounded once per tax from Σ base × r the same way.
 */
function orderRoundedTaxes(nets: readonly number[], lineRates: readonly (readonly TaxRate[])[]): TaxAmount[][] {
  const groupOf = (rate: TaxRate) => `${rate.inclusive ? 'incl' : 'excl'}:${rate.roundingGroup ?? rate.code}`;
  const pick = (inclusive: boolean) =>
    lineRates.flatMap((rates, i) =>
      rates.map((rate, j) => ({ i, j, rate })).filter((e) => e.rate.inclusive === inclusive),
    );
  const amounts = lineRates.map((rates) => rates.map(() => 0));

  const inclusive = pick(true);
  roundOncePerGroup(
    inclusive.map(({ i, rate }) => ({
      group: groupOf(rate),
      num: BigInt(nets[i]) * BigInt(rate.ratePpm),
      den: BigInt(PPM + inclusivePpmOf(lineRates[i])),
    })),
  ).forEach((amount, k) => {
    amounts[inclusive[k].i][inclusive[k].j] = amount;
  });
  const bases = nets.map(
    (net, i) => net - lineRates[i].reduce((sum, rate, j) => sum + (rate.inclusive ? amounts[i][j] : 0), 0),
  );

  const exclusive = pick(false);
  roundOncePerGroup(
    exclusive.map(({ i, rate }) => ({
      group: groupOf(rate),
      num: BigInt(bases[i]) * BigInt(rate.ratePpm),
      den: BigInt(PPM),
    })),
  ).forEach((amount, k) => {
    amounts[exclusive[k].i][exclusive[k].j] = amount;
  });

  return lineRates.map((rates, i) =>
    rates.map((rate, j) => ({
      code: rate.code,
      label: rate.label,
      inclusive: rate.inclusive,
      base: bases[i],
      amount: amounts[i][j],
    })),
  );
}

/**
 * Prices an order. `rounding` 'line' (default) rounds each line's taxes; 'order' (global
 * rounding, as many VAT countries require) rounds each tax once over the whole order — per
 * `roundingGroup` when rates carry one — and spreads it back to the lines, so line taxes still
 * add up to the order's and every line's base + inclusive tax = its net.
 */
export function priceOrder(
  lines: readonly LineInput[],
  orderDiscount: Discount | null,
  taxRates: readonly TaxRate[],
  rounding: TaxRounding = 'line',
): OrderTotals {
  const rates = new Map(taxRates.map((r) => [r.code, r]));
  const afterLine = lines.map((line) => {
    const gross = lineGross(line.unitPrice, line.qtyMilli);
    const lineDiscount = discountAmount(line.discount, gross);
    const applicable = line.taxCodes.map((code) => {
      const rate = rates.get(code);
      if (!rate) throw new RangeError(`Unknown tax code ${code}`);
      return rate;
    });
    return { line, gross, lineDiscount, remaining: gross - lineDiscount, applicable };
  });
  const remainingTotal = afterLine.reduce((sum, l) => sum + l.remaining, 0);
  const orderDiscountTotal = discountAmount(orderDiscount, remainingTotal);
  const shares = allocate(
    orderDiscountTotal,
    afterLine.map((l) => l.remaining),
  );
  const nets = afterLine.map((l, i) => l.remaining - shares[i]);
  const lineTaxes =
    rounding === 'order'
      ? orderRoundedTaxes(
          nets,
          afterLine.map((l) => l.applicable),
        )
      : afterLine.map((l, i) => lineRoundedTaxes(nets[i], l.applicable));

  const priced: PricedLine[] = afterLine.map((l, i) => ({
    id: l.line.id,
    gross: l.gross,
    lineDiscount: l.lineDiscount,
    orderDiscount: shares[i],
    net: nets[i],
    taxes: lineTaxes[i],
  }));

  const taxTotals = new Map<string, TaxAmount>();
  for (const line of priced) {
    for (const tax of line.taxes) {
      const sum = taxTotals.get(tax.code);
      if (sum) {
        sum.amount += tax.amount;
        sum.base += tax.base;
      } else taxTotals.set(tax.code, { ...tax });
    }
  }
  const taxes = [...taxTotals.values()];
  const subtotal = priced.reduce((sum, l) => sum + l.gross, 0);
  const discountTotal = priced.reduce((sum, l) => sum + l.lineDiscount + l.orderDiscount, 0);
  const addedTax = taxes.filter((t) => !t.inclusive).reduce((sum, t) => sum + t.amount, 0);
  const includedTax = taxes.filter((t) => t.inclusive).reduce((sum, t) => sum + t.amount, 0);
  return {
    lines: priced,
    subtotal,
    discountTotal,
    taxes,
    addedTax,
    includedTax,
    total: subtotal - discountTotal + addedTax,
  };
}

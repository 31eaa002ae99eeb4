/**
 * Cart pricing: line amounts, discounts and taxes in integer minor units.
 * Rules: line tax is rounded half-up per line and per tax; an order discount is spread
 * over lines in proportion to their amounts (largest remainder) before tax, so tax is
 * always charged on what the customer actually pays.
 */
import { allocate, mulDivRound } from './money';

/** A tax as configured: parts per million so 9.975 % is 99 750 exactly. */
export interface TaxRate {
  code: string;
  label: string;
  ratePpm: number;
  /** true: prices already include this tax (VAT style); false: added on top. */
  inclusive: boolean;
}

/** Percent discounts are in basis points (10 % = 1000) so they stay integers. */
export type Discount =
  | { kind: 'percent'; basisPoints: number }
  | { kind: 'amount'; amount: number };

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

function lineTaxes(net: number, codes: readonly string[], rates: ReadonlyMap<string, TaxRate>): TaxAmount[] {
  const applicable = codes.map((code) => {
    const rate = rates.get(code);
    if (!rate) throw new RangeError(`Unknown tax code ${code}`);
    return rate;
  });
  // Inclusive rates share one base: net ÷ (1 + Σ inclusive rates).
  const inclusivePpm = applicable.filter((r) => r.inclusive).reduce((sum, r) => sum + r.ratePpm, 0);
  const inclusiveBase = inclusivePpm ? mulDivRound(net, PPM, PPM + inclusivePpm) : net;
  // Exclusive rates on a line that also carries inclusive ones are charged on the same pre-tax base.
  return applicable.map((rate) => ({
    code: rate.code, label: rate.label, inclusive: rate.inclusive, base: inclusiveBase,
    amount: mulDivRound(inclusiveBase, rate.ratePpm, PPM),
  }));
}

export function priceOrder(
  lines: readonly LineInput[],
  orderDiscount: Discount | null,
  taxRates: readonly TaxRate[],
): OrderTotals {
  const rates = new Map(taxRates.map((r) => [r.code, r]));
  const afterLine = lines.map((line) => {
    const gross = lineGross(line.unitPrice, line.qtyMilli);
    const lineDiscount = discountAmount(line.discount, gross);
    return { line, gross, lineDiscount, remaining: gross - lineDiscount };
  });
  const remainingTotal = afterLine.reduce((sum, l) => sum + l.remaining, 0);
  const orderDiscountTotal = discountAmount(orderDiscount, remainingTotal);
  const shares = allocate(orderDiscountTotal, afterLine.map((l) => l.remaining));

  const priced: PricedLine[] = afterLine.map((l, i) => {
    const net = l.remaining - shares[i];
    return { id: l.line.id, gross: l.gross, lineDiscount: l.lineDiscount, orderDiscount: shares[i], net, taxes: lineTaxes(net, l.line.taxCodes, rates) };
  });

  const taxTotals = new Map<string, TaxAmount>();
  for (const line of priced) {
    for (const tax of line.taxes) {
      const sum = taxTotals.get(tax.code);
      if (sum) { sum.amount += tax.amount; sum.base += tax.base; } else taxTotals.set(tax.code, { ...tax });
    }
  }
  const taxes = [...taxTotals.values()];
  const subtotal = priced.reduce((sum, l) => sum + l.gross, 0);
  const discountTotal = priced.reduce((sum, l) => sum + l.lineDiscount + l.orderDiscount, 0);
  const addedTax = taxes.filter((t) => !t.inclusive).reduce((sum, t) => sum + t.amount, 0);
  const includedTax = taxes.filter((t) => t.inclusive).reduce((sum, t) => sum + t.amount, 0);
  return { lines: priced, subtotal, discountTotal, taxes, addedTax, includedTax, total: subtotal - discountTotal + addedTax };
}

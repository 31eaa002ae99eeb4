/** Turns journal rows into the OrderView the renderer shows; pricing comes from src-shared. */
import type { AttemptView, CardBlock, OrderView } from '../../src-shared/domain';
import { roundToStep } from '../../src-shared/money';
import { priceOrder, type TaxRate } from '../../src-shared/pricing';
import { parseDiscount, type LineRow, type OrderRow, type TenderRow } from '../journal/order-repository';

export function lineTaxRates(line: LineRow): TaxRate[] {
  return JSON.parse(line.tax_codes) as TaxRate[];
}

/** The order priced from its own lines (each with its snapshot of rates, keyed per line). */
function priceLines(order: OrderRow, lines: readonly LineRow[]) {
  // Each line carries its own snapshot of rates, so history never re-prices with today's config.
  // The per-line keys keep the real code as roundingGroup: 'order' rounding rounds once per real tax.
  const rates: TaxRate[] = [];
  const priced = lines.map((l) => {
    const taxCodes: string[] = [];
    for (const rate of lineTaxRates(l)) {
      const code = `${l.id}:${rate.code}`;
      rates.push({ ...rate, code, roundingGroup: rate.code });
      taxCodes.push(code);
    }
    return { id: l.id, unitPrice: l.unit_price, qtyMilli: l.qty_milli, discount: parseDiscount(l.discount), taxCodes };
  });
  const orderDiscount = parseDiscount(order.order_discount);
  return { orderDiscount, totals: priceOrder(priced, orderDiscount, rates, order.tax_rounding) };
}

/**
 * What the order still owes, as `buildOrderView(...).due` says it, without building the view: for
 * checks that need the amount alone (a payment's amount against what is due).
 */
export function orderDue(order: OrderRow, lines: readonly LineRow[], tenders: readonly TenderRow[]): number {
  const { totals } = priceLines(order, lines);
  const paid = tenders.reduce((sum, t) => sum + t.amount, 0);
  return Math.max(0, totals.total + order.cash_rounding - paid);
}

export function buildOrderView(input: {
  order: OrderRow;
  lines: readonly LineRow[];
  tenders: readonly TenderRow[];
  attempts: readonly AttemptView[];
  cashierName: string;
  cashRoundingStep: number;
  refunded: number;
}): OrderView {
  const { order, lines, tenders } = input;
  const { orderDiscount, totals } = priceLines(order, lines);
  // Merge the per-line tax keys back into one entry per tax code.
  const taxes = new Map<string, OrderView['taxes'][number]>();
  for (const tax of totals.taxes) {
    const code = tax.code.slice(tax.code.indexOf(':') + 1);
    const existing = taxes.get(code);
    if (existing) {
      existing.amount += tax.amount;
      existing.base += tax.base;
    } else taxes.set(code, { ...tax, code });
  }
  const priced = new Map(totals.lines.map((l) => [l.id, l]));
  const paid = tenders.reduce((sum, t) => sum + t.amount, 0);
  const due = Math.max(0, totals.total + order.cash_rounding - paid);
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    currency: order.currency,
    cashierName: input.cashierName,
    openedAt: order.opened_at,
    completedAt: order.completed_at,
    lines: lines.map((l) => {
      const p = priced.get(l.id)!;
      return {
        id: l.id,
        productId: l.product_id === null ? null : String(l.product_id),
        name: l.name,
        barcode: l.barcode,
        unit: l.unit,
        unitPrice: l.unit_price,
        qtyMilli: l.qty_milli,
        discount: parseDiscount(l.discount),
        embedded: l.embedded,
        gross: p.gross,
        lineDiscount: p.lineDiscount,
        orderDiscount: p.orderDiscount,
        net: p.net,
        taxes: p.taxes.map((t) => ({ ...t, code: t.code.slice(t.code.indexOf(':') + 1) })),
      };
    }),
    orderDiscount,
    subtotal: totals.subtotal,
    discountTotal: totals.discountTotal,
    taxes: [...taxes.values()],
    addedTax: totals.addedTax,
    includedTax: totals.includedTax,
    total: totals.total,
    cashRounding: order.cash_rounding,
    paid,
    due,
    cashDue: roundToStep(due, input.cashRoundingStep),
    refunded: input.refunded,
    tenders: tenders.map((t) => ({
      id: t.id,
      kind: t.kind,
      label: t.label,
      amount: t.amount,
      tendered: t.tendered,
      change: t.change,
      tip: t.tip,
      cashback: t.cashback,
      attemptId: t.attempt_id,
      card: t.card ? (JSON.parse(t.card) as CardBlock) : null,
      createdAt: t.created_at,
    })),
    attempts: [...input.attempts],
  };
}

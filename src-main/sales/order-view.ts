/** Turns journal rows into the OrderView the renderer shows; pricing comes from src-shared. */
import type { AttemptView, CardBlock, OrderView } from '../../src-shared/domain';
import { roundToStep } from '../../src-shared/money';
import { priceOrder, type TaxRate } from '../../src-shared/pricing';
import { parseDiscount, type LineRow, type OrderRow, type TenderRow } from '../journal/order-repository';

export function lineTaxRates(line: LineRow): TaxRate[] {
  return JSON.parse(line.tax_codes) as TaxRate[];
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
  // Each line carries its own snapshot of rates, so history never re-prices with today's config.
  // The per-line keys keep the real code as roundingGroup: 'order' rounding rounds once per real tax.
  const rates = new Map<string, TaxRate>();
  for (const line of lines) {
    for (const rate of lineTaxRates(line))
      rates.set(`${line.id}:${rate.code}`, { ...rate, code: `${line.id}:${rate.code}`, roundingGroup: rate.code });
  }
  const orderDiscount = parseDiscount(order.order_discount);
  const totals = priceOrder(
    lines.map((l) => ({
      id: l.id,
      unitPrice: l.unit_price,
      qtyMilli: l.qty_milli,
      discount: parseDiscount(l.discount),
      taxCodes: lineTaxRates(l).map((r) => `${l.id}:${r.code}`),
    })),
    orderDiscount,
    [...rates.values()],
    order.tax_rounding,
  );
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

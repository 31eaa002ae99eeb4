/**
 * One receipt model, built from an order; rendered on screen (React) and to the printer
 * (receiptline → ESC/POS) from the same data.
 */
import { z } from 'zod';
import { cardBlockSchema, minor, type OrderView } from './domain';
import { resolvedTimeZone } from './local-time';

export const receiptSchema = z.object({
  storeName: z.string(),
  address: z.array(z.string()),
  taxId: z.string(),
  demo: z.boolean(),
  /** Reprints say COPY. */
  copy: z.boolean(),
  /** A heading for receipts that are not plain sales, e.g. "REFUND 3 of sale 12". */
  title: z.string().nullable().default(null),
  /**
   * Card sales print twice: the merchant copy (kept, signed when the card asks for a
   * signature) and the customer copy. null: a receipt without card data.
   */
  audience: z.enum(['merchant', 'customer']).nullable().default(null),
  orderNumber: z.number().int(),
  cashierName: z.string(),
  /** ISO instant (UTC); printed and shown in `timeZone` (local-time.ts). */
  at: z.string(),
  /** The store's IANA time zone, for every time on the receipt; absent = the runtime's own. */
  timeZone: z.string().optional(),
  currency: z.string(),
  locale: z.string(),
  lines: z.array(
    z.object({
      name: z.string(),
      /** "2 × 3.49", "1.250 kg × 8.99/kg", or "" for a single item. */
      detail: z.string(),
      amount: minor,
      discount: minor,
    }),
  ),
  subtotal: minor,
  discountTotal: minor,
  taxes: z.array(z.object({ label: z.string(), amount: minor, inclusive: z.boolean() })),
  total: minor,
  cashRounding: minor,
  tenders: z.array(
    z.object({
      label: z.string(),
      /** What the tender took, cash back included (TenderView.amount); the sale's part is amount − cashback. */
      amount: minor,
      tendered: minor,
      change: minor,
      tip: minor,
      /** Cash handed to the customer, charged to the card (part of `amount`); absent = none. */
      cashback: minor.optional(),
      /**
       * What the card or wallet was charged in all (amount + tip), when a tip or cash back makes
       * it differ from the sale's part: printed as "Total charged". Absent otherwise.
       */
      charged: minor.optional(),
      card: cardBlockSchema.nullable(),
    }),
  ),
  footer: z.array(z.string()),
});
export type Receipt = z.infer<typeof receiptSchema>;

export interface ReceiptStore {
  name: string;
  address: readonly string[];
  taxId: string;
  locale: string;
  /** IANA zone (config `store.timeZone`); absent = this machine's, written into the receipt. */
  timeZone?: string;
}

function quantityDetail(
  unit: 'each' | 'kg',
  qtyMilli: number,
  unitPrice: number,
  currency: string,
  format: (n: number, c: string) => string,
): string {
  if (unit === 'kg') return `${(qtyMilli / 1000).toFixed(3)} kg × ${format(unitPrice, currency)}/kg`;
  if (qtyMilli === 1000) return '';
  return `${qtyMilli / 1000} × ${format(unitPrice, currency)}`;
}

export function buildReceipt(
  order: OrderView,
  store: ReceiptStore,
  options: {
    copy: boolean;
    demo: boolean;
    format: (minorAmount: number, currency: string) => string;
    audience?: 'merchant' | 'customer';
  },
): Receipt {
  return {
    storeName: store.name,
    address: [...store.address],
    taxId: store.taxId,
    demo: options.demo,
    copy: options.copy,
    title: null,
    audience: order.tenders.some((t) => t.card) ? (options.audience ?? 'customer') : null,
    orderNumber: order.number,
    cashierName: order.cashierName,
    at: order.completedAt ?? order.openedAt,
    timeZone: store.timeZone || resolvedTimeZone(),
    currency: order.currency,
    locale: store.locale,
    lines: order.lines.map((line) => ({
      name: line.name,
      detail: quantityDetail(line.unit, line.qtyMilli, line.unitPrice, order.currency, options.format),
      amount: line.gross,
      discount: line.lineDiscount,
    })),
    subtotal: order.subtotal,
    discountTotal: order.discountTotal,
    taxes: order.taxes.map((t) => ({ label: t.label, amount: t.amount, inclusive: t.inclusive })),
    total: order.total,
    cashRounding: order.cashRounding,
    tenders: order.tenders.map((t) => {
      // An order view from before the cash back column has none.
      const cashback = t.cashback ?? 0;
      const charged = t.kind !== 'cash' && (t.tip > 0 || cashback > 0) ? t.amount + t.tip : undefined;
      return {
        label: t.label,
        amount: t.amount,
        tendered: t.tendered,
        change: t.change,
        tip: t.tip,
        cashback,
        charged,
        card: t.card,
      };
    }),
    footer: ['Thank you for shopping with us'],
  };
}

/** A sale paid by one tender, for the receipt tests (model, print). */
import { orderSchema, type CardBlock, type OrderView } from '../../../src-shared/domain';
import { toDecimalString } from '../../../src-shared/money';
import type { ReceiptStore } from '../../../src-shared/receipt';

export const STORE: ReceiptStore = {
  name: 'Corner Market',
  address: ['12 Rue Saint-Denis'],
  taxId: '',
  locale: 'en-CA',
  timeZone: 'America/Toronto',
};
export const format = (minor: number, currency: string) => toDecimalString(minor, currency);

/** A completed 20.00 sale paid by one tender (card by default), with the tip and cash back asked for; the tender's amount includes the cash back, as TenderView's does. */
export function cardSale(
  tender: { tip?: number; cashback?: number; card?: CardBlock | null; kind?: 'cash' | 'card' | 'wallet' } = {},
): OrderView {
  const cashback = tender.cashback ?? 0;
  return orderSchema.parse({
    id: 'O1',
    number: 12,
    status: 'completed',
    currency: 'CAD',
    cashierName: 'Casey',
    openedAt: '2026-12-06T15:00:00.000Z',
    completedAt: '2026-12-06T15:04:57.123Z',
    lines: [
      {
        id: 'L1',
        productId: 'P1',
        name: 'Bread',
        barcode: null,
        unit: 'each',
        unitPrice: 2000,
        qtyMilli: 1000,
        discount: null,
        embedded: null,
        gross: 2000,
        lineDiscount: 0,
        orderDiscount: 0,
        net: 2000,
        taxes: [],
      },
    ],
    orderDiscount: null,
    subtotal: 2000,
    discountTotal: 0,
    taxes: [],
    addedTax: 0,
    includedTax: 0,
    total: 2000,
    cashRounding: 0,
    paid: 2000,
    due: 0,
    cashDue: 0,
    refunded: 0,
    tenders: [
      {
        id: 'T1',
        kind: tender.kind ?? 'card',
        label: 'Visa',
        amount: 2000 + cashback,
        tendered: 2000 + cashback,
        change: 0,
        tip: tender.tip ?? 0,
        cashback,
        attemptId: 'A1',
        card: tender.card === undefined ? { provider: 'demo-card', method: 'card', brand: 'Visa' } : tender.card,
        createdAt: '2026-12-06T15:04:57.123Z',
      },
    ],
    attempts: [],
  });
}

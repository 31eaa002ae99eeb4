/** Small views of orders, lines and attempts for renderer tests. */
import type { AttemptView, LineView, OrderView } from '../../../src-shared/domain';

export function line(overrides: Partial<LineView> = {}): LineView {
  return {
    id: 'L1',
    productId: 'P1',
    name: 'Milk 2% 1L',
    barcode: '0068700011005',
    unit: 'each',
    unitPrice: 349,
    qtyMilli: 1000,
    discount: null,
    embedded: null,
    gross: 349,
    lineDiscount: 0,
    orderDiscount: 0,
    net: 349,
    taxes: [],
    ...overrides,
  };
}

export function order(overrides: Partial<OrderView> = {}): OrderView {
  return {
    id: 'O1',
    number: 1,
    status: 'open',
    currency: 'CAD',
    cashierName: 'Casey',
    openedAt: '2025-01-01T10:00:00Z',
    completedAt: null,
    lines: [],
    orderDiscount: null,
    subtotal: 0,
    discountTotal: 0,
    taxes: [],
    addedTax: 0,
    includedTax: 0,
    total: 0,
    cashRounding: 0,
    paid: 0,
    due: 0,
    cashDue: 0,
    refunded: 0,
    tenders: [],
    attempts: [],
    ...overrides,
  };
}

export function attempt(overrides: Partial<AttemptView> = {}): AttemptView {
  return {
    id: 'A1',
    orderId: 'O1',
    provider: 'demo-card',
    terminal: 'Lane 1',
    kind: 'sale',
    method: 'card',
    amount: 1000,
    tip: 0,
    currency: 'CAD',
    state: 'sending',
    message: '',
    nextCheckAt: null,
    needsAttention: null,
    released: false,
    refundable: 0,
    card: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    ...overrides,
  };
}

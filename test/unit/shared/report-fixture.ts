/** A Z report built by hand with every field and every section filled, for the CSV, print and screen tests. */
import { reportSchema, type Report } from '../../../src-shared/report';

export function fullReport(overrides: Partial<Report> = {}): Report {
  return reportSchema.parse({
    kind: 'Z',
    number: 7,
    copy: false,
    storeName: 'Corner Market',
    currency: 'EUR',
    // 14:05:09 in Paris (UTC+1 in December), 08:05:09 in Toronto (UTC−5).
    generatedAt: '2026-12-06T13:05:09.123Z',
    shift: {
      id: 12, openedBy: 'Ann', openedAt: '2026-12-06T07:00:00.000Z',
      closedBy: 'Ann', closeApprovedBy: 'Morgan', closedAt: '2026-12-06T13:05:00.000Z',
    },
    sales: {
      count: 42, gross: 123_456, discounts: 1_000, tax: 20_000, refunds: 2_400, refundedTax: 400, net: 100_456,
      tips: 1_500, tipsRefunded: 200, cashback: 4_000, cashRounding: -3,
    },
    taxes: [{ label: 'VAT 20%', amount: 20_000 }],
    tenders: [
      { label: 'Cash', count: 20, amount: 50_000, tips: 0, cashback: 0, refunded: 1_000, net: 49_000 },
      { label: 'Visa', count: 22, amount: 78_953, tips: 1_500, cashback: 4_000, refunded: 1_600, net: 77_353 },
    ],
    refunds: [
      { number: 3, orderNumber: 1040, at: '2026-12-06T10:15:30.000Z', user: 'Ann', approvedBy: 'Morgan', kind: 'refund', amount: 1_600, tip: 200, reason: 'damaged', items: '1 × Bread', status: 'completed' },
      { number: 4, orderNumber: 1041, at: '2026-12-06T11:00:00.000Z', user: 'Ann', approvedBy: null, kind: 'outside', amount: 1_000, tip: 0, reason: '=HYPERLINK("http://evil")', items: '', status: 'pending' },
    ],
    lateApprovals: [
      { attemptId: 'att-late-1', provider: 'iotpay-pax', orderNumber: 1043, at: '2026-12-06T12:00:00.000Z', amount: 2_500, status: 'reversed' },
      { attemptId: 'att-late-2', provider: 'codepay', orderNumber: 1044, at: '2026-12-06T12:30:00.000Z', amount: 1_200, status: 'accepted' },
    ],
    providers: [{
      label: 'Visa', confirmed: { count: 24, amount: 82_653 }, asTenders: { count: 22, amount: 78_953 }, late: { count: 2, amount: 3_700 },
      givenBack: 4_100, net: 78_553,
    }],
    voids: [{ at: '2026-12-06T09:00:00.000Z', user: 'Ann', approvedBy: 'Morgan', kind: 'line', orderNumber: 1039, description: 'Milk 2L', amount: 349, reason: 'scanned twice' }],
    noSales: [{ at: '2026-12-06T09:30:00.000Z', user: 'Ann', approvedBy: 'Morgan', reason: 'float check' }],
    overrides: [{ at: '2026-12-06T09:45:00.000Z', user: 'Ann', approvedBy: 'Morgan', product: 'Cheese', from: 899, to: 599, reason: 'damaged pack' }],
    discounts: { count: 3, total: 1_000 },
    cash: { float: 10_000, sales: 50_000, cashback: 4_000, refunds: 1_000, paidIn: 500, paidOut: 2_000, expected: 53_500, counted: 53_450, variance: -50 },
    cashMoves: [
      { at: '2026-12-06T08:00:00.000Z', user: 'Ann', approvedBy: null, kind: 'in', amount: 500, reason: 'change from bank' },
      { at: '2026-12-06T12:45:00.000Z', user: 'Ann', approvedBy: 'Morgan', kind: 'out', amount: 2_000, reason: 'bank drop' },
    ],
    unresolved: [{ attemptId: 'att-unknown-1', provider: 'iotpay-wallet', orderNumber: 1045, amount: 800, state: 'unknown', since: '2026-12-06T13:00:00.000Z' }],
    ...overrides,
  });
}

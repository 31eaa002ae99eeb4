/**
 * X and Z reports (uniCenta's Close Cash is the model, PEERS.md): one model, shown on
 * screen, printed, and exported as CSV. A Z report is numbered and never changes.
 */
import { z } from 'zod';
import { minor } from './domain';

const who = z.object({ user: z.string(), approvedBy: z.string().nullable() });

export const reportSchema = z.object({
  kind: z.enum(['X', 'Z']),
  /** Z reports are numbered; X reports are not. */
  number: z.number().int().nullable(),
  copy: z.boolean(),
  storeName: z.string(),
  currency: z.string(),
  generatedAt: z.string(),
  shift: z.object({
    id: z.number().int(),
    openedBy: z.string(),
    openedAt: z.string(),
    closedBy: z.string().nullable(),
    /** The manager who approved the close (the closer when a manager closed it). */
    closeApprovedBy: z.string().nullable(),
    closedAt: z.string().nullable(),
  }),
  sales: z.object({ count: z.number().int(), gross: minor, discounts: minor, net: minor, tips: minor, cashRounding: minor }),
  taxes: z.array(z.object({ label: z.string(), amount: minor })),
  /** Per tender kind / provider: what was taken and what went back. */
  tenders: z.array(z.object({ label: z.string(), count: z.number().int(), amount: minor, refunded: minor })),
  refunds: z.array(who.extend({ number: z.number().int(), orderNumber: z.number().int(), at: z.string(), amount: minor, reason: z.string(), items: z.string() })),
  voids: z.array(who.extend({ at: z.string(), kind: z.string(), orderNumber: z.number().int().nullable(), description: z.string(), amount: minor, reason: z.string() })),
  noSales: z.array(who.extend({ at: z.string(), reason: z.string() })),
  overrides: z.array(who.extend({ at: z.string(), product: z.string(), from: minor, to: minor, reason: z.string() })),
  discounts: z.object({ count: z.number().int(), total: minor }),
  cash: z.object({
    float: minor, sales: minor, refunds: minor, paidIn: minor, paidOut: minor, expected: minor,
    counted: minor.nullable(), variance: minor.nullable(),
  }),
  cashMoves: z.array(who.extend({ at: z.string(), kind: z.enum(['in', 'out']), amount: minor, reason: z.string() })),
  /** Payments still unresolved at the time of the report: carried forward to the next shift. */
  unresolved: z.array(z.object({ attemptId: z.string(), provider: z.string(), orderNumber: z.number().int(), amount: minor, state: z.string(), since: z.string() })),
});
export type Report = z.infer<typeof reportSchema>;

export const denominationCountsSchema = z.array(z.object({
  /** Face value in minor units (a $20 note in CAD: 2000). */
  denomination: minor.positive(),
  count: z.number().int().min(0).max(100_000),
})).max(30);
export type DenominationCounts = z.infer<typeof denominationCountsSchema>;

export function countedTotal(counts: DenominationCounts): number {
  return counts.reduce((sum, c) => sum + c.denomination * c.count, 0);
}

export const shiftSchema = z.object({
  id: z.number().int(),
  openedBy: z.string(),
  openedAt: z.string(),
  float: minor,
  expectedCash: minor,
  cashMoves: z.number().int(),
});
export type ShiftView = z.infer<typeof shiftSchema>;

export const refundSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  orderId: z.string(),
  orderNumber: z.number().int(),
  amount: minor,
  tax: minor,
  reason: z.string(),
  user: z.string(),
  approvedBy: z.string().nullable(),
  createdAt: z.string(),
  lines: z.array(z.object({ lineId: z.string(), name: z.string(), qtyMilli: z.number().int(), amount: minor })),
  tenders: z.array(z.object({ kind: z.enum(['cash', 'card', 'wallet']), amount: minor, attemptId: z.string().nullable(), state: z.string() })),
  /** completed when every tender is settled; pending while a provider refund is in flight. */
  status: z.enum(['pending', 'completed', 'failed']),
});
export type RefundView = z.infer<typeof refundSchema>;

export const refundableSchema = z.object({
  total: minor,
  lines: z.array(z.object({ lineId: z.string(), name: z.string(), qtyMilli: z.number().int(), amount: minor })),
  tenders: z.array(z.object({ kind: z.enum(['cash', 'card', 'wallet']), label: z.string(), attemptId: z.string().nullable(), refundable: minor, viaProvider: z.boolean() })),
});
export type Refundable = z.infer<typeof refundableSchema>;

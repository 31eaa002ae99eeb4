/**
 * X and Z reports (uniCenta's Close Cash is the model, PEERS.md): one model, shown on
 * screen, printed, and exported as CSV. A Z report is numbered and never changes.
 */
import { z } from 'zod';
import { minor } from './domain';
import { MAX_AMOUNT, MAX_DENOMINATION, MAX_DENOMINATION_COUNT, MAX_DENOMINATIONS } from './limits';

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
  /**
   * Sales of the shift. gross − discounts = what the goods sold for, tax included; `tax` is all
   * tax charged; `refunds` the goods given back in the shift (tax included, tips excluded) and
   * `refundedTax` their tax; `net` = gross − discounts − tax − (refunds − refundedTax): sales
   * before tax, after refunds. Tips and cash back are not sales.
   */
  sales: z.object({
    count: z.number().int(),
    gross: minor,
    discounts: minor,
    tax: minor,
    refunds: minor,
    refundedTax: minor,
    net: minor,
    tips: minor,
    tipsRefunded: minor,
    cashback: minor,
    cashRounding: minor,
  }),
  taxes: z.array(z.object({ label: z.string(), amount: minor })),
  /**
   * Per tender kind / provider: what was taken (`amount`: goods, tips and cash back together, as
   * the terminal's batch counts them; `tips` and `cashback` the parts of it), what went back,
   * and `net` = amount − refunded. Cash: cash back handed out is a negative cash line.
   */
  tenders: z.array(
    z.object({
      label: z.string(),
      count: z.number().int(),
      amount: minor,
      tips: minor,
      cashback: minor,
      refunded: minor,
      net: minor,
    }),
  ),
  refunds: z.array(
    who.extend({
      number: z.number().int(),
      orderNumber: z.number().int(),
      at: z.string(),
      /** refund (any screen), void of a payment, reversal of an approval, outside (done on the terminal), accepted (cash handed back for a late approval kept). */
      kind: z.string(),
      /** What was given back (or is still in flight: see status), tip included. */
      amount: minor,
      tip: minor,
      reason: z.string(),
      items: z.string(),
      status: z.enum(['pending', 'completed', 'partial', 'failed']),
    }),
  ),
  /**
   * Approvals that came after their sale was paid another way (needs reversal), raised or closed
   * in the shift, with where each stands: open, reversing, reversed, refunded outside the till, or
   * accepted as the sale's tender by a manager.
   */
  lateApprovals: z.array(
    z.object({
      attemptId: z.string(),
      provider: z.string(),
      orderNumber: z.number().int(),
      at: z.string(),
      amount: minor,
      status: z.enum(['open', 'reversing', 'reversed', 'refunded-elsewhere', 'accepted']),
    }),
  ),
  /**
   * Per provider: what the provider approved in the shift (`confirmed`), of which the sales took as
   * tenders (`asTenders`) and late approvals (`late`), what went back through it or outside the
   * till (`givenBack`), and `net` = confirmed − givenBack, the provider's settlement for the shift.
   */
  providers: z.array(
    z.object({
      label: z.string(),
      confirmed: z.object({ count: z.number().int(), amount: minor }),
      asTenders: z.object({ count: z.number().int(), amount: minor }),
      late: z.object({ count: z.number().int(), amount: minor }),
      givenBack: minor,
      net: minor,
    }),
  ),
  voids: z.array(
    who.extend({
      at: z.string(),
      kind: z.string(),
      orderNumber: z.number().int().nullable(),
      description: z.string(),
      amount: minor,
      reason: z.string(),
    }),
  ),
  noSales: z.array(who.extend({ at: z.string(), reason: z.string() })),
  overrides: z.array(who.extend({ at: z.string(), product: z.string(), from: minor, to: minor, reason: z.string() })),
  discounts: z.object({ count: z.number().int(), total: minor }),
  cash: z.object({
    /** expected = float + sales − cashback − refunds + paidIn − paidOut. */
    float: minor,
    sales: minor,
    cashback: minor,
    refunds: minor,
    paidIn: minor,
    paidOut: minor,
    expected: minor,
    counted: minor.nullable(),
    variance: minor.nullable(),
  }),
  cashMoves: z.array(who.extend({ at: z.string(), kind: z.enum(['in', 'out']), amount: minor, reason: z.string() })),
  /** Payments still unresolved at the time of the report: carried forward to the next shift. */
  unresolved: z.array(
    z.object({
      attemptId: z.string(),
      provider: z.string(),
      orderNumber: z.number().int(),
      amount: minor,
      state: z.string(),
      since: z.string(),
    }),
  ),
  /**
   * Z reports: the journal chain's seal made by the close, printed so that removing anything
   * up to it from the journal shows (`npm run journal -- verify --anchor seq:hash`).
   */
  journal: z.object({ seq: z.number().int(), hash: z.string(), keyId: z.string() }).nullable().optional(),
  /**
   * Z reports: true when the shift's running totals disagreed with the journal at the close, so the
   * figures were recomputed from it; the paper and the screen say TOTALS_RECOMPUTED.
   */
  totalsRecomputed: z.boolean().optional(),
});
export type Report = z.infer<typeof reportSchema>;

/** What a Z report whose running totals disagreed with the journal says, on paper and on screen. */
export const TOTALS_RECOMPUTED =
  'Running totals disagreed with the journal; these figures were recomputed from every sale. Tell your support contact.';

/**
 * A drawer count (a float, a closing count): each row within what a drawer holds, and the whole
 * no more than MAX_AMOUNT (at most 30 × 10^8 × 10^5 before that check, so the sum is exact).
 */
export const denominationCountsSchema = z
  .array(
    z.object({
      /** Face value in minor units (a $20 note in CAD: 2000). */
      denomination: minor.positive().max(MAX_DENOMINATION),
      count: z.number().int().min(0).max(MAX_DENOMINATION_COUNT),
    }),
  )
  .max(MAX_DENOMINATIONS)
  .refine((counts) => countedTotal(counts) <= MAX_AMOUNT, {
    message: 'more cash than a drawer holds (check the counts)',
  });
export type DenominationCounts = z.infer<typeof denominationCountsSchema>;

export function countedTotal(counts: readonly { denomination: number; count: number }[]): number {
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
  /** refund (any screen), void of a payment, reversal of an approval, outside (done on the terminal), accepted (cash handed back for a late approval kept). */
  kind: z.enum(['refund', 'void', 'reversal', 'outside', 'accepted']),
  /** What this record set out to give back, tip included. */
  amount: minor,
  /** The part of `amount` that is tip. */
  tip: minor,
  tax: minor,
  /** What has gone back so far (approved provider parts, cash, outside); in-flight parts are not in it. */
  givenBack: minor,
  reason: z.string(),
  evidence: z.string().nullable(),
  user: z.string(),
  approvedBy: z.string().nullable(),
  createdAt: z.string(),
  lines: z.array(z.object({ lineId: z.string(), name: z.string(), qtyMilli: z.number().int(), amount: minor })),
  tenders: z.array(
    z.object({
      kind: z.enum(['cash', 'card', 'wallet']),
      /** drawer: cash handed back; provider: through the attempt; outside: done on the terminal or elsewhere. */
      via: z.enum(['drawer', 'provider', 'outside']),
      amount: minor,
      tip: minor,
      attemptId: z.string().nullable(),
      originalTenderId: z.string().nullable(),
      /** done: the money went back; in-flight: the provider has not answered (reserved); failed: declined or cancelled (released). */
      status: z.enum(['done', 'in-flight', 'failed']),
      /** The provider attempt's state, or 'done'. */
      state: z.string(),
    }),
  ),
  /** completed: all went back; pending: a provider part is in flight; partial: some parts failed; failed: nothing went back. */
  status: z.enum(['pending', 'completed', 'partial', 'failed']),
});
export type RefundView = z.infer<typeof refundSchema>;

/**
 * What can still be given back on a sale, from the refund ledger alone: approved and in-flight
 * parts count (in-flight ones are reserved), declined and cancelled ones are released.
 */
export const refundableSchema = z.object({
  /** Goods still refundable (tax included, tips excluded). */
  total: minor,
  /** Tips still refundable. */
  tips: minor,
  /** Held by refunds whose provider has not answered yet. */
  reserved: minor,
  lines: z.array(z.object({ lineId: z.string(), name: z.string(), qtyMilli: z.number().int(), amount: minor })),
  tenders: z.array(
    z.object({
      kind: z.enum(['cash', 'card', 'wallet']),
      label: z.string(),
      /** The order's tender this is (null: never a tender). */
      tenderId: z.string().nullable(),
      attemptId: z.string().nullable(),
      /** Still refundable on this tender, tip included; `tip` the tip part of it. */
      refundable: minor,
      tip: minor,
      /** The provider can give it back from the till (else: on the terminal, or to cash). */
      viaProvider: z.boolean(),
      /** The provider takes a part of it back (else only all of what is left). */
      partial: z.boolean(),
    }),
  ),
});
export type Refundable = z.infer<typeof refundableSchema>;

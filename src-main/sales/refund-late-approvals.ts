/**
 * The ledger's records for approvals a sale did not need (issue 11): a manager's resolution — refunded
 * outside the till (recorded as such) or accepted as the sale's tender (what the sale took another way
 * for it goes back from the drawer) or a flag looked into — and the engine's own automatic reversal,
 * journaled inside the engine's transaction. Written straight through the ledger's writer because the
 * engine owns the transaction.
 */
import type { AttemptView, OrderView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { AttemptRow } from '../journal/attempt-repository';
import type { OrderRepository } from '../journal/order-repository';
import type { RefundWriter } from '../journal/refund-repository';
import { cashbackOf, type PaymentEngine } from '../payments/engine/payment-engine';
import type { OrderLedger, RefundLedger } from './refund-ledger';
import { plan, roundDrawer, type DrawerRoundingContext } from './refund-planning';

/** What recording a resolution or a reversal needs besides the ledger's figures. */
export interface RefundLateApprovalsContext extends DrawerRoundingContext {
  refunds: RefundWriter;
  orders: Pick<OrderRepository, 'byId'>;
  engine: Pick<PaymentEngine, 'resolve'>;
  tillId: number;
  /** The open shift (opened for this user when none is; null where the till keeps no shifts). */
  shiftId(userId: string): number | null;
  /** The open shift, if any (the engine's own reversals do not open one). */
  currentShiftId(): number | null;
  /** Cash handed back from the drawer (after the commit): the drawer opens. */
  cashRefunded(order: OrderView, amount: number): void;
  /** A record was written for this sale (after the commit): the screens reload it. */
  changed?(orderId: string): void;
  ledger: RefundLedger;
}

/** The manager's resolution of a late approval and the engine's reversal hook; one set per refund service. */
export function createRefundLateApprovals(deps: RefundLateApprovalsContext) {
  const { refunds } = deps;
  const { orderOf, ledgerOf } = deps.ledger;

  return {
    /**
     * A manager closes an approval the sale did not need: refunded outside the till (recorded in
     * the ledger), accepted as the sale's tender (what the sale took another way for it goes back
     * from the drawer, in the ledger), or a flag looked into.
     */
    resolvePayment(request: {
      attemptId: string;
      resolution: 'refunded-elsewhere' | 'accepted' | 'acknowledged';
      evidence: string;
      reason: string;
      managerId: string;
      userId: string;
    }): AttemptView {
      let cash: { order: OrderView; amount: number } | null = null;
      const result = deps.engine.resolve({
        ...request,
        record: (row, amount) => {
          const order = orderOf(row.order_id);
          const shiftId = deps.shiftId(request.userId);
          if (request.resolution === 'refunded-elsewhere') {
            const tip = Math.min(row.tip, amount);
            const created = refunds.create({
              orderId: order.id,
              shiftId,
              kind: 'outside',
              amount,
              tip,
              tax: 0,
              reason: request.reason,
              evidence: request.evidence,
              userId: request.userId,
              approvedBy: request.managerId,
              tillId: deps.tillId,
              lines: [],
            });
            refunds.addPart(created.id, {
              kind: row.method,
              via: 'outside',
              amount,
              tip,
              attemptId: null,
              originalAttemptId: row.id,
              originalTenderId: null,
            });
            return;
          }
          // Accepted: the approval is now a tender; the same goods go back from what the sale took another way, in cash.
          const ledger = ledgerOf(order);
          const others: OrderLedger = { ...ledger, tenders: ledger.tenders.filter((t) => t.attemptId !== row.id) };
          // What the other tenders took for these goods: the approval's amount, or a little less when their
          // cash was rounded down to the coin (11.95 paid for 11.97). When part of it was refunded already,
          // accepting would charge the customer for goods they gave back: the approval is refunded instead.
          const held = others.tenders.reduce((sum, t) => sum + t.goods, 0);
          if (held < amount + Math.min(0, order.cashRounding)) {
            throw new PosError(
              'CONFLICT',
              `Sale ${order.number} was partly refunded: refund this approval instead of accepting it.`,
              'resolution',
            );
          }
          const covered = Math.min(amount, held);
          const parts = covered > 0 ? roundDrawer(plan(others, covered, 0, 'cash'), deps) : [];
          if (parts.length === 0) return;
          const created = refunds.create({
            orderId: order.id,
            shiftId,
            kind: 'accepted',
            amount: parts.reduce((s, p) => s + p.goods, 0),
            tip: 0,
            tax: 0,
            reason: request.reason,
            evidence: request.evidence,
            userId: request.userId,
            approvedBy: request.managerId,
            tillId: deps.tillId,
            lines: [],
          });
          for (const p of parts) {
            refunds.addPart(created.id, {
              kind: 'cash',
              via: 'drawer',
              amount: p.goods,
              tip: 0,
              attemptId: null,
              originalAttemptId: p.tender.attemptId,
              originalTenderId: p.tender.tenderId,
            });
          }
          cash = { order, amount: created.amount };
        },
      });
      const handed = cash as { order: OrderView; amount: number } | null;
      if (handed && handed.amount > 0) deps.cashRefunded(handed.order, handed.amount);
      deps.changed?.(result.orderId);
      return result;
    },

    /** The engine reversed an approval on its own: its ledger record, in the engine's transaction. */
    reversalJournaled(reversal: AttemptRow, original: AttemptRow): void {
      const order = deps.orders.byId(original.order_id);
      if (!order) throw new Error(`Attempt ${original.id} belongs to no sale`);
      // A void gives back the whole charge: goods, tip and any cash back (never handed out: the sale did not take it).
      const tip = reversal.kind === 'void' ? reversal.tip : Math.min(original.tip, reversal.amount);
      const amount = reversal.kind === 'void' ? reversal.amount + reversal.tip + cashbackOf(original) : reversal.amount;
      const created = refunds.create({
        orderId: order.id,
        shiftId: deps.currentShiftId(),
        kind: 'reversal',
        amount,
        tip,
        tax: 0,
        reason: 'automatic reversal of an approval the sale did not need',
        evidence: null,
        userId: order.cashier_id,
        approvedBy: null,
        tillId: deps.tillId,
        lines: [],
      });
      refunds.addPart(created.id, {
        kind: reversal.method,
        via: 'provider',
        amount,
        tip,
        attemptId: reversal.id,
        originalAttemptId: original.id,
        originalTenderId: null,
      });
    },
  };
}

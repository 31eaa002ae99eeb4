/**
 * The refund ledger (issue 11): every movement of money back to a customer — a refund from
 * history or from a payment's screen, a void, the engine's reversal of an approval the sale
 * did not need, a refund done on the terminal and recorded by a manager, the cash handed
 * back when a manager keeps a late approval — is one `refunds` record with its parts, each
 * bound to the order and to the tender (or approval) it gives back. What is still
 * refundable per line, per tender and per order comes from this ledger alone: done parts
 * count, parts in flight are reserved, declined and cancelled ones release what they held.
 * A record and its provider attempts commit in one transaction before anything is sent.
 * This module wires the service from its parts: the ledger's figures (`refund-ledger.ts`),
 * the planning arithmetic (`refund-planning.ts`), the record writer (`refund-commit.ts`), the
 * refund / payment refund / void commands (`refund-commands.ts`) and the records of approvals
 * the sale did not need (`refund-late-approvals.ts`).
 */
import type { OrderView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { AuditLog } from '../auth/audit-log';
import type { AttemptRepository } from '../journal/attempt-repository';
import type { JournalTransaction } from '../journal/open-journal';
import type { OrderRepository } from '../journal/order-repository';
import type { RefundRepository } from '../journal/refund-repository';
import type { PaymentEngine } from '../payments/engine/payment-engine';
import type { PaymentProvider } from '../payments/provider';
import { createRefundCommands } from './refund-commands';
import { createRefundCommit } from './refund-commit';
import { createRefundLateApprovals } from './refund-late-approvals';
import { createRefundLedger } from './refund-ledger';

// Part of the service's API, still importable from here.
export type { PaymentRefundRequest } from './refund-commands';
export { recordStatus } from './refund-ledger';
export { lineRefundAmount, type RefundRequest } from './refund-planning';

export function createRefundService(deps: {
  journal: JournalTransaction;
  refunds: RefundRepository;
  attempts: AttemptRepository;
  orders: Pick<OrderRepository, 'byId'>;
  engine: PaymentEngine;
  providers: ReadonlyMap<string, PaymentProvider>;
  audit: AuditLog;
  tillId: number;
  orderView(orderId: string): OrderView;
  /** The open shift (opened for this user when none is; null where the till keeps no shifts). */
  shiftId(userId: string): number | null;
  /** The open shift, if any (the engine's own reversals do not open one). */
  currentShiftId(): number | null;
  userName(id: string): string;
  /** Cash handed back from the drawer (after the commit): the drawer opens. */
  cashRefunded(order: OrderView, amount: number): void;
  /** The store's cash rounding step: cash handed back is a countable amount. */
  cashRoundingStep: number;
  /** A record was written for this sale (after the commit): the screens reload it. */
  changed?(orderId: string): void;
}) {
  const { refunds } = deps;
  const ledger = createRefundLedger(deps);
  const { completedOrder, refundable, view } = ledger;
  const commit = createRefundCommit(deps);
  const commands = createRefundCommands({ ...deps, ledger, commit });
  const lateApprovals = createRefundLateApprovals({ ...deps, ledger });

  return {
    refundable: (orderId: string) => refundable(completedOrder(orderId)),
    forOrder: (orderId: string) => refunds.byOrder(orderId).map(view),
    view: (refundId: string) => {
      const row = refunds.byId(refundId);
      if (!row) throw new PosError('NOT_FOUND', 'That refund does not exist.', 'refundId');
      return view(row);
    },
    /**
     * The sale's payments with what each can still give back as the ledger says (refunds made any
     * way count). A sale with no refund record is returned as it is: nothing narrows its figures.
     */
    withLedgerRefundable: ledger.withLedgerRefundable,
    /** What went back on a sale attempt so far, by any way (done or in flight). */
    givenBackOn: ledger.givenBackOn,

    /** A refund from history: by lines or by amount, plus tip, to the original tenders, to cash, or recorded as done outside the till. */
    create: commands.create,

    /** A refund of one payment from its screen (`pos:payments.refund`). */
    refundPayment: commands.refundPayment,
    /** A void of one payment from its screen (`pos:payments.void`): all of it, tip included. */
    voidPayment: commands.voidPayment,

    /**
     * A manager closes an approval the sale did not need: refunded outside the till (recorded in
     * the ledger), accepted as the sale's tender (what the sale took another way for it goes back
     * from the drawer, in the ledger), or a flag looked into.
     */
    resolvePayment: lateApprovals.resolvePayment,

    /** The engine reversed an approval on its own: its ledger record, in the engine's transaction. */
    reversalJournaled: lateApprovals.reversalJournaled,
  };
}

export type RefundService = ReturnType<typeof createRefundService>;

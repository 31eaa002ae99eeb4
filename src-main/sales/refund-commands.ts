/**
 * The refund commands a cashier's manager gives (issue 11): a refund from history — by lines or by
 * amount, plus tip, to the original tenders, to cash, or recorded as done on the terminal — and a
 * payment's own refund or void from its screen, of a tender of the sale or of an approval the sale did
 * not need (a held pre-authorisation is released, nothing is given back). Each checks what the ledger
 * still allows (`refund-ledger.ts`), plans it (`refund-planning.ts`) and writes it (`refund-commit.ts`).
 */
import type { AttemptView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { RefundView } from '../../src-shared/report';
import type { AttemptRepository } from '../journal/attempt-repository';
import type { JournalTransaction } from '../journal/open-journal';
import { isPreauth, type PaymentEngine, type Staged } from '../payments/engine/payment-engine';
import { toPart, type RefundCommit } from './refund-commit';
import type { RefundLedger } from './refund-ledger';
import {
  plan,
  priceLines,
  roundDrawer,
  taxFor,
  type DrawerRoundingContext,
  type RefundRequest,
} from './refund-planning';

/** A payment's own refund or void, from its screen (a tender of the sale, or an approval it did not need). */
export interface PaymentRefundRequest {
  attemptId: string;
  reason: string;
  userId: string;
  approvedBy: string;
  options?: Record<string, string | number | boolean>;
}

/** What the commands need besides the ledger's figures and the record writer. */
export interface RefundCommandsContext extends DrawerRoundingContext {
  journal: JournalTransaction;
  attempts: Pick<AttemptRepository, 'byId'>;
  engine: Pick<PaymentEngine, 'stageRefund' | 'stageVoid' | 'attempt'>;
  /** The open shift (opened for this user when none is; null where the till keeps no shifts). */
  shiftId(userId: string): number | null;
  ledger: RefundLedger;
  commit: RefundCommit;
}

/** The refund, payment refund and payment void commands; one set per refund service. */
export function createRefundCommands(deps: RefundCommandsContext) {
  const { journal, commit } = deps;
  const { orderOf, completedOrder, ledgerOf, view, approvalLeft } = deps.ledger;

  /** A payment-screen refund or void: of a tender of the sale, or of an approval the sale did not need. */
  function paymentAction(kind: 'refund' | 'void', request: PaymentRefundRequest & { amount?: number }): AttemptView {
    const row = deps.attempts.byId(request.attemptId);
    if (!row || row.kind !== 'sale') throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
    const order = orderOf(row.order_id);
    const tender = order.tenders.find((t) => t.attemptId === row.id && t.amount > 0);
    const stage = (amount: number): Staged =>
      kind === 'void'
        ? deps.engine.stageVoid({
            attemptId: row.id,
            userId: request.approvedBy,
            ...(request.options ? { options: request.options } : {}),
          })
        : deps.engine.stageRefund({
            attemptId: row.id,
            amount,
            userId: request.approvedBy,
            ...(request.options ? { options: request.options } : {}),
          });
    let staged: Staged | undefined;
    const keep = (s: Staged): Staged => {
      staged = s;
      return s;
    };
    if (kind === 'void' && isPreauth(row)) {
      // A held pre-authorisation took no money: cancelling it releases the hold and gives nothing back.
      const held = journal.transaction(() => stage(0));
      held.launch();
      return deps.engine.attempt(held.attempt.id)!;
    }
    if (tender) {
      // A tender of the sale: bound to it, so history's refund and this one never both give it back.
      if (order.status !== 'completed')
        throw new PosError(
          'CONFLICT',
          `Sale ${order.number} is ${order.status}: finish it, then refund the payment from its receipt.`,
          'attemptId',
        );
      const ledger = ledgerOf(order);
      const left = ledger.tenders.find((t) => t.tenderId === tender.id)!;
      if (kind === 'void' && (left.goods !== tender.amount - tender.cashback || left.tip !== tender.tip)) {
        throw new PosError(
          'CONFLICT',
          'Part of this payment was already given back: refund the rest instead of voiding it.',
        );
      }
      const amount = kind === 'void' ? left.goods + left.tip : request.amount!;
      if (left.goods + left.tip === 0)
        throw new PosError('CONFLICT', 'All of this payment has gone back, or is on its way back.', 'attemptId');
      if (amount > left.goods + left.tip)
        throw new PosError(
          'INVALID_PAYLOAD',
          `At most ${left.goods + left.tip} can still be refunded on this payment.`,
          'amount',
        );
      const tip = Math.max(0, amount - left.goods);
      const goods = amount - tip;
      commit({
        order,
        kind,
        tax: taxFor(order, ledger, goods),
        reason: request.reason,
        evidence: null,
        userId: request.userId,
        approvedBy: request.approvedBy,
        shiftId: deps.shiftId(request.userId),
        lines: [],
        parts: [toPart({ tender: left, goods, tip, via: 'provider' }, () => keep(stage(amount)))],
        audit: { attemptId: row.id, provider: row.provider, orderNumber: order.number },
      });
    } else {
      // An approval the sale never took (needs reversal): its own money goes back, no goods.
      if (row.state !== 'needs_reversal' && row.needs_attention !== 'needs-reversal') {
        throw new PosError(
          'CONFLICT',
          `That payment is ${row.state} and is no tender of sale ${order.number}: there is nothing of it to give back.`,
          'attemptId',
        );
      }
      const left = approvalLeft(row);
      const amount = kind === 'void' ? left.goods + left.tip : request.amount!;
      if (left.goods + left.tip === 0)
        throw new PosError('CONFLICT', 'All of this payment has gone back, or is on its way back.', 'attemptId');
      if (amount > left.goods + left.tip)
        throw new PosError(
          'INVALID_PAYLOAD',
          `At most ${left.goods + left.tip} can still be given back on this payment.`,
          'amount',
        );
      const tip = Math.max(0, amount - left.goods);
      commit({
        order,
        kind: 'reversal',
        tax: 0,
        reason: request.reason,
        evidence: null,
        userId: request.userId,
        approvedBy: request.approvedBy,
        shiftId: deps.shiftId(request.userId),
        lines: [],
        parts: [
          {
            kind: row.method,
            via: 'provider',
            goods: amount - tip,
            tip,
            tenderId: null,
            originalAttemptId: row.id,
            stage: () => keep(stage(amount)),
          },
        ],
        audit: { attemptId: row.id, provider: row.provider, orderNumber: order.number, by: kind },
      });
    }
    return deps.engine.attempt(staged!.attempt.id)!;
  }

  return {
    /** A refund from history: by lines or by amount, plus tip, to the original tenders, to cash, or recorded as done outside the till. */
    create(request: RefundRequest): RefundView {
      const order = completedOrder(request.orderId);
      const ledger = ledgerOf(order);
      const tip = request.tip ?? 0;
      if (request.lines.length && request.amount !== undefined)
        throw new PosError('INVALID_PAYLOAD', 'Refund either lines or an amount, not both.', 'amount');
      if (!request.lines.length && request.amount === undefined && tip === 0)
        throw new PosError('INVALID_PAYLOAD', 'Choose the lines to refund, an amount, or the tip.', 'lines');
      if (request.to === 'outside' && !request.evidence)
        throw new PosError(
          'INVALID_PAYLOAD',
          'Say what proves the refund done on the terminal (its receipt or reference number).',
          'evidence',
        );
      const lines = priceLines(order, ledger, request);
      const goods = request.amount ?? lines.reduce((s, l) => s + l.amount, 0);
      if (goods + tip <= 0) throw new PosError('INVALID_PAYLOAD', 'Nothing to refund.', 'lines');
      if (goods > ledger.goodsLeft)
        throw new PosError(
          'INVALID_PAYLOAD',
          `At most ${ledger.goodsLeft} can still be refunded on this sale.`,
          'amount',
        );
      if (tip > ledger.tipsLeft)
        throw new PosError(
          'INVALID_PAYLOAD',
          `At most ${ledger.tipsLeft} of tip can still be refunded on this sale.`,
          'tip',
        );
      // Lines and amounts above are exact; only the cash handed back is rounded.
      const tax = request.amount !== undefined ? taxFor(order, ledger, goods) : lines.reduce((s, l) => s + l.tax, 0);
      const parts = roundDrawer(plan(ledger, goods, tip, request.to), deps);
      if (parts.length === 0)
        throw new PosError(
          'INVALID_PAYLOAD',
          'That is less than the smallest coin: nothing can be handed back in cash.',
          'amount',
        );
      const row = commit({
        order,
        kind: request.to === 'outside' ? 'outside' : 'refund',
        tax,
        reason: request.reason,
        evidence: request.evidence ?? null,
        userId: request.userId,
        approvedBy: request.approvedBy,
        shiftId: deps.shiftId(request.userId),
        lines: lines.map(({ lineId, qtyMilli, amount, tax: lineTax }) => ({ lineId, qtyMilli, amount, tax: lineTax })),
        parts: parts.map((p) =>
          toPart(
            p,
            p.via === 'provider'
              ? () =>
                  deps.engine.stageRefund({
                    attemptId: p.tender.attemptId!,
                    amount: p.goods + p.tip,
                    userId: request.approvedBy,
                  })
              : undefined,
          ),
        ),
        audit: { to: request.to },
      });
      return view(row);
    },

    /** A refund of one payment from its screen (`pos:payments.refund`). */
    refundPayment: (request: PaymentRefundRequest & { amount: number }) => paymentAction('refund', request),
    /** A void of one payment from its screen (`pos:payments.void`): all of it, tip included. */
    voidPayment: (request: PaymentRefundRequest) => paymentAction('void', request),
  };
}

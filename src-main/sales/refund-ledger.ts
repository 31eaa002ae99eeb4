/**
 * The refund ledger's figures (the read side, issue 11): what one sale's records hold and what it can
 * still give back, per tender, per line and in all — done parts count, parts in flight are reserved,
 * declined and cancelled ones release what they held. Also a record as the screens see it, where an
 * approval the sale did not need stands, and the engine's question of what went back on an approval.
 * Nothing here writes; the commands (`refund-commands.ts`, `refund-late-approvals.ts`) read through it.
 */
import type { AttemptView, OrderView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import { mulDivRound } from '../../src-shared/money';
import type { Refundable, RefundView } from '../../src-shared/report';
import type { AttemptRepository, AttemptRow } from '../journal/attempt-repository';
import type { LedgerPart, RefundLineRow, RefundReader, RefundRow } from '../journal/refund-repository';
import { cashbackOf } from '../payments/engine/payment-engine';
import type { PaymentProvider } from '../payments/provider';

export type Method = 'cash' | 'card' | 'wallet';

/** One tender of the order and what is still refundable on it. */
export interface TenderLeft {
  tenderId: string;
  attemptId: string | null;
  kind: Method;
  label: string;
  goods: number;
  tip: number;
  provider: PaymentProvider | null;
}

/** What the ledger holds on one order. */
export interface OrderLedger {
  tenders: TenderLeft[];
  goodsLeft: number;
  tipsLeft: number;
  taxLeft: number;
  reserved: number;
  /** Per order line: quantity, amount and tax held by refunds that did not fail. */
  lines: Map<string, { qty: number; amount: number; tax: number }>;
}

/** A line costs the customer its net plus the taxes added on top; inclusive taxes are inside the net. */
export function lineTotal(line: OrderView['lines'][number]): { amount: number; tax: number } {
  return {
    amount: line.net + line.taxes.filter((t) => !t.inclusive).reduce((s, t) => s + t.amount, 0),
    tax: line.taxes.reduce((s, t) => s + t.amount, 0),
  };
}

/** A record's status from its parts: nothing went back, all of it, some of it, or still waiting. */
export function recordStatus(parts: readonly Pick<LedgerPart, 'status'>[]): RefundView['status'] {
  if (parts.length === 0 || parts.every((p) => p.status === 'failed')) return 'failed';
  if (parts.some((p) => p.status === 'in-flight')) return 'pending';
  return parts.every((p) => p.status === 'done') ? 'completed' : 'partial';
}

const counts = (part: Pick<LedgerPart, 'status'>): boolean => part.status !== 'failed';

/** A tender whose provider can give money back itself (card and wallet only). */
export const viaProvider = (t: TenderLeft): boolean => t.kind !== 'cash' && Boolean(t.provider?.capabilities.refund);

/** What the ledger's figures read: the refund records, the sale's attempts and views, the providers. */
export interface RefundLedgerContext {
  refunds: RefundReader;
  attempts: Pick<AttemptRepository, 'byId'>;
  providers: ReadonlyMap<string, PaymentProvider>;
  orderView(orderId: string): OrderView;
  userName(id: string): string;
}

/** The ledger's figures over the journal; one per refund service. */
export function createRefundLedger(deps: RefundLedgerContext) {
  const { refunds } = deps;

  function orderOf(orderId: string): OrderView {
    return deps.orderView(orderId);
  }

  function completedOrder(orderId: string): OrderView {
    const order = orderOf(orderId);
    if (order.status !== 'completed')
      throw new PosError(
        'CONFLICT',
        `Sale ${order.number} is ${order.status}: only completed sales can be refunded.`,
        'orderId',
      );
    return order;
  }

  /** Per-record goods and tax that still count (parts that did not fail), for the order's tax left. */
  function countedTax(record: RefundRow, parts: readonly LedgerPart[]): number {
    const own = parts.filter((p) => p.refund_id === record.id && counts(p));
    const goods = own.reduce((s, p) => s + p.amount - p.tip, 0);
    const planned = record.amount - record.tip;
    return planned > 0 ? mulDivRound(record.tax, Math.min(goods, planned), planned) : 0;
  }

  function ledgerOf(order: OrderView): OrderLedger {
    const parts = refunds.partsOfOrder(order.id);
    const records = refunds.byOrder(order.id);
    const tenders: TenderLeft[] = order.tenders
      .filter((t) => t.amount > 0)
      .map((t) => {
        const attempt = t.attemptId ? deps.attempts.byId(t.attemptId) : null;
        const given = parts.filter((p) => p.original_tender_id === t.id && counts(p));
        const goods = t.amount - t.cashback - given.reduce((s, p) => s + p.amount - p.tip, 0);
        const tip = t.tip - given.reduce((s, p) => s + p.tip, 0);
        return {
          tenderId: t.id,
          attemptId: t.attemptId,
          kind: t.kind,
          label: t.label,
          goods: Math.max(0, goods),
          tip: Math.max(0, tip),
          provider: attempt ? (deps.providers.get(attempt.provider) ?? null) : null,
        };
      });
    const failed = new Set(
      records.filter((r) => recordStatus(parts.filter((p) => p.refund_id === r.id)) === 'failed').map((r) => r.id),
    );
    const lines = new Map<string, { qty: number; amount: number; tax: number }>();
    for (const line of refunds.linesOfOrder(order.id)) {
      if (failed.has(line.refund_id)) continue;
      const held = lines.get(line.line_id) ?? { qty: 0, amount: 0, tax: 0 };
      lines.set(line.line_id, {
        qty: held.qty + line.qty_milli,
        amount: held.amount + line.amount,
        tax: held.tax + line.tax,
      });
    }
    const taxHeld = records.reduce((s, r) => s + countedTax(r, parts), 0);
    return {
      tenders,
      goodsLeft: tenders.reduce((s, t) => s + t.goods, 0),
      tipsLeft: tenders.reduce((s, t) => s + t.tip, 0),
      taxLeft: Math.max(0, order.addedTax + order.includedTax - taxHeld),
      reserved: parts
        .filter((p) => p.status === 'in-flight' && p.original_tender_id !== null)
        .reduce((s, p) => s + p.amount, 0),
      lines,
    };
  }

  function refundable(order: OrderView): Refundable {
    const ledger = ledgerOf(order);
    return {
      total: ledger.goodsLeft,
      tips: ledger.tipsLeft,
      reserved: ledger.reserved,
      // A line can give back at most what the sale still can (refunds by amount or of a payment name no line).
      lines: order.lines.map((line) => {
        const held = ledger.lines.get(line.id);
        const amount = Math.min(ledger.goodsLeft, Math.max(0, lineTotal(line).amount - (held?.amount ?? 0)));
        return {
          lineId: line.id,
          name: line.name,
          qtyMilli: ledger.goodsLeft === 0 ? 0 : line.qtyMilli - (held?.qty ?? 0),
          amount,
        };
      }),
      tenders: ledger.tenders
        .filter((t) => t.goods + t.tip > 0)
        .map((t) => ({
          kind: t.kind,
          label: t.label,
          tenderId: t.tenderId,
          attemptId: t.attemptId,
          refundable: t.goods + t.tip,
          tip: t.tip,
          viaProvider: viaProvider(t),
          partial: t.kind === 'cash' || Boolean(t.provider?.capabilities.partialRefund),
        })),
    };
  }

  function view(row: RefundRow): RefundView {
    const order = orderOf(row.order_id);
    const names = new Map(order.lines.map((l) => [l.id, l.name]));
    const parts = refunds.parts(row.id);
    return {
      id: row.id,
      number: row.number,
      orderId: row.order_id,
      orderNumber: order.number,
      kind: row.kind,
      amount: row.amount,
      tip: row.tip,
      tax: row.tax,
      givenBack: parts.filter((p) => p.status === 'done').reduce((s, p) => s + p.amount, 0),
      reason: row.reason,
      evidence: row.evidence,
      user: deps.userName(row.user_id),
      approvedBy: row.approved_by ? deps.userName(row.approved_by) : null,
      createdAt: row.created_at,
      lines: refunds.lines(row.id).map((l: RefundLineRow) => ({
        lineId: l.line_id,
        name: names.get(l.line_id) ?? '',
        qtyMilli: l.qty_milli,
        amount: l.amount,
      })),
      tenders: parts.map((p) => ({
        kind: p.kind,
        via: p.via,
        amount: p.amount,
        tip: p.tip,
        attemptId: p.attempt_id,
        originalTenderId: p.original_tender_id,
        status: p.status,
        state: p.attempt_state ?? 'done',
      })),
      status: recordStatus(parts),
    };
  }

  /** Where an approval stands in the ledger: charged (goods + tip) and given back (done or in flight). */
  function approvalLeft(row: AttemptRow): { goods: number; tip: number } {
    const given = refunds.partsOfAttempt(row.id).filter(counts);
    return {
      goods: Math.max(
        0,
        (row.approved_amount ?? row.amount) + cashbackOf(row) - given.reduce((s, p) => s + p.amount - p.tip, 0),
      ),
      tip: Math.max(0, row.tip - given.reduce((s, p) => s + p.tip, 0)),
    };
  }

  return {
    orderOf,
    completedOrder,
    ledgerOf,
    refundable,
    view,
    approvalLeft,
    /**
     * The sale's payments with what each can still give back as the ledger says (refunds made any
     * way count). A sale with no refund record is returned as it is: nothing narrows its figures.
     */
    withLedgerRefundable(order: OrderView): OrderView {
      if (!order.attempts.some((a) => a.refundable > 0) || !refunds.anyForOrder(order.id)) return order;
      const ledger = ledgerOf(order);
      const refundableOn = (attempt: AttemptView): number => {
        if (attempt.kind !== 'sale' || attempt.refundable === 0) return attempt.refundable;
        const tender = order.tenders.find((t) => t.attemptId === attempt.id && t.amount > 0);
        const row = tender ? null : deps.attempts.byId(attempt.id);
        const left = tender
          ? (ledger.tenders.find((t) => t.tenderId === tender.id) ?? { goods: 0, tip: 0 })
          : row
            ? approvalLeft(row)
            : { goods: 0, tip: 0 };
        return Math.min(attempt.refundable, left.goods + left.tip);
      };
      return { ...order, attempts: order.attempts.map((a) => ({ ...a, refundable: refundableOn(a) })) };
    },
    /** What went back on a sale attempt so far, by any way (done or in flight). */
    givenBackOn: (saleAttemptId: string) =>
      refunds
        .partsOfAttempt(saleAttemptId)
        .filter(counts)
        .reduce((s, p) => s + p.amount, 0),
  };
}

export type RefundLedger = ReturnType<typeof createRefundLedger>;

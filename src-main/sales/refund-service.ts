/**
 * Refunds from order history: by line and quantity or by amount, never more than what
 * is still refundable per line and per tender, back to the original tenders through
 * their providers (with the original references) or to cash from the drawer.
 */
import type { OrderView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import { mulDivRound, roundToStep } from '../../src-shared/money';
import type { Refundable, RefundView } from '../../src-shared/report';
import type { AuditLog } from '../auth/audit-log';
import type { Db } from '../journal/open-journal';
import type { RefundRepository, RefundRow } from '../journal/refund-repository';
import type { AttemptRepository } from '../journal/attempt-repository';
import type { PaymentEngine } from '../payments/payment-engine';
import type { PaymentProvider } from '../payments/provider';

export interface RefundRequest {
  orderId: string;
  lines: { lineId: string; qtyMilli: number }[];
  amount?: number;
  to: 'original' | 'cash';
  reason: string;
  userId: string;
  approvedBy: string;
}

/** A line costs the customer its net plus the taxes added on top; inclusive taxes are inside the net. */
function lineTotal(line: OrderView['lines'][number]): { amount: number; tax: number } {
  return {
    amount: line.net + line.taxes.filter((t) => !t.inclusive).reduce((s, t) => s + t.amount, 0),
    tax: line.taxes.reduce((s, t) => s + t.amount, 0),
  };
}

/**
 * What refunding `qtyMilli` of a line gives back: a pro-rata share of the line's total,
 * except that the last items get exactly what is left, so partial refunds of a line
 * always add up to the line's total, never a cent more or less.
 */
export function lineRefundAmount(line: { total: number; qtyMilli: number }, left: { amount: number; qtyMilli: number }, qtyMilli: number): number {
  if (qtyMilli === left.qtyMilli) return left.amount;
  return Math.min(left.amount, mulDivRound(line.total, qtyMilli, line.qtyMilli));
}

export function createRefundService(deps: {
  db: Db;
  refunds: RefundRepository;
  attempts: AttemptRepository;
  engine: PaymentEngine;
  providers: ReadonlyMap<string, PaymentProvider>;
  audit: AuditLog;
  orderView(orderId: string): OrderView;
  shiftId(userId: string): number;
  userName(id: string): string;
  cashRefunded(order: OrderView, amount: number): void;
  /** The store's cash rounding step: cash handed back is a countable amount. */
  cashRoundingStep: number;
}) {
  const { refunds } = deps;

  function completedOrder(orderId: string): OrderView {
    const order = deps.orderView(orderId);
    if (order.status !== 'completed') throw new PosError('CONFLICT', `Sale ${order.number} is ${order.status}: only completed sales can be refunded.`, 'orderId');
    return order;
  }

  function refundable(order: OrderView): Refundable {
    const byLine = refunds.refundedByLine(order.id);
    const lines = order.lines.map((line) => {
      const done = byLine.get(line.id);
      return { lineId: line.id, name: line.name, qtyMilli: line.qtyMilli - (done?.qty ?? 0), amount: lineTotal(line).amount - (done?.amount ?? 0) };
    });
    const total = order.total + order.cashRounding - refunds.refundedTotal(order.id);
    const cashPaid = order.tenders.filter((t) => t.kind === 'cash').reduce((s, t) => s + t.amount, 0);
    const tenders: Refundable['tenders'] = [
      ...order.attempts.filter((a) => a.kind === 'sale' && a.refundable > 0).map((a) => ({
        kind: a.method, label: a.card?.brand ?? deps.providers.get(a.provider)?.label ?? a.provider, attemptId: a.id, refundable: a.refundable,
        viaProvider: Boolean(deps.providers.get(a.provider)?.capabilities.refund),
      })),
      ...(cashPaid > 0 ? [{ kind: 'cash' as const, label: 'Cash', attemptId: null, refundable: cashPaid - refunds.cashRefunded(order.id), viaProvider: false }] : []),
    ];
    return { total, lines, tenders };
  }

  /** What each requested line gives back: the exact rest on the last items, a pro-rata share before. */
  function priceLines(order: OrderView, left: Refundable, request: RefundRequest) {
    const seen = new Set<string>();
    return request.lines.map(({ lineId, qtyMilli }) => {
      if (seen.has(lineId)) throw new PosError('INVALID_PAYLOAD', 'A line is listed twice.', 'lines');
      seen.add(lineId);
      const line = order.lines.find((l) => l.id === lineId);
      const rest = left.lines.find((l) => l.lineId === lineId);
      if (!line || !rest) throw new PosError('NOT_FOUND', 'That line is not on this sale.', 'lines');
      if (qtyMilli > rest.qtyMilli) throw new PosError('INVALID_PAYLOAD', `Only ${rest.qtyMilli / 1000} of ${line.name} can still be refunded.`, 'lines');
      const full = lineTotal(line);
      const amount = lineRefundAmount({ total: full.amount, qtyMilli: line.qtyMilli }, rest, qtyMilli);
      return { lineId, qtyMilli, amount, tax: full.amount ? mulDivRound(full.tax, amount, full.amount) : 0, name: line.name };
    });
  }

  /** Splits the refund over tenders: providers that can refund first, then the drawer. */
  function allocate(left: Refundable, amount: number, to: 'original' | 'cash') {
    if (to === 'cash') return [{ kind: 'cash' as const, attemptId: null, amount }];
    const parts: { kind: 'cash' | 'card' | 'wallet'; attemptId: string | null; amount: number }[] = [];
    let rest = amount;
    for (const tender of [...left.tenders].sort((a, b) => Number(b.viaProvider) - Number(a.viaProvider))) {
      if (rest === 0) break;
      if (tender.kind !== 'cash' && !tender.viaProvider) continue;
      const part = Math.min(rest, tender.refundable);
      if (part > 0) parts.push({ kind: tender.kind, attemptId: tender.attemptId, amount: part });
      rest -= part;
    }
    if (rest > 0) {
      const terminalOnly = left.tenders.filter((t) => t.kind !== 'cash' && !t.viaProvider).map((t) => t.label);
      throw new PosError('CONFLICT', terminalOnly.length
        ? `${terminalOnly.join(', ')} cannot be refunded from the till: refund that part on the terminal, or refund to cash.`
        : 'The original tenders cannot take this refund back; refund to cash.', 'to');
    }
    return parts;
  }

  /**
   * Cash handed back is rounded to the store's cash step (nickel rounding), like cash
   * taken, so the drawer stays countable; rounded down when rounding up would give back
   * more than is left on the sale.
   */
  function roundCash(parts: ReturnType<typeof allocate>, leftTotal: number): { parts: ReturnType<typeof allocate>; amount: number } {
    const step = deps.cashRoundingStep;
    const rounded = parts.map((part) => {
      if (part.kind !== 'cash' || step <= 1) return part;
      const others = parts.filter((p) => p !== part).reduce((s, p) => s + p.amount, 0);
      let cash = roundToStep(part.amount, step);
      if (cash + others > leftTotal) cash -= step;
      return { ...part, amount: cash };
    }).filter((part) => part.amount > 0);
    return { parts: rounded, amount: rounded.reduce((s, p) => s + p.amount, 0) };
  }

  function view(row: RefundRow): RefundView {
    const order = deps.orderView(row.order_id);
    const names = new Map(order.lines.map((l) => [l.id, l.name]));
    const tenders = refunds.tenders(row.id).map((t) => {
      const attempt = t.attempt_id ? deps.attempts.byId(t.attempt_id) : null;
      return { kind: t.kind, amount: t.amount, attemptId: t.attempt_id, state: attempt ? attempt.state : 'approved' };
    });
    const covered = tenders.reduce((s, t) => s + t.amount, 0);
    const failed = tenders.some((t) => t.state === 'declined' || t.state === 'cancelled');
    const done = covered === row.amount && tenders.every((t) => t.state === 'approved');
    const status = failed ? 'failed' : done ? 'completed' : 'pending';
    return {
      id: row.id, number: row.number, orderId: row.order_id, orderNumber: order.number, amount: row.amount, tax: row.tax, reason: row.reason,
      user: deps.userName(row.user_id), approvedBy: row.approved_by ? deps.userName(row.approved_by) : null, createdAt: row.created_at,
      lines: refunds.lines(row.id).map((l) => ({ lineId: l.line_id, name: names.get(l.line_id) ?? '', qtyMilli: l.qty_milli, amount: l.amount })),
      tenders, status,
    };
  }

  return {
    refundable: (orderId: string) => refundable(completedOrder(orderId)),
    forOrder: (orderId: string) => refunds.byOrder(orderId).map(view),
    view: (refundId: string) => {
      const row = refunds.byId(refundId);
      if (!row) throw new PosError('NOT_FOUND', 'That refund does not exist.', 'refundId');
      return view(row);
    },

    create(request: RefundRequest): RefundView {
      const order = completedOrder(request.orderId);
      const left = refundable(order);
      if (request.lines.length && request.amount !== undefined) throw new PosError('INVALID_PAYLOAD', 'Refund either lines or an amount, not both.', 'amount');
      if (!request.lines.length && request.amount === undefined) throw new PosError('INVALID_PAYLOAD', 'Choose the lines to refund, or an amount.', 'lines');
      const lines = priceLines(order, left, request);
      const amount = request.amount ?? lines.reduce((s, l) => s + l.amount, 0);
      if (amount <= 0) throw new PosError('INVALID_PAYLOAD', 'Nothing to refund.', 'lines');
      // Lines and amounts above are exact; only the cash handed back is rounded (roundCash).
      if (amount > left.total) throw new PosError('INVALID_PAYLOAD', `At most ${left.total} can still be refunded on this sale.`, 'amount');
      const tax = request.amount !== undefined ? mulDivRound(order.addedTax + order.includedTax, amount, order.total || 1) : lines.reduce((s, l) => s + l.tax, 0);
      const exactParts = allocate(left, amount, request.to);
      const { parts, amount: refunded } = roundCash(exactParts, left.total);
      if (refunded <= 0) throw new PosError('INVALID_PAYLOAD', 'That is less than the smallest coin: nothing can be handed back in cash.', 'amount');
      const shiftId = deps.shiftId(request.userId);

      // Journal the refund and its cash part first; provider refunds are each journaled by the engine before they leave.
      const row = deps.db.transaction(() => {
        const created = refunds.create({ orderId: order.id, shiftId, amount: refunded, tax, reason: request.reason, userId: request.userId, approvedBy: request.approvedBy, lines });
        for (const part of parts.filter((p) => p.kind === 'cash')) refunds.addTender(created.id, { kind: 'cash', amount: part.amount, attemptId: null, originalAttemptId: null });
        deps.audit.append({ userId: request.userId, action: 'refund', object: `order:${order.id}`, detail: { refund: created.number, amount: refunded, approvedBy: request.approvedBy, reason: request.reason, to: request.to } });
        return created;
      }).immediate();
      for (const part of parts) {
        if (part.kind === 'cash') continue;
        const attempt = deps.engine.refund({ attemptId: part.attemptId!, amount: part.amount, userId: request.approvedBy });
        refunds.addTender(row.id, { kind: part.kind, amount: part.amount, attemptId: attempt.id, originalAttemptId: part.attemptId });
      }
      const cash = parts.filter((p) => p.kind === 'cash').reduce((s, p) => s + p.amount, 0);
      if (cash > 0) deps.cashRefunded(order, cash);
      return view(row);
    },
  };
}

export type RefundService = ReturnType<typeof createRefundService>;

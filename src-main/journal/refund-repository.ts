/** Refunds, their lines and where the money went back: the only place their SQL lives. */
import { randomUUID } from 'node:crypto';
import type { Db } from './open-journal';

export interface RefundRow {
  id: string; number: number; order_id: string; shift_id: number | null; amount: number; tax: number; reason: string;
  user_id: string; approved_by: string | null; created_at: string;
}
export interface RefundLineRow { refund_id: string; line_id: string; qty_milli: number; amount: number; tax: number }
export interface RefundTenderRow { refund_id: string; kind: 'cash' | 'card' | 'wallet'; amount: number; attempt_id: string | null; original_attempt_id: string | null }

export function createRefundRepository(db: Db, now: () => Date = () => new Date()) {
  const q = {
    insert: db.prepare(`INSERT INTO refunds (id, number, order_id, shift_id, amount, tax, reason, user_id, approved_by, created_at)
      VALUES (@id, (SELECT COALESCE(MAX(number), 0) + 1 FROM refunds), @orderId, @shiftId, @amount, @tax, @reason, @userId, @approvedBy, @at)`),
    line: db.prepare('INSERT INTO refund_lines (refund_id, line_id, qty_milli, amount, tax) VALUES (?, ?, ?, ?, ?)'),
    tender: db.prepare('INSERT INTO refund_tenders (refund_id, kind, amount, attempt_id, original_attempt_id) VALUES (?, ?, ?, ?, ?)'),
    byId: db.prepare('SELECT * FROM refunds WHERE id = ?'),
    byOrder: db.prepare('SELECT * FROM refunds WHERE order_id = ? ORDER BY number'),
    lines: db.prepare('SELECT * FROM refund_lines WHERE refund_id = ?'),
    tenders: db.prepare('SELECT * FROM refund_tenders WHERE refund_id = ? ORDER BY rowid'),
    refundedByLine: db.prepare(`SELECT rl.line_id, SUM(rl.qty_milli) AS qty, SUM(rl.amount) AS amount FROM refund_lines rl
      JOIN refunds r ON r.id = rl.refund_id WHERE r.order_id = ? GROUP BY rl.line_id`),
    refundedTotal: db.prepare('SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE order_id = ?'),
    cashRefunded: db.prepare(`SELECT COALESCE(SUM(rt.amount), 0) FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id WHERE r.order_id = ? AND rt.kind = 'cash'`),
  };
  return {
    create(refund: { orderId: string; shiftId: number | null; amount: number; tax: number; reason: string; userId: string; approvedBy: string | null; lines: { lineId: string; qtyMilli: number; amount: number; tax: number }[] }): RefundRow {
      const id = randomUUID();
      q.insert.run({ id, ...refund, at: now().toISOString() });
      for (const line of refund.lines) q.line.run(id, line.lineId, line.qtyMilli, line.amount, line.tax);
      return q.byId.get(id) as RefundRow;
    },
    addTender: (refundId: string, tender: { kind: RefundTenderRow['kind']; amount: number; attemptId: string | null; originalAttemptId: string | null }) =>
      void q.tender.run(refundId, tender.kind, tender.amount, tender.attemptId, tender.originalAttemptId),
    byId: (id: string) => (q.byId.get(id) as RefundRow | undefined) ?? null,
    byOrder: (orderId: string) => q.byOrder.all(orderId) as RefundRow[],
    lines: (refundId: string) => q.lines.all(refundId) as RefundLineRow[],
    tenders: (refundId: string) => q.tenders.all(refundId) as RefundTenderRow[],
    refundedByLine: (orderId: string) => new Map((q.refundedByLine.all(orderId) as { line_id: string; qty: number; amount: number }[]).map((r) => [r.line_id, r])),
    refundedTotal: (orderId: string) => q.refundedTotal.pluck().get(orderId) as number,
    cashRefunded: (orderId: string) => q.cashRefunded.pluck().get(orderId) as number,
  };
}

export type RefundRepository = ReturnType<typeof createRefundRepository>;

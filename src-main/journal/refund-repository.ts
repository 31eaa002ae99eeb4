/**
 * The refund ledger (issue 11): every movement of money back to a customer, its lines and
 * where each part went. The only place its SQL lives. A part's status is read from its
 * provider attempt, never stored twice: approved → done, unresolved → in flight (reserved),
 * declined or cancelled → failed (released).
 */
import { randomUUID } from 'node:crypto';
import { UNRESOLVED_ATTEMPT_STATES } from '../../src-shared/domain';
import type { Db } from './open-journal';

export type RefundKind = 'refund' | 'void' | 'reversal' | 'outside' | 'accepted';
export type RefundVia = 'drawer' | 'provider' | 'outside';
export type PartStatus = 'done' | 'in-flight' | 'failed';

export interface RefundRow {
  id: string;
  number: number;
  order_id: string;
  shift_id: number | null;
  kind: RefundKind;
  amount: number;
  tip: number;
  tax: number;
  reason: string;
  evidence: string | null;
  user_id: string;
  approved_by: string | null;
  till_id: number | null;
  created_at: string;
}
export interface RefundLineRow {
  refund_id: string;
  line_id: string;
  qty_milli: number;
  amount: number;
  tax: number;
}
export interface RefundTenderRow {
  refund_id: string;
  kind: 'cash' | 'card' | 'wallet';
  via: RefundVia;
  amount: number;
  tip: number;
  attempt_id: string | null;
  original_attempt_id: string | null;
  original_tender_id: string | null;
}
/** A part with its status read from its attempt (and the attempt's state, or null for cash and outside). */
export interface LedgerPart extends RefundTenderRow {
  status: PartStatus;
  attempt_state: string | null;
}

export interface NewRefund {
  orderId: string;
  shiftId: number | null;
  kind: RefundKind;
  amount: number;
  tip: number;
  tax: number;
  reason: string;
  evidence: string | null;
  userId: string;
  approvedBy: string | null;
  tillId: number | null;
  lines: readonly { lineId: string; qtyMilli: number; amount: number; tax: number }[];
}
export interface NewPart {
  kind: RefundTenderRow['kind'];
  via: RefundVia;
  amount: number;
  tip: number;
  attemptId: string | null;
  originalAttemptId: string | null;
  originalTenderId: string | null;
}

const LIVE = UNRESOLVED_ATTEMPT_STATES.map((state) => `'${state}'`).join(', ');
const PART = `rt.*, pa.state AS attempt_state, CASE WHEN rt.attempt_id IS NULL OR pa.state = 'approved' THEN 'done'
  WHEN pa.state IN (${LIVE}) THEN 'in-flight' ELSE 'failed' END AS status`;

export interface RefundReader {
  byId(id: string): RefundRow | null;
  /** The sale's refund records, by number. */
  byOrder(orderId: string): RefundRow[];
  /** True when any record gives money back on this sale (cheap: one index probe). */
  anyForOrder(orderId: string): boolean;
  /** The shift's refund records, by number. */
  byShift(shiftId: number): RefundRow[];
  /** The lines (goods given back) of one record. */
  lines(refundId: string): RefundLineRow[];
  /** Every line given back on this sale, whichever record it belongs to. */
  linesOfOrder(orderId: string): RefundLineRow[];
  /** Where one record's money went, part by part, each with its status. */
  parts(refundId: string): LedgerPart[];
  /** Every part of every record of this sale, in the order they were journaled. */
  partsOfOrder(orderId: string): LedgerPart[];
  /** Every part of every record of this shift, in the order they were journaled. */
  partsOfShift(shiftId: number): LedgerPart[];
  /** Parts that give back (some of) this approval, whichever record they belong to. */
  partsOfAttempt(originalAttemptId: string): LedgerPart[];
  /** The record a provider attempt belongs to. */
  byAttempt(attemptId: string): RefundRow | null;
}

export interface RefundWriter {
  /** Journals a record (numbered after the last) with its lines; its parts follow with `addPart`. */
  create(refund: NewRefund): RefundRow;
  /** Journals where (part of) a record's money goes: the drawer, a provider attempt or outside. */
  addPart(refundId: string, part: NewPart): void;
}

export type RefundRepository = RefundReader & RefundWriter;

export function createRefundRepository(db: Db, now: () => Date = () => new Date()): RefundReader & RefundWriter {
  const q = {
    insert:
      db.prepare(`INSERT INTO refunds (id, number, order_id, shift_id, kind, amount, tip, tax, reason, evidence, user_id, approved_by, till_id, created_at)
      VALUES (@id, (SELECT COALESCE(MAX(number), 0) + 1 FROM refunds), @orderId, @shiftId, @kind, @amount, @tip, @tax, @reason, @evidence, @userId, @approvedBy, @tillId, @at)`),
    line: db.prepare('INSERT INTO refund_lines (refund_id, line_id, qty_milli, amount, tax) VALUES (?, ?, ?, ?, ?)'),
    part: db.prepare(`INSERT INTO refund_tenders (refund_id, kind, via, amount, tip, attempt_id, original_attempt_id, original_tender_id)
      VALUES (@refundId, @kind, @via, @amount, @tip, @attemptId, @originalAttemptId, @originalTenderId)`),
    byId: db.prepare('SELECT * FROM refunds WHERE id = ?'),
    byOrder: db.prepare('SELECT * FROM refunds WHERE order_id = ? ORDER BY number'),
    anyForOrder: db.prepare('SELECT 1 FROM refunds WHERE order_id = ? LIMIT 1'),
    byShift: db.prepare('SELECT * FROM refunds WHERE shift_id = ? ORDER BY number'),
    byAttempt: db.prepare(
      'SELECT r.* FROM refunds r JOIN refund_tenders rt ON rt.refund_id = r.id WHERE rt.attempt_id = ?',
    ),
    lines: db.prepare('SELECT * FROM refund_lines WHERE refund_id = ?'),
    linesOfOrder: db.prepare(
      'SELECT rl.* FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id WHERE r.order_id = ?',
    ),
    parts: db.prepare(
      `SELECT ${PART} FROM refund_tenders rt LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id WHERE rt.refund_id = ? ORDER BY rt.rowid`,
    ),
    partsOfOrder: db.prepare(`SELECT ${PART} FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id
      LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id WHERE r.order_id = ? ORDER BY rt.rowid`),
    partsOfShift: db.prepare(`SELECT ${PART} FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id
      LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id WHERE r.shift_id = ? ORDER BY rt.rowid`),
    partsOfAttempt:
      db.prepare(`SELECT ${PART} FROM refund_tenders rt LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id
      WHERE rt.original_attempt_id = ? ORDER BY rt.rowid`),
  };
  return {
    create(refund: NewRefund): RefundRow {
      const id = randomUUID();
      q.insert.run({ id, ...refund, at: now().toISOString() });
      for (const line of refund.lines) q.line.run(id, line.lineId, line.qtyMilli, line.amount, line.tax);
      return q.byId.get(id) as RefundRow;
    },
    addPart: (refundId, part) => void q.part.run({ refundId, ...part }),
    byId: (id) => (q.byId.get(id) as RefundRow | undefined) ?? null,
    byOrder: (orderId) => q.byOrder.all(orderId) as RefundRow[],
    anyForOrder: (orderId) => q.anyForOrder.get(orderId) !== undefined,
    byShift: (shiftId) => q.byShift.all(shiftId) as RefundRow[],
    byAttempt: (attemptId) => (q.byAttempt.get(attemptId) as RefundRow | undefined) ?? null,
    lines: (refundId) => q.lines.all(refundId) as RefundLineRow[],
    linesOfOrder: (orderId) => q.linesOfOrder.all(orderId) as RefundLineRow[],
    parts: (refundId) => q.parts.all(refundId) as LedgerPart[],
    partsOfOrder: (orderId) => q.partsOfOrder.all(orderId) as LedgerPart[],
    partsOfShift: (shiftId) => q.partsOfShift.all(shiftId) as LedgerPart[],
    partsOfAttempt: (originalAttemptId) => q.partsOfAttempt.all(originalAttemptId) as LedgerPart[],
  };
}

/**
 * Queries behind the X and Z reports and the sales export: plain rows, one indexed statement each,
 * prepared once. The report's sums come from the running totals (`totals-repository.ts`, issue 14);
 * the lists (refunds, voids, no-sales, overrides, late approvals) are per-shift index reads. The only
 * writes are derived data: a shift that predates the running totals has them computed once, on first read.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './open-journal';
import type { RefundRow } from './refund-repository';
import type { VoidRow } from './shift-repository';
import { createTotalsReader, verifyShiftTotals, type Totals, type TotalsCheck } from './totals-repository';

/** An audit entry as a report lists it (its detail is JSON text). */
export interface AuditReportRow {
  at: string;
  user_id: string | null;
  detail: string;
}

/** A completed sale as `npm run journal -- export-orders` writes it, one CSV row each. */
export interface SalesExportRow {
  number: number;
  completed_at: string;
  cashier: string;
  currency: string;
  subtotal: number;
  discount_total: number;
  tax_total: number;
  total: number;
  cash_rounding: number;
}

export interface ReportReader {
  /** The shift's running totals (figure → integer; see totals-repository.ts). */
  shiftTotals(shiftId: number): Totals;
  /** The shift's running totals against a full recomputation from the journal's base rows. */
  verifyShift(shiftId: number): TotalsCheck & { recomputed: Totals };
  /** True when the shift was opened before running totals existed. */
  predatesTotals(openedAt: string): boolean;
  /**
   * The shift's completed sales whose pricing figures were never stored (completed before migration
   * 008). Once a shift has none it never has any again (every completion since stores them in its own
   * transaction), so that answer is remembered: a report of a long shift scans its sales once.
   */
  salesWithoutFigures(shiftId: number): string[];
  /** A sale's number, or null. */
  orderNumber(orderId: string): number | null;
  /** The shift's refund records by number, each with its sale's number: one read for the report's list. */
  refunds(shiftId: number): (RefundRow & { order_number: number })[];
  /**
   * The items of every refund record of the shift, by record then line, with the name of the sale's
   * line (null once the line was taken off the sale): one read, not two per record.
   */
  refundItems(shiftId: number): { refund_id: string; qty_milli: number; name: string | null }[];
  /** True when this attempt is a tender of its sale (a late approval a manager accepted). */
  isTender(attemptId: string): boolean;
  /** The shift's voids (lines and whole orders), oldest first, with their sale's number. */
  voids(shiftId: number): (VoidRow & { order_number: number })[];
  /** Audit entries of one action between two ISO times (both included), oldest first. */
  auditBetween(action: string, from: string, until: string): AuditReportRow[];
  /** Completed sales with their cashier's name, by number; from `since` (an ISO date or time) when given. */
  salesExport(since: string | null): SalesExportRow[];
}

const EXPORT = `SELECT o.number, o.completed_at, u.name AS cashier, o.currency, o.subtotal, o.discount_total,
  o.tax_total, o.total, o.cash_rounding FROM orders o JOIN users u ON u.id = o.cashier_id`;

export function createReportRepository(db: Db): ReportReader {
  // Prepared on first use, once: the command line opens older journals read-only, where a
  // table another method reads may not exist yet.
  const statement = (sql: string) => {
    let prepared: Statement | undefined;
    return () => (prepared ??= db.prepare(sql));
  };
  const totals = createTotalsReader(db);
  /** Shifts known to have every sale's figures (see salesWithoutFigures). */
  const figuresComplete = new Set<number>();
  const q = {
    salesWithoutFigures: statement(`SELECT o.id FROM orders o WHERE o.shift_id = ? AND o.status = 'completed'
      AND NOT EXISTS (SELECT 1 FROM order_figures g WHERE g.order_id = o.id) ORDER BY o.number`),
    orderNumber: statement('SELECT number FROM orders WHERE id = ?'),
    refunds: statement(`SELECT r.*, o.number AS order_number FROM refunds r JOIN orders o ON o.id = r.order_id
      WHERE r.shift_id = ? ORDER BY r.number`),
    // refund_lines' key is (refund_id, line_id): the order a record's own lines are read in.
    refundItems: statement(`SELECT rl.refund_id, rl.qty_milli, ol.name FROM refunds r
      JOIN refund_lines rl ON rl.refund_id = r.id LEFT JOIN order_lines ol ON ol.id = rl.line_id AND ol.removed_at IS NULL
      WHERE r.shift_id = ? ORDER BY rl.refund_id, rl.line_id`),
    isTender: statement('SELECT 1 FROM tenders WHERE attempt_id = ? LIMIT 1'),
    voids: statement(`SELECT v.*, o.number AS order_number FROM voids v JOIN orders o ON o.id = v.order_id
      WHERE v.shift_id = ? ORDER BY v.id`),
    auditBetween: statement(
      'SELECT at, user_id, detail FROM audit WHERE action = ? AND at >= ? AND at <= ? ORDER BY seq',
    ),
    // Two statements, so each has its index: all sales by number, or those since a time by completion.
    salesExport: statement(`${EXPORT} WHERE o.status = 'completed' ORDER BY o.number`),
    salesExportSince: statement(`${EXPORT} WHERE o.completed_at >= ? AND o.status = 'completed' ORDER BY o.number`),
  };
  return {
    shiftTotals: (shiftId) => totals.ofShift(shiftId),
    verifyShift: (shiftId) => verifyShiftTotals(db, shiftId),
    predatesTotals: (openedAt) => totals.predatesTotals(openedAt),
    salesWithoutFigures(shiftId) {
      if (figuresComplete.has(shiftId)) return [];
      const ids = q.salesWithoutFigures().pluck().all(shiftId) as string[];
      if (ids.length === 0) figuresComplete.add(shiftId);
      return ids;
    },
    orderNumber: (orderId) => (q.orderNumber().pluck().get(orderId) as number | undefined) ?? null,
    refunds: (shiftId) => q.refunds().all(shiftId) as (RefundRow & { order_number: number })[],
    refundItems: (shiftId) =>
      q.refundItems().all(shiftId) as { refund_id: string; qty_milli: number; name: string | null }[],
    isTender: (attemptId) => q.isTender().get(attemptId) !== undefined,
    voids: (shiftId) => q.voids().all(shiftId) as (VoidRow & { order_number: number })[],
    auditBetween: (action, from, until) => q.auditBetween().all(action, from, until) as AuditReportRow[],
    salesExport: (since) =>
      (since === null ? q.salesExport().all() : q.salesExportSince().all(since)) as SalesExportRow[],
  };
}

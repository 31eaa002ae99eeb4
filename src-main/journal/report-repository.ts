/**
 * Read-only queries behind the X and Z reports and the sales export: plain rows, one statement
 * each, prepared once. Sums and grouping are the report's (sales/shift-report); a figure is
 * never computed twice in SQL and in code.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './open-journal';
import type { VoidRow } from './shift-repository';

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
  /** Ids of the shift's completed sales, in sale-number order. */
  completedOrderIds(shiftId: number): string[];
  /** The shift's voids (lines and whole orders), oldest first, with their sale's number. */
  voids(shiftId: number): (VoidRow & { order_number: number })[];
  /** Audit entries of one action between two ISO times (both included), oldest first. */
  auditBetween(action: string, from: string, until: string): AuditReportRow[];
  /** Completed sales with their cashier's name, by number; from `since` (an ISO date or time) when given. */
  salesExport(since: string | null): SalesExportRow[];
}

export function createReportRepository(db: Db): ReportReader {
  // Prepared on first use, once: the command line opens older journals read-only, where a
  // table another method reads may not exist yet.
  const statement = (sql: string) => {
    let prepared: Statement | undefined;
    return () => (prepared ??= db.prepare(sql));
  };
  const q = {
    completedOrderIds: statement("SELECT id FROM orders WHERE shift_id = ? AND status = 'completed' ORDER BY number"),
    voids: statement(`SELECT v.*, o.number AS order_number FROM voids v JOIN orders o ON o.id = v.order_id
      WHERE v.shift_id = ? ORDER BY v.id`),
    auditBetween: statement(
      'SELECT at, user_id, detail FROM audit WHERE action = ? AND at >= ? AND at <= ? ORDER BY seq',
    ),
    salesExport:
      statement(`SELECT o.number, o.completed_at, u.name AS cashier, o.currency, o.subtotal, o.discount_total,
      o.tax_total, o.total, o.cash_rounding
      FROM orders o JOIN users u ON u.id = o.cashier_id
      WHERE o.status = 'completed' AND (? IS NULL OR o.completed_at >= ?) ORDER BY o.number`),
  };
  return {
    completedOrderIds: (shiftId) => q.completedOrderIds().pluck().all(shiftId) as string[],
    voids: (shiftId) => q.voids().all(shiftId) as (VoidRow & { order_number: number })[],
    auditBetween: (action, from, until) => q.auditBetween().all(action, from, until) as AuditReportRow[],
    salesExport: (since) => q.salesExport().all(since, since) as SalesExportRow[],
  };
}

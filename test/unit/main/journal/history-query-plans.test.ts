/**
 * Every hot query on history has its index (issue 14): the X/Z report's reads, the shift's expected cash
 * and running totals, the refund ledger by shift, sale and attempt, voids and cash moves by shift, audit
 * entries by action and time, late approvals, unresolved attempts, the sales export by date, the orders
 * screen's list and lookups, the Z close's verify (a full recomputation) and the running totals' own
 * trigger statements. Each statement's SQL is captured as its repository prepares it, and its
 * EXPLAIN QUERY PLAN must not read a big table row by row: no `SCAN orders`, `SCAN tenders`, `SCAN audit`….
 */
import { describe, expect, it } from 'vitest';
import { createAttemptRepository } from '../../../../src-main/journal/attempt-repository';
import { applyUnits } from '../../../../src-main/journal/migrations/008-running-totals';
import { openJournal, type Db } from '../../../../src-main/journal/open-journal';
import { createOrderRepository } from '../../../../src-main/journal/order-repository';
import { createRefundRepository } from '../../../../src-main/journal/refund-repository';
import { createReportRepository } from '../../../../src-main/journal/report-repository';
import { createShiftRepository } from '../../../../src-main/journal/shift-repository';
import {
  createTotalsReader,
  recomputeDayTotals,
  recomputeShiftTotals,
} from '../../../../src-main/journal/totals-repository';

/** Tables that grow with every sale (a million rows on day 400). */
const BIG = [
  'orders',
  'order_lines',
  'tenders',
  'audit',
  'payment_attempts',
  'attempt_events',
  'refunds',
  'refund_lines',
  'refund_tenders',
  'voids',
  'cash_moves',
  'order_taxes',
  'order_figures',
  'running_totals',
];

/** A connection that remembers every statement prepared on it. */
function recording(db: Db): { db: Db; sql: string[] } {
  const sql: string[] = [];
  const proxy = new Proxy(db, {
    get(target, key, receiver) {
      if (key === 'prepare')
        return (text: string) => {
          sql.push(text);
          return target.prepare(text);
        };
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: proxy, sql };
}

/** The plan's rows that read a big table in full: `SCAN t` (or `SCAN t USING INDEX …` without a bound). */
function fullScans(db: Db, sql: string): string[] {
  const names = [...sql.matchAll(/[@:$]([A-Za-z_]\w*)/g)].map((m) => m[1]);
  const positional = (sql.replace(/'[^']*'/g, '').match(/\?/g) ?? []).length;
  const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
  const args: unknown[] = names.length
    ? [Object.fromEntries(names.map((n) => [n, null]))]
    : Array.from({ length: positional }, () => null);
  const plan = statement.all(...args) as { detail: string }[];
  return plan
    .map((row) => row.detail)
    .filter((detail) => {
      const scan = /^SCAN (\w+)/.exec(detail);
      return scan !== null && BIG.includes(scan[1]);
    });
}

/** A journal with one shift, and every statement the history repositories prepare. */
function statements(): { db: Db; sql: string[] } {
  const journal = openJournal(':memory:');
  const { db, sql } = recording(journal.db);
  journal.db
    .prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u', 'U', 'manager', 'x', '2026-01-01')")
    .run();
  journal.db
    .prepare(
      "INSERT INTO shifts (opened_by, opened_at, float_counts, float_total) VALUES ('u', '2026-01-01T00:00:00Z', '[]', 0)",
    )
    .run();
  createOrderRepository(db);
  createRefundRepository(db);
  const shifts = createShiftRepository(db);
  shifts.current();
  shifts.drawer(1);
  const report = createReportRepository(db);
  report.shiftTotals(1);
  report.voids(1);
  report.auditBetween('drawer.open', '2026-01-01', '2026-01-02');
  report.salesExport(null);
  report.salesExport('2026-01-01');
  report.salesWithoutFigures(1);
  report.orderNumber('o');
  report.refunds(1);
  report.refundItems(1);
  report.isTender('a');
  report.predatesTotals('2026-01-01T00:00:00Z');
  createTotalsReader(db).ofDay('2026-01-01');
  recomputeShiftTotals(db, 1);
  recomputeDayTotals(db, '2026-01-01');
  const attempts = createAttemptRepository(db);
  attempts.lateApprovals('2026-01-01', '2026-01-02');
  attempts.unresolved();
  return { db: journal.db, sql };
}

describe('history queries use their indexes', () => {
  const { db, sql } = statements();
  const reads = [...new Set(sql)].filter((s) => /^\s*(SELECT|WITH)/i.test(s) && BIG.some((t) => s.includes(t)));

  it('captures the hot statements (report, shift, ledger, attempts, export, verify)', () => {
    const has = (pattern: RegExp) => reads.some((s) => pattern.test(s));
    for (const pattern of [
      /FROM voids v JOIN orders/,
      /FROM audit WHERE action = \?/,
      /WHERE o\.completed_at >= \?/,
      /FROM refunds WHERE shift_id = \?/,
      /JOIN orders o ON o\.id = r\.order_id\s+WHERE r\.shift_id = \? ORDER BY r\.number/,
      /JOIN refund_lines rl ON rl\.refund_id = r\.id LEFT JOIN order_lines ol/,
      /WHERE r\.shift_id = \? ORDER BY rt\.rowid/,
      /FROM cash_moves WHERE shift_id = \? ORDER BY id/,
      /FROM running_totals WHERE scope = \? AND period = \?/,
      /attempt_events e ON e\.attempt_id = a\.id AND e\.to_state = 'needs_reversal'/,
      /FROM tenders WHERE attempt_id = \?/,
      /o\.shift_id = \? AND o\.status = 'open'/,
    ])
      expect(has(pattern), String(pattern)).toBe(true);
    expect(reads.length).toBeGreaterThan(40);
  });

  it.each([...new Set(sql)].filter((s) => /^\s*(SELECT|WITH)/i.test(s) && BIG.some((t) => s.includes(t))))(
    'reads no big table in full: %s',
    (statement) => {
      // The orders screen's list walks the sale-number index newest first and stops at its LIMIT.
      const allowed = /ORDER BY o\.number DESC LIMIT @limit/.test(statement) ? ['SCAN o USING INDEX'] : [];
      expect(fullScans(db, statement).filter((d) => !allowed.some((a) => d.startsWith(a)))).toEqual([]);
    },
  );

  it.each([
    // The report's and the verify's per-shift reads, and the reads by time (export, a day's recomputation).
    [/WHERE o\.shift_id = \? AND o\.status = 'completed'/, 'orders_shift'],
    [/WHERE o\.shift_id = \? GROUP BY 1, 2/, 'orders_shift'],
    [/WHERE o\.shift_id = \? AND o\.status = 'open'/, 'orders_shift'],
    [/WHERE o\.completed_at >= \?/, 'orders_completed'],
    [/FROM audit WHERE action = \? AND at >= \?/, 'audit_action'],
    [/FROM voids v JOIN orders/, 'voids_shift'],
    [/FROM cash_moves WHERE shift_id = \? ORDER BY id/, 'cash_moves_shift'],
    [/FROM totals_orders\s+WHERE at >= \?/, 'orders_completed'],
    [/e\.to_state = 'needs_reversal'/, 'attempt_events_state'],
    [/FROM tenders WHERE attempt_id = \?/, 'tenders_attempt'],
  ])('%s reads through %s', (pattern, index) => {
    const found = reads.filter((s) => pattern.test(s));
    expect(found.length, String(pattern)).toBeGreaterThan(0);
    for (const statement of found) {
      const names = [...statement.matchAll(/[@:$]([A-Za-z_]\w*)/g)].map((m) => m[1]);
      const positional = (statement.match(/\?/g) ?? []).length;
      const args = names.length ? [Object.fromEntries(names.map((n) => [n, null]))] : Array(positional).fill(null);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(...args) as { detail: string }[]).map(
        (r) => r.detail,
      );
      expect(
        plan.some((d) => d.includes(`INDEX ${index} `)),
        plan.join('\n'),
      ).toBe(true);
    }
  });

  it.each([
    ['a sale and its tenders', 'totals_orders', 'v.unit = :unit'],
    ['a refund record', 'totals_refunds', 'v.unit = :unit'],
    [
      'a provider part whose attempt changed',
      'totals_refunds',
      'v.unit IN (SELECT refund_id FROM refund_tenders WHERE attempt_id = :unit)',
    ],
    ['a cash move', 'totals_moves', 'v.unit = :unit'],
    ['a void', 'totals_voids', 'v.unit = :unit'],
    ['an audit entry', 'totals_audit', 'v.unit = :unit'],
    ['a shift', 'totals_shifts', 'v.unit = :unit'],
  ])("the running totals' trigger for %s reads only its unit's rows", (_, view, where) => {
    for (const sign of [1, -1] as const) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${applyUnits(view, where, sign)}`).all({ unit: null }) as {
        detail: string;
      }[];
      const scans = plan
        .map((r) => r.detail)
        .filter((d) => /^SCAN (\w+)/.test(d) && BIG.includes(/^SCAN (\w+)/.exec(d)![1]));
      expect(scans, `${view} ${where}`).toEqual([]);
    }
  });
});

/**
 * Running totals (issue 14, migration 008): per shift and per local day, kept by the journal's own
 * triggers in the same statement as the base row that changes them, so no code path that writes money
 * can skip them. This file reads them, and recomputes them from the base rows for `verify` and for a
 * shift or day that predates the migration (rebuilt once, on first need).
 *
 * Figures (integers; a missing figure is 0):
 * - `sales.count|gross|discounts|tax|cashRounding|tips|cashback`, `discounts.count`: completed sales.
 * - `tax:<label>`: tax charged per label; `tax:<label>.first` orders the labels as the sales met them.
 * - `tender:<provider|cash>.n|count|amount|tips|cashback|refunded|first`: the report's tender groups
 *   (`n` counts the tenders and done refund parts that make the group exist).
 * - `provider:<provider>.n|asCount|asAmount|givenBack|first`: the report's provider lines.
 * - `refunds.count|goods|tips|tax`: the refund ledger's records and what their done parts gave back.
 * - `drawer.cashTaken|cashRefunded`, `cash.paidIn|paidOut|moves`: the drawer (expected cash).
 * - `voids.count|amount`, `noSales.count`, `overrides.count`, `shift.opened`: exceptions and markers.
 * Figures ending in `.first` are ordering hints (MIN), every other one a sum. One till per journal:
 * a store-level sync sums the same figures across tills, keyed by the till id it exports with them.
 */
import type { Statement } from 'better-sqlite3';
import { mulDivRound } from '../../src-shared/money';
import { TOTALS_TRIGGERS } from './migrations/008-running-totals';
import type { Db } from './open-journal';

export type Totals = Map<string, number>;

/** What a verify found: every figure whose running value differs from the recomputation. */
export interface TotalsCheck {
  ok: boolean;
  mismatches: { figure: string; running: number; recomputed: number }[];
}

export interface TotalsReader {
  /** The shift's running totals, recomputed once first if the shift predates them. */
  ofShift(shiftId: number): Totals;
  /** The local day's (YYYY-MM-DD) running totals, recomputed once first if the day predates them. */
  ofDay(day: string): Totals;
  /** True when the shift was opened before running totals existed (its sales may lack stored tax rows). */
  predatesTotals(openedAt: string): boolean;
}

const GIVES_GOODS_BACK = new Set(['refund', 'void', 'outside']);
const isHint = (figure: string) => figure.endsWith('.first');
const FIRST_REFUND = 1_000_000_000_000_000;

/** One figure into a totals map: hints keep the smallest value, the rest add up. */
function put(totals: Totals, figure: string, value: number): void {
  const existing = totals.get(figure);
  if (existing === undefined) totals.set(figure, value);
  else totals.set(figure, isHint(figure) ? Math.min(existing, value) : existing + value);
}

const DONE = "(rt.attempt_id IS NULL OR pa.state = 'approved')";

/**
 * Recomputes one shift's figures from the base rows: a few indexed aggregates (no sale is read one by
 * one), independent of the triggers' views, so a verify compares two computations.
 */
export function recomputeShiftTotals(db: Db, shiftId: number): Totals {
  const totals: Totals = new Map();
  const shift = db.prepare('SELECT opened_at, closed_at FROM shifts WHERE id = ?').get(shiftId) as
    { opened_at: string; closed_at: string | null } | undefined;
  if (!shift) return totals;
  put(totals, 'shift.opened', 1);

  // One pass over the shift's sales (with their stored discount count), one over their tenders, one over their taxes.
  const sales = db
    .prepare(
      `SELECT COUNT(*) AS n, TOTAL(o.subtotal) AS gross, TOTAL(o.discount_total) AS discounts, TOTAL(o.tax_total) AS tax,
      TOTAL(o.cash_rounding) AS rounding, SUM(g.discount_count) AS discountCount
      FROM orders o LEFT JOIN order_figures g ON g.order_id = o.id WHERE o.shift_id = ? AND o.status = 'completed'`,
    )
    .get(shiftId) as {
    n: number;
    gross: number;
    discounts: number;
    tax: number;
    rounding: number;
    discountCount: number | null;
  };
  if (sales.n > 0) {
    put(totals, 'sales.count', sales.n);
    put(totals, 'sales.gross', sales.gross);
    put(totals, 'sales.discounts', sales.discounts);
    put(totals, 'sales.tax', sales.tax);
    put(totals, 'sales.cashRounding', sales.rounding);
  }
  if (sales.discountCount !== null) put(totals, 'discounts.count', sales.discountCount);

  // Every tender of the shift's sales: the groups count completed sales only; the drawer counts cash whatever the sale became.
  const groups = db
    .prepare(
      `SELECT COALESCE(pa.provider, 'cash') AS key, o.status = 'completed' AS completed, MAX(pa.provider) AS provider,
      COUNT(*) AS n, SUM(t.amount > 0) AS count, SUM(t.amount + t.tip) AS amount, SUM(t.tip) AS tips, SUM(t.cashback) AS cashback,
      MIN(o.number) AS firstOrder, TOTAL(CASE WHEN t.kind = 'cash' THEN t.amount END) AS cash, SUM(t.kind = 'cash') AS cashTenders
      FROM orders o JOIN tenders t ON t.order_id = o.id LEFT JOIN payment_attempts pa ON pa.id = t.attempt_id
      WHERE o.shift_id = ? GROUP BY 1, 2`,
    )
    .all(shiftId) as {
    key: string;
    completed: number;
    provider: string | null;
    n: number;
    count: number;
    amount: number;
    tips: number;
    cashback: number;
    firstOrder: number;
    cash: number;
    cashTenders: number;
  }[];
  const tendersOf = db.prepare(`SELECT COALESCE(pa.provider, 'cash') FROM orders o JOIN tenders t ON t.order_id = o.id
    LEFT JOIN payment_attempts pa ON pa.id = t.attempt_id WHERE o.number = ? ORDER BY t.created_at, t.rowid`);
  for (const g of groups) {
    if (g.cashTenders > 0) put(totals, 'drawer.cashTaken', g.cash);
    if (!g.completed) continue;
    const first = g.firstOrder * 1000 + (tendersOf.pluck().all(g.firstOrder) as string[]).indexOf(g.key);
    const tender = `tender:${g.key}`;
    put(totals, `${tender}.n`, g.n);
    put(totals, `${tender}.count`, g.count);
    put(totals, `${tender}.amount`, g.amount);
    put(totals, `${tender}.tips`, g.tips);
    put(totals, `${tender}.cashback`, g.cashback);
    put(totals, `${tender}.first`, first);
    put(totals, 'sales.tips', g.tips);
    put(totals, 'sales.cashback', g.cashback);
    if (g.provider) {
      const line = `provider:${g.provider}`;
      put(totals, `${line}.n`, g.n);
      put(totals, `${line}.asCount`, g.n);
      put(totals, `${line}.asAmount`, g.amount);
      put(totals, `${line}.first`, first);
    }
  }

  const taxes = db
    .prepare(
      `SELECT x.label, SUM(x.amount) AS amount, MIN(o.number * 1000 + x.seq) AS first FROM orders o
      JOIN order_taxes x ON x.order_id = o.id WHERE o.shift_id = ? AND o.status = 'completed' GROUP BY x.label`,
    )
    .all(shiftId) as { label: string; amount: number; first: number }[];
  for (const t of taxes) {
    put(totals, `tax:${t.label}`, t.amount);
    put(totals, `tax:${t.label}.first`, t.first);
  }

  const records = db
    .prepare(
      `SELECT r.kind, r.amount, r.tip, r.tax, TOTAL(CASE WHEN rt.rowid IS NOT NULL AND ${DONE} THEN rt.amount - rt.tip END) AS goods,
      TOTAL(CASE WHEN rt.rowid IS NOT NULL AND ${DONE} THEN rt.tip END) AS tips
      FROM refunds r LEFT JOIN refund_tenders rt ON rt.refund_id = r.id LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id
      WHERE r.shift_id = ? GROUP BY r.id`,
    )
    .all(shiftId) as { kind: string; amount: number; tip: number; tax: number; goods: number; tips: number }[];
  for (const r of records) {
    put(totals, 'refunds.count', 1);
    if (!GIVES_GOODS_BACK.has(r.kind)) continue;
    const planned = r.amount - r.tip;
    put(totals, 'refunds.goods', r.goods);
    put(totals, 'refunds.tips', r.tips);
    put(totals, 'refunds.tax', planned > 0 ? mulDivRound(r.tax, Math.min(r.goods, planned), planned) : 0);
  }
  const parts = db
    .prepare(
      `SELECT r.kind, rt.via, rt.amount, rt.rowid AS seq, po.provider, ${DONE} AS done
      FROM refunds r JOIN refund_tenders rt ON rt.refund_id = r.id LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id
      LEFT JOIN payment_attempts po ON po.id = CASE rt.via WHEN 'provider' THEN rt.attempt_id WHEN 'outside' THEN rt.original_attempt_id END
      WHERE r.shift_id = ?`,
    )
    .all(shiftId) as {
    kind: string;
    via: string;
    amount: number;
    seq: number;
    provider: string | null;
    done: number;
  }[];
  for (const p of parts) {
    if (p.via === 'drawer') put(totals, 'drawer.cashRefunded', p.amount);
    if (!p.done) continue;
    if (p.kind !== 'reversal') {
      const tender = `tender:${p.via === 'drawer' ? 'cash' : (p.provider ?? 'cash')}`;
      put(totals, `${tender}.n`, 1);
      put(totals, `${tender}.refunded`, p.amount);
      put(totals, `${tender}.first`, FIRST_REFUND + p.seq);
    }
    if (p.via !== 'drawer' && p.provider) {
      put(totals, `provider:${p.provider}.n`, 1);
      put(totals, `provider:${p.provider}.givenBack`, p.amount);
      put(totals, `provider:${p.provider}.first`, FIRST_REFUND + p.seq);
    }
  }

  const moves = db
    .prepare('SELECT kind, COUNT(*) AS n, SUM(amount) AS amount FROM cash_moves WHERE shift_id = ? GROUP BY kind')
    .all(shiftId) as { kind: 'in' | 'out'; n: number; amount: number }[];
  for (const m of moves) {
    put(totals, 'cash.moves', m.n);
    put(totals, m.kind === 'in' ? 'cash.paidIn' : 'cash.paidOut', m.amount);
  }
  const voids = db
    .prepare('SELECT COUNT(*) AS n, TOTAL(amount) AS amount FROM voids WHERE shift_id = ?')
    .get(shiftId) as { n: number; amount: number };
  if (voids.n > 0) {
    put(totals, 'voids.count', voids.n);
    put(totals, 'voids.amount', voids.amount);
  }
  const audit = db
    .prepare(
      `SELECT action, COUNT(*) AS n FROM audit WHERE action IN ('drawer.open', 'price.override') AND at >= ? AND at <= ?
      AND (action = 'price.override' OR json_extract(detail, '$.reason') = 'no-sale') GROUP BY action`,
    )
    .all(shift.opened_at, shift.closed_at ?? '9999') as { action: string; n: number }[];
  for (const a of audit) put(totals, a.action === 'price.override' ? 'overrides.count' : 'noSales.count', a.n);
  return totals;
}

/** The UTC ISO bounds [from, until) of a local calendar day, as the triggers' date(at, 'localtime') reads it. */
function dayBounds(day: string): [string, string] {
  const [y, m, d] = day.split('-').map(Number);
  return [new Date(y, m - 1, d).toISOString(), new Date(y, m - 1, d + 1).toISOString()];
}

const UNIT_VIEWS = ['totals_orders', 'totals_refunds', 'totals_shifts', 'totals_moves', 'totals_voids', 'totals_audit'];

/** Recomputes one local day's figures from the base rows, through the triggers' own unit views. */
export function recomputeDayTotals(db: Db, day: string): Totals {
  const [from, until] = dayBounds(day);
  const totals: Totals = new Map();
  for (const view of UNIT_VIEWS) {
    const rows = db
      .prepare(
        `SELECT figure, CASE WHEN figure LIKE '%.first' THEN MIN(value) ELSE SUM(value) END AS value FROM ${view}
        WHERE at >= ? AND at < ? AND date(at, 'localtime') = ? GROUP BY figure`,
      )
      .all(from, until, day) as { figure: string; value: number }[];
    for (const r of rows) put(totals, r.figure, r.value);
  }
  return totals;
}

function store(db: Db, scope: 'shift' | 'day', period: string, totals: Totals): void {
  db.prepare('DELETE FROM running_totals WHERE scope = ? AND period = ?').run(scope, period);
  const insert = db.prepare('INSERT INTO running_totals (scope, period, figure, value) VALUES (?, ?, ?, ?)');
  for (const [figure, value] of totals) insert.run(scope, period, figure, value);
}

/** Replaces a shift's running totals with a recomputation from the base rows (bench, upgrade, repair). */
export function rebuildShiftTotals(db: Db, shiftId: number): Totals {
  const totals = recomputeShiftTotals(db, shiftId);
  db.transaction(() => store(db, 'shift', String(shiftId), totals))();
  return totals;
}

/** Replaces a day's running totals with a recomputation; marked built so it is not redone. */
export function rebuildDayTotals(db: Db, day: string): Totals {
  const totals = recomputeDayTotals(db, day);
  db.transaction(() => store(db, 'day', day, new Map([...totals, ['_built', 1]])))();
  return totals;
}

function compare(running: Totals, recomputed: Totals): TotalsCheck {
  const mismatches: TotalsCheck['mismatches'] = [];
  for (const figure of new Set([...running.keys(), ...recomputed.keys()])) {
    if (figure.startsWith('_')) continue;
    // An ordering hint only says where a group first appeared; one the recomputation lacks orders nothing.
    if (isHint(figure) && !recomputed.has(figure)) continue;
    const a = running.get(figure) ?? 0;
    const b = recomputed.get(figure) ?? 0;
    if (a !== b) mismatches.push({ figure, running: a, recomputed: b });
  }
  return { ok: mismatches.length === 0, mismatches };
}

const readScope = (db: Db, scope: 'shift' | 'day', period: string): Totals =>
  new Map(
    (
      db.prepare('SELECT figure, value FROM running_totals WHERE scope = ? AND period = ?').all(scope, period) as {
        figure: string;
        value: number;
      }[]
    ).map((r) => [r.figure, r.value]),
  );

/** Compares a shift's running totals with a full recomputation from the base rows. */
export function verifyShiftTotals(db: Db, shiftId: number): TotalsCheck & { recomputed: Totals } {
  const recomputed = recomputeShiftTotals(db, shiftId);
  return { ...compare(readScope(db, 'shift', String(shiftId)), recomputed), recomputed };
}

/** Compares a day's running totals with a full recomputation from the base rows. */
export function verifyDayTotals(db: Db, day: string): TotalsCheck {
  return compare(readScope(db, 'day', day), recomputeDayTotals(db, day));
}

export function createTotalsReader(db: Db): TotalsReader {
  // Prepared on first use: read-only tools open journals that predate migration 008.
  let q: Record<'read' | 'stale' | 'since' | 'sinceAt', Statement> | undefined;
  const prepared = () =>
    (q ??= {
      read: db.prepare(
        "SELECT figure, value FROM running_totals WHERE scope = ? AND period = ? AND figure <> '_stale'",
      ),
      stale: db.prepare("SELECT 1 FROM running_totals WHERE scope = 'shift' AND period = ? AND figure = '_stale'"),
      since: db.prepare(
        "SELECT value FROM running_totals WHERE scope = 'meta' AND period = 'since' AND figure = 'day'",
      ),
      sinceAt: db.prepare(
        "SELECT value FROM running_totals WHERE scope = 'meta' AND period = 'since' AND figure = 'at'",
      ),
    });
  const sinceDay = (): string => {
    const value = String(prepared().since.pluck().get() ?? '0');
    return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  };
  const read = (scope: 'shift' | 'day', period: string): Totals =>
    new Map(
      (prepared().read.all(scope, period) as { figure: string; value: number }[]).map((r) => [r.figure, r.value]),
    );
  return {
    ofShift(shiftId) {
      if (prepared().stale.get(String(shiftId))) return rebuildShiftTotals(db, shiftId);
      return read('shift', String(shiftId));
    },
    ofDay(day) {
      const totals = read('day', day);
      if (day <= sinceDay() && !totals.has('_built')) return rebuildDayTotals(db, day);
      totals.delete('_built');
      return totals;
    },
    predatesTotals(openedAt) {
      const since = prepared().sinceAt.pluck().get() as number | undefined;
      return since !== undefined && Date.parse(openedAt) / 1000 < since;
    },
  };
}

/**
 * Runs a bulk load of base rows (a benchmark's generated journal, a data import) without the running
 * totals' per-row triggers, then puts them back; the caller rebuilds the totals of what it loaded
 * (`rebuildShiftTotals`). Not for the till's own writes: every sale goes through the triggers.
 */
export function withoutTotalsTriggers<T>(db: Db, load: () => T): T {
  const names = [...TOTALS_TRIGGERS.matchAll(/CREATE TRIGGER (\w+)/g)].map((m) => m[1]);
  for (const name of names) db.exec(`DROP TRIGGER IF EXISTS ${name}`);
  try {
    return load();
  } finally {
    db.exec(TOTALS_TRIGGERS);
  }
}

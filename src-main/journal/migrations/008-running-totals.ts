import type { Migration } from './migration';

/**
 * Running totals (issue 14): the X and Z reports read a handful of rows instead of every sale.
 *
 * - `running_totals`: one integer per (scope, period, figure). Scope `shift` (period = shift id) or
 *   `day` (period = the local calendar date, YYYY-MM-DD, of the unit's time: a sale's completion, a
 *   refund record's creation, a cash move, a void, an audit entry, a cash tender's time). Figures are
 *   named `sales.gross`, `tender:<provider|cash>.amount`, `tax:<label>`, … (`totals-repository.ts`).
 *   A figure ending in `.first` is an ordering hint (kept with MIN), every other one is a sum.
 *   Derived data: not chained; `verifyShiftTotals` recomputes it from the base rows.
 * - `order_taxes` / `order_figures`: what pricing derived at completion (tax per label, discount
 *   count), stored so a recomputation is plain SQL.
 * - `totals_*` views: each unit's (a sale, a refund record, a cash move, a void, an audit entry, a
 *   shift) contribution, as rows (unit, shift_id, at, figure, value). The triggers below subtract a
 *   unit's contribution before a write that changes it and add it back after, in the same statement,
 *   so no code path that writes a base row can skip its totals; a rebuild sums the same views.
 *
 * Cost at upgrade: the indexes (one pass over orders, tenders, audit, attempt events) and one
 * `_stale` marker per existing shift; no per-row backfill. A shift or day opened before this
 * migration is recomputed once, on first need (`totals-repository.ts`).
 */
const FIRST_REFUND = 1_000_000_000_000_000;

/** Unpivots a list of figure names into rows (figure, k) for a CROSS JOIN. */
const figures = (names: readonly string[]) =>
  `(${names.map((n, i) => `SELECT '${n}' AS f, ${i} AS k`).join(' UNION ALL ')})`;

/** A refund part is done when it has no attempt (drawer, outside) or its attempt is approved. */
const DONE = "(rt.attempt_id IS NULL OR pa.state = 'approved')";
/** Goods (tip excluded) and tips of a record's done parts. */
const doneSum = (expr: string) => `(SELECT COALESCE(SUM(${expr}), 0) FROM refund_tenders rt
    LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id WHERE rt.refund_id = r.id AND ${DONE})`;
const GOODS = doneSum('rt.amount - rt.tip');
/** mulDivRound(tax, min(goods, planned), planned), halves up (src-shared/money.ts), for non-negative amounts. */
const PLANNED = '(r.amount - r.tip)';
const REFUNDED_TAX = `CASE WHEN ${PLANNED} > 0 THEN
    (r.tax * MIN(${GOODS}, ${PLANNED})) / ${PLANNED} + (((r.tax * MIN(${GOODS}, ${PLANNED})) % ${PLANNED}) * 2 >= ${PLANNED})
    ELSE 0 END`;

const VIEWS = `
-- A sale: its frozen totals, its tenders (by provider), its taxes and discounts once completed.
CREATE VIEW totals_orders_sale AS
SELECT o.id AS unit, o.shift_id, o.completed_at AS at,
  CASE f.k WHEN 0 THEN 'sales.count' WHEN 1 THEN 'sales.gross' WHEN 2 THEN 'sales.discounts' WHEN 3 THEN 'sales.tax'
    ELSE 'sales.cashRounding' END AS figure,
  CASE f.k WHEN 0 THEN 1 WHEN 1 THEN o.subtotal WHEN 2 THEN o.discount_total WHEN 3 THEN o.tax_total
    ELSE o.cash_rounding END AS value
FROM orders o CROSS JOIN ${figures(['count', 'gross', 'discounts', 'tax', 'rounding'])} f
WHERE o.status = 'completed'
UNION ALL
SELECT o.id, o.shift_id, o.completed_at,
  CASE WHEN f.k < 6 THEN 'tender:' || COALESCE(pa.provider, 'cash') || CASE f.k WHEN 0 THEN '.n' WHEN 1 THEN '.count'
      WHEN 2 THEN '.amount' WHEN 3 THEN '.tips' WHEN 4 THEN '.cashback' ELSE '.first' END
    WHEN f.k < 10 THEN 'provider:' || pa.provider || CASE f.k WHEN 6 THEN '.n' WHEN 7 THEN '.asCount' WHEN 8 THEN '.asAmount'
      ELSE '.first' END
    WHEN f.k = 10 THEN 'sales.tips' ELSE 'sales.cashback' END,
  CASE f.k WHEN 0 THEN 1 WHEN 1 THEN t.amount > 0 WHEN 2 THEN t.amount + t.tip WHEN 3 THEN t.tip WHEN 4 THEN t.cashback
    WHEN 6 THEN 1 WHEN 7 THEN 1 WHEN 8 THEN t.amount + t.tip WHEN 10 THEN t.tip WHEN 11 THEN t.cashback
    ELSE o.number * 1000 + (SELECT COUNT(*) FROM tenders t2 WHERE t2.order_id = t.order_id
      AND (t2.created_at < t.created_at OR (t2.created_at = t.created_at AND t2.rowid < t.rowid))) END
FROM orders o JOIN tenders t ON t.order_id = o.id LEFT JOIN payment_attempts pa ON pa.id = t.attempt_id
CROSS JOIN ${figures(['n', 'count', 'amount', 'tips', 'cashback', 'first', 'pn', 'asCount', 'asAmount', 'pfirst', 'tips', 'cashback'])} f
WHERE o.status = 'completed' AND (f.k < 6 OR f.k >= 10 OR pa.provider IS NOT NULL)
UNION ALL
SELECT o.id, o.shift_id, o.completed_at, 'tax:' || x.label || CASE f.k WHEN 0 THEN '' ELSE '.first' END,
  CASE f.k WHEN 0 THEN x.amount ELSE o.number * 1000 + x.seq END
FROM orders o JOIN order_taxes x ON x.order_id = o.id CROSS JOIN ${figures(['amount', 'first'])} f
WHERE o.status = 'completed'
UNION ALL
SELECT o.id, o.shift_id, o.completed_at, 'discounts.count', g.discount_count
FROM orders o JOIN order_figures g ON g.order_id = o.id WHERE o.status = 'completed';
-- Cash tenders count in the drawer whatever becomes of the sale (as expected cash always did).
CREATE VIEW totals_orders_cash AS
SELECT o.id AS unit, o.shift_id, t.created_at AS at, 'drawer.cashTaken' AS figure, t.amount AS value
FROM orders o JOIN tenders t ON t.order_id = o.id WHERE t.kind = 'cash';
CREATE VIEW totals_orders AS SELECT * FROM totals_orders_sale UNION ALL SELECT * FROM totals_orders_cash;

-- A refund record: what its done parts gave back (goods, tips, their tax, by tender group and
-- provider, as the report has always counted them), and the drawer's cash handed back.
CREATE VIEW totals_refunds AS
SELECT r.id AS unit, r.shift_id, r.created_at AS at,
  CASE f.k WHEN 0 THEN 'refunds.count' WHEN 1 THEN 'refunds.goods' WHEN 2 THEN 'refunds.tips' ELSE 'refunds.tax' END AS figure,
  CASE f.k WHEN 0 THEN 1 WHEN 1 THEN ${GOODS} WHEN 2 THEN ${doneSum('rt.tip')} ELSE ${REFUNDED_TAX} END AS value
FROM refunds r CROSS JOIN ${figures(['count', 'goods', 'tips', 'tax'])} f
WHERE f.k = 0 OR r.kind IN ('refund', 'void', 'outside')
UNION ALL
SELECT r.id, r.shift_id, r.created_at,
  CASE WHEN f.k < 3 THEN 'tender:' || CASE WHEN rt.via = 'drawer' THEN 'cash' ELSE COALESCE(po.provider, 'cash') END
    ELSE 'provider:' || po.provider END
    || CASE f.k WHEN 0 THEN '.n' WHEN 1 THEN '.refunded' WHEN 2 THEN '.first' WHEN 3 THEN '.n' WHEN 4 THEN '.givenBack' ELSE '.first' END,
  CASE f.k WHEN 0 THEN 1 WHEN 1 THEN rt.amount WHEN 3 THEN 1 WHEN 4 THEN rt.amount ELSE ${FIRST_REFUND} + rt.rowid END
FROM refunds r JOIN refund_tenders rt ON rt.refund_id = r.id
LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id
LEFT JOIN payment_attempts po ON po.id = CASE rt.via WHEN 'provider' THEN rt.attempt_id WHEN 'outside' THEN rt.original_attempt_id END
CROSS JOIN ${figures(['n', 'refunded', 'first', 'pn', 'givenBack', 'pfirst'])} f
WHERE ${DONE} AND ((f.k < 3 AND r.kind <> 'reversal') OR (f.k >= 3 AND rt.via <> 'drawer' AND po.provider IS NOT NULL))
UNION ALL
SELECT r.id, r.shift_id, r.created_at, 'drawer.cashRefunded', rt.amount
FROM refunds r JOIN refund_tenders rt ON rt.refund_id = r.id WHERE rt.via = 'drawer';

-- Insert-only units: a shift's opening, cash moves, voids, the audit entries the report lists.
CREATE VIEW totals_shifts AS
SELECT s.id AS unit, s.id AS shift_id, s.opened_at AS at, 'shift.opened' AS figure, 1 AS value FROM shifts s;
CREATE VIEW totals_moves AS
SELECT m.id AS unit, m.shift_id, m.at, CASE f.k WHEN 0 THEN 'cash.moves' WHEN 1 THEN 'cash.paidIn' ELSE 'cash.paidOut' END AS figure,
  CASE f.k WHEN 0 THEN 1 ELSE m.amount END AS value
FROM cash_moves m CROSS JOIN ${figures(['moves', 'in', 'out'])} f
WHERE f.k = 0 OR (f.k = 1 AND m.kind = 'in') OR (f.k = 2 AND m.kind = 'out');
CREATE VIEW totals_voids AS
SELECT v.id AS unit, v.shift_id, v.at, CASE f.k WHEN 0 THEN 'voids.count' ELSE 'voids.amount' END AS figure,
  CASE f.k WHEN 0 THEN 1 ELSE v.amount END AS value
FROM voids v CROSS JOIN ${figures(['count', 'amount'])} f;
-- Audit entries have no shift: they belong to the shift open at their time, as the report has always read them.
CREATE VIEW totals_audit AS
SELECT a.seq AS unit, s.id AS shift_id, a.at, CASE a.action WHEN 'price.override' THEN 'overrides.count' ELSE 'noSales.count' END AS figure,
  1 AS value
FROM shifts s JOIN audit a ON a.action IN ('drawer.open', 'price.override')
  AND a.at >= s.opened_at AND a.at <= COALESCE(s.closed_at, '9999')
WHERE a.action = 'price.override' OR json_extract(a.detail, '$.reason') = 'no-sale';
`;

/** Adds (sign 1) or takes away (sign -1, ordering hints kept) the contribution of the units `where` selects. */
export function applyUnits(view: string, where: string, sign: 1 | -1): string {
  const keep = sign === -1 ? "AND v.figure NOT LIKE '%.first'" : '';
  return `INSERT INTO running_totals (scope, period, figure, value)
  SELECT s.scope, CASE s.scope WHEN 'shift' THEN CAST(v.shift_id AS TEXT) ELSE date(v.at, 'localtime') END, v.figure, ${sign} * v.value
  FROM ${view} v CROSS JOIN (SELECT 'shift' AS scope UNION ALL SELECT 'day') s
  WHERE ${where} ${keep} AND (CASE s.scope WHEN 'shift' THEN v.shift_id ELSE v.at END) IS NOT NULL
  ON CONFLICT (scope, period, figure) DO UPDATE SET value = CASE WHEN figure LIKE '%.first'
    THEN MIN(value, excluded.value) ELSE value + excluded.value END;`;
}

/** BEFORE/AFTER trigger pair around a write that changes the units `where` selects. */
const around = (name: string, event: string, view: string, where: string, when = '') => `
CREATE TRIGGER totals_${name}_before BEFORE ${event} ${when ? `WHEN ${when}` : ''} BEGIN
  ${applyUnits(view, where, -1)}
END;
CREATE TRIGGER totals_${name}_after AFTER ${event} ${when ? `WHEN ${when}` : ''} BEGIN
  ${applyUnits(view, where, 1)}
END;`;

const after = (name: string, event: string, view: string, where: string, when = '') => `
CREATE TRIGGER totals_${name} AFTER ${event} ${when ? `WHEN ${when}` : ''} BEGIN
  ${applyUnits(view, where, 1)}
END;`;

const COMPLETED = `(SELECT status FROM orders WHERE id = new.order_id) = 'completed'`;
/** An open sale completing in the shift it was rung up in (the checkout). */
const COMPLETING = "old.status <> 'completed' AND new.status = 'completed' AND old.shift_id IS new.shift_id";
/** The drawer row of the cash tender being inserted: totals_orders_cash's row for it alone. */
const NEW_CASH_TENDER = `(SELECT new.order_id AS unit, (SELECT shift_id FROM orders WHERE id = new.order_id) AS shift_id,
  new.created_at AS at, 'drawer.cashTaken' AS figure, new.amount AS value)`;
const ORDER_MATTERS = `(SELECT status FROM orders WHERE id = new.order_id) = 'completed' OR new.kind = 'cash'`;

/** The running totals' triggers (also recreated by `totals-repository`'s bulk load). */
export const TOTALS_TRIGGERS = [
  // The checkout's completion (open → completed, same shift): before it the sale counted only its cash
  // tenders, which it does not change, so only the sale's own figures are added (one pass, not two).
  after('orders_completing', 'UPDATE ON orders FOR EACH ROW', 'totals_orders_sale', 'v.unit = new.id', COMPLETING),
  around(
    'orders_update',
    'UPDATE ON orders FOR EACH ROW',
    'totals_orders',
    'v.unit = new.id',
    `NOT (${COMPLETING}) AND (old.status = 'completed' OR new.status = 'completed' OR old.shift_id IS NOT new.shift_id)`,
  ),
  // A cash tender of a sale not completed yet adds its own drawer row only (the sale's figures come at completion).
  after(
    'tenders_cash',
    'INSERT ON tenders FOR EACH ROW',
    NEW_CASH_TENDER,
    '1',
    `new.kind = 'cash' AND NOT ${COMPLETED}`,
  ),
  around('tenders_insert', 'INSERT ON tenders FOR EACH ROW', 'totals_orders', 'v.unit = new.order_id', COMPLETED),
  around('tenders_update', 'UPDATE ON tenders FOR EACH ROW', 'totals_orders', 'v.unit = new.order_id', ORDER_MATTERS),
  // A sale's figures are stored just before it completes (the completion adds them up); these fire only when
  // they are stored for a sale completed earlier (one that predates migration 008).
  around(
    'order_taxes_insert',
    'INSERT ON order_taxes FOR EACH ROW',
    'totals_orders',
    'v.unit = new.order_id',
    COMPLETED,
  ),
  around(
    'order_figures_insert',
    'INSERT ON order_figures FOR EACH ROW',
    'totals_orders',
    'v.unit = new.order_id',
    COMPLETED,
  ),
  after('refunds_insert', 'INSERT ON refunds FOR EACH ROW', 'totals_refunds', 'v.unit = new.id'),
  around('refund_tenders_insert', 'INSERT ON refund_tenders FOR EACH ROW', 'totals_refunds', 'v.unit = new.refund_id'),
  // A provider part is done when its attempt is approved: the record's figures follow the attempt's state.
  around(
    'attempts_state',
    'UPDATE OF state ON payment_attempts FOR EACH ROW',
    'totals_refunds',
    'v.unit IN (SELECT refund_id FROM refund_tenders WHERE attempt_id = new.id)',
    "(old.state = 'approved') <> (new.state = 'approved') AND EXISTS (SELECT 1 FROM refund_tenders WHERE attempt_id = new.id)",
  ),
  after('shifts_insert', 'INSERT ON shifts FOR EACH ROW', 'totals_shifts', 'v.unit = new.id'),
  after('cash_moves_insert', 'INSERT ON cash_moves FOR EACH ROW', 'totals_moves', 'v.unit = new.id'),
  after('voids_insert', 'INSERT ON voids FOR EACH ROW', 'totals_voids', 'v.unit = new.id'),
  after(
    'audit_insert',
    'INSERT ON audit FOR EACH ROW',
    'totals_audit',
    'v.unit = new.seq',
    "new.action IN ('drawer.open', 'price.override')",
  ),
].join('\n');

export const runningTotals: Migration = {
  version: 8,
  name: 'running-totals',
  sql: `
-- Every history query's index (EXPLAIN QUERY PLAN checked in test/unit/main/journal/history-query-plans.test.ts).
CREATE INDEX orders_shift ON orders (shift_id, status, number);
CREATE INDEX orders_completed ON orders (status, completed_at);
CREATE INDEX tenders_attempt ON tenders (attempt_id) WHERE attempt_id IS NOT NULL;
CREATE INDEX tenders_created ON tenders (created_at);
CREATE INDEX cash_moves_shift ON cash_moves (shift_id, id);
CREATE INDEX voids_shift ON voids (shift_id, id);
CREATE INDEX audit_action ON audit (action, at);
CREATE INDEX attempt_events_state ON attempt_events (to_state, at);
CREATE INDEX refunds_created ON refunds (created_at);

CREATE TABLE running_totals (
  scope TEXT NOT NULL CHECK (scope IN ('shift', 'day', 'meta')),
  period TEXT NOT NULL,
  figure TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (scope, period, figure)
) WITHOUT ROWID;

CREATE TABLE order_taxes (
  order_id TEXT NOT NULL REFERENCES orders (id),
  seq INTEGER NOT NULL,
  label TEXT NOT NULL,
  amount INTEGER NOT NULL,
  PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;
CREATE TABLE order_figures (
  order_id TEXT PRIMARY KEY REFERENCES orders (id),
  discount_count INTEGER NOT NULL
) WITHOUT ROWID;

-- Shifts and days from before this migration are recomputed once, when first read.
INSERT INTO running_totals (scope, period, figure, value) SELECT 'shift', CAST(id AS TEXT), '_stale', 1 FROM shifts;
INSERT INTO running_totals (scope, period, figure, value)
  VALUES ('meta', 'since', 'day', CAST(strftime('%Y%m%d', 'now', 'localtime') AS INTEGER)),
    ('meta', 'since', 'at', CAST(strftime('%s', 'now') AS INTEGER));
${VIEWS}
${TOTALS_TRIGGERS}
`,
};

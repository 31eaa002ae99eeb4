import type { Migration } from './migration';

/**
 * Manager work (issue: per-action approval, voids, refunds, shifts, X/Z reports):
 * shifts with float and closing counts, cash moves, line/order voids, refunds tied to
 * the original order's lines and tenders, price overrides, and numbered, immutable Z reports.
 */
export const manager: Migration = {
  version: 4,
  name: 'manager',
  sql: `
CREATE TABLE shifts (
  id INTEGER PRIMARY KEY,
  opened_by TEXT NOT NULL REFERENCES users (id),
  opened_at TEXT NOT NULL,
  float_counts TEXT NOT NULL,
  float_total INTEGER NOT NULL,
  closed_by TEXT REFERENCES users (id),
  closing_approved_by TEXT REFERENCES users (id),
  closed_at TEXT,
  counted TEXT,
  counted_cash INTEGER,
  expected_cash INTEGER,
  variance INTEGER,
  z_number INTEGER UNIQUE
);
-- At most one open shift per till.
CREATE UNIQUE INDEX shifts_one_open ON shifts ((closed_at IS NULL)) WHERE closed_at IS NULL;

CREATE TABLE cash_moves (
  id INTEGER PRIMARY KEY,
  shift_id INTEGER NOT NULL REFERENCES shifts (id),
  kind TEXT NOT NULL CHECK (kind IN ('in', 'out')),
  amount INTEGER NOT NULL CHECK (amount > 0),
  reason TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  approved_by TEXT REFERENCES users (id),
  at TEXT NOT NULL
);

ALTER TABLE orders ADD COLUMN shift_id INTEGER REFERENCES shifts (id);
ALTER TABLE order_lines ADD COLUMN list_price INTEGER;
ALTER TABLE order_lines ADD COLUMN override_by TEXT REFERENCES users (id);

CREATE TABLE voids (
  id INTEGER PRIMARY KEY,
  shift_id INTEGER REFERENCES shifts (id),
  order_id TEXT NOT NULL REFERENCES orders (id),
  line_id TEXT REFERENCES order_lines (id),
  kind TEXT NOT NULL CHECK (kind IN ('line', 'order')),
  description TEXT NOT NULL,
  qty_milli INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  reason TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  approved_by TEXT REFERENCES users (id),
  at TEXT NOT NULL
);

CREATE TABLE refunds (
  id TEXT PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE,
  order_id TEXT NOT NULL REFERENCES orders (id),
  shift_id INTEGER REFERENCES shifts (id),
  amount INTEGER NOT NULL CHECK (amount > 0),
  tax INTEGER NOT NULL,
  reason TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id),
  approved_by TEXT REFERENCES users (id),
  created_at TEXT NOT NULL
);
CREATE TABLE refund_lines (
  refund_id TEXT NOT NULL REFERENCES refunds (id),
  line_id TEXT NOT NULL REFERENCES order_lines (id),
  qty_milli INTEGER NOT NULL CHECK (qty_milli > 0),
  amount INTEGER NOT NULL,
  tax INTEGER NOT NULL,
  PRIMARY KEY (refund_id, line_id)
);
-- Where the money went back: cash from the drawer, or an electronic refund attempt.
CREATE TABLE refund_tenders (
  refund_id TEXT NOT NULL REFERENCES refunds (id),
  kind TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'wallet')),
  amount INTEGER NOT NULL CHECK (amount > 0),
  attempt_id TEXT REFERENCES payment_attempts (id),
  original_attempt_id TEXT REFERENCES payment_attempts (id)
);

CREATE TABLE z_reports (
  number INTEGER PRIMARY KEY,
  shift_id INTEGER NOT NULL UNIQUE REFERENCES shifts (id),
  created_at TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TRIGGER z_reports_no_update BEFORE UPDATE ON z_reports BEGIN SELECT RAISE(ABORT, 'a Z report never changes'); END;
CREATE TRIGGER z_reports_no_delete BEFORE DELETE ON z_reports BEGIN SELECT RAISE(ABORT, 'a Z report never changes'); END;
`,
};

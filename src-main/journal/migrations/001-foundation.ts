import type { Migration } from './migration';

/** Users, catalogue (with FTS5 name search), orders, lines, tenders, audit. */
export const foundation: Migration = {
  version: 1,
  name: 'foundation',
  sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
  pin_hash TEXT NOT NULL,
  badge TEXT UNIQUE,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);

CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL UNIQUE,
  barcode TEXT UNIQUE,
  plu TEXT UNIQUE,
  name TEXT NOT NULL,
  price INTEGER NOT NULL CHECK (price >= 0),
  unit TEXT NOT NULL DEFAULT 'each' CHECK (unit IN ('each', 'kg')),
  department TEXT NOT NULL DEFAULT '',
  tax_codes TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL
);
CREATE INDEX products_department ON products (department, name);
CREATE VIRTUAL TABLE products_fts USING fts5(name, sku, content='products', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER products_ai AFTER INSERT ON products BEGIN
  INSERT INTO products_fts (rowid, name, sku) VALUES (new.id, new.name, new.sku);
END;
CREATE TRIGGER products_ad AFTER DELETE ON products BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, sku) VALUES ('delete', old.id, old.name, old.sku);
END;
CREATE TRIGGER products_au AFTER UPDATE OF name, sku ON products BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, sku) VALUES ('delete', old.id, old.name, old.sku);
  INSERT INTO products_fts (rowid, name, sku) VALUES (new.id, new.name, new.sku);
END;

CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  number INTEGER NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('open', 'completed', 'cancelled')),
  currency TEXT NOT NULL,
  cashier_id TEXT NOT NULL REFERENCES users (id),
  opened_at TEXT NOT NULL,
  completed_at TEXT,
  order_discount TEXT,
  cash_rounding INTEGER NOT NULL DEFAULT 0,
  -- Totals are frozen at completion so history and reports never re-price.
  subtotal INTEGER NOT NULL DEFAULT 0,
  discount_total INTEGER NOT NULL DEFAULT 0,
  tax_total INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orders_status ON orders (status, number);

CREATE TABLE order_lines (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders (id),
  seq INTEGER NOT NULL,
  product_id INTEGER REFERENCES products (id),
  name TEXT NOT NULL,
  barcode TEXT,
  unit TEXT NOT NULL,
  unit_price INTEGER NOT NULL,
  qty_milli INTEGER NOT NULL,
  discount TEXT,
  tax_codes TEXT NOT NULL,
  embedded TEXT,
  removed_at TEXT,
  UNIQUE (order_id, seq)
);
CREATE INDEX order_lines_order ON order_lines (order_id);

CREATE TABLE tenders (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders (id),
  kind TEXT NOT NULL CHECK (kind IN ('cash', 'card', 'wallet')),
  label TEXT NOT NULL,
  amount INTEGER NOT NULL,
  tendered INTEGER NOT NULL,
  change INTEGER NOT NULL DEFAULT 0,
  tip INTEGER NOT NULL DEFAULT 0,
  attempt_id TEXT,
  card TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX tenders_order ON tenders (order_id);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id TEXT,
  action TEXT NOT NULL,
  object TEXT,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`,
};

import type { Migration } from './migration';

/** Payment attempts and every state change they go through (DESIGN.md §6). */
export const payments: Migration = {
  version: 2,
  name: 'payments',
  sql: `
CREATE TABLE payment_attempts (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders (id),
  provider TEXT NOT NULL,
  terminal TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'void')),
  method TEXT NOT NULL CHECK (method IN ('card', 'wallet')),
  amount INTEGER NOT NULL CHECK (amount > 0),
  tip INTEGER NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  reference TEXT NOT NULL UNIQUE,
  request_id TEXT NOT NULL UNIQUE,
  provider_ref TEXT,
  original_attempt_id TEXT REFERENCES payment_attempts (id),
  wallet_code_masked TEXT,
  options TEXT,
  state TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  card TEXT,
  approved_amount INTEGER,
  refunded INTEGER NOT NULL DEFAULT 0,
  abandoned INTEGER NOT NULL DEFAULT 0,
  needs_attention TEXT,
  query_count INTEGER NOT NULL DEFAULT 0,
  next_check_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX payment_attempts_state ON payment_attempts (state);
CREATE INDEX payment_attempts_order ON payment_attempts (order_id);

CREATE TABLE attempt_events (
  seq INTEGER PRIMARY KEY,
  attempt_id TEXT NOT NULL REFERENCES payment_attempts (id),
  at TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT NOT NULL,
  cause TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX attempt_events_attempt ON attempt_events (attempt_id, seq);
`,
};

import type { Migration } from './migration';

/**
 * Money safety (issue 10, DESIGN.md §6): idempotency keys from the till id and a journal
 * sequence, a manager's "take another payment" release, and answers whose keys are not ours.
 */
export const moneySafety: Migration = {
  version: 5,
  name: 'money-safety',
  // New NOT NULL columns with defaults change every attempt's stored form; journal_identity gets its row.
  rewrites: ['payment_attempts', 'journal_identity'],
  sql: `
-- Numbers handed out in the same transaction as the row that uses them; never reused.
CREATE TABLE journal_sequences (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
-- Five random digits drawn once per journal: a till reinstalled with the same till id and a
-- fresh journal does not repeat its old references.
CREATE TABLE journal_identity (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  journal_no INTEGER NOT NULL
);
INSERT INTO journal_identity (id, journal_no) VALUES (1, abs(random()) % 100000);

-- A manager let the order take another payment while this attempt was unresolved (rule 2).
ALTER TABLE payment_attempts ADD COLUMN released INTEGER NOT NULL DEFAULT 0;
-- The gateway said this attempt's key was already used (IOTPay 0113): an approval counts only
-- with a read-back that matches the attempt's amount and currency.
ALTER TABLE payment_attempts ADD COLUMN readback_required INTEGER NOT NULL DEFAULT 0;
CREATE INDEX payment_attempts_attention ON payment_attempts (needs_attention) WHERE needs_attention IS NOT NULL;
CREATE INDEX payment_attempts_original ON payment_attempts (original_attempt_id) WHERE original_attempt_id IS NOT NULL;

-- An answer that reached the till with someone else's keys: kept for the manager, never applied.
CREATE TABLE provider_anomalies (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  provider TEXT NOT NULL,
  terminal TEXT,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL
);
`,
};

import type { Migration } from './migration';

/**
 * One append-only, signed chain over every row that records money or authority (issue 12; in the
 * spirit of NF525's inalterability). Each change to a chained row (insert, update, delete) adds a
 * link naming the table, the row's key and a hash of the row as stored; each link's hash covers the
 * previous link's; a seal link signs the chain's head with the till's Ed25519 key, which is kept
 * outside the journal. The links are written by the till's own (temporary) triggers, so a change
 * made behind the till's back leaves a row that no link describes. The rows are checked by
 * `npm run journal -- verify`; the policy lives in src-main/integrity/.
 */
export const journalChain: Migration = {
  version: 7,
  name: 'journal-chain',
  sql: `
CREATE TABLE chain (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  -- The chained table, or '' for a seal.
  tbl TEXT NOT NULL,
  -- The row's primary key as a JSON array; for a seal, the signing key's id.
  row_key TEXT NOT NULL,
  -- I insert, U update, D delete, A adopted (a row written before the chain existed), S seal.
  op TEXT NOT NULL CHECK (op IN ('I', 'U', 'D', 'A', 'S')),
  row_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  -- A seal's Ed25519 signature of its own hash (base64); null on other links.
  sig TEXT
);
-- No index: each one would add pages to every commit. The newest seal is a short backward scan;
-- verify builds what it needs in a temporary table.
CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain BEGIN SELECT RAISE(ABORT, 'the journal chain is append-only'); END;
CREATE TRIGGER chain_no_delete BEFORE DELETE ON chain BEGIN SELECT RAISE(ABORT, 'the journal chain is append-only'); END;

-- Every public key that ever sealed this chain (a till that lost its key file starts a new one).
CREATE TABLE chain_keys (
  id TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- The seal each Z report printed: closing the shift seals the chain, and its anchor goes on paper.
CREATE TABLE z_anchors (
  z_number INTEGER PRIMARY KEY REFERENCES z_reports (number),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  key_id TEXT NOT NULL
);
`,
};

/**
 * The journal chain's SQL (migration 007): the `chain` and `chain_keys` tables, the till's
 * temporary triggers that add a link for every change to a chained row, and the reads `verify`
 * needs. Hashing, signing and what counts as tampering are src-main/integrity/'s; this module
 * stores and reads links exactly as given.
 *
 * A row is described by its key (its primary key columns as a JSON array, or its rowid when it
 * has none) and its canonical form: a JSON object of its non-null columns in name order, as
 * SQLite reads the stored values (so a string is hashed as the bytes stored, whatever the caller
 * passed). Both are computed by SQL, by the trigger when the row is written and by `verify` later.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './open-journal';

/** Every table whose rows record money or authority. Catalogue, print queue and FTS are not chained. */
export const CHAINED_TABLES = [
  'users',
  'settings',
  'shifts',
  'cash_moves',
  'orders',
  'order_lines',
  'tenders',
  'payment_attempts',
  'attempt_events',
  'refunds',
  'refund_lines',
  'refund_tenders',
  'voids',
  'z_reports',
  'z_anchors',
  'audit',
  'journal_identity',
  'journal_sequences',
  'chain_keys',
] as const;

export type ChainOp = 'I' | 'U' | 'D' | 'A' | 'S';

export interface ChainLink {
  seq: number;
  at: string;
  tbl: string;
  row_key: string;
  op: ChainOp;
  row_hash: string;
  prev_hash: string;
  hash: string;
  sig: string | null;
}

/** A chained row as stored now: its key and canonical form. */
export interface ChainedRow {
  key: string;
  canonical: string;
}

/** What the till's triggers hand over for each change; returns the link to store (JSON text). */
export type LinkMaker = (
  tbl: string,
  op: ChainOp,
  key: string,
  canonical: string,
  prevSeq: number | null,
  prevHash: string | null,
) => string;

interface TableShape {
  name: string;
  keyColumns: string[];
  columns: string[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function shapeOf(db: Db, table: string): TableShape | null {
  const info = db.prepare('SELECT name, pk FROM pragma_table_info(?)').all(table) as { name: string; pk: number }[];
  if (info.length === 0) return null;
  const keyColumns = info
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
  return {
    name: table,
    keyColumns: keyColumns.length > 0 ? keyColumns : ['rowid'],
    columns: info.map((c) => c.name).sort(),
  };
}

const keyExpr = (shape: TableShape, row: string) =>
  `json_array(${shape.keyColumns.map((c) => (c === 'rowid' ? `${row}.rowid` : `${row}.${quote(c)}`)).join(', ')})`;

/** Non-null columns in name order; a BLOB (none today) as ["blob", hex] so it can never pass for text. */
const canonicalExpr = (shape: TableShape, row: string) =>
  `json_patch('{}', json_object(${shape.columns
    .map((c) => {
      const v = `${row}.${quote(c)}`;
      return `'${c.replace(/'/g, "''")}', iif(typeof(${v}) = 'blob', json_array('blob', hex(${v})), ${v})`;
    })
    .join(', ')}))`;

const FIELDS = 'seq, at, tbl, row_key, op, row_hash, prev_hash, hash, sig';

export function createChainRepository(db: Db) {
  const head = db.prepare('SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1');
  const lastSeal = db.prepare(`SELECT ${FIELDS} FROM chain WHERE op = 'S' ORDER BY seq DESC LIMIT 1`);
  const after = db.prepare('SELECT seq, hash FROM chain WHERE seq > ? ORDER BY seq');
  const insert = db.prepare(`INSERT INTO chain (${FIELDS})
    VALUES (@seq, @at, @tbl, @row_key, @op, @row_hash, @prev_hash, @hash, @sig)`);
  const all = db.prepare(`SELECT ${FIELDS} FROM chain ORDER BY seq`);
  const link = db.prepare(`SELECT ${FIELDS} FROM chain WHERE seq = ?`);
  const keys = db.prepare('SELECT id, public_key FROM chain_keys');
  // Prepared once the triggers made temp.chain_pending.
  let pendingRows: Statement | null = null;
  let pendingClear: Statement | null = null;
  let latestBuilt = false;
  /** Per chained table: its row's canonical form by key (prepared once the triggers are installed). */
  const stateByKey = new Map<string, Statement>();
  /** A chained row's canonical form as stored now, or null when there is no such row. */
  const stateNow = (table: string, rowKey: string): string | null => {
    const lookup = stateByKey.get(table);
    if (!lookup) throw new Error(`${table} is not a chained table of this journal`);
    return (lookup.get(...(JSON.parse(rowKey) as unknown[])) as string | undefined) ?? null;
  };
  const addKey = db.prepare('INSERT OR IGNORE INTO chain_keys (id, public_key, created_at) VALUES (?, ?, ?)');
  const insertZAnchor = db.prepare('INSERT INTO z_anchors (z_number, seq, hash, key_id) VALUES (?, ?, ?, ?)');
  const zAnchor = db.prepare('SELECT seq, hash, key_id AS keyId FROM z_anchors WHERE z_number = ?');
  const hasChain = () =>
    (
      db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'chain'").get() as {
        n: number;
      }
    ).n === 1;

  return {
    /** False on a journal from before migration 007 (read-only verify of an old file). */
    exists: hasChain,
    head: () => (head.get() as { seq: number; hash: string } | undefined) ?? null,
    /**
     * The rows this transaction changed and that are not linked yet, each once, in the order first
     * changed, with its state now (what the transaction commits): intermediate states inside one
     * transaction were never committed, so they get no link of their own. A row gone by now is a
     * 'D'; one the transaction inserted is an 'I' whatever it did to it afterwards; else a 'U'.
     */
    pending(): { tbl: string; op: ChainOp; row_key: string; canonical: string }[] {
      pendingRows ??= db.prepare('SELECT tbl, op, row_key FROM temp.chain_pending ORDER BY rowid');
      const noted = pendingRows.all() as { tbl: string; op: ChainOp; row_key: string }[];
      return noted.map(({ tbl, op, row_key }) => {
        const canonical = stateNow(tbl, row_key);
        return canonical === null
          ? { tbl, op: 'D' as const, row_key, canonical: '' }
          : { tbl, op: op === 'I' ? ('I' as const) : ('U' as const), row_key, canonical };
      });
    },
    clearPending(): void {
      pendingClear ??= db.prepare('DELETE FROM temp.chain_pending');
      pendingClear.run();
    },
    lastSeal: () => (lastSeal.get() as ChainLink | undefined) ?? null,
    /** Links after `seq`, oldest first (the few a seal covers). */
    after: (seq: number) => after.all(seq) as { seq: number; hash: string }[],
    link: (seq: number) => (link.get(seq) as ChainLink | undefined) ?? null,
    insert: (row: ChainLink) => void insert.run(row),
    /** Every link, oldest first, read lazily. */
    links: () => all.iterate() as Iterable<ChainLink>,
    /** The seal printed on Z report `z`. */
    recordZAnchor: (z: number, anchor: { seq: number; hash: string; keyId: string }) =>
      void insertZAnchor.run(z, anchor.seq, anchor.hash, anchor.keyId),
    zAnchor: (z: number) => (zAnchor.get(z) as { seq: number; hash: string; keyId: string } | undefined) ?? null,
    keys: () => keys.all() as { id: string; public_key: string }[],
    addKey: (id: string, publicKey: string, at: string) => void addKey.run(id, publicKey, at),

    /** The chained tables that exist in this journal (a table dropped behind the till's back is missing). */
    tables(): { present: string[]; missing: string[] } {
      const present: string[] = [];
      const missing: string[] = [];
      for (const t of CHAINED_TABLES) (shapeOf(db, t) ? present : missing).push(t);
      return { present, missing };
    },

    /** Every row of a chained table as stored now, read lazily. */
    rows(table: string): Iterable<ChainedRow> {
      const shape = shapeOf(db, table);
      if (!shape) return [];
      return db
        .prepare(
          `SELECT ${keyExpr(shape, quote(table))} AS key, ${canonicalExpr(shape, quote(table))} AS canonical
          FROM ${quote(table)}`,
        )
        .iterate() as Iterable<ChainedRow>;
    },

    /**
     * The newest link of every row of `table` the chain has heard of. The first call builds a
     * temporary table of them for every table in one pass (the chain has no index of its own, so
     * that commits stay small; a read-only connection can still write its temporary tables);
     * `forgetLatest` drops it once the caller is done.
     */
    latest(table: string): { row_key: string; op: ChainOp; row_hash: string; seq: number }[] {
      if (!latestBuilt) {
        db.exec(`DROP TABLE IF EXISTS temp.chain_latest;
          CREATE TEMP TABLE chain_latest AS
            SELECT c.tbl, c.row_key, c.op, c.row_hash, c.seq FROM main.chain c
              JOIN (SELECT MAX(seq) AS seq FROM main.chain WHERE op <> 'S' GROUP BY tbl, row_key) l ON l.seq = c.seq;
          CREATE INDEX temp.chain_latest_tbl ON chain_latest (tbl);`);
        latestBuilt = true;
      }
      return db.prepare('SELECT row_key, op, row_hash, seq FROM temp.chain_latest WHERE tbl = ?').all(table) as {
        row_key: string;
        op: ChainOp;
        row_hash: string;
        seq: number;
      }[];
    },
    forgetLatest(): void {
      if (!latestBuilt) return;
      db.exec('DROP TABLE IF EXISTS temp.chain_latest');
      latestBuilt = false;
    },

    /**
     * Adds this connection's temporary triggers on every chained table. Inside a transaction
     * (`batched()` true) each insert, update and delete is noted in `temp.chain_pending`, which the
     * transaction turns into links before it commits (`pending` / `clearPending`; rolled back with
     * it); a lone statement outside one asks `makeLink` for its link at once, in the same statement.
     * Temporary: they exist only in the till's own connection, so a change made by another program
     * is described by no link.
     */
    installTriggers(makeLink: LinkMaker, batched: () => boolean): void {
      db.function('countertop_chain_link', { varargs: false, deterministic: false }, makeLink as never);
      db.function('countertop_chain_batched', { varargs: false, deterministic: false }, () => (batched() ? 1 : 0));
      // In memory: the notes live for one transaction and never need the disk.
      db.pragma('temp_store = MEMORY');
      // One note per row and transaction (the first change's kind); its state is read when it is linked.
      db.exec(`DROP TABLE IF EXISTS temp.chain_pending;
        CREATE TEMP TABLE chain_pending (tbl TEXT NOT NULL, row_key TEXT NOT NULL, op TEXT NOT NULL,
          PRIMARY KEY (tbl, row_key));`);
      const prev = '(SELECT MAX(seq) FROM main.chain), (SELECT hash FROM main.chain ORDER BY seq DESC LIMIT 1)';
      const store = (table: string, op: ChainOp, key: string, canonical: string) =>
        `INSERT OR IGNORE INTO temp.chain_pending (tbl, row_key, op)
           SELECT '${table}', ${key}, '${op}' WHERE countertop_chain_batched();
         INSERT INTO main.chain (${FIELDS})
           SELECT j->>'$.seq', j->>'$.at', '${table}', j->>'$.row_key', '${op}', j->>'$.row_hash', j->>'$.prev_hash', j->>'$.hash', NULL
           FROM (SELECT countertop_chain_link('${table}', '${op}', ${key}, ${canonical}, ${prev}) AS j
                  WHERE NOT countertop_chain_batched());`;
      for (const table of CHAINED_TABLES) {
        const shape = shapeOf(db, table);
        if (!shape) continue;
        // A key column may hold NULL (only INTEGER PRIMARY KEY cannot): IS, not =.
        const where = shape.keyColumns.map((c) => (c === 'rowid' ? 'rowid = ?' : `${quote(c)} IS ?`)).join(' AND ');
        stateByKey.set(
          table,
          db.prepare(`SELECT ${canonicalExpr(shape, quote(table))} FROM main.${quote(table)} WHERE ${where}`).pluck(),
        );
        const on = `main.${quote(table)}`;
        const name = (suffix: string) => quote(`chain_${table}_${suffix}`);
        db.exec(`
          DROP TRIGGER IF EXISTS temp.${name('i')};
          DROP TRIGGER IF EXISTS temp.${name('u')};
          DROP TRIGGER IF EXISTS temp.${name('k')};
          DROP TRIGGER IF EXISTS temp.${name('d')};
          CREATE TEMP TRIGGER ${name('i')} AFTER INSERT ON ${on} BEGIN
            ${store(table, 'I', keyExpr(shape, 'NEW'), canonicalExpr(shape, 'NEW'))}
          END;
          CREATE TEMP TRIGGER ${name('u')} AFTER UPDATE ON ${on} BEGIN
            ${store(table, 'U', keyExpr(shape, 'NEW'), canonicalExpr(shape, 'NEW'))}
          END;
          CREATE TEMP TRIGGER ${name('k')} AFTER UPDATE ON ${on}
            WHEN ${keyExpr(shape, 'OLD')} IS NOT ${keyExpr(shape, 'NEW')} BEGIN
            ${store(table, 'D', keyExpr(shape, 'OLD'), "''")}
          END;
          CREATE TEMP TRIGGER ${name('d')} AFTER DELETE ON ${on} BEGIN
            ${store(table, 'D', keyExpr(shape, 'OLD'), "''")}
          END;`);
      }
    },
  };
}

export type ChainRepository = ReturnType<typeof createChainRepository>;

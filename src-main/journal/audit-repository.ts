/**
 * The audit table (append-only: migration 001's triggers refuse UPDATE and DELETE): the only
 * place its SQL lives. The hash chain over its rows is auth/audit-log's policy; this module
 * stores and reads rows exactly as given.
 */
import type { Db } from './open-journal';

/** An audit entry as stored: `detail` is JSON text, `hash` covers the other fields and `prev_hash`. */
export interface AuditRow {
  seq: number;
  at: string;
  user_id: string | null;
  action: string;
  object: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** The newest entry, which the next one chains to. */
export interface AuditTip {
  seq: number;
  hash: string;
}

export interface AuditReader {
  /** The newest entries first. */
  recent(limit: number): AuditRow[];
  /** Every entry, oldest first, read lazily (a long trail is never loaded whole). */
  entries(): Iterable<AuditRow>;
}

export interface AuditWriter {
  /**
   * Appends the row `build` makes from the newest entry (null on an empty trail). Reading the tip
   * and inserting happen in one transaction (a savepoint inside the caller's, so the entry commits
   * with the change it records), so two appends never chain to the same entry.
   */
  append(build: (tip: AuditTip | null) => AuditRow): AuditRow;
}

export type AuditRepository = AuditReader & AuditWriter;

export function createAuditRepository(db: Db): AuditReader & AuditWriter {
  const tip = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
  const insert = db.prepare(`INSERT INTO audit (seq, at, user_id, action, object, detail, prev_hash, hash)
    VALUES (@seq, @at, @user_id, @action, @object, @detail, @prev_hash, @hash)`);
  const recent = db.prepare('SELECT * FROM audit ORDER BY seq DESC LIMIT ?');
  const all = db.prepare('SELECT * FROM audit ORDER BY seq');
  const append = db.transaction((build: (tip: AuditTip | null) => AuditRow): AuditRow => {
    const row = build((tip.get() as AuditTip | undefined) ?? null);
    insert.run(row);
    return row;
  });
  return {
    recent: (limit) => recent.all(limit) as AuditRow[],
    entries: () => all.iterate() as Iterable<AuditRow>,
    append: (build) => append(build),
  };
}

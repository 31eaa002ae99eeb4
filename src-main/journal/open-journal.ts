/**
 * Opens the SQLite journal with the durability a till needs: WAL with
 * synchronous=FULL (better-sqlite3 defaults WAL to NORMAL, which can lose the last
 * commits on power loss), foreign keys, and an integrity check before anything runs.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { applyMigrations } from './migrate';

export type Db = Database.Database;

export interface JournalHandle {
  db: Db;
  path: string;
  close(): void;
}

/**
 * What a module that groups several repository writes into one unit needs, instead of the
 * connection: its SQL stays in the repositories, only the transaction boundary is its own.
 */
export interface JournalTransaction {
  /**
   * Runs `work` in one write transaction taken with BEGIN IMMEDIATE (the write lock up front, so
   * it cannot fail half-way on a busy journal); inside the caller's transaction it is a savepoint.
   */
  transaction<T>(work: () => T): T;
  /** False once the journal is closed: late callbacks check it before they write. */
  readonly open: boolean;
  /** True inside a transaction (work that must join its caller's transaction checks it). */
  readonly inTransaction: boolean;
}

/** The transaction boundary of the journal's one writer connection. */
export function journalTransaction(db: Db): JournalTransaction {
  // One wrapper for every unit of work (better-sqlite3 builds a new one per `db.transaction` call).
  const run = db.transaction((work: () => unknown) => work());
  return {
    transaction: <T>(work: () => T): T => run.immediate(work) as T,
    get open() {
      return db.open;
    },
    get inTransaction() {
      return db.inTransaction;
    },
  };
}

export class JournalIntegrityError extends Error {
  constructor(readonly problems: string[]) {
    super(`The journal failed its integrity check: ${problems.slice(0, 3).join('; ')}`);
    this.name = 'JournalIntegrityError';
  }
}

/**
 * `nativeBinding`: the better_sqlite3.node to load. The Electron shell passes a build for
 * Electron's ABI (scripts/build-electron-sqlite.mjs); under Node the package's own is used.
 */
export function openJournal(path: string, options: { nativeBinding?: string } = {}): JournalHandle {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // macOS fsync does not flush the drive cache; fullfsync does (no-op elsewhere).
    db.pragma('fullfsync = ON');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const problems = integrityCheck(db);
    if (problems.length !== 1 || problems[0] !== 'ok') throw new JournalIntegrityError(problems);
    applyMigrations(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    db,
    path,
    close() {
      if (!db.open) return;
      try {
        db.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        db.close();
      }
    },
  };
}

/**
 * Opens an existing journal read-only (the command line's verify and export): no migration, no
 * pragma written and no checkpoint on close, so looking at the evidence never changes it.
 */
export function openJournalReadOnly(path: string): JournalHandle {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  return { db, path, close: () => db.close() };
}

/** SQLite's integrity check: `['ok']` when the file is sound, else the problems it found. */
export function integrityCheck(db: Db): string[] {
  return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
}

/** Reads back the durability settings (for tests and the device panel). */
export function durabilitySettings(db: Db): { journalMode: string; synchronous: number; foreignKeys: number } {
  return {
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
    foreignKeys: db.pragma('foreign_keys', { simple: true }) as number,
  };
}

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
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
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
      try { db.pragma('wal_checkpoint(TRUNCATE)'); } finally { db.close(); }
    },
  };
}

/** Reads back the durability settings (for tests and the device panel). */
export function durabilitySettings(db: Db): { journalMode: string; synchronous: number; foreignKeys: number } {
  return {
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
    foreignKeys: db.pragma('foreign_keys', { simple: true }) as number,
  };
}

/**
 * Opens the SQLite journal with the durability a till needs: WAL with
 * synchronous=FULL (better-sqlite3 defaults WAL to NORMAL, which can lose the last
 * commits on power loss) and foreign keys. Opening costs the same whatever the journal holds
 * (issue 14): a file that is not a database, or shorter than its header says, is refused here;
 * SQLite's full integrity check runs afterwards, off the main thread (journal-check.ts).
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { applyMigrations, migrationLine, type AppliedMigration } from './migrate';

export type Db = Database.Database;

/**
 * Every transaction a connection runs begins IMMEDIATE unless it asks for another kind (`.deferred`).
 * A deferred transaction that has read cannot wait to write while another connection is writing (the
 * catalogue import's batches): SQLite fails its first write with SQLITE_BUSY at once, without the busy
 * timeout. During a 1M-row import that failed about one scan in seven, and would fail an audit entry, a
 * sale's completion or a chain seal the same way. Nested calls are savepoints, whatever their kind.
 */
function immediateByDefault(db: Db): Db {
  const original = db.transaction.bind(db);
  db.transaction = ((fn: Parameters<typeof original>[0]) => {
    const made = original(fn);
    const run = function (this: unknown, ...args: unknown[]) {
      return made.immediate.apply(this, args as never);
    };
    Object.defineProperties(run, {
      default: { value: made.immediate },
      deferred: { value: made.deferred },
      immediate: { value: made.immediate },
      exclusive: { value: made.exclusive },
      database: { value: db },
    });
    return run;
  }) as typeof db.transaction;
  return db;
}

export interface JournalHandle {
  db: Db;
  path: string;
  /** The migrations this open applied (empty when the schema was current). */
  migrated?: readonly number[];
  /** The chained tables whose existing rows this open's migrations changed (to re-state in the chain). */
  rewritten?: readonly string[];
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

/**
 * The journal could not be opened for a reason the person starting the till can fix: the message is one
 * sentence naming the file or folder and what to do (a read-only or missing folder, a damaged file, a full
 * disk). The shells print it instead of a stack; `cause` keeps SQLite's or the system's own error.
 */
export class JournalOpenError extends Error {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JournalOpenError';
  }
}

export class JournalIntegrityError extends JournalOpenError {
  constructor(
    readonly problems: string[],
    path = '',
  ) {
    super(
      `The journal ${path} is damaged (SQLite's integrity check found: ${problems.slice(0, 3).join('; ')}). ${DAMAGED_REMEDY}`,
      path,
    );
    this.name = 'JournalIntegrityError';
  }
}

const DAMAGED_REMEDY =
  'Countertop has not changed it. Restore the journal from your latest backup, or move it aside to start an empty one, and keep the damaged file for your support contact.';

/**
 * Makes the data folder, private to the user running the till (0700: the journal holds PIN hashes and
 * the sales). An existing folder is left as it is (it may be shared on purpose, or be the user's home);
 * the answer is a warning to log when other users can read it, else null.
 */
export function prepareDataFolder(dir: string): string | null {
  let stats;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    stats = statSync(dir);
  } catch (error) {
    throw explainOpenFailure(error, dir, dir);
  }
  if (!stats.isDirectory())
    throw explainOpenFailure(Object.assign(new Error('not a folder'), { code: 'ENOTDIR' }), dir, dir);
  if (process.platform === 'win32' || (stats.mode & 0o077) === 0) return null;
  const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
  return `Other users of this computer can open the data folder ${dir} (mode ${mode}), which holds the journal with its PIN hashes: run chmod 700 on it, or choose a private data folder.`;
}

/**
 * Creates the journal file 0600 before SQLite does (SQLite would make it 0644), and narrows an existing
 * one. SQLite gives the -wal and -shm files the main file's mode, so they follow; older ones are narrowed.
 */
function makeJournalFilesPrivate(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'wx', 0o600));
  if (process.platform === 'win32') return;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  }
}

/**
 * Turns a failure to open the journal into one sentence naming the path and the remedy, when it is one the
 * operator can fix; any other error (a bug, a migration from a newer version) is returned unchanged.
 */
export function explainOpenFailure(error: unknown, path: string, folder = dirname(path)): unknown {
  if (error instanceof JournalOpenError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  const wrap = (message: string) => new JournalOpenError(message, path, { cause: error });
  if (typeof code !== 'string') return error;
  if (code === 'ENOTDIR' || code === 'EEXIST')
    return wrap(
      `The data folder ${folder} is a file, not a folder (or lies inside a file). Move that file away, or set dataDir in the config to a folder.`,
    );
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code.startsWith('SQLITE_READONLY'))
    return wrap(
      `Countertop cannot write in the data folder ${folder} (${reason}). Make the folder and its files writable by the user running Countertop, or set dataDir in the config to a folder it can write.`,
    );
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
    return wrap(`The journal ${path} is damaged (${reason}). ${DAMAGED_REMEDY}`);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC')
    return wrap(`The disk holding the journal ${path} is full. Free some space on it, then start Countertop again.`);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return wrap(
      `Another program is holding the journal ${path} (${reason}). Close it (another Countertop, a database tool or a backup in progress), then start Countertop again.`,
    );
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code === 'EISDIR') {
    const isFolder = existsSync(path) && statSync(path).isDirectory();
    return wrap(
      isFolder
        ? `The journal ${path} is a folder, not a file. Move that folder away, or set dataDir in the config to another folder.`
        : `Countertop cannot open the journal ${path} (${reason}). Check that the data folder ${folder} and the files in it can be read and written by the user running Countertop, and that the disk is mounted.`,
    );
  }
  return error;
}

/**
 * The O(1) part of a damage check, from the file's 100-byte header: a journal shorter than the
 * pages its header counts was truncated (a copy cut short, a full disk). Null when it is not
 * (or when the header does not say: a new, empty or non-SQLite file is SQLite's to refuse).
 * With no WAL content left, a healthy file is never shorter (a checkpoint ends by setting the
 * file to the size its header records).
 */
export function truncationProblem(path: string): string | null {
  if (path === ':memory:' || !existsSync(path)) return null;
  // A checkpoint copies page 1 (with the new size) first: until it finishes the rest is in the WAL,
  // which SQLite replays. Only a journal with no WAL content must be as long as its header says.
  const wal = `${path}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) return null;
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let read: number;
  let size: number;
  try {
    read = readSync(fd, header, 0, 100, 0);
    size = statSync(path).size;
  } finally {
    closeSync(fd);
  }
  if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return null;
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  // The in-header size is valid only when "version-valid-for" matches the change counter.
  if (header.readUInt32BE(92) !== header.readUInt32BE(24) || pages === 0) return null;
  const expected = pages * pageSize;
  return size < expected
    ? `it was cut short: ${size} of the ${expected} bytes its header counts (${pages} pages)`
    : null;
}

/**
 * `nativeBinding`: the better_sqlite3.node to load. The Electron shell passes a build for
 * Electron's ABI (scripts/build-electron-sqlite.mjs); under Node the package's own is used.
 * `log`: hears one line per migration an upgrade runs, with its time.
 */
export function openJournal(
  path: string,
  options: { nativeBinding?: string; log?: (message: string) => void } = {},
): JournalHandle {
  let db: Db;
  let migrated: AppliedMigration[] = [];
  let upgrading = false;
  try {
    // A new journal is made by the same migrations; only an existing one's upgrade is worth a line each.
    upgrading = path !== ':memory:' && existsSync(path) && statSync(path).size > 0;
    if (path !== ':memory:') {
      prepareDataFolder(dirname(path));
      makeJournalFilesPrivate(path);
      const truncated = truncationProblem(path);
      if (truncated)
        throw new JournalOpenError(`The journal ${path} is damaged (${truncated}). ${DAMAGED_REMEDY}`, path);
    }
    db = immediateByDefault(new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}));
  } catch (error) {
    throw explainOpenFailure(error, path);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // macOS fsync does not flush the drive cache; fullfsync does (no-op elsewhere).
    db.pragma('fullfsync = ON');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // No integrity_check here: it reads every page (31.7 s at 1M products and 1M orders, issue 14).
    // A damaged page is found by the background check, which then stops new sales (journal-check.ts).
    const log = upgrading ? options.log : undefined;
    migrated = applyMigrations(db, undefined, (step, phase) => {
      if (phase === 'done') log?.(migrationLine(step));
    });
  } catch (error) {
    db.close();
    throw explainOpenFailure(error, path);
  }
  return {
    db,
    path,
    migrated: migrated.map((m) => m.version),
    rewritten: [...new Set(migrated.flatMap((m) => m.rewrites))],
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
 * A second connection to the till's journal for a worker thread (the catalogue import): the same durability
 * pragmas as the till's own, and a page cache of `cacheKiB` for this connection only. `manualCheckpoints`:
 * its commits never checkpoint the WAL themselves (wal_autocheckpoint 0); the caller checkpoints it.
 */
export function openWorkerConnection(
  path: string,
  options: { nativeBinding?: string; cacheKiB?: number; manualCheckpoints?: boolean } = {},
): Db {
  const db = immediateByDefault(
    new Database(path, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  );
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('fullfsync = ON');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (options.cacheKiB) db.pragma(`cache_size = -${Math.trunc(options.cacheKiB)}`);
  if (options.manualCheckpoints) db.pragma('wal_autocheckpoint = 0');
  return db;
}

/**
 * Whether each commit on this connection waits for the disk (synchronous=FULL, the journal's rule) or only
 * for the WAL write (NORMAL: a crash keeps it, a power cut can lose it until the next flushed commit). Only
 * the catalogue import's own connection relaxes it, for batches its undo record covers (catalog/import-writer.ts).
 */
export function flushEachCommit(db: Db, flush: boolean): void {
  db.pragma(flush ? 'synchronous = FULL' : 'synchronous = NORMAL');
}

/** Copies what the WAL holds into the journal file as far as no reader needs it, without waiting (PASSIVE). */
export function checkpointPassive(db: Db): void {
  db.pragma('wal_checkpoint(PASSIVE)');
}

/**
 * Opens an existing journal read-only (the command line's verify and export): no migration, no
 * pragma written and no checkpoint on close, so looking at the evidence never changes it.
 */
export function openJournalReadOnly(path: string): JournalHandle {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  return { db, path, close: () => db.close() };
}

/**
 * SQLite's integrity check: `['ok']` when the file is sound, else the problems it found. It reads
 * every page: the till runs it in a worker (journal-check.ts), the command line's verify here.
 */
export function integrityCheck(db: Db): string[] {
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  } catch (error) {
    // A page too damaged for the check itself to read is its finding, not a failure to check.
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB'))
      return [(error as Error).message];
    throw error;
  }
}

/** Reads back the durability settings (for tests and the device panel). */
export function durabilitySettings(db: Db): { journalMode: string; synchronous: number; foreignKeys: number } {
  return {
    journalMode: db.pragma('journal_mode', { simple: true }) as string,
    synchronous: db.pragma('synchronous', { simple: true }) as number,
    foreignKeys: db.pragma('foreign_keys', { simple: true }) as number,
  };
}

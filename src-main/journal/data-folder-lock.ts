/**
 * One till per data folder (issue 12): a second Countertop on the same folder would edit the same open
 * sale and crash on `database is locked`. The lock is an exclusive SQLite lock on `<dataDir>/till.lock`,
 * held by a transaction left open for the life of the process: the operating system drops it when the
 * process dies, however it dies (SIGKILL, power cut), so there is never a stale lock to clear by hand.
 * `till.lock.json` beside it names the holder, so a refusal can say who is using the folder.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { explainOpenFailure, prepareDataFolder } from './open-journal';

/** Who holds a data folder, as written in `till.lock.json`. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO time the holder took the lock. */
  startedAt: string;
  /** What it is: `host.js`, `Countertop`, `journal add-user`. */
  program: string;
}

export interface DataFolderLock {
  readonly dataDir: string;
  /** A warning to log about the folder (other users can read it), or null. */
  readonly warning: string | null;
  /** Lets the folder go (also done by the operating system when the process ends). */
  release(): void;
}

/** Another process holds the data folder; the message says which and what to do. */
export class DataFolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | null,
  ) {
    super(inUseSentence(dataDir, holder));
    this.name = 'DataFolderInUseError';
  }
}

// Held here so a lock is never closed by the garbage collector while the process runs.
const held = new Set<Database.Database>();

/**
 * Takes the data folder for this process, before the journal is opened; throws DataFolderInUseError when
 * another process (or another lock in this one) holds it, and a JournalOpenError when the folder cannot be
 * made or written. `nativeBinding`: the Electron shell's better-sqlite3 build, as for `openJournal`.
 */
export function lockDataFolder(
  dataDir: string,
  options: { program: string; nativeBinding?: string; now?: Date },
): DataFolderLock {
  const warning = prepareDataFolder(dataDir);
  const lockPath = join(dataDir, 'till.lock');
  const infoPath = join(dataDir, 'till.lock.json');
  let db: Database.Database;
  try {
    // Never open and close the lock file with a Node descriptor once it exists: closing any descriptor of a
    // file drops every POSIX lock this process holds on it, the held lock included.
    if (!existsSync(lockPath)) createPrivateFile(lockPath);
    db = new Database(lockPath, {
      timeout: 0,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (error) {
    throw explainOpenFailure(error, lockPath);
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('busy_timeout = 0');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')))
      throw new DataFolderInUseError(dataDir, readHolder(infoPath));
    throw explainOpenFailure(error, lockPath);
  }
  held.add(db);
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: (options.now ?? new Date()).toISOString(),
    program: options.program,
  };
  try {
    writeFileSync(infoPath, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
    if (process.platform !== 'win32') chmodSync(infoPath, 0o600);
  } catch (error) {
    release();
    throw explainOpenFailure(error, infoPath);
  }

  function release(): void {
    if (!db.open) return;
    // The note goes first, while the folder is still ours: the next holder writes its own.
    rmSync(infoPath, { force: true });
    held.delete(db);
    db.close();
  }
  return { dataDir, warning, release };
}

function createPrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    // Made by another process in the meantime: the lock itself decides.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** The holder named in `till.lock.json`, or null when it is missing or half-written. */
export function readHolder(infoPath: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(infoPath, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.startedAt !== 'string') return null;
    return {
      pid: parsed.pid,
      hostname: typeof parsed.hostname === 'string' ? parsed.hostname : '',
      startedAt: parsed.startedAt,
      program: typeof parsed.program === 'string' ? parsed.program : 'Countertop',
    };
  } catch {
    return null;
  }
}

/** The refusal, one sentence a person at the till can act on. */
export function inUseSentence(dataDir: string, holder: LockHolder | null, now = new Date()): string {
  if (!holder)
    return `Another Countertop is using ${dataDir}. Close it first, or start this one with another data folder.`;
  const started = new Date(holder.startedAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(started.getHours())}:${pad(started.getMinutes())}`;
  const day = `${started.getFullYear()}-${pad(started.getMonth() + 1)}-${pad(started.getDate())}`;
  const sameDay = started.toDateString() === now.toDateString();
  const when = Number.isNaN(started.getTime()) ? 'at an unknown time' : sameDay ? time : `${day} ${time}`;
  if (holder.hostname && holder.hostname !== hostname())
    return `Another Countertop (process ${holder.pid} on ${holder.hostname}, started ${when} by ${holder.program}) is using ${dataDir}. Close it first, or start this one with another data folder.`;
  return `Another Countertop (process ${holder.pid}, started ${when} by ${holder.program}) is using ${dataDir}. Close it first, or start this one with another data folder.`;
}

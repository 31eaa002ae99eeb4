/**
 * Runs SQLite's full integrity check of the journal on a worker thread, with its own read-only
 * connection (issue 14): at 1M products and 1M orders it reads every page for about 30 s, which
 * the till's start and its cashier must not wait for. Started by integrity-check.ts; answers one
 * message: `{ problems }` (['ok'] when sound) or `{ error }` when the check could not run.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface IntegrityCheckRequest {
  path: string;
  /** better_sqlite3.node for the running runtime (the Electron shell's own build). */
  nativeBinding?: string;
}

export type IntegrityCheckAnswer = { problems: string[] } | { error: string };

function check({ path, nativeBinding }: IntegrityCheckRequest): IntegrityCheckAnswer {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
    try {
      db.pragma('busy_timeout = 5000');
      const rows = db.pragma('integrity_check') as { integrity_check: string }[];
      return { problems: rows.map((r) => r.integrity_check) };
    } finally {
      db.close();
    }
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    // SQLite refusing to read a page is itself the check's finding, not a failure to run it.
    if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB'))
      return { problems: [(error as Error).message] };
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.postMessage(check(workerData as IntegrityCheckRequest));

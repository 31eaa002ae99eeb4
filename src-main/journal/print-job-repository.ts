/**
 * The print_jobs table (migration 003): every SQL statement about print jobs lives
 * here, behind a typed reader/writer, so the queue holds no SQL (STYLE 9).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './open-journal';

export const PRINT_JOB_KINDS = ['receipt', 'test', 'report', 'drawer'] as const;
export type PrintJobKind = (typeof PRINT_JOB_KINDS)[number];
export type PrintJobState = 'queued' | 'printing' | 'done' | 'failed';

/** A print job as the device panel lists it (the bytes stay in the journal). */
export interface PrintJob {
  id: number;
  kind: PrintJobKind;
  /** "Receipt #1042", "Drawer: no-sale approved by Maria"… */
  label: string;
  state: PrintJobState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: number;
  kind: PrintJobKind;
  label: string;
  state: PrintJobState;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS = 'id, kind, label, state, attempts, last_error, created_at, updated_at';

function toJob(row: Row): PrintJob {
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface PrintJobReader {
  get(id: number): PrintJob | null;
  /** The bytes to send to the printer, or null when there is no such job. */
  payload(id: number): Buffer | null;
  /** Newest first, optionally only in some states (50 unless `limit` says). */
  list(options?: { states?: readonly PrintJobState[]; limit?: number }): PrintJob[];
  countByState(state: PrintJobState): number;
}

export interface PrintJobWriter {
  /** Journals a new job as queued and returns it. */
  insert(kind: PrintJobKind, label: string, payload: Buffer, at: string): PrintJob;
  /** queued → printing, counting the attempt. Returns false when the job was not queued. */
  markPrinting(id: number, at: string): boolean;
  /** printing → done. */
  markDone(id: number, at: string): void;
  /** Back to queued with the error that stopped it. */
  markQueued(id: number, error: string, at: string): void;
  /** Given up on with the error that stopped it (a drawer kick is never retried). */
  markFailed(id: number, error: string, at: string): void;
  /**
   * After a crash or quit mid-print: 'printing' jobs go back to queued (a drawer kick
   * becomes failed instead: it must never fire on its own later).
   */
  recoverInterrupted(at: string): { requeued: number; failed: number };
}

export function createPrintJobStore(db: Db): PrintJobReader & PrintJobWriter {
  const insert = db.prepare(
    `INSERT INTO print_jobs (kind, label, payload, state, attempts, created_at, updated_at) VALUES (?, ?, ?, 'queued', 0, ?, ?)`,
  );
  const get = db.prepare(`SELECT ${COLUMNS} FROM print_jobs WHERE id = ?`);
  const payload = db.prepare('SELECT payload FROM print_jobs WHERE id = ?');
  const toPrinting = db.prepare(
    `UPDATE print_jobs SET state = 'printing', attempts = attempts + 1, updated_at = ? WHERE id = ? AND state = 'queued'`,
  );
  const setState = db.prepare('UPDATE print_jobs SET state = ?, last_error = ?, updated_at = ? WHERE id = ?');
  const count = db.prepare('SELECT COUNT(*) AS n FROM print_jobs WHERE state = ?');
  // The newest jobs, in any state or in one of `n` states: prepared once per n (the device view lists them on every change).
  const lists = new Map<number, Statement>();
  const listOf = (n: number) => {
    let statement = lists.get(n);
    if (!statement) {
      const where = n ? `WHERE state IN (${Array.from({ length: n }, () => '?').join(', ')})` : '';
      statement = db.prepare(`SELECT ${COLUMNS} FROM print_jobs ${where} ORDER BY id DESC LIMIT ?`);
      lists.set(n, statement);
    }
    return statement;
  };
  const requeue = db.prepare(
    `UPDATE print_jobs SET state = 'queued', last_error = ?, updated_at = ? WHERE state = 'printing' AND kind <> 'drawer'`,
  );
  const failDrawer = db.prepare(
    `UPDATE print_jobs SET state = 'failed', last_error = ?, updated_at = ? WHERE state = 'printing' AND kind = 'drawer'`,
  );

  return {
    get: (id) => {
      const row = get.get(id) as Row | undefined;
      return row ? toJob(row) : null;
    },
    payload: (id) => {
      const row = payload.get(id) as { payload: Buffer } | undefined;
      return row ? row.payload : null;
    },
    list(options = {}) {
      const states = options.states ?? [];
      const rows = listOf(states.length).all(...states, options.limit ?? 50) as Row[];
      return rows.map(toJob);
    },
    countByState: (state) => (count.get(state) as { n: number }).n,
    insert(kind, label, bytes, at) {
      const id = Number(insert.run(kind, label, bytes, at, at).lastInsertRowid);
      return toJob(get.get(id) as Row);
    },
    markPrinting: (id, at) => toPrinting.run(at, id).changes === 1,
    markDone: (id, at) => {
      setState.run('done', null, at, id);
    },
    markQueued: (id, error, at) => {
      setState.run('queued', error, at, id);
    },
    markFailed: (id, error, at) => {
      setState.run('failed', error, at, id);
    },
    recoverInterrupted: db.transaction((at: string) => ({
      requeued: requeue.run('Interrupted while printing (the app closed); it may have printed in part.', at).changes,
      failed: failDrawer.run('Interrupted (the app closed); a drawer kick is never repeated on its own.', at).changes,
    })),
  };
}

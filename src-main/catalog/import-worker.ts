/**
 * The catalogue import's worker thread (an entry of its own in the build: out/main/catalog-import-worker.js).
 * It opens its own connection to the journal with the till's durability pragmas, runs the job
 * and posts progress and the report; the main thread keeps serving scans meanwhile (WAL: its
 * reads never wait, its writes wait for at most one batch).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkpointPassive, openWorkerConnection } from '../journal/open-journal';
import { runImportJob, type ImportJob, type ImportPhase } from './import-job';

export interface ImportWorkerData {
  dbPath: string;
  /** The better_sqlite3.node the main process uses (Electron's ABI build); the package's own otherwise. */
  nativeBinding?: string;
  job: ImportJob;
}

export type ImportWorkerMessage =
  | { type: 'progress'; phase: ImportPhase; done: number; total: number }
  | { type: 'done'; report: import('../../src-shared/domain').ImportReport }
  | { type: 'failed'; message: string; code: string | null };

const post = (message: ImportWorkerMessage) => parentPort!.postMessage(message);

/**
 * After each batch the worker leaves the write lock free for this share of the time the batch held
 * it, so the till's writes (polling with SQLite's busy back-off) get in. 1 doubled the import's
 * time; at ½ see the issue 14 measurements in catalog/README.md.
 */
const PAUSE_SHARE = 0.5;

async function main(): Promise<void> {
  const data = workerData as ImportWorkerData;
  let batches = 0;
  // The till's durability (journal/open-journal.ts); index pages of a 1M catalogue are touched at random, so a
  // larger page cache for this connection only, while it imports.
  const db = openWorkerConnection(data.dbPath, {
    ...(data.nativeBinding ? { nativeBinding: data.nativeBinding } : {}),
    cacheKiB: 65536,
    manualCheckpoints: true,
  });
  try {
    const report = await runImportJob(
      db,
      data.job,
      (phase, done, total) => post({ type: 'progress', phase, done, total }),
      {
        lazyBatchCommits: true,
        pause: (heldMs) => {
          batches += 1;
          if (batches === data.job.crashAfterBatches) process.exit(70);
          // Checkpoint after every batch (this connection's commits do not), so the WAL stays short
          // and the till's own commits seldom find it over the auto-checkpoint size and copy the
          // import's pages themselves. A checkpoint takes no write lock: its time is part of the
          // pause, and the worker sleeps only for the rest (issue 14 measurements in catalog/README.md).
          checkpointPassive(db);
          return new Promise((resolve) => setTimeout(resolve, heldMs * PAUSE_SHARE));
        },
      },
    );
    post({ type: 'done', report });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    post({
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
      code: typeof code === 'string' ? code : null,
    });
  } finally {
    db.close();
  }
}

void main();

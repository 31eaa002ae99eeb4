/**
 * Runs a catalogue import off the main thread: a worker thread with its own connection to the
 * journal file (import-worker.ts). An in-memory journal cannot be shared with a worker: there
 * (tests, tools) the same job runs inline, yielding to the event loop between batches.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CATALOG_FILE_MAX_BYTES } from '../../src-shared/catalog-upload';
import type { ImportReport } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { Db } from '../journal/open-journal';
import { runImportJob, type ImportJob, type ImportProgress } from './import-job';
import { rollbackImport } from './import-writer';
import type { ImportWorkerData, ImportWorkerMessage } from './import-worker';

export interface ImportRunnerOptions {
  db: Db;
  /** Passed on to the worker's connection (the Electron shell's better_sqlite3.node). */
  nativeBinding?: string;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Checks a file named for import before any work starts: a clear PosError for each way it can be wrong. */
export function checkImportFile(path: string): void {
  if (!isAbsolute(path))
    throw new PosError('INVALID_PAYLOAD', `Give the catalogue file's full path (${path} is relative).`, 'path');
  let stats;
  try {
    stats = statSync(path);
  } catch {
    throw new PosError('NOT_FOUND', `The catalogue file ${path} does not exist.`, 'path');
  }
  if (!stats.isFile()) throw new PosError('INVALID_PAYLOAD', `${path} is not a file.`, 'path');
  if (stats.size > CATALOG_FILE_MAX_BYTES)
    throw new PosError(
      'INVALID_PAYLOAD',
      `The catalogue file is too large (${Math.ceil(stats.size / 1048576)} MB): at most ${CATALOG_FILE_MAX_BYTES / 1048576} MB can be imported at once.`,
      'path',
    );
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new PosError(
      'INVALID_PAYLOAD',
      `Countertop cannot read the catalogue file ${path}: check its permissions.`,
      'path',
    );
  }
}

/**
 * Where the worker's code is: beside the built bundle (out/main/catalog-import-worker.js, from a
 * chunk one folder down), or the TypeScript source run through tsx (tests, `node --import tsx`).
 */
function workerEntry(): { code: string; eval: boolean } {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const file of [join(here, 'catalog-import-worker.js'), join(here, '..', 'catalog-import-worker.js')]) {
    if (existsSync(file)) return { code: file, eval: false };
  }
  const source = join(here, 'import-worker.ts');
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs');
  return { code: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, eval: true };
}

function inMemory(db: Db): boolean {
  return db.memory || db.name === '' || db.name === ':memory:';
}

/** Runs `job` to the end; the promise settles when the import has committed or been undone. */
export async function runImport(
  job: ImportJob,
  onProgress: ImportProgress,
  options: ImportRunnerOptions,
): Promise<ImportReport> {
  if (inMemory(options.db)) {
    try {
      const report = await runImportJob(options.db, job, onProgress, { pause: nextTurn });
      onProgress('done', report.imported + report.updated, report.imported + report.updated);
      return report;
    } catch (error) {
      onProgress('failed', 0, 0);
      throw failure(error instanceof Error ? error.message : String(error), (error as { code?: unknown }).code);
    }
  }
  const entry = workerEntry();
  const data: ImportWorkerData = {
    dbPath: options.db.name,
    job,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  };
  const worker = new Worker(entry.code, { eval: entry.eval, workerData: data });
  type Outcome = Exclude<ImportWorkerMessage, { type: 'progress' }> | { type: 'crashed'; message: string };
  const outcome = await new Promise<Outcome>((resolve) => {
    let settled: Outcome | null = null;
    worker.on('message', (message: ImportWorkerMessage) => {
      if (message.type === 'progress') onProgress(message.phase, message.done, message.total);
      else settled = message;
    });
    worker.on('error', (error) => resolve({ type: 'crashed', message: error.message }));
    worker.on('exit', (code) =>
      resolve(settled ?? { type: 'crashed', message: `the import worker stopped (exit ${code})` }),
    );
  });
  if (outcome.type === 'done') {
    onProgress(
      'done',
      outcome.report.imported + outcome.report.updated,
      outcome.report.imported + outcome.report.updated,
    );
    return outcome.report;
  }
  // A worker that died mid-write left its batches: undo them here. A failed one has undone its
  // own, unless undoing failed too; then this finds what is left (nothing is a no-op).
  await rollbackImport(options.db, nextTurn);
  onProgress('failed', 0, 0);
  throw failure(outcome.message, outcome.type === 'failed' ? outcome.code : null);
}

function failure(message: string, code: unknown): PosError {
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')
    return new PosError(
      'INVALID_PAYLOAD',
      `The catalogue file could not be read (${message}). Nothing was imported.`,
      'path',
    );
  return new PosError(
    'INTERNAL',
    `The catalogue import failed and was undone: the catalogue is as it was before (${message}).`,
  );
}

/**
 * Test hooks, read from the environment: COUNTERTOP_TEST_IMPORT_FAIL_AFTER_BATCHES (the write
 * phase throws after that many batches) and COUNTERTOP_TEST_IMPORT_CRASH_AFTER_BATCHES (the worker
 * thread exits). Unset in production: no job carries them.
 */
export function testHooks(): Pick<ImportJob, 'failAfterBatches' | 'crashAfterBatches'> {
  const read = (name: string) => {
    const value = process.env[name];
    return value && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const fail = read('COUNTERTOP_TEST_IMPORT_FAIL_AFTER_BATCHES');
  const crash = read('COUNTERTOP_TEST_IMPORT_CRASH_AFTER_BATCHES');
  return {
    ...(fail !== undefined ? { failAfterBatches: fail } : {}),
    ...(crash !== undefined ? { crashAfterBatches: crash } : {}),
  };
}

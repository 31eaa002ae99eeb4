/**
 * One catalogue import from start to end, on whatever connection it is given: read the file,
 * check every row (nothing written yet), write in batches with an undo record. The worker
 * (import-worker.ts) runs it on its own connection; an in-memory journal (tests) runs it inline.
 */
import { readFileSync } from 'node:fs';
import type { ImportReport } from '../../src-shared/domain';
import type { Db } from '../journal/open-journal';
import { createProductReader } from '../journal/product-repository';
import { planCatalogImport } from './catalog-import';
import { writeCatalogImport } from './import-writer';
import { compileNomenclature, type NomenclatureConfig } from './nomenclature';

export type ImportPhase = 'reading' | 'checking' | 'writing' | 'indexing' | 'done' | 'failed';

/** What an import needs, all plain data (it crosses to the worker by structured clone). */
export interface ImportJob {
  importId: string;
  source: { csv: string } | { path: string };
  currency: string;
  nomenclature: NomenclatureConfig;
  taxCodes: readonly string[];
  defaultTaxCodes: readonly string[];
  /** ISO time written as the products' updated_at. */
  at: string;
  batchMs?: number;
  /** Tests: fail the write phase after this many committed batches. */
  failAfterBatches?: number;
  /** Tests: the worker thread dies (exits) after this many committed batches, undoing nothing itself. */
  crashAfterBatches?: number;
}

/** How the connection running the job may behave (import-writer.ts WriteImportOptions). */
export interface ImportJobConnection {
  pause?: (heldMs: number) => Promise<void>;
  lazyBatchCommits?: boolean;
}

export type ImportProgress = (phase: ImportPhase, done: number, total: number) => void;

export async function runImportJob(
  db: Db,
  job: ImportJob,
  onProgress: ImportProgress,
  connection: ImportJobConnection = {},
): Promise<ImportReport> {
  onProgress('reading', 0, 0);
  const csv = 'csv' in job.source ? job.source.csv : readFileSync(job.source.path, 'utf8');
  const options = {
    currency: job.currency,
    nomenclature: compileNomenclature(job.nomenclature, job.currency),
    taxCodes: job.taxCodes,
    defaultTaxCodes: job.defaultTaxCodes,
  };
  const { report, writes } = planCatalogImport(csv, createProductReader(db), options, (done, total) =>
    onProgress('checking', done, total),
  );
  await writeCatalogImport(db, writes, {
    importId: job.importId,
    at: job.at,
    ...(job.batchMs !== undefined ? { batchMs: job.batchMs } : {}),
    ...(job.failAfterBatches !== undefined ? { failAfterBatches: job.failAfterBatches } : {}),
    ...connection,
    onProgress,
  });
  return report;
}

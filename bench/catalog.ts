/**
 * Catalogue benchmark: CSV import, then scan lookup, code and name search, and the grid
 * at catalogue sizes from PEERS.md (100k and 1M SKUs), on a journal file on disk with
 * the production pragmas. `npm run bench` runs 100k (1M with `-- --catalog-1m`); alone:
 * `node --import tsx bench/catalog.ts [sizes…]` (default 100k and 1M).
 * Also the synthetic catalogue the scan benchmarks import.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createCatalog } from '../src-main/catalog/catalog';
import { withCheckDigit } from '../src-main/catalog/gtin';
import { openJournal } from '../src-main/journal/open-journal';
import type { BenchResult } from './report';
import { ms, progress, sampleMs, timeSync, us, type Summary } from './stats';

const WORDS = [
  'organic',
  'apple',
  'cola',
  'bread',
  'cheese',
  'pen',
  'soap',
  'crème',
  'tea',
  'rice',
  'salsa',
  'chips',
  'olive',
  'lamp',
  'cable',
  'mug',
];
const DEPARTMENTS = ['Bakery', 'Deli', 'Drinks', 'Household', 'Produce', 'Snacks', 'Stationery', 'Frozen'];

/** The EAN-13 of synthetic product `i` (a UPC-A with its leading 0: never a store-label or badge prefix). */
export function syntheticBarcode(i: number): string {
  return withCheckDigit(`0${String(i).padStart(11, '0')}`);
}

export function syntheticName(i: number): string {
  return `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} ${i}`;
}

/** A catalogue CSV in the merchant format (src-main/catalog/README.md), no tax column. */
export function syntheticCatalogueCsv(size: number): string {
  const lines = ['sku,name,price,barcode,plu,unit,department'];
  for (let i = 0; i < size; i += 1) {
    lines.push(
      `SKU-${i},${syntheticName(i)},${(1 + (i % 5000) / 100).toFixed(2)},${syntheticBarcode(i)},${i < 9000 ? 1000 + i : ''},each,${DEPARTMENTS[i % DEPARTMENTS.length]}`,
    );
  }
  return lines.join('\n');
}

/** Writes `size` synthetic products into the journal at `path` (before a host opens it). */
export async function importSyntheticCatalogue(path: string, size: number, currency = 'CAD'): Promise<void> {
  const journal = openJournal(path);
  try {
    const report = await createCatalog({ db: journal.db, currency, taxCodes: [] }).importCsv({
      csv: syntheticCatalogueCsv(size),
    });
    if (report.imported !== size)
      throw new Error(`synthetic catalogue: ${report.imported} of ${size} imported, ${report.rejected} rejected`);
  } finally {
    journal.close();
  }
}

/** 'once': a one-off after an import, shown but outside the aim. */
type LookupKind = 'lookup' | 'search' | 'once';

export interface CatalogMeasurement {
  size: number;
  csvMb: number;
  importMs: number;
  reimportMs: number;
  /** Longest and p99 event-loop stall during the first import. */
  loopMaxMs: number;
  loopP99Ms: number;
  lookups: { label: string; kind: LookupKind; summary: Summary }[];
}

/** Imports `size` synthetic products into a fresh journal and times lookups and searches on it. */
export async function measureCatalog(size: number): Promise<CatalogMeasurement> {
  const dir = mkdtempSync(join(tmpdir(), 'countertop-bench-'));
  const journal = openJournal(join(dir, 'journal.sqlite'));
  try {
    const catalog = createCatalog({ db: journal.db, currency: 'CAD', taxCodes: [] });
    const csv = syntheticCatalogueCsv(size);
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    let start = performance.now();
    const report = await catalog.importCsv({ csv });
    const importMs = performance.now() - start;
    loopDelay.disable();
    if (report.imported !== size)
      throw new Error(`${report.imported} of ${size} imported, ${report.rejected} rejected`);
    start = performance.now();
    await catalog.importCsv({ csv });
    const reimportMs = performance.now() - start;
    const lookups: CatalogMeasurement['lookups'] = [];
    const time = async (label: string, kind: LookupKind, runs: number, call: (i: number) => unknown) => {
      lookups.push({ label, kind, summary: await sampleMs(runs, 20_000, (i) => timeSync(() => call(i))) });
    };
    await time('scan EAN-13', 'lookup', 5000, (i) => catalog.resolveScan(syntheticBarcode((i * 7919) % size)));
    await time('scan as UPC-A (12 digits)', 'lookup', 5000, (i) =>
      catalog.resolveScan(syntheticBarcode((i * 7919) % size).slice(1)),
    );
    await time('scan unknown code', 'lookup', 5000, (i) => catalog.resolveScan(syntheticBarcode(size + i)));
    await time('scan weight label', 'lookup', 5000, (i) =>
      catalog.resolveScan(withCheckDigit(`21${String(1000 + (i % 9000)).padStart(5, '0')}01234`)),
    );
    await time('search PLU "1234"', 'search', 1000, () => catalog.search({ query: '1234', limit: 20 }));
    await time('search "ch"', 'search', 200, () => catalog.search({ query: 'ch', limit: 20 }));
    await time('search "organic apple 12"', 'search', 200, () =>
      catalog.search({ query: 'organic apple 12', limit: 20 }),
    );
    await time('search "crem"', 'search', 200, () => catalog.search({ query: 'crem', limit: 20 }));
    // The department list is built by a full scan on the first grid after an import, then cached.
    await time('grid, first call after the import', 'once', 1, () =>
      catalog.grid({ department: DEPARTMENTS[0], limit: 40 }),
    );
    await time('grid (one department)', 'search', 1000, (i) =>
      catalog.grid({ department: DEPARTMENTS[i % DEPARTMENTS.length], limit: 40 }),
    );
    return {
      size,
      csvMb: csv.length / 1e6,
      importMs,
      reimportMs,
      loopMaxMs: loopDelay.max / 1e6,
      loopP99Ms: loopDelay.percentile(99) / 1e6,
      lookups,
    };
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Aims set here (none was given): a lookup is a small part of the 16 ms scan budget; a search keeps up with typing. */
const LOOKUP_P95_MS = 1;
const SEARCH_P95_MS = 16;

export async function catalogBench(sizes: readonly number[]): Promise<BenchResult> {
  const measured: CatalogMeasurement[] = [];
  for (const size of sizes) {
    progress(`catalogue: importing and querying ${size.toLocaleString('en')} products`);
    measured.push(await measureCatalog(size));
  }
  const met = measured.every((m) =>
    m.lookups.every((l) => l.kind === 'once' || l.summary.p95 <= (l.kind === 'lookup' ? LOOKUP_P95_MS : SEARCH_P95_MS)),
  );
  return {
    title: `Barcode lookup and name search at ${sizes.map((s) => `${s / 1000}k`).join(' and ')} SKUs`,
    tables: [
      {
        header: ['SKUs', 'Operation', 'n', 'p50', 'p95', 'p99', 'max'],
        rows: measured.flatMap((m) =>
          m.lookups.map((l) => [
            m.size.toLocaleString('en'),
            l.label,
            String(l.summary.n),
            us(l.summary.p50),
            us(l.summary.p95),
            us(l.summary.p99),
            us(l.summary.max),
          ]),
        ),
      },
      {
        header: ['SKUs', 'CSV', 'Import', 'Re-import, no change', 'Longest event-loop stall during import (p99)'],
        rows: measured.map((m) => [
          m.size.toLocaleString('en'),
          `${m.csvMb.toFixed(1)} MB`,
          `${(m.importMs / 1000).toFixed(1)} s`,
          `${(m.reimportMs / 1000).toFixed(1)} s`,
          `${ms(m.loopMaxMs)} (${ms(m.loopP99Ms)})`,
        ]),
      },
    ],
    aim: `every scan lookup p95 ≤ ${LOOKUP_P95_MS} ms and every search / grid query p95 ≤ ${SEARCH_P95_MS} ms (aims set by this benchmark; none was given; the one-off first grid after an import is shown but not held to it)`,
    met,
    method:
      '`createCatalog` on a fresh journal file on disk (WAL, synchronous=FULL) filled by `importCsv` with a synthetic catalogue; each call timed alone with performance.now() in the same process, distinct codes per call.',
    notes: sizes.includes(1_000_000)
      ? []
      : ['1M SKUs: `npm run bench -- --catalog-1m` (adds about a minute and a half).'],
  };
}

async function main(): Promise<void> {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const result = await catalogBench(sizes.length ? sizes : [100_000, 1_000_000]);
  for (const table of result.tables) {
    console.log(`\n${table.header.join(' | ')}`);
    for (const row of table.rows) console.log(row.join(' | '));
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

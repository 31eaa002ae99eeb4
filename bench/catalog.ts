/**
 * Catalogue benchmark: CSV import, then scan lookup, code and name search, and the grid
 * at catalogue sizes from PEERS.md (100k and 1M SKUs), on a journal file on disk with
 * the production pragmas. Run alone: `node --import tsx bench/catalog.ts [sizes…]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createCatalog } from '../src-main/catalog/catalog';
import { withCheckDigit } from '../src-main/catalog/gtin';
import { openJournal } from '../src-main/journal/open-journal';

const WORDS = ['organic', 'apple', 'cola', 'bread', 'cheese', 'pen', 'soap', 'crème', 'tea', 'rice', 'salsa', 'chips', 'olive', 'lamp', 'cable', 'mug'];
const DEPARTMENTS = ['Bakery', 'Deli', 'Drinks', 'Household', 'Produce', 'Snacks', 'Stationery', 'Frozen'];

function barcodeOf(i: number): string {
  return withCheckDigit(`0${String(i).padStart(11, '0')}`);
}

function catalogueCsv(size: number): string {
  const lines = ['sku,name,price,barcode,plu,unit,department'];
  for (let i = 0; i < size; i += 1) {
    const name = `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} ${i}`;
    lines.push(`SKU-${i},${name},${(1 + (i % 5000) / 100).toFixed(2)},${barcodeOf(i)},${i < 9000 ? 1000 + i : ''},each,${DEPARTMENTS[i % DEPARTMENTS.length]}`);
  }
  return lines.join('\n');
}

/** Median and 99th percentile of `runs` calls, in microseconds. */
function measure(runs: number, call: (i: number) => unknown): string {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    call(i);
    times.push((performance.now() - start) * 1000);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(0);
  return `median ${at(0.5)} µs, p99 ${at(0.99)} µs`;
}

async function bench(size: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'countertop-bench-'));
  const journal = openJournal(join(dir, 'journal.sqlite'));
  try {
    const catalog = createCatalog({ db: journal.db, currency: 'CAD', taxCodes: [] });
    const csv = catalogueCsv(size);
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    let start = performance.now();
    const report = await catalog.importCsv({ csv });
    const importMs = performance.now() - start;
    loopDelay.disable();
    start = performance.now();
    const again = await catalog.importCsv({ csv });
    const reimportMs = performance.now() - start;
    console.log(`\n## ${size.toLocaleString('en')} products (${(csv.length / 1e6).toFixed(1)} MB CSV)`);
    console.log(`import:             ${(importMs / 1000).toFixed(1)} s (${report.imported} imported, ${report.rejected} rejected); event loop blocked at most ${(loopDelay.max / 1e6).toFixed(0)} ms at a time (p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms)`);
    console.log(`re-import, no change: ${(reimportMs / 1000).toFixed(1)} s (${again.updated} updated)`);
    console.log(`scan EAN-13:        ${measure(5000, (i) => catalog.resolveScan(barcodeOf((i * 7919) % size)))}`);
    console.log(`scan as UPC-A:      ${measure(5000, (i) => catalog.resolveScan(barcodeOf((i * 7919) % size).slice(1)))}`);
    console.log(`scan unknown code:  ${measure(5000, (i) => catalog.resolveScan(barcodeOf(size + i)))}`);
    console.log(`scan weight label:  ${measure(5000, (i) => catalog.resolveScan(withCheckDigit(`21${String(1000 + (i % 9000)).padStart(5, '0')}01234`)))}`);
    console.log(`search PLU "1234":  ${measure(1000, () => catalog.search({ query: '1234', limit: 20 }))}`);
    console.log(`search "ch":        ${measure(200, () => catalog.search({ query: 'ch', limit: 20 }))}`);
    console.log(`search "organic apple 12": ${measure(200, () => catalog.search({ query: 'organic apple 12', limit: 20 }))}`);
    console.log(`search "crem":      ${measure(200, () => catalog.search({ query: 'crem', limit: 20 }))}`);
    console.log(`grid (department):  ${measure(1000, (i) => catalog.grid({ department: DEPARTMENTS[i % DEPARTMENTS.length], limit: 40 }))}`);
  } finally {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  for (const size of sizes.length ? sizes : [100_000, 1_000_000]) await bench(size);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

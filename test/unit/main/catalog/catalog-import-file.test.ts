/**
 * `pos:catalog.importFile` (issue 14): the till reads the catalogue from a local file instead of a
 * 64 MB string over IPC. A path that cannot be imported gets a clear PosError before any work.
 */
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalog, type Catalog } from '../../../../src-main/catalog/catalog';
import { openJournal, type JournalHandle } from '../../../../src-main/journal/open-journal';
import { CATALOG_FILE_MAX_BYTES } from '../../../../src-shared/catalog-upload';

let dir: string;
let journal: JournalHandle;
let catalog: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-import-file-'));
  journal = openJournal(':memory:');
  catalog = createCatalog({ db: journal.db, currency: 'CAD', taxCodes: [] });
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('importing a catalogue file by its path', () => {
  it('imports a file and answers the same report as a CSV sent whole', async () => {
    const path = join(dir, 'catalogue.csv');
    writeFileSync(path, 'sku,name,price\nA,Apple,1.00\nB,Bread,2.00\nC,,x\n');
    const report = await catalog.importFile({ path });
    expect(report).toMatchObject({ imported: 2, updated: 0, rejected: 1 });
    expect(report.errors.map((error) => error.row)).toEqual([4, 4]);
    expect(catalog.search({ query: 'bread', limit: 5 }).map((p) => p.sku)).toEqual(['B']);
  });

  it('refuses a missing file, a folder, a relative path and a file over the size limit', async () => {
    await expect(catalog.importFile({ path: join(dir, 'nope.csv') })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      field: 'path',
      message: expect.stringContaining('does not exist'),
    });
    await expect(catalog.importFile({ path: dir })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: expect.stringContaining('is not a file'),
    });
    await expect(catalog.importFile({ path: 'catalogue.csv' })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: expect.stringContaining('full path'),
    });
    const big = join(dir, 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, CATALOG_FILE_MAX_BYTES + 1);
    await expect(catalog.importFile({ path: big })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      message: expect.stringContaining('too large'),
    });
  });

  it('runs one import at a time, whichever form each takes', async () => {
    const path = join(dir, 'catalogue.csv');
    writeFileSync(path, 'sku,name,price\nA,Apple,1.00\n');
    const first = catalog.importCsv({
      csv: ['sku,name,price', ...Array.from({ length: 600 }, (_, i) => `S${i},Item,1.00`)].join('\n'),
    });
    await expect(catalog.importFile({ path })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('already running'),
    });
    await first;
    await expect(catalog.importFile({ path })).resolves.toMatchObject({ imported: 1 });
  });
});

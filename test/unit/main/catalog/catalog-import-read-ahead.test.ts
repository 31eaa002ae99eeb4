/**
 * The check reads the stored products of several hundred rows at once (catalog-import.ts READ_AHEAD):
 * its answers must be those of a row-by-row check, across the read-ahead's chunk boundaries too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalog, type Catalog } from '../../../../src-main/catalog/catalog';
import { withCheckDigit } from '../../../../src-main/catalog/gtin';
import { openJournal, type JournalHandle } from '../../../../src-main/journal/open-journal';

const HEADER = 'sku,name,price,barcode,unit,department';
const sku = (i: number) => `P-${String(i).padStart(4, '0')}`;
const barcode = (i: number) => withCheckDigit(`400${String(i).padStart(9, '0')}`);
const row = (i: number, price = '1.00', code = barcode(i)) =>
  `${sku(i)},Product ${i},${price},${code},each,Dept ${i % 7}`;

let journal: JournalHandle;
let catalog: Catalog;

beforeEach(() => {
  journal = openJournal(':memory:');
  catalog = createCatalog({ db: journal.db, currency: 'CAD', taxCodes: ['GST'], defaultTaxCodes: ['GST'] });
});
afterEach(() => journal.close());

describe('import check with read-ahead', () => {
  it('finds stored products and codes in every chunk, and codes freed by earlier rows', async () => {
    const stored = Array.from({ length: 1500 }, (_, i) => row(i));
    expect(await catalog.importCsv({ csv: [HEADER, ...stored].join('\n') })).toMatchObject({ imported: 1500 });

    const rows = Array.from({ length: 1500 }, (_, i) => row(i));
    rows[700] = row(700, '2.00'); // an update in the second chunk
    rows[600] = row(900, '1.00', ''); // P-0900 gives up its barcode in the first chunk…
    rows[900] = row(600); // (P-0600 keeps its row)
    rows.push(`NEW-1,New one,3.00,${barcode(900)},each,Dept 1`); // …a new SKU takes it in the third chunk
    rows.push(`NEW-2,New two,3.00,${barcode(100)},each,Dept 1`); // a code still stored for P-0100: refused
    rows.push(`P-1400,Renamed,1.00,${barcode(1400)},each,Dept 0`); // SKU already on a row of this file
    const report = await catalog.importCsv({ csv: [HEADER, ...rows].join('\n') });

    expect(report.updated).toBe(2);
    expect(report.imported).toBe(1);
    expect(report.rejected).toBe(2);
    expect(report.errors).toEqual([
      { row: 1503, field: 'barcode', message: `Barcode ${barcode(100)} already belongs to SKU P-0100.` },
      { row: 1504, field: 'sku', message: 'SKU P-1400 already appears on row 1402.' },
    ]);
    expect(catalog.resolveScan(barcode(900))).toMatchObject({ kind: 'product', product: { sku: 'NEW-1' } });
    expect(catalog.search({ query: 'P-0700', limit: 1 })[0]).toMatchObject({ price: 200 });
  });
});

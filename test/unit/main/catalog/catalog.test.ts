import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalog, type Catalog } from '../../../../src-main/catalog/catalog';
import { openJournal, type JournalHandle } from '../../../../src-main/journal/open-journal';
import { ftsQuery } from '../../../../src-main/journal/product-repository';
import { PosError } from '../../../../src-shared/errors';

const HEADER = 'sku,name,price,barcode,plu,unit,department,taxes';
const SAMPLE = [
  HEADER,
  'COLA-355,Cola 355 ml,1.49,036000291452,,each,Drinks,',
  'STAB-1,Stabilo pen,2.25,4006381333931,,each,Office,GST PST',
  'BAN,Bananas,1.69,,4011,kg,Produce,none',
  'APL,Crème brûlée apples,3.99,,123,kg,Produce,none',
  'CAKE,Cake slice,4.50,,42,each,Bakery,',
  'GUM,Gum,0.99,04252614,,each,Snacks,',
  'MINT,Mints,1.25,01234565,,each,Snacks,',
].join('\n');

let journal: JournalHandle;
let catalog: Catalog;

const search = (query: string, limit = 20) => catalog.search({ query, limit }).map((p) => p.sku);
const importCsv = (csv: string) => catalog.importCsv({ csv });

beforeEach(() => {
  journal = openJournal(':memory:');
  catalog = createCatalog({ db: journal.db, currency: 'CAD', taxCodes: ['GST', 'PST'], defaultTaxCodes: ['GST'] });
});
afterEach(() => journal.close());

describe('import', () => {
  it('inserts new products with canonical barcodes, PLUs and default taxes', async () => {
    expect(await importCsv(SAMPLE)).toEqual({ imported: 7, updated: 0, rejected: 0, errors: [] });
    const [cola] = catalog.search({ query: 'COLA-355', limit: 1 });
    expect(cola).toMatchObject({
      sku: 'COLA-355',
      name: 'Cola 355 ml',
      price: 149,
      barcode: '0036000291452',
      plu: null,
      unit: 'each',
      department: 'Drinks',
      taxCodes: ['GST'],
    });
    expect(catalog.search({ query: '4011', limit: 1 })[0]).toMatchObject({
      sku: 'BAN',
      plu: '4011',
      unit: 'kg',
      taxCodes: [],
    });
    expect(catalog.search({ query: 'STAB-1', limit: 1 })[0].taxCodes).toEqual(['GST', 'PST']);
  });

  it('updates only the columns a file carries, and counts unchanged rows nowhere', async () => {
    await importCsv(SAMPLE);
    expect(await importCsv('SKU, Price\nCOLA-355,1.59\nBAN,1.69\n')).toEqual({
      imported: 0,
      updated: 1,
      rejected: 0,
      errors: [],
    });
    expect(catalog.search({ query: 'COLA-355', limit: 1 })[0]).toMatchObject({
      price: 159,
      barcode: '0036000291452',
      department: 'Drinks',
      taxCodes: ['GST'],
    });
    expect(await importCsv(SAMPLE)).toMatchObject({ imported: 0, updated: 1 });
  });

  it('reports bad rows with spreadsheet row numbers and imports the rest', async () => {
    const report = await importCsv(
      [
        HEADER,
        'OK-1,Fine,1.00,,,,,',
        'BAD-PRICE,Thing,$3.49,,,,,',
        'BAD-CHECK,Thing,1.00,4006381333932,,,,',
        'EXCEL,Thing,1.00,3.6E+11,,,,',
        'BAD-TAX,Thing,1.00,,,,,HST',
        'BAD-UNIT,Thing,1.00,,,lb,,',
        'OK-1,Again,1.00,,,,,',
        'SCALE,Thing,1.00,2300042012343,,,,',
        'WALLET,Thing,1.00,134567890123456789,,,,',
        ',No sku,1.00,,,,,',
        'NEW-NO-PRICE,Thing,,,,,,',
      ].join('\n'),
    );
    expect(report.imported).toBe(1);
    expect(report.rejected).toBe(10);
    const byRow = new Map(report.errors.map((e) => [e.row, e]));
    expect(byRow.get(3)).toMatchObject({ field: 'price', message: expect.stringContaining('3.49') });
    expect(byRow.get(4)).toMatchObject({ field: 'barcode', message: expect.stringContaining('check digit') });
    expect(byRow.get(5)?.message).toMatch(/spreadsheet/);
    expect(byRow.get(6)).toMatchObject({ field: 'taxes', message: expect.stringContaining('HST') });
    expect(byRow.get(7)).toMatchObject({ field: 'unit' });
    expect(byRow.get(8)).toMatchObject({ field: 'sku', message: 'SKU OK-1 already appears on row 2.' });
    expect(byRow.get(9)?.message).toMatch(/scale label.*PLU \(42\).*2300042000005/);
    expect(byRow.get(10)?.message).not.toContain('134567890123456789');
    expect(byRow.get(11)).toMatchObject({ field: 'sku' });
    expect(byRow.get(12)).toMatchObject({ field: 'price' });
  });

  it('refuses a barcode another SKU holds in any of its forms, and a taken PLU', async () => {
    await importCsv(SAMPLE);
    const report = await importCsv(
      'sku,name,price,barcode,plu\nCOLA-2,Cola bis,1.00,0036000291452,\nGUM-2,Gum bis,1.00,042100005264,\nBAN-2,Bananas bis,1.00,,04011\n',
    );
    expect(report.rejected).toBe(3);
    expect(report.errors.map((e) => e.message)).toEqual([
      'Barcode 0036000291452 already belongs to SKU COLA-355.',
      'Barcode 0042100005264 already belongs to SKU GUM.',
      'PLU 4011 already belongs to SKU BAN.',
    ]);
  });

  it('rejects the whole file for an unknown or repeated column, or no sku column', async () => {
    expect(await importCsv('sku,name,price,barcodes\nA,B,1.00,123\n')).toMatchObject({
      imported: 0,
      rejected: 1,
      errors: [{ row: 1, field: 'barcodes' }],
    });
    expect((await importCsv('sku,price,Price\nA,1,2\n')).errors[0].message).toMatch(/twice/);
    expect((await importCsv('name,price\nA,1\n')).errors[0].message).toMatch(/no sku column/);
    expect((await importCsv('')).errors[0].message).toMatch(/empty/);
    expect(await importCsv('sku,name\nA,"open\n')).toMatchObject({ imported: 0, errors: [{ row: 2 }] });
  });

  it('imports nothing from a file with a syntax error and says where it is', async () => {
    const report = await importCsv('sku,name,price\nA,Apple,1.00\nB,"Broken"x,1.00\nC,Cherry,1.00\n');
    expect(report).toMatchObject({
      imported: 0,
      rejected: 3,
      errors: [{ row: 3, message: expect.stringContaining('Nothing was imported') }],
    });
    expect(search('apple')).toEqual([]);
    expect(search('cherry')).toEqual([]);
  });

  it('reads semicolon files and quoted names', async () => {
    expect(await importCsv('sku;name;price\nX1;"Soap; ""lavender""";2.00\n')).toMatchObject({ imported: 1 });
    expect(search('lavender')).toEqual(['X1']);
  });

  it('writes in batches, reports each phase and lets the event loop run between batches', async () => {
    const batched = createCatalog({ db: journal.db, currency: 'CAD', taxCodes: [], importBatchMs: 0 });
    const rows = Array.from({ length: 2500 }, (_, i) => `S${i},Item ${i},1.00`);
    const progress: { phase: string; done: number; total: number }[] = [];
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 0);
    const report = await batched.importCsv({ csv: ['sku,name,price', ...rows].join('\n') }, ({ phase, done, total }) =>
      progress.push({ phase, done, total }),
    );
    clearInterval(timer);
    expect(report.imported).toBe(2500);
    const phases = progress.map((p) => p.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(['reading', 'checking', 'writing', 'indexing', 'done']);
    const writing = progress.filter((p) => p.phase === 'writing');
    // batchMs 0: a batch closes after 16 rows.
    expect(writing).toHaveLength(Math.ceil(2500 / 16));
    expect(writing[0]).toEqual({ phase: 'writing', done: 16, total: 2500 });
    expect(writing.at(-1)).toEqual({ phase: 'writing', done: 2500, total: 2500 });
    expect(progress.at(-1)).toEqual({ phase: 'done', done: 2500, total: 2500 });
    expect(ticks).toBeGreaterThan(0);
  });

  it('runs one import at a time', async () => {
    const first = importCsv(['sku,name,price', ...Array.from({ length: 600 }, (_, i) => `S${i},Item,1.00`)].join('\n'));
    await expect(importCsv(SAMPLE)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(importCsv(SAMPLE)).rejects.toBeInstanceOf(PosError);
    await first;
    await expect(importCsv(SAMPLE)).resolves.toMatchObject({ imported: 7 });
  });

  it('caps the listed errors but counts every rejected row', async () => {
    const report = await importCsv(
      ['sku,name,price', ...Array.from({ length: 700 }, (_, i) => `S${i},Item,abc`)].join('\n'),
    );
    expect(report.rejected).toBe(700);
    expect(report.errors).toHaveLength(500);
  });
});

describe('resolveScan', () => {
  beforeEach(async () => {
    await importCsv(SAMPLE);
  });

  it('finds a product by UPC-A, its EAN-13 form or an indicator-0 GTIN-14', () => {
    for (const code of ['036000291452', '0036000291452', '00036000291452']) {
      expect(catalog.resolveScan(code)).toMatchObject({
        kind: 'product',
        barcode: '0036000291452',
        product: { sku: 'COLA-355' },
      });
    }
  });

  it('finds UPC-E products from the short and the long form', () => {
    expect(catalog.resolveScan('04252614')).toMatchObject({ kind: 'product', product: { sku: 'GUM' } });
    expect(catalog.resolveScan('042100005264')).toMatchObject({ kind: 'product', product: { sku: 'GUM' } });
    expect(catalog.resolveScan('01234565')).toMatchObject({ kind: 'product', product: { sku: 'MINT' } });
    expect(catalog.resolveScan('012345000065')).toMatchObject({ kind: 'product', product: { sku: 'MINT' } });
  });

  it('resolves weight and price labels through the PLU', () => {
    expect(catalog.resolveScan('2100123015009')).toMatchObject({
      kind: 'weight-embedded',
      product: { sku: 'APL' },
      qtyMilli: 1500,
    });
    expect(catalog.resolveScan('2300042012343')).toMatchObject({
      kind: 'price-embedded',
      product: { sku: 'CAKE' },
      price: 1234,
    });
  });

  it("falls back to Odoo's neutral label barcode when no PLU matches", async () => {
    await importCsv('sku,name,price,unit,barcode\nCHEESE,Cheese,20.00,kg,2199999000004\n');
    expect(catalog.resolveScan('2199999012342')).toMatchObject({
      kind: 'weight-embedded',
      product: { sku: 'CHEESE' },
      qtyMilli: 1234,
    });
  });

  it('refuses a weight label on a product sold by the piece, and an empty label', () => {
    expect(catalog.resolveScan('2100042015005')).toMatchObject({ kind: 'rejected', reason: 'wrong-unit' });
    expect(catalog.resolveScan('2100123000005')).toMatchObject({ kind: 'rejected', reason: 'unreadable' });
  });

  it('says why a code sells nothing', async () => {
    expect(catalog.resolveScan('9780306406157')).toMatchObject({ kind: 'rejected', reason: 'not-found' });
    expect(catalog.resolveScan('4006381333932')).toMatchObject({
      kind: 'rejected',
      reason: 'unreadable',
      message: expect.stringContaining('check digit'),
    });
    await importCsv('sku,active\nSTAB-1,no\n');
    expect(catalog.resolveScan('4006381333931')).toMatchObject({
      kind: 'rejected',
      reason: 'inactive',
      message: expect.stringContaining('Stabilo pen'),
    });
  });

  it('routes wallet codes to payment and badges to login without touching the catalogue', () => {
    const wallet = catalog.resolveScan('134567890123456789');
    expect(wallet).toMatchObject({ kind: 'wallet', display: '**************6789' });
    expect(JSON.stringify(wallet)).not.toContain('134567890123456789');
    expect(catalog.resolveScan('0410000000120')).toMatchObject({ kind: 'badge', badge: '0410000000120' });
  });
});

describe('search and grid', () => {
  beforeEach(async () => {
    await importCsv(SAMPLE);
  });

  it('puts exact PLU, barcode and SKU matches first, then word prefixes', async () => {
    await importCsv('sku,name,price\n4011-X,Bananas 4011 bag,1.00\n');
    expect(search('4011')).toEqual(['BAN', '4011-X']);
    expect(search('036000291452')).toEqual(['COLA-355']);
    expect(search('cola')).toEqual(['COLA-355']);
    expect(search('co 355')).toEqual(['COLA-355']);
  });

  it('ignores case and accents, and FTS syntax in the query', () => {
    expect(search('CREME brulee')).toEqual(['APL']);
    expect(search('brû')).toEqual(['APL']);
    for (const query of ['"', 'NEAR(cola', 'name:cola', 'cola OR', '*', '-cola', '^cola', '   ']) {
      expect(() => search(query)).not.toThrow();
    }
    expect(search('cola"')).toEqual(['COLA-355']);
  });

  it('never looks a wallet code up as a product, and hides inactive products', async () => {
    expect(search('134567890123456789')).toEqual([]);
    await importCsv('sku,active\nCOLA-355,no\n');
    expect(search('cola')).toEqual([]);
    expect(search('036000291452')).toEqual([]);
  });

  it('respects the limit, and leaves one-letter queries to exact codes', async () => {
    await importCsv('sku,name,price\nP1,Pear one,1.00\nP2,Pear two,1.00\nC,Single letter sku,1.00\n');
    expect(search('pe')).toHaveLength(3);
    expect(search('pe', 2)).toHaveLength(2);
    expect(search('c')).toEqual(['C']);
  });

  it('lists departments and products by department, refreshed after an import', async () => {
    expect(catalog.grid({ department: null, limit: 3 })).toMatchObject({
      departments: ['Bakery', 'Drinks', 'Office', 'Produce', 'Snacks'],
      products: [{ sku: 'CAKE' }, { sku: 'COLA-355' }, { sku: 'STAB-1' }],
    });
    expect(catalog.grid({ department: 'Produce', limit: 10 }).products.map((p) => p.sku)).toEqual(['BAN', 'APL']);
    await importCsv('sku,department\nSTAB-1,Stationery\n');
    expect(catalog.grid({ department: null, limit: 1 }).departments).toEqual([
      'Bakery',
      'Drinks',
      'Produce',
      'Snacks',
      'Stationery',
    ]);
  });

  it('gives an active product by id and nothing for unknown or inactive ids', async () => {
    const [cola] = catalog.search({ query: 'cola', limit: 1 });
    expect(catalog.product(cola.id)).toEqual(cola);
    expect(catalog.product('999999')).toBeNull();
    expect(catalog.product('abc')).toBeNull();
    await importCsv('sku,active\nCOLA-355,0\n');
    expect(catalog.product(cola.id)).toBeNull();
  });
});

describe('ftsQuery', () => {
  it('quotes each word as a prefix and drops everything else', () => {
    expect(ftsQuery('Cola "NEAR(x)" 3*')).toBe('"Cola"* "NEAR"* "x"* "3"*');
    expect(ftsQuery(' ,;" ')).toBeNull();
    expect(ftsQuery('a b')).toBeNull();
    expect(ftsQuery('a bc')).toBe('"a"* "bc"*');
  });
});

describe('the sample catalogue (resources/)', () => {
  it('imports cleanly and sells by barcode, PLU label and search', async () => {
    const csv = readFileSync(new URL('../../../../resources/sample-catalogue.csv', import.meta.url), 'utf8');
    const rows = csv.trim().split('\n').length - 1;
    expect(rows).toBeGreaterThanOrEqual(250);
    expect(await importCsv(csv)).toMatchObject({ imported: rows, rejected: 0 });
    expect(catalog.resolveScan('2000000010007')).toMatchObject({
      kind: 'product',
      product: { name: 'Sparkling water 500 ml' },
    });
    expect(catalog.resolveScan('2104011012347')).toMatchObject({
      kind: 'weight-embedded',
      product: { name: 'Bananas' },
      qtyMilli: 1234,
    });
    expect(search('olives')).toEqual(['DL-003']);
  });
});

describe('configuration', () => {
  it('refuses default taxes the store has not configured', () => {
    expect(() =>
      createCatalog({ db: journal.db, currency: 'CAD', taxCodes: ['GST'], defaultTaxCodes: ['HST'] }),
    ).toThrow(/HST/);
  });
});

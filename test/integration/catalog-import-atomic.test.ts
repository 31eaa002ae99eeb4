/**
 * Issue 14: a catalogue import is all-or-nothing. The write phase commits in short batches (so
 * the till keeps scanning); when it fails half-way, after some batches have committed, the
 * catalogue ends exactly as it was: products, FTS index, barcodes, departments, spelling words.
 * Covered: an error thrown in the write phase, SQLite refusing a row, the worker thread dying,
 * and the whole process killed (undone at the next start by recoverInterruptedImport).
 */
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalog, type Catalog, type ImportProgressEvent } from '../../src-main/catalog/catalog';
import { withCheckDigit } from '../../src-main/catalog/gtin';
import { recoverInterruptedImport } from '../../src-main/catalog/import-writer';
import { openJournal, type Db, type JournalHandle } from '../../src-main/journal/open-journal';

const barcode = (i: number) => withCheckDigit(`40${String(i).padStart(10, '0')}`);
const DEPARTMENTS = ['Bakery', 'Dairy', 'Snacks', 'Drinks'];
const WORDS = ['chocolate', 'biscuits', 'organic', 'apple', 'crisps', 'cheddar', 'yogurt', 'lemonade'];

/** The catalogue before: 400 products. */
const baseCsv = () =>
  [
    'sku,name,price,barcode,plu,department',
    ...Array.from(
      { length: 400 },
      (_, i) =>
        `BASE-${i},${WORDS[i % 8]} ${WORDS[(i * 3) % 8]} ${i},1.${String(i % 100).padStart(2, '0')},${barcode(i)},${i < 50 ? 100 + i : ''},${DEPARTMENTS[i % 4]}`,
    ),
  ].join('\n');

/**
 * The import that fails: renames, reprices, moves and deactivates every base product, moves
 * barcodes and PLUs between products, and adds 2,000 new ones in new departments with new words.
 */
const changeCsv = () =>
  [
    'sku,name,price,barcode,plu,department,active',
    ...Array.from(
      { length: 400 },
      (_, i) =>
        `BASE-${i},renamed zucchini ${i},9.99,${i % 2 ? barcode(10_000 + i) : ''},${i < 50 ? '' : ''},Frozen ${i % 3},${i % 5 ? 'yes' : 'no'}`,
    ),
    ...Array.from(
      { length: 2000 },
      (_, i) =>
        `NEW-${i},marzipan truffle ${i},2.50,${barcode(i % 2 ? 20_000 + i : i % 400)},${i < 50 ? 100 + i : ''},Sweets ${i % 7}`,
    ),
  ].join('\n');

function snapshot(db: Db) {
  const all = (sql: string) => db.prepare(sql).all();
  // FTS5's own check that the index agrees with the products table.
  db.prepare("INSERT INTO products_fts (products_fts, rank) VALUES ('integrity-check', 1)").run();
  return {
    products: all('SELECT * FROM products ORDER BY id'),
    fts: Object.fromEntries(
      [...WORDS, 'zucchini', 'marzipan', 'renamed', 'base'].map((word) => [
        word,
        db
          .prepare('SELECT rowid FROM products_fts WHERE products_fts MATCH ? ORDER BY rowid')
          .pluck()
          .all(`"${word}"*`),
      ]),
    ),
    barcodes: all('SELECT barcode, sku FROM products WHERE barcode IS NOT NULL ORDER BY barcode'),
    departments: all('SELECT * FROM catalog_departments WHERE active_products > 0 ORDER BY department'),
    words: all('SELECT word, docs FROM catalog_words ORDER BY word'),
    pending: all('SELECT * FROM catalog_import'),
    undo: all('SELECT COUNT(*) AS n FROM catalog_import_undo'),
  };
}

let dir: string;
let journal: JournalHandle;
let catalog: Catalog;
let before: ReturnType<typeof snapshot>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ct-import-atomic-'));
  journal = openJournal(join(dir, 'journal.sqlite'));
  // Batches of 16 rows (batchMs 0): a failure after batch N leaves N × 16 rows committed.
  catalog = createCatalog({ db: journal.db, currency: 'CAD', taxCodes: [], importBatchMs: 0 });
  expect(await catalog.importCsv({ csv: baseCsv() })).toMatchObject({ imported: 400, rejected: 0 });
  before = snapshot(journal.db);
  expect(before.departments).toHaveLength(4);
  expect(before.words.length).toBeGreaterThan(0);
});
afterEach(() => {
  delete process.env.COUNTERTOP_TEST_IMPORT_FAIL_AFTER_BATCHES;
  delete process.env.COUNTERTOP_TEST_IMPORT_CRASH_AFTER_BATCHES;
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

async function failingImport(): Promise<{ error: unknown; progress: ImportProgressEvent[] }> {
  const progress: ImportProgressEvent[] = [];
  const error = await catalog.importCsv({ csv: changeCsv() }, (event) => progress.push(event)).catch((e: unknown) => e);
  return { error, progress };
}

describe('a catalogue import that fails half-way', () => {
  it('the plan itself is sound: without a failure the same file imports whole', async () => {
    const report = await catalog.importCsv({ csv: changeCsv() });
    // New rows 0, 2, 4… take the base barcodes the base rows gave up; a second claim of one is refused.
    expect(report).toMatchObject({ imported: 1200, updated: 400, rejected: 800 });
    expect(report.errors[0]).toMatchObject({
      field: 'barcode',
      message: expect.stringContaining('already belongs to SKU NEW-'),
    });
    expect(snapshot(journal.db).products).not.toEqual(before.products);
  });

  it('leaves the catalogue as it was when the write phase throws after 5 committed batches', async () => {
    process.env.COUNTERTOP_TEST_IMPORT_FAIL_AFTER_BATCHES = '5';
    const { error, progress } = await failingImport();
    expect(error).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('undone') });
    // Batches had committed before the failure.
    expect(progress.filter((p) => p.phase === 'writing').map((p) => p.done)).toEqual([16, 32, 48, 64, 80]);
    expect(progress.at(-1)?.phase).toBe('failed');
    expect(snapshot(journal.db)).toEqual(before);
  });

  it('leaves the catalogue as it was when SQLite refuses a row in the middle of the file', async () => {
    journal.db.exec(
      "CREATE TRIGGER test_refuse BEFORE INSERT ON products WHEN new.sku = 'NEW-1001' BEGIN SELECT RAISE(ABORT, 'database or disk is full (test)'); END",
    );
    const { error, progress } = await failingImport();
    expect(error).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('disk is full') });
    expect(progress.filter((p) => p.phase === 'writing').length).toBeGreaterThan(10);
    journal.db.exec('DROP TRIGGER test_refuse');
    expect(snapshot(journal.db)).toEqual(before);
  });

  it('leaves the catalogue as it was when the worker thread dies mid-import', async () => {
    process.env.COUNTERTOP_TEST_IMPORT_CRASH_AFTER_BATCHES = '7';
    const { error, progress } = await failingImport();
    expect(error).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('exit 70') });
    expect(progress.filter((p) => p.phase === 'writing').map((p) => p.done)).toEqual([16, 32, 48, 64, 80, 96, 112]);
    expect(snapshot(journal.db)).toEqual(before);
  });

  /** Runs the change file's import in a child process that kills itself (SIGKILL) after `pauses` batches. */
  const killImportAfter = (pauses: number) => {
    const script = join(dir, 'kill-mid-import.ts');
    const src = (path: string) => JSON.stringify(resolve(__dirname, '../../src-main', path));
    const csvPath = join(dir, 'change.csv');
    writeFileSync(csvPath, changeCsv());
    writeFileSync(
      script,
      `import Database from ${JSON.stringify(require.resolve('better-sqlite3'))};
     import { runImportJob } from ${src('catalog/import-job.ts')};
     import { DEFAULT_NOMENCLATURE } from ${src('catalog/nomenclature.ts')};
     const db = new Database(${JSON.stringify(journal.path)});
     db.pragma('busy_timeout = 5000');
     let batches = 0;
     void runImportJob(db, { importId: 'killed', source: { path: ${JSON.stringify(csvPath)} }, currency: 'CAD',
       nomenclature: DEFAULT_NOMENCLATURE, taxCodes: [], defaultTaxCodes: [], at: new Date().toISOString(), batchMs: 0 },
       () => {}, { pause: async () => { if (++batches === ${pauses}) process.kill(process.pid, 'SIGKILL'); } });`,
    );
    expect(() =>
      execFileSync(process.execPath, ['--import', 'tsx', script], {
        cwd: resolve(__dirname, '../..'),
        stdio: 'pipe',
      }),
    ).toThrow(expect.objectContaining({ signal: 'SIGKILL' }));
  };

  // 100 write batches of 16 rows (400 changes, then 1,200 inserts), then the name index, one step
  // per batch (batchMs 0): 64 changed products, then 256 inserted ones. Killed while changing,
  // while inserting, after the first name-index batch, and after the first batch of inserted names.
  it.each([
    { pauses: 9, undo: 9 * 16, indexed: 0, inserted: 0, indexedInserted: 0 },
    { pauses: 40, undo: 400, indexed: 0, inserted: 40 * 16 - 400, indexedInserted: 0 },
    { pauses: 101, undo: 400, indexed: 64, inserted: 1200, indexedInserted: 0 },
    { pauses: 108, undo: 400, indexed: 400, inserted: 1200, indexedInserted: 256 },
  ])(
    'is undone at the next start when the process was killed mid-import ($pauses batches)',
    ({ pauses, undo, indexed, inserted, indexedInserted }) => {
      killImportAfter(pauses);
      // The killed import left its batches and their undo record behind.
      const left = new Database(journal.path, { readonly: true });
      // Inserts have no undo row: they are the products above base_id (400 before the import).
      expect(
        left.prepare('SELECT id, state, base_id, indexed_id - base_id AS indexed FROM catalog_import').all(),
      ).toEqual([{ id: 'killed', state: 'writing', base_id: 400, indexed: indexedInserted }]);
      expect(left.prepare('SELECT COUNT(*) FROM products WHERE id > 400').pluck().get()).toBe(inserted);
      expect(left.prepare('SELECT COUNT(*) FROM catalog_import_undo').pluck().get()).toBe(undo);
      expect(left.prepare('SELECT COUNT(*) FROM catalog_import_undo WHERE fts_done = 1').pluck().get()).toBe(indexed);
      left.close();
      // Mid-import the name index lags the products on purpose (it is built in bulk at the end).
      expect(journal.db.prepare('SELECT * FROM products ORDER BY id').all()).not.toEqual(before.products);

      expect(recoverInterruptedImport(journal.db)).toBe('rolled-back');
      expect(snapshot(journal.db)).toEqual(before);
      // Nothing left: the next start's check is one read of an empty table.
      expect(recoverInterruptedImport(journal.db)).toBe('none');
    },
  );

  // A product the killed import added was sold before the restart: it cannot be deleted.
  it.each([{ pauses: 40 }, { pauses: 108 }])(
    'keeps an added product that was sold meanwhile, inactive and without the codes the others get back ($pauses batches)',
    ({ pauses }) => {
      killImportAfter(pauses);
      // NEW-0 (id 401) took BASE-0's barcode and PLU, which the file freed; a sale references it.
      const db = journal.db;
      expect(db.prepare('SELECT sku, barcode, plu FROM products WHERE id = 401').get()).toEqual({
        sku: 'NEW-0',
        barcode: barcode(0),
        plu: '100',
      });
      db.exec(`INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u-test', 'Test', 'cashier', 'x', 'now');
        INSERT INTO orders (id, number, status, currency, cashier_id, opened_at) VALUES ('o-test', 999001, 'open', 'CAD', 'u-test', 'now');
        INSERT INTO order_lines (id, order_id, seq, product_id, name, unit, unit_price, qty_milli, tax_codes)
          VALUES ('l-test', 'o-test', 1, 401, 'marzipan truffle 0', 'each', 250, 1000, '');`);

      expect(recoverInterruptedImport(db)).toBe('rolled-back');
      const after = snapshot(db);
      expect(after.products.filter((p) => (p as { id: number }).id !== 401)).toEqual(before.products);
      expect(after.products.find((p) => (p as { id: number }).id === 401)).toMatchObject({
        sku: 'NEW-0',
        active: 0,
        barcode: null,
        plu: null,
      });
      // The name index agrees with the products (integrity-check in snapshot) and still finds it by name.
      expect(after.fts).toEqual({ ...before.fts, marzipan: [401] });
      expect({ ...after, products: null, fts: null }).toEqual({ ...before, products: null, fts: null });
    },
  );
});

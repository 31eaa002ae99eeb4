/**
 * Issue 14: a one-word search for a very common word reads that word's best products from
 * catalog_search_top (migration 009) instead of ranking every match. The list must give exactly
 * what the live bm25 query gives: after the migration, after an import, after a second import that
 * renames and deactivates its best products, and after an import that fails while building it.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalog, type Catalog } from '../../../../src-main/catalog/catalog';
import { applyMigrations } from '../../../../src-main/journal/migrate';
import { MIGRATIONS } from '../../../../src-main/journal/migrations';
import { openJournal, type Db, type JournalHandle } from '../../../../src-main/journal/open-journal';
import { CATALOG_QUERIES, SEARCH_TOP_MIN_DOCS, SEARCH_TOP_ROWS } from '../../../../src-main/journal/product-repository';

const COUNT = SEARCH_TOP_MIN_DOCS + 500;
const FILLER = ['crunchy', 'apple', 'granola', 'honey', 'bar', 'oat', 'clusters', 'with', 'almonds', 'family'];
/** Names of varied lengths (bm25 favours short ones) and many ties, all but a few holding "organic". */
const name = (i: number) =>
  i % 97 === 0
    ? `plain ${FILLER[i % 10]} ${i}`
    : `${i % 3 === 0 ? 'Organic' : 'organic'} ${FILLER.slice(0, 1 + ((i * 7) % 10)).join(' ')} ${i}`;
const csv = (rows: number, nameOf: (i: number) => string, active: (i: number) => boolean = () => true) =>
  [
    'sku,name,price,department,active',
    ...Array.from({ length: rows }, (_, i) => `S-${i},${nameOf(i)},1.00,Dept ${i % 5},${active(i) ? 'yes' : 'no'}`),
  ].join('\n');

/** The live query, as the reader runs it for a word the list does not hold. */
function live(db: Db, word: string, limit: number): number[] {
  return db
    .prepare(CATALOG_QUERIES.search)
    .all(`"${word}"*`, limit + 10, limit)
    .map((row) => (row as { id: number }).id);
}

function generations(db: Db): number[] {
  return db.prepare('SELECT DISTINCT generation FROM catalog_search_top ORDER BY generation').pluck().all() as number[];
}

let journal: JournalHandle;
let catalog: Catalog;
const ids = (query: string, limit: number) => catalog.search({ query, limit }).map((p) => Number(p.id));

beforeEach(() => {
  journal = openJournal(':memory:');
  catalog = createCatalog({ db: journal.db, currency: 'CAD', taxCodes: [] });
});
afterEach(() => {
  delete process.env.COUNTERTOP_TEST_IMPORT_FAIL_AFTER_BATCHES;
  journal.close();
});

describe('the precomputed best products of very common words', () => {
  it('after an import: holds the common words only, and answers exactly as the live bm25 query', async () => {
    expect(await catalog.importCsv({ csv: csv(COUNT, name) })).toMatchObject({ imported: COUNT, rejected: 0 });
    const db = journal.db;
    const words = db
      .prepare('SELECT word, COUNT(*) AS n FROM catalog_search_top GROUP BY word ORDER BY word')
      .all() as { word: string; n: number }[];
    // "organic" is in COUNT - 26 names; each filler word up to "almonds" is in more than 2,000; "family" and "plain" are not.
    expect(words.map((w) => w.word)).toContain('organic');
    expect(words.map((w) => w.word)).not.toContain('plain');
    expect(words.every((w) => w.n === SEARCH_TOP_ROWS)).toBe(true);
    expect(generations(db)).toHaveLength(1);
    for (const limit of [1, 20, 100]) {
      const expected = live(db, 'organic', limit);
      expect(expected).toHaveLength(limit);
      expect(ids('organic', limit)).toEqual(expected);
      expect(ids('ORGANIC', limit)).toEqual(expected);
      expect(ids('crunchy', limit)).toEqual(live(db, 'crunchy', limit));
    }
    // The answer comes from the list: with its first entry removed (a test-only act) that product is gone.
    const first = live(db, 'organic', 1)[0]!;
    db.prepare("DELETE FROM catalog_search_top WHERE word = 'organic' AND product_id = ?").run(first);
    expect(ids('organic', 20)).not.toContain(first);
    expect(ids('organic', 20)).toEqual(live(db, 'organic', 21).filter((id) => id !== first));
  });

  it('after a second import that renames and deactivates the best products: the new order, one generation', async () => {
    await catalog.importCsv({ csv: csv(COUNT, name) });
    const db = journal.db;
    const best = live(db, 'organic', 40);
    const renamed = new Set(best.slice(0, 15).map((id) => id - 1));
    const retired = new Set(best.slice(15, 25).map((id) => id - 1));
    const report = await catalog.importCsv({
      csv: csv(
        COUNT,
        (i) => (renamed.has(i) ? `renamed ${FILLER[i % 10]} ${i}` : name(i)),
        (i) => !retired.has(i),
      ),
    });
    expect(report).toMatchObject({ updated: 25, rejected: 0 });
    expect(generations(db)).toHaveLength(1);
    for (const limit of [1, 20, 100]) {
      const found = ids('organic', limit);
      expect(found).toEqual(live(db, 'organic', limit));
      expect(found.some((id) => renamed.has(id - 1) || retired.has(id - 1))).toBe(false);
    }
    expect(ids('renamed', 20)).toEqual(live(db, 'renamed', 20));
    // The spelling index counts each word's names as the name index does, after both imports.
    db.exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, products_fts, 'col')");
    expect(db.prepare('SELECT word, docs FROM catalog_words ORDER BY word').all()).toEqual(
      db
        .prepare(
          "SELECT term AS word, doc AS docs FROM temp.vocab WHERE col = 'name' AND length(term) >= 3 AND term NOT GLOB '*[0-9]*' ORDER BY term",
        )
        .all(),
    );
  });

  it('is left as it was by an import that fails while building the next list', async () => {
    await catalog.importCsv({ csv: csv(COUNT, name) });
    const db = journal.db;
    const before = db.prepare('SELECT * FROM catalog_search_top ORDER BY generation, word, pos').all();
    const answer = ids('organic', 20);
    db.exec(
      "CREATE TRIGGER test_refuse BEFORE INSERT ON catalog_search_top WHEN new.word = 'organic' BEGIN SELECT RAISE(ABORT, 'disk is full (test)'); END",
    );
    const error = await catalog
      .importCsv({ csv: csv(COUNT, (i) => (i < 30 ? `organic ${i}` : name(i))) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('disk is full') });
    db.exec('DROP TRIGGER test_refuse');
    expect(db.prepare('SELECT * FROM catalog_search_top ORDER BY generation, word, pos').all()).toEqual(before);
    expect(ids('organic', 20)).toEqual(answer);
    expect(db.prepare('SELECT COUNT(*) FROM catalog_import').pluck().get()).toBe(0);
  });

  it('is built by migration 009 from the catalogue it finds, in the live order', () => {
    const db = new Database(':memory:');
    try {
      applyMigrations(
        db,
        MIGRATIONS.filter((m) => m.version < 9),
      );
      const insert = db.prepare(
        "INSERT INTO products (sku, name, price, department, updated_at) VALUES (?, ?, 100, 'Dept', 'x')",
      );
      db.transaction(() => {
        for (let i = 0; i < COUNT; i += 1) insert.run(`S-${i}`, name(i));
      })();
      applyMigrations(db, MIGRATIONS);
      expect(generations(db)).toEqual([1]);
      const listed = db
        .prepare("SELECT product_id FROM catalog_search_top WHERE word = 'organic' ORDER BY pos LIMIT 110")
        .pluck()
        .all();
      const ranked = db
        .prepare(`SELECT rowid FROM products_fts WHERE products_fts MATCH '"organic"*' ORDER BY rank, rowid LIMIT 110`)
        .pluck()
        .all();
      expect(listed).toEqual(ranked);
      expect(live(db, 'organic', 100)).toEqual(
        db
          .prepare(CATALOG_QUERIES.searchTop)
          .all('organic', 110, 100)
          .map((row) => (row as { id: number }).id),
      );
    } finally {
      db.close();
    }
  });
});

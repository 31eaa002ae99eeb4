/**
 * Issue 14: the catalogue's hot queries each use their index at any catalogue size: a scan's
 * barcode / PLU / SKU lookup, the grid and its department list, the ranked name search and the
 * spelling candidates. A plan that turns into a table scan fails here, not at 1M products in a shop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJournal, type JournalHandle } from '../../../../src-main/journal/open-journal';
import { CATALOG_QUERIES } from '../../../../src-main/journal/product-repository';

let journal: JournalHandle;
beforeAll(() => {
  journal = openJournal(':memory:');
});
afterAll(() => journal.close());

/** The plan's steps, with every parameter bound to a placeholder. */
function plan(sql: string): string[] {
  const parameters = (sql.match(/\?/g) ?? []).map(() => 'x');
  return (journal.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[]).map(
    (row) => row.detail,
  );
}

describe('catalogue query plans', () => {
  it('finds a scanned code through its unique index', () => {
    expect(plan(CATALOG_QUERIES.byBarcodes(1))).toEqual([
      expect.stringMatching(/^SEARCH products USING INDEX sqlite_autoindex_products_\d \(barcode=\?\)$/),
    ]);
    expect(plan(CATALOG_QUERIES.byBarcodes(3))).toEqual([
      expect.stringMatching(/^SEARCH products USING INDEX sqlite_autoindex_products_\d \(barcode=\?\)$/),
    ]);
    expect(plan(CATALOG_QUERIES.byPlu)).toEqual([
      expect.stringMatching(/^SEARCH products USING INDEX sqlite_autoindex_products_\d \(plu=\?\)$/),
    ]);
    expect(plan(CATALOG_QUERIES.bySku)).toEqual([
      expect.stringMatching(/^SEARCH products USING INDEX sqlite_autoindex_products_\d \(sku=\?\)$/),
    ]);
  });

  it('reads the grid from the department index, in its order (no sort of the catalogue)', () => {
    expect(plan(CATALOG_QUERIES.inDepartment)).toEqual([
      'SEARCH products USING INDEX products_department (department=?)',
    ]);
    expect(plan(CATALOG_QUERIES.firstProducts)).toEqual(['SCAN products USING INDEX products_department']);
  });

  it('lists departments from their own small table, never from products', () => {
    const steps = plan(CATALOG_QUERIES.departments);
    expect(steps).toEqual(['SCAN catalog_departments']);
  });

  it('ranks a name search inside the FTS index and reads only the products it keeps', () => {
    const steps = plan(CATALOG_QUERIES.search);
    expect(steps).toContainEqual(expect.stringMatching(/^SCAN products_fts VIRTUAL TABLE INDEX \d+:/));
    expect(steps).toContain('SEARCH p USING INTEGER PRIMARY KEY (rowid=?)');
    // The matches are ranked by a top-n sort bounded by the LIMIT (bm25, then id: one order for
    // ties, shared with catalog_search_top); no step sorts or scans products.
    expect(steps.filter((step) => /products(?!_fts)/.test(step) && !step.startsWith('SEARCH'))).toEqual([]);
    expect(steps.filter((step) => step.includes('TEMP B-TREE') && !step.includes('LAST TERM'))).toEqual([
      'USE TEMP B-TREE FOR ORDER BY',
    ]);
  });

  it('reads a very common word’s best products from its precomputed list, by key', () => {
    const steps = plan(CATALOG_QUERIES.searchTop);
    expect(steps).toContainEqual(expect.stringMatching(/^SEARCH t USING PRIMARY KEY \(generation=\? AND word=\?\)$/));
    expect(steps).toContain('SEARCH p USING INTEGER PRIMARY KEY (rowid=?)');
    expect(steps.filter((step) => step.startsWith('SCAN') && !step.includes('catalog_search_generation'))).toEqual([
      'SCAN f',
    ]);
    expect(plan(CATALOG_QUERIES.searchTopHas)).toContainEqual(
      expect.stringMatching(/^SEARCH catalog_search_top USING PRIMARY KEY \(generation=\? AND word=\?\)$/),
    );
  });

  it('finds spelling candidates through the trigram index and a word prefix through the word index', () => {
    expect(plan(CATALOG_QUERIES.spellingCandidates)).toEqual([
      expect.stringMatching(/^SCAN t VIRTUAL TABLE INDEX \d+:/),
      'SEARCH w USING INTEGER PRIMARY KEY (rowid=?)',
    ]);
    expect(plan(CATALOG_QUERIES.wordPrefix)).toEqual([
      expect.stringMatching(
        /^SEARCH catalog_words USING COVERING INDEX sqlite_autoindex_catalog_words_1 \(word>\? AND word<\?\)$/,
      ),
    ]);
  });
});

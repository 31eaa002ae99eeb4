import type { Migration } from './migration';

/**
 * The catalogue at a million products (issue 14):
 * - `catalog_departments`: how many active products each department has, kept by triggers on
 *   `products`, so the grid reads ~200 rows instead of a DISTINCT over the whole table.
 * - `catalog_words` + `catalog_words_trigram`: the distinct words of product names with their
 *   document counts (a spelling index) and a trigram index over that short list, so a typo finds
 *   its candidates in a few hundred words instead of a million names. Kept by the import.
 * - `catalog_import` / `catalog_import_undo`: the running import, the highest product id before it
 *   (the products it inserts are the ids above) and the previous values of every row it has
 *   changed so far, so a failure (or a crash) puts the catalogue back as it was; while an import
 *   is 'writing' the FTS triggers stand aside and the import indexes its rows in bulk.
 * - `catalog_search_top`: for each name word in more than SEARCH_TOP_MIN_DOCS names, its best
 *   SEARCH_TOP_ROWS products by the search's own bm25 order, so a one-word search for a very
 *   common word reads ~30 rows instead of ranking ~12k matches. A generation per build: an import
 *   stages the next one and switches to it in its commit (catalog/import-writer.ts).
 *
 * Cost at upgrade, once, inside the migration's transaction (not a separate resumable step): one
 * GROUP BY over products (2.2 s at 1M products on the 2-core test machine, issue 14), one pass
 * over the name index's terms (0.2 s) and the ranked matches of the ~420 common words (7.6 s at 1M,
 * none for a small catalogue); the trigger swap is instant. Nothing on later starts.
 */
export const catalogSearch: Migration = {
  version: 9,
  name: 'catalog-search',
  sql: `
CREATE TABLE catalog_departments (
  department TEXT PRIMARY KEY,
  active_products INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO catalog_departments (department, active_products)
  SELECT department, COUNT(*) FROM products WHERE active = 1 GROUP BY department;
CREATE TRIGGER catalog_departments_ai AFTER INSERT ON products WHEN new.active = 1 BEGIN
  INSERT INTO catalog_departments (department, active_products) VALUES (new.department, 1)
    ON CONFLICT (department) DO UPDATE SET active_products = active_products + 1;
END;
CREATE TRIGGER catalog_departments_ad AFTER DELETE ON products WHEN old.active = 1 BEGIN
  UPDATE catalog_departments SET active_products = active_products - 1 WHERE department = old.department;
END;
CREATE TRIGGER catalog_departments_au AFTER UPDATE OF department, active ON products
  WHEN old.department IS NOT new.department OR old.active IS NOT new.active BEGIN
  UPDATE catalog_departments SET active_products = active_products - 1
    WHERE department = old.department AND old.active = 1;
  INSERT INTO catalog_departments (department, active_products) SELECT new.department, 1 WHERE new.active = 1
    ON CONFLICT (department) DO UPDATE SET active_products = active_products + 1;
END;

CREATE TABLE catalog_words (
  id INTEGER PRIMARY KEY,
  word TEXT NOT NULL UNIQUE,
  -- How many product names hold the word (a correction prefers the commoner word).
  docs INTEGER NOT NULL
);
CREATE VIRTUAL TABLE catalog_words_trigram USING fts5(word, content='catalog_words', content_rowid='id', tokenize='trigram');
CREATE TRIGGER catalog_words_ai AFTER INSERT ON catalog_words BEGIN
  INSERT INTO catalog_words_trigram (rowid, word) VALUES (new.id, new.word);
END;
CREATE TRIGGER catalog_words_ad AFTER DELETE ON catalog_words BEGIN
  INSERT INTO catalog_words_trigram (catalog_words_trigram, rowid, word) VALUES ('delete', old.id, old.word);
END;
CREATE VIRTUAL TABLE temp.migration_009_vocab USING fts5vocab(main, products_fts, 'col');
-- Words of three letters or more, without digits: what a typo can be corrected to.
INSERT INTO catalog_words (word, docs)
  SELECT term, doc FROM temp.migration_009_vocab
  WHERE col = 'name' AND length(term) >= 3 AND term NOT GLOB '*[0-9]*';
DROP TABLE temp.migration_009_vocab;

-- At most one row: the import whose writes are not final yet ('writing'), or whose undo rows are
-- left to clear once it committed ('committed').
-- Products get increasing ids (INTEGER PRIMARY KEY, only imports insert): the products the import
-- inserted are those above base_id, and the name index holds those up to indexed_id. undone_from:
-- while undoing, the inserted rows from this id up are done with (a sold one stays, inactive).
CREATE TABLE catalog_import (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('writing', 'committed')),
  started_at TEXT NOT NULL,
  base_id INTEGER NOT NULL,
  indexed_id INTEGER NOT NULL,
  undone_from INTEGER
);
-- One row per existing product the running import changed (prev: its columns before, JSON);
-- fts_done once the name index holds the row's new name and SKU.
CREATE TABLE catalog_import_undo (
  seq INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL,
  prev TEXT NOT NULL,
  fts_done INTEGER NOT NULL DEFAULT 0
);

-- The best products of each very common name word, in the order the live search ranks them
-- (product-repository.ts CATALOG_QUERIES.search: bm25, then id). Readers use the current
-- generation; an import builds the next one and switches in its commit.
CREATE TABLE catalog_search_generation (
  only INTEGER PRIMARY KEY CHECK (only = 1),
  generation INTEGER NOT NULL
);
INSERT INTO catalog_search_generation (only, generation) VALUES (1, 1);
CREATE TABLE catalog_search_top (
  generation INTEGER NOT NULL,
  word TEXT NOT NULL,
  pos INTEGER NOT NULL,
  product_id INTEGER NOT NULL,
  rank REAL NOT NULL,
  PRIMARY KEY (generation, word, pos)
) WITHOUT ROWID;
-- Keep SEARCH_TOP_MIN_DOCS (2000) and SEARCH_TOP_ROWS (128) in step with product-repository.ts.
CREATE VIRTUAL TABLE temp.migration_009_rows USING fts5vocab(main, products_fts, 'row');
INSERT INTO catalog_search_top (generation, word, pos, product_id, rank)
  SELECT 1, term, pos, id, r FROM (
    SELECT v.term, f.rowid AS id, f.rank AS r, row_number() OVER (PARTITION BY v.term ORDER BY f.rank, f.rowid) AS pos
    FROM temp.migration_009_rows v JOIN products_fts f ON f.products_fts MATCH ('"' || v.term || '"*')
    WHERE v.doc > 2000 AND length(v.term) > 1
  ) WHERE pos <= 128;
DROP TABLE temp.migration_009_rows;

-- The name index in bulk: while an import is 'writing', its rows skip the per-row FTS triggers;
-- the import indexes them itself in large batches from its undo rows, and undoes that too
-- (catalog/import-writer.ts). Only imports write products, one at a time.
DROP TRIGGER products_ai;
DROP TRIGGER products_ad;
DROP TRIGGER products_au;
CREATE TRIGGER products_ai AFTER INSERT ON products
  WHEN NOT EXISTS (SELECT 1 FROM catalog_import WHERE state = 'writing') BEGIN
  INSERT INTO products_fts (rowid, name, sku) VALUES (new.id, new.name, new.sku);
END;
CREATE TRIGGER products_ad AFTER DELETE ON products
  WHEN NOT EXISTS (SELECT 1 FROM catalog_import WHERE state = 'writing') BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, sku) VALUES ('delete', old.id, old.name, old.sku);
END;
CREATE TRIGGER products_au AFTER UPDATE OF name, sku ON products
  WHEN NOT EXISTS (SELECT 1 FROM catalog_import WHERE state = 'writing') BEGIN
  INSERT INTO products_fts (products_fts, rowid, name, sku) VALUES ('delete', old.id, old.name, old.sku);
  INSERT INTO products_fts (rowid, name, sku) VALUES (new.id, new.name, new.sku);
END;
`,
};

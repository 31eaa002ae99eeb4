/**
 * The catalogue's SQL: a reader for the scan, search and grid paths, a writer, and the
 * import's journal of undo rows. Lookups go through the unique indexes on barcode / plu / sku;
 * name search through the products_fts index (migration 001); departments, the spelling index
 * and the import's undo record through the tables of migration 009. Nothing here loads the
 * catalogue whole.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './open-journal';

export type ProductUnit = 'each' | 'kg';

/** A product as the catalogue writes it. */
export interface ProductInput {
  sku: string;
  name: string;
  barcode: string | null;
  plu: string | null;
  /** Minor units of the store currency, per item or per kg. */
  price: number;
  unit: ProductUnit;
  department: string;
  taxCodes: string[];
  active: boolean;
}

export interface ProductRecord extends ProductInput {
  id: number;
}

export interface ProductReader {
  byId(id: number): ProductRecord | null;
  bySku(sku: string): ProductRecord | null;
  byPlu(plu: string): ProductRecord | null;
  /** Products whose SKU is one of `skus`, in no particular order (the import's check reads a few hundred rows ahead). */
  bySkus(skus: readonly string[]): ProductRecord[];
  /** Products whose barcode is one of `keys`, in the order of `keys`. Inactive ones included. */
  byBarcodes(keys: readonly string[]): ProductRecord[];
  /** Active products whose name or SKU contain words starting with the query's words, best first. */
  search(text: string, limit: number): ProductRecord[];
  /** Active products of one department (or of all, department by department), by name. */
  inDepartment(department: string | null, limit: number): ProductRecord[];
  /** Departments that have at least one active product (catalog_departments, kept by triggers). */
  departments(): string[];
  /** True when some name word starts with `prefix` (lower case, no diacritics). */
  hasWordPrefix(prefix: string): boolean;
  /** Name words sharing a trigram with `word` (at least 3 characters), with how many names hold each. */
  spellingCandidates(word: string): { word: string; docs: number }[];
  /** How many products there are, active or not (0: an empty catalogue). */
  count(): number;
}

export interface ProductWriter {
  /** Adds a product; returns its id. */
  insert(product: ProductInput, at: string): number;
  /** Replaces every field of product `id`. */
  update(id: number, product: ProductInput, at: string): void;
  /** Runs `work` in one write transaction. */
  transaction<T>(work: () => T): T;
}

interface ProductRow {
  id: number;
  sku: string;
  name: string;
  barcode: string | null;
  plu: string | null;
  price: number;
  unit: ProductUnit;
  department: string;
  tax_codes: string;
  active: number;
}

/** Tax codes are stored space-separated (codes never contain spaces). */
export function encodeTaxCodes(codes: readonly string[]): string {
  return codes.join(' ');
}

export function decodeTaxCodes(stored: string): string[] {
  return stored === '' ? [] : stored.split(' ');
}

/** Spelling candidates read from the trigram index per misspelt word (the word list is a few thousand). */
export const SPELLING_CANDIDATES = 200;

/**
 * A name word in more names than this gets its best products precomputed (catalog_search_top,
 * migration 009): ranking its matches live costs ~0.75 µs each, 1.5 ms at this count.
 */
export const SEARCH_TOP_MIN_DOCS = 2000;
/** Products kept per common word: at least MAX_SEARCH_RESULTS + the 10 spare the live search reads. */
export const SEARCH_TOP_ROWS = 128;

/**
 * User text → an FTS5 query: each word (letters, digits, marks) quoted and used as a
 * prefix, all required. Quoting keeps FTS operators (AND, NEAR, column:, ^) literal.
 * Returns null when nothing searchable remains, or when every word is one character:
 * the FTS prefix index starts at two, and a one-letter prefix matches most of the catalogue.
 */
export function ftsQuery(text: string): string | null {
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter(Boolean);
  if (!words.some((word) => [...word].length > 1)) return null;
  return words.map((word) => `"${word}"*`).join(' ');
}

/**
 * The one word of a one-word query as the name index stores its terms (lower case, diacritics
 * removed, as the tokenizer's remove_diacritics 2), or null for any other query.
 */
export function singleSearchWord(text: string): string | null {
  const words = text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter(Boolean);
  if (words.length !== 1) return null;
  return words[0]!
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

const COLUMNS = 'id, sku, name, barcode, plu, price, unit, department, tax_codes, active';
const P_COLUMNS = 'p.id, p.sku, p.name, p.barcode, p.plu, p.price, p.unit, p.department, p.tax_codes, p.active';

function toRecord(row: ProductRow): ProductRecord {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    barcode: row.barcode,
    plu: row.plu,
    price: row.price,
    unit: row.unit,
    department: row.department,
    taxCodes: decodeTaxCodes(row.tax_codes),
    active: row.active === 1,
  };
}

/**
 * The catalogue's hot queries, named so test/unit/main/catalog/catalog-query-plans.test.ts can
 * hold each to its index (EXPLAIN QUERY PLAN).
 */
export const CATALOG_QUERIES = {
  bySku: `SELECT ${COLUMNS} FROM products WHERE sku = ?`,
  byPlu: `SELECT ${COLUMNS} FROM products WHERE plu = ?`,
  byBarcodes: (keys: number) =>
    `SELECT ${COLUMNS} FROM products WHERE barcode IN (${Array(keys).fill('?').join(', ')})`,
  // bm25 over every match, kept to the best few by a top-n sort (no full sort), ties by id: the
  // best match wins whatever its age. Cost grows with the matches (~0.6 µs each: 7 ms for a word in
  // 11k of 1M names); inactive products are dropped after, so a few spare.
  search: `SELECT ${P_COLUMNS} FROM (SELECT rowid AS id, rank FROM products_fts WHERE products_fts MATCH ? ORDER BY rank, rowid LIMIT ?) f
     JOIN products p ON p.id = f.id WHERE p.active = 1 ORDER BY f.rank, p.name LIMIT ?`,
  // The same for a one-word query whose word is very common, from its precomputed best products.
  searchTop: `SELECT ${P_COLUMNS} FROM (SELECT t.product_id AS id, t.rank FROM catalog_search_top t
       WHERE t.generation = (SELECT generation FROM catalog_search_generation) AND t.word = ? ORDER BY t.pos LIMIT ?) f
     JOIN products p ON p.id = f.id WHERE p.active = 1 ORDER BY f.rank, p.name LIMIT ?`,
  searchTopHas: `SELECT 1 AS one FROM catalog_search_top
     WHERE generation = (SELECT generation FROM catalog_search_generation) AND word = ? LIMIT 1`,
  wordPrefix: 'SELECT 1 AS one FROM catalog_words WHERE word >= ? AND word < ? LIMIT 1',
  spellingCandidates: `SELECT w.word, w.docs FROM catalog_words_trigram t JOIN catalog_words w ON w.id = t.rowid
     WHERE catalog_words_trigram MATCH ? ORDER BY t.rank LIMIT ?`,
  inDepartment: `SELECT ${COLUMNS} FROM products WHERE department = ? AND active = 1 ORDER BY name LIMIT ?`,
  firstProducts: `SELECT ${COLUMNS} FROM products WHERE active = 1 ORDER BY department, name LIMIT ?`,
  departments: 'SELECT department FROM catalog_departments WHERE active_products > 0 ORDER BY department',
} as const;

export function createProductReader(db: Db): ProductReader {
  const q = CATALOG_QUERIES;
  const byId = db.prepare<[number], ProductRow>(`SELECT ${COLUMNS} FROM products WHERE id = ?`);
  const bySku = db.prepare<[string], ProductRow>(q.bySku);
  const byPlu = db.prepare<[string], ProductRow>(q.byPlu);
  const byBarcodes = new Map<number, Statement<string[], ProductRow>>();
  const bySkus = new Map<number, Statement<string[], ProductRow>>();
  const search = db.prepare<[string, number, number], ProductRow>(q.search);
  const searchTop = db.prepare<[string, number, number], ProductRow>(q.searchTop);
  const searchTopHas = db.prepare<[string], { one: number }>(q.searchTopHas);
  const wordPrefix = db.prepare<[string, string], { one: number }>(q.wordPrefix);
  const spelling = db.prepare<[string, number], { word: string; docs: number }>(q.spellingCandidates);
  const inDepartment = db.prepare<[string, number], ProductRow>(q.inDepartment);
  const firstProducts = db.prepare<[number], ProductRow>(q.firstProducts);
  const departments = db.prepare<[], { department: string }>(q.departments);
  const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM products');

  return {
    byId: (id) => {
      const row = byId.get(id);
      return row ? toRecord(row) : null;
    },
    bySku: (sku) => {
      const row = bySku.get(sku);
      return row ? toRecord(row) : null;
    },
    byPlu: (plu) => {
      const row = byPlu.get(plu);
      return row ? toRecord(row) : null;
    },
    bySkus(skus) {
      if (skus.length === 0) return [];
      let statement = bySkus.get(skus.length);
      if (!statement) {
        statement = db.prepare<string[], ProductRow>(
          `SELECT ${COLUMNS} FROM products WHERE sku IN (${Array(skus.length).fill('?').join(', ')})`,
        );
        bySkus.set(skus.length, statement);
      }
      return statement.all(...skus).map(toRecord);
    },
    byBarcodes(keys) {
      if (keys.length === 0) return [];
      let statement = byBarcodes.get(keys.length);
      if (!statement) {
        statement = db.prepare<string[], ProductRow>(q.byBarcodes(keys.length));
        byBarcodes.set(keys.length, statement);
      }
      const rows = statement.all(...keys);
      return keys.flatMap((key) => rows.filter((row) => row.barcode === key)).map(toRecord);
    },
    search(text, limit) {
      const match = ftsQuery(text);
      if (!match) return [];
      // The same candidates as the live query (the best limit + 10 by bm25, then id), read ready-ranked.
      const word = singleSearchWord(text);
      if (word !== null && limit + 10 <= SEARCH_TOP_ROWS && searchTopHas.get(word))
        return searchTop.all(word, limit + 10, limit).map(toRecord);
      return search.all(match, limit + 10, limit).map(toRecord);
    },
    hasWordPrefix: (prefix) => wordPrefix.get(prefix, `${prefix}\u{10ffff}`) !== undefined,
    spellingCandidates(word) {
      const grams = new Set<string>();
      for (let i = 0; i + 3 <= word.length; i += 1) grams.add(word.slice(i, i + 3));
      if (grams.size === 0) return [];
      const match = [...grams].map((gram) => `"${gram.replace(/"/g, '""')}"`).join(' OR ');
      return spelling.all(match, SPELLING_CANDIDATES);
    },
    inDepartment: (department, limit) =>
      (department === null ? firstProducts.all(limit) : inDepartment.all(department, limit)).map(toRecord),
    departments: () => departments.all().map((row) => row.department),
    count: () => count.get()!.n,
  };
}

export function createProductWriter(db: Db): ProductWriter {
  const insert = db.prepare<
    [string, string, string | null, string | null, number, string, string, string, number, string]
  >(
    `INSERT INTO products (sku, name, barcode, plu, price, unit, department, tax_codes, active, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare<
    [string, string, string | null, string | null, number, string, string, string, number, string, number]
  >(
    `UPDATE products SET sku = ?, name = ?, barcode = ?, plu = ?, price = ?, unit = ?, department = ?, tax_codes = ?, active = ?, updated_at = ?
     WHERE id = ?`,
  );
  const values = (p: ProductInput) =>
    [
      p.sku,
      p.name,
      p.barcode,
      p.plu,
      p.price,
      p.unit,
      p.department,
      encodeTaxCodes(p.taxCodes),
      p.active ? 1 : 0,
    ] as const;
  return {
    insert: (product, at) => Number(insert.run(...values(product), at).lastInsertRowid),
    update: (id, product, at) => {
      update.run(...values(product), at, id);
    },
    transaction: (work) => db.transaction(work)(),
  };
}

/**
 * The words of a name as the spelling index keeps them: lower case, diacritics removed (as the
 * FTS tokenizer's remove_diacritics 2), three letters or more, no digits, each once.
 */
export function nameWords(name: string): string[] {
  const words = name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => [...word].length >= 3 && !/\p{N}/u.test(word));
  return [...new Set(words)];
}

/** The unfinished import, if any: 'writing' (to undo) or 'committed' (its undo rows left to clear). */
export interface PendingImport {
  id: string;
  state: 'writing' | 'committed';
}

/**
 * The import's writes with their undo record (migration 009). Products get increasing ids and only
 * imports write them, so the products a running import inserted are the ids above the highest id
 * before it (`catalog_import.base_id`): undoing an insert is deleting it, with no row of its own.
 * Every existing product it changes gets a `catalog_import_undo` row holding its columns before,
 * in the same transaction. The caller groups the writes in batches (`transaction`); see
 * catalog/import-writer.ts for the protocol.
 */
export interface CatalogImportJournal {
  /** The unfinished import (a one-row table: O(1), safe on the start path). */
  pending(): PendingImport | null;
  begin(id: string, at: string): void;
  insert(product: ProductInput, at: string): number;
  update(existing: ProductRecord, product: ProductInput, at: string): void;
  /** Names before and after of the changed products' undo rows after `afterSeq`. */
  changedNames(afterSeq: number, limit: number): { seq: number; before: string; after: string | null }[];
  /** Names of the products the running import inserted, after id `afterId`, by id. */
  insertedNames(afterId: number, limit: number): { id: number; name: string }[];
  /** Adds `delta` name counts to the spelling index (words whose count reaches 0 are dropped). */
  adjustWords(delta: ReadonlyMap<string, number>): void;
  /**
   * Puts the new name and SKU of up to `limit` changed products (undo rows after `afterSeq`) into
   * the name index (the import's rows skip the per-row FTS triggers); returns the last seq done,
   * or null when none was left.
   */
  indexChanged(afterSeq: number, limit: number): number | null;
  /** Puts up to `limit` more inserted products into the name index; returns how many. */
  indexInserted(limit: number): number;
  /** The next generation of catalog_search_top: words to rank, and where their rows go. */
  searchTopWords(): { generation: number; words: string[] };
  /** `word`'s best SEARCH_TOP_ROWS matches in the live search's order (a read: run it outside the write transaction). */
  rankWord(word: string): { id: number; rank: number }[];
  /** Stores a word's ranked matches (`rankWord`) as its list in `generation`. */
  stageSearchTop(generation: number, word: string, ranked: readonly { id: number; rank: number }[]): void;
  /** Drops up to `limit` rows of catalog_search_top that are not the current generation; returns how many. */
  dropOtherSearchTop(limit: number): number;
  /** Marks the import final (from here on its undo rows are garbage) and switches to `searchGeneration`. */
  markCommitted(id: string, searchGeneration: number | null): void;
  /**
   * Undoes up to `limit` of the import's writes, newest first (inserts, then changes), and forgets
   * them. A product the import inserted that a sale has since referenced cannot be deleted: it is
   * deactivated instead, and gives up its barcode and PLU (a restored product may need them).
   */
  undoBatch(limit: number): number;
  /** Deletes up to `limit` undo rows (after a commit). */
  clearBatch(limit: number): number;
  /** Forgets the import once its undo rows are gone. */
  finish(): void;
  transaction<T>(work: () => T): T;
}

/** The columns an undo row keeps (every stored column but the id). */
const STORED = ['sku', 'name', 'barcode', 'plu', 'price', 'unit', 'department', 'tax_codes', 'active', 'updated_at'];

interface ImportRow {
  id: string;
  state: 'writing' | 'committed';
  base_id: number;
  indexed_id: number;
  undone_from: number | null;
}

export function createCatalogImportJournal(db: Db): CatalogImportJournal {
  const writer = createProductWriter(db);
  const current = db.prepare<[], ImportRow>(
    'SELECT id, state, base_id, indexed_id, undone_from FROM catalog_import LIMIT 1',
  );
  const begin = db.prepare<[string, string]>(
    `INSERT INTO catalog_import (id, state, started_at, base_id, indexed_id)
     SELECT ?, 'writing', ?, m.id, m.id FROM (SELECT coalesce(max(id), 0) AS id FROM products) m`,
  );
  const undoUpdate = db.prepare<[number]>(
    `INSERT INTO catalog_import_undo (product_id, prev)
     SELECT id, json_object(${STORED.map((c) => `'${c}', ${c}`).join(', ')}) FROM products WHERE id = ?`,
  );
  const restore = db.prepare<[string, number]>(
    `UPDATE products SET ${STORED.map((c) => `${c} = u.prev ->> '$.${c}'`).join(', ')}
     FROM (SELECT ? AS prev) u WHERE products.id = ?`,
  );
  const changed = db.prepare<[number, number], { seq: number; before: string; after: string | null }>(
    `SELECT u.seq, u.prev ->> '$.name' AS before, p.name AS after FROM catalog_import_undo u
     LEFT JOIN products p ON p.id = u.product_id WHERE u.seq > ? ORDER BY u.seq LIMIT ?`,
  );
  const inserted = db.prepare<[number, number], { id: number; name: string }>(
    'SELECT id, name FROM products WHERE id > ? ORDER BY id LIMIT ?',
  );
  const addWord = db.prepare<[string, number]>(
    'INSERT INTO catalog_words (word, docs) VALUES (?, ?) ON CONFLICT (word) DO UPDATE SET docs = docs + excluded.docs',
  );
  const dropEmptyWords = db.prepare('DELETE FROM catalog_words WHERE docs <= 0');
  const markCommitted = db.prepare<[string]>("UPDATE catalog_import SET state = 'committed' WHERE id = ?");
  const newestUndo = db.prepare<[number], { seq: number; product_id: number; prev: string; fts_done: number }>(
    'SELECT seq, product_id, prev, fts_done FROM catalog_import_undo ORDER BY seq DESC LIMIT ?',
  );
  const newestInserted = db.prepare<[number, number, number], { id: number }>(
    'SELECT id FROM products WHERE id > ? AND id < ? ORDER BY id DESC LIMIT ?',
  );
  const setUndoneFrom = db.prepare<[number]>('UPDATE catalog_import SET undone_from = ?');
  const deleteUndo = db.prepare<[number]>('DELETE FROM catalog_import_undo WHERE seq = ?');
  const toIndex = db.prepare<[number, number], { seq: number; product_id: number; changed: number }>(
    `SELECT u.seq, u.product_id, (u.prev ->> '$.name' IS NOT p.name OR u.prev ->> '$.sku' IS NOT p.sku) AS changed
     FROM catalog_import_undo u JOIN products p ON p.id = u.product_id WHERE u.seq > ? ORDER BY u.seq LIMIT ?`,
  );
  const ftsInsert = db.prepare<[number]>(
    'INSERT INTO products_fts (rowid, name, sku) SELECT id, name, sku FROM products WHERE id = ?',
  );
  const ftsInsertRange = db.prepare<[number, number]>(
    'INSERT INTO products_fts (rowid, name, sku) SELECT id, name, sku FROM products WHERE id > ? AND id <= ? ORDER BY id',
  );
  const lastOfRange = db.prepare<[number, number], { last: number | null; n: number }>(
    'SELECT max(id) AS last, count(*) AS n FROM (SELECT id FROM products WHERE id > ? ORDER BY id LIMIT ?)',
  );
  const setIndexed = db.prepare<[number]>('UPDATE catalog_import SET indexed_id = ?');
  const ftsDeleteCurrent = db.prepare<[number]>(
    "INSERT INTO products_fts (products_fts, rowid, name, sku) SELECT 'delete', id, name, sku FROM products WHERE id = ?",
  );
  const ftsDeletePrev = db.prepare<[number, string, string]>(
    "INSERT INTO products_fts (products_fts, rowid, name, sku) VALUES ('delete', ?, ? ->> '$.name', ? ->> '$.sku')",
  );
  const markIndexed = db.prepare<[number]>('UPDATE catalog_import_undo SET fts_done = 1 WHERE seq = ?');
  const undoPrev = db.prepare<[number], string>('SELECT prev FROM catalog_import_undo WHERE seq = ?').pluck();
  const nameChanged = db.prepare<[string, string, number], { changed: number }>(
    "SELECT (? ->> '$.name' IS NOT name OR ? ->> '$.sku' IS NOT sku) AS changed FROM products WHERE id = ?",
  );
  const deleteProduct = db.prepare<[number]>('DELETE FROM products WHERE id = ?');
  // Its codes go too: the products the undo restores may need them back (a barcode the file moved).
  const deactivate = db.prepare<[number]>('UPDATE products SET active = 0, barcode = NULL, plu = NULL WHERE id = ?');
  const oldestUndo = db.prepare<[number]>(
    'DELETE FROM catalog_import_undo WHERE seq IN (SELECT seq FROM catalog_import_undo ORDER BY seq LIMIT ?)',
  );
  const finish = db.prepare('DELETE FROM catalog_import');
  const generation = db.prepare<[], number>('SELECT generation FROM catalog_search_generation').pluck();
  const setGeneration = db.prepare<[number]>('UPDATE catalog_search_generation SET generation = ?');
  // The live search's candidate order (CATALOG_QUERIES.search): bm25, then id.
  const rankWord = db.prepare<[string, number], { id: number; rank: number }>(
    'SELECT rowid AS id, rank FROM products_fts WHERE products_fts MATCH ? ORDER BY rank, rowid LIMIT ?',
  );
  const stageTop = db.prepare<[number, string, number, number, number]>(
    'INSERT INTO catalog_search_top (generation, word, pos, product_id, rank) VALUES (?, ?, ?, ?, ?)',
  );
  const dropOther = db.prepare<[number]>(
    `DELETE FROM catalog_search_top WHERE (generation, word, pos) IN (SELECT generation, word, pos FROM catalog_search_top
       WHERE generation <> (SELECT generation FROM catalog_search_generation) LIMIT ?)`,
  );
  const row = () => current.get() ?? null;

  return {
    pending: () => {
      const found = row();
      return found ? { id: found.id, state: found.state } : null;
    },
    begin: (id, at) => {
      begin.run(id, at);
    },
    insert: (product, at) => writer.insert(product, at),
    update(existing, product, at) {
      undoUpdate.run(existing.id);
      writer.update(existing.id, product, at);
    },
    changedNames: (afterSeq, limit) => changed.all(afterSeq, limit),
    insertedNames: (afterId, limit) => inserted.all(Math.max(afterId, row()!.base_id), limit),
    adjustWords(delta) {
      for (const [word, docs] of delta) if (docs !== 0) addWord.run(word, docs);
      dropEmptyWords.run();
    },
    markCommitted: (id, searchGeneration) => {
      markCommitted.run(id);
      if (searchGeneration !== null) setGeneration.run(searchGeneration);
    },
    indexChanged(afterSeq, limit) {
      const rows = toIndex.all(afterSeq, limit);
      for (const found of rows) {
        if (found.changed) {
          ftsDeletePrev.run(found.product_id, undoPrev.get(found.seq)!, undoPrev.get(found.seq)!);
          ftsInsert.run(found.product_id);
        }
        markIndexed.run(found.seq);
      }
      return rows.length ? rows[rows.length - 1]!.seq : null;
    },
    indexInserted(limit) {
      const { indexed_id: after } = row()!;
      const { last, n } = lastOfRange.get(after, limit)!;
      if (last === null) return 0;
      ftsInsertRange.run(after, last);
      setIndexed.run(last);
      return n;
    },
    searchTopWords() {
      // The name index's terms with how many rows hold each (a pass over its term list, 0.15 s at 1M).
      db.exec(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.catalog_search_vocab USING fts5vocab(main, products_fts, 'row')",
      );
      const words = db
        .prepare<[number], string>(
          'SELECT term FROM temp.catalog_search_vocab WHERE doc > ? AND length(term) > 1 ORDER BY term',
        )
        .pluck()
        .all(SEARCH_TOP_MIN_DOCS);
      return { generation: generation.get()! + 1, words };
    },
    rankWord: (word) => rankWord.all(`"${word}"*`, SEARCH_TOP_ROWS),
    stageSearchTop(next, word, ranked) {
      ranked.forEach((match, i) => stageTop.run(next, word, i + 1, match.id, match.rank));
    },
    dropOtherSearchTop: (limit) => dropOther.run(limit).changes,
    undoBatch(limit) {
      const pendingRow = row();
      if (!pendingRow) return 0;
      // While the import is 'writing' the FTS triggers are off: the name index is put back here,
      // for the rows whose new values it already holds, and left alone for the others.
      // The inserted products first, newest first: deleting rows frees their codes for the restores.
      const newest = newestInserted.all(pendingRow.base_id, pendingRow.undone_from ?? Number.MAX_SAFE_INTEGER, limit);
      if (newest.length > 0) {
        for (const { id } of newest) {
          if (id <= pendingRow.indexed_id) ftsDeleteCurrent.run(id);
          try {
            deleteProduct.run(id);
          } catch (error) {
            if ((error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_FOREIGNKEY') throw error;
            // Sold since it was imported: it stays, inactive and without codes, findable by name.
            deactivate.run(id);
            ftsInsert.run(id);
          }
        }
        setUndoneFrom.run(newest[newest.length - 1]!.id);
        return newest.length;
      }
      const rows = newestUndo.all(limit);
      for (const undo of rows) {
        const changedName =
          undo.fts_done === 1 && nameChanged.get(undo.prev, undo.prev, undo.product_id)?.changed === 1;
        if (changedName) ftsDeleteCurrent.run(undo.product_id);
        restore.run(undo.prev, undo.product_id);
        if (changedName) ftsInsert.run(undo.product_id);
        deleteUndo.run(undo.seq);
      }
      return rows.length;
    },
    clearBatch: (limit) => oldestUndo.run(limit).changes,
    finish: () => {
      finish.run();
    },
    transaction: (work) => db.transaction(work).immediate(),
  };
}

/**
 * The catalogue's SQL: a reader for the scan, search and grid paths and a writer for
 * the import. Lookups go through the unique indexes on barcode / plu / sku; name search
 * through the products_fts index (migration 001). Nothing here loads the catalogue whole.
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
  /** Products whose barcode is one of `keys`, in the order of `keys`. Inactive ones included. */
  byBarcodes(keys: readonly string[]): ProductRecord[];
  /** Active products whose name or SKU contain words starting with the query's words, best first. */
  search(text: string, limit: number): ProductRecord[];
  /** Active products of one department (or of all, department by department), by name. */
  inDepartment(department: string | null, limit: number): ProductRecord[];
  /** Departments that have at least one active product. */
  departments(): string[];
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

/** Matches ranked per name search; see the search statement. */
export const SEARCH_CANDIDATES = 1000;

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

export function createProductReader(db: Db): ProductReader {
  const byId = db.prepare<[number], ProductRow>(`SELECT ${COLUMNS} FROM products WHERE id = ?`);
  const bySku = db.prepare<[string], ProductRow>(`SELECT ${COLUMNS} FROM products WHERE sku = ?`);
  const byPlu = db.prepare<[string], ProductRow>(`SELECT ${COLUMNS} FROM products WHERE plu = ?`);
  const byBarcodes = new Map<number, Statement<string[], ProductRow>>();
  // Ranking every match of a broad prefix ("ch" → a quarter of a 1M catalogue) costs
  // ~200 ms; ranking the first SEARCH_CANDIDATES matches (by rowid) costs under 20 ms
  // (bench/catalog.ts). Narrow queries, the ones a cashier picks from, rank exactly.
  const search = db.prepare<[string, number, number], ProductRow>(
    `SELECT ${P_COLUMNS} FROM (SELECT rowid AS id, rank FROM products_fts WHERE products_fts MATCH ? LIMIT ?) f
     JOIN products p ON p.id = f.id WHERE p.active = 1 ORDER BY f.rank, p.name LIMIT ?`,
  );
  const inDepartment = db.prepare<[string, number], ProductRow>(
    `SELECT ${COLUMNS} FROM products WHERE department = ? AND active = 1 ORDER BY name LIMIT ?`,
  );
  const firstProducts = db.prepare<[number], ProductRow>(
    `SELECT ${COLUMNS} FROM products WHERE active = 1 ORDER BY department, name LIMIT ?`,
  );
  const departments = db.prepare<[], { department: string }>(
    'SELECT DISTINCT department FROM products WHERE active = 1 ORDER BY department',
  );
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
    byBarcodes(keys) {
      if (keys.length === 0) return [];
      let statement = byBarcodes.get(keys.length);
      if (!statement) {
        statement = db.prepare<string[], ProductRow>(
          `SELECT ${COLUMNS} FROM products WHERE barcode IN (${keys.map(() => '?').join(', ')})`,
        );
        byBarcodes.set(keys.length, statement);
      }
      const rows = statement.all(...keys);
      return keys.flatMap((key) => rows.filter((row) => row.barcode === key)).map(toRecord);
    },
    search(text, limit) {
      const match = ftsQuery(text);
      return match ? search.all(match, SEARCH_CANDIDATES, limit).map(toRecord) : [];
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

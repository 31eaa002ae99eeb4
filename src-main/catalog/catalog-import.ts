/**
 * Catalogue import from CSV: an upsert keyed by SKU.
 *
 * - The header names the columns (any order, case and spacing ignored, a few aliases).
 *   `sku` is required; a new SKU also needs `name` and `price`. A column left out keeps
 *   an existing product's value, so a two-column `sku,price` file is a price update.
 * - A present cell is authoritative: an empty barcode / PLU clears it, an empty tax cell
 *   means the store's default taxes, `none` means no tax.
 * - Each row is checked on its own; bad rows are reported (spreadsheet row numbers, the
 *   header is row 1) and the others imported. An unknown or repeated column rejects the
 *   whole file: a misspelt optional column would otherwise drop its data silently.
 * - Rows are written in transactions of `chunkSize`, yielding to the event loop between
 *   chunks so scans and payments keep running. An interrupted import is safe to re-run.
 */
import { parseDecimalString } from '../../src-shared/money';
import type { ImportReport } from '../../src-shared/domain';
import type { ProductInput, ProductReader, ProductWriter } from '../journal/product-repository';
import { CsvSyntaxError, estimateDataRows, readCsv, type CsvRecord } from './csv';
import { barcodeLookupKeys, canonicalBarcode, isMistypedGtin } from './gtin';
import { canonicalPlu, classifyCode, type Nomenclature } from './nomenclature';

type Field = 'sku' | 'name' | 'price' | 'barcode' | 'plu' | 'unit' | 'department' | 'taxes' | 'active';

const ALIASES: Readonly<Record<string, Field>> = {
  sku: 'sku',
  itemcode: 'sku',
  name: 'name',
  productname: 'name',
  description: 'name',
  price: 'price',
  unitprice: 'price',
  barcode: 'barcode',
  ean: 'barcode',
  upc: 'barcode',
  gtin: 'barcode',
  plu: 'plu',
  unit: 'unit',
  uom: 'unit',
  department: 'department',
  dept: 'department',
  category: 'department',
  taxes: 'taxes',
  tax: 'taxes',
  taxcodes: 'taxes',
  taxcode: 'taxes',
  active: 'active',
  enabled: 'active',
};

/** Largest price accepted (minor units): a typo guard, not a business rule. */
const MAX_PRICE = 100_000_000;
/** The report lists at most this many errors; `rejected` still counts every bad row. */
export const MAX_REPORTED_ERRORS = 500;

export interface CatalogImportOptions {
  currency: string;
  nomenclature: Nomenclature;
  /** Tax codes the store has configured; any other code rejects the row (pricing could not charge it). */
  taxCodes: readonly string[];
  /** Taxes of a product whose tax cell is empty or who has no tax column. */
  defaultTaxCodes: readonly string[];
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
  now?: () => Date;
}

type ImportError = ImportReport['errors'][number];
type RowValues = Partial<ProductInput>;

const CONTROL = /[\x00-\x1f\x7f]/;

/** Reads one cell into `values`, or returns what is wrong with it. */
function readCell(field: Field, cell: string, values: RowValues, options: CatalogImportOptions): string | null {
  const text = cell.trim();
  switch (field) {
    case 'sku':
      if (!text) return 'SKU is empty.';
      if (text.length > 64 || CONTROL.test(text)) return 'SKU must be at most 64 printable characters.';
      values.sku = text;
      return null;
    case 'name': {
      const name = text.replace(/\s+/g, ' ');
      if (!name) return 'Name is empty.';
      if (name.length > 120) return 'Name is longer than 120 characters.';
      values.name = name;
      return null;
    }
    case 'price':
      try {
        values.price = parseDecimalString(text, options.currency);
      } catch {
        return `Price "${text}" is not an amount like 3.49 (digits, a dot for decimals, no currency sign).`;
      }
      if (values.price < 0 || values.price > MAX_PRICE) return `Price "${text}" is out of range.`;
      return null;
    case 'barcode':
      return readBarcode(text, values, options);
    case 'plu':
      if (!text) {
        values.plu = null;
        return null;
      }
      if (!/^\d{1,8}$/.test(text) || /^0+$/.test(text)) return `PLU "${text}" must be 1 to 8 digits, not all zeros.`;
      values.plu = canonicalPlu(text);
      return null;
    case 'unit': {
      const unit = text.toLowerCase();
      if (unit === '' || unit === 'each' || unit === 'ea') values.unit = 'each';
      else if (unit === 'kg') values.unit = 'kg';
      else return `Unit "${text}" must be each or kg.`;
      return null;
    }
    case 'department':
      if (text.length > 60 || CONTROL.test(text)) return 'Department must be at most 60 printable characters.';
      values.department = text;
      return null;
    case 'taxes': {
      if (text.toLowerCase() === 'none') {
        values.taxCodes = [];
        return null;
      }
      const codes = text ? [...new Set(text.split(/[\s,;|]+/).filter(Boolean))] : [...options.defaultTaxCodes];
      const unknown = codes.filter((code) => !options.taxCodes.includes(code));
      if (unknown.length)
        return `Tax code ${unknown.join(', ')} is not configured (known: ${options.taxCodes.join(', ') || 'none'}).`;
      values.taxCodes = codes;
      return null;
    }
    case 'active': {
      const flag = text.toLowerCase();
      if (['', '1', 'yes', 'y', 'true'].includes(flag)) values.active = true;
      else if (['0', 'no', 'n', 'false'].includes(flag)) values.active = false;
      else return `Active "${text}" must be yes or no.`;
      return null;
    }
  }
}

function readBarcode(text: string, values: RowValues, options: CatalogImportOptions): string | null {
  if (!text) {
    values.barcode = null;
    return null;
  }
  if (/^\d+(?:[.,]\d+)?E\+\d+$/i.test(text))
    return `Barcode "${text}" was turned into a number by a spreadsheet: format the column as text and export again.`;
  if (!/^[\x21-\x7e]{1,64}$/.test(text))
    return `Barcode "${text}" must be 1 to 64 printable characters without spaces.`;
  if (isMistypedGtin(text)) return `Barcode ${text} has a wrong check digit.`;
  // A barcode the scan path would read as something else could never be sold by scanning.
  // A label prefix is fine in its neutral form (value zeroed): that is how labels find products without a PLU.
  const seen = classifyCode(text, options.nomenclature);
  if (seen.kind === 'wallet') return `Barcode ${seen.display} has the shape of a customer payment code.`;
  if (seen.kind === 'badge') return `Barcode ${text} starts with this store's cashier badge prefix.`;
  if (seen.kind === 'invalid') return seen.message;
  if (seen.kind !== 'product' && seen.neutralBarcode !== seen.barcode) {
    return `Barcode ${text} is a scale label with a value: give the product its PLU (${seen.plu}) or the label's neutral form ${seen.neutralBarcode}.`;
  }
  values.barcode = canonicalBarcode(text);
  return null;
}

interface Header {
  columns: (Field | null)[];
  errors: ImportError[];
}

function readHeader(fields: string[]): Header {
  const errors: ImportError[] = [];
  const seen = new Set<Field>();
  const columns = fields.map((name) => {
    const key = name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
    if (key === '') return null;
    const field = ALIASES[key];
    if (!field) {
      errors.push({
        row: 1,
        field: name.trim(),
        message: `Unknown column "${name.trim()}" (known: ${[...new Set(Object.values(ALIASES))].join(', ')}).`,
      });
      return null;
    }
    if (seen.has(field)) errors.push({ row: 1, field, message: `Column ${field} appears twice.` });
    seen.add(field);
    return field;
  });
  if (!seen.has('sku')) errors.push({ row: 1, field: 'sku', message: 'The header has no sku column.' });
  return { columns, errors };
}

function merge(existing: ProductInput | null, values: RowValues, options: CatalogImportOptions): ProductInput | string {
  if (existing) return { ...existing, ...values };
  if (values.name === undefined) return 'A new product needs a name.';
  if (values.price === undefined) return 'A new product needs a price.';
  return {
    sku: values.sku!,
    name: values.name,
    price: values.price,
    barcode: values.barcode ?? null,
    plu: values.plu ?? null,
    unit: values.unit ?? 'each',
    department: values.department ?? '',
    taxCodes: values.taxCodes ?? [...options.defaultTaxCodes],
    active: values.active ?? true,
  };
}

function sameProduct(a: ProductInput, b: ProductInput): boolean {
  return (
    a.sku === b.sku &&
    a.name === b.name &&
    a.barcode === b.barcode &&
    a.plu === b.plu &&
    a.price === b.price &&
    a.unit === b.unit &&
    a.department === b.department &&
    a.active === b.active &&
    a.taxCodes.join(' ') === b.taxCodes.join(' ')
  );
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A UNIQUE or CHECK violation the checks above did not foresee: reported on the row, not thrown. */
function constraintMessage(error: unknown): string | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')
    ? `Not saved: ${(error as Error).message}.`
    : null;
}

export async function importCatalogCsv(
  csv: string,
  store: { reader: ProductReader; writer: ProductWriter },
  options: CatalogImportOptions,
): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, updated: 0, rejected: 0, errors: [] };

  const records = readCsv(csv);
  /** The next record, or a syntax error reported on its row (nothing after it is read). */
  const next = (): CsvRecord | ImportError | null => {
    try {
      return records.next().value ?? null;
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      return { row: error.row, field: null, message: `${error.message} Nothing from that row on was imported.` };
    }
  };
  const header = next();
  if (header === null) return { ...report, errors: [{ row: 1, field: null, message: 'The file is empty.' }] };
  if (!('fields' in header)) return { ...report, errors: [header] };
  const { columns, errors: headerErrors } = readHeader(header.fields);
  if (headerErrors.length) return { ...report, rejected: estimateDataRows(csv), errors: headerErrors };

  /** SKU → first row that carried it, to refuse a second row for the same product. */
  const skuRows = new Map<string, number>();

  /** Validates and writes one row; returns its errors, or null once written (or unchanged). */
  const importRow = (row: number, fields: string[], at: string): ImportError[] | null => {
    if (fields.length > columns.length && fields.slice(columns.length).some((cell) => cell.trim() !== '')) {
      return [
        { row, field: null, message: `Row has ${fields.length} cells but the header names ${columns.length} columns.` },
      ];
    }
    const values: RowValues = {};
    const errors: ImportError[] = [];
    columns.forEach((field, i) => {
      const problem = field && readCell(field, fields[i] ?? '', values, options);
      if (problem) errors.push({ row, field, message: problem });
    });
    if (errors.length) return errors;

    const sku = values.sku!;
    const firstRow = skuRows.get(sku);
    if (firstRow !== undefined)
      return [{ row, field: 'sku', message: `SKU ${sku} already appears on row ${firstRow}.` }];
    skuRows.set(sku, row);

    const existing = store.reader.bySku(sku);
    const product = merge(existing, values, options);
    if (typeof product === 'string')
      return [{ row, field: values.name === undefined ? 'name' : 'price', message: product }];

    if (product.barcode !== null && product.barcode !== existing?.barcode) {
      const owner = store.reader.byBarcodes(barcodeLookupKeys(product.barcode)).find((p) => p.sku !== sku);
      if (owner)
        return [{ row, field: 'barcode', message: `Barcode ${product.barcode} already belongs to SKU ${owner.sku}.` }];
    }
    if (product.plu !== null && product.plu !== existing?.plu) {
      const owner = store.reader.byPlu(product.plu);
      if (owner && owner.sku !== sku)
        return [{ row, field: 'plu', message: `PLU ${product.plu} already belongs to SKU ${owner.sku}.` }];
    }

    try {
      if (!existing) {
        store.writer.insert(product, at);
        report.imported += 1;
      } else if (!sameProduct(existing, product)) {
        store.writer.update(existing.id, product, at);
        report.updated += 1;
      }
    } catch (error) {
      const message = constraintMessage(error);
      if (!message) throw error;
      return [{ row, field: null, message }];
    }
    return null;
  };

  // 250 rows keep each write transaction (and so each event-loop stall) near 50 ms without slowing the import (bench/catalog.ts).
  const chunkSize = options.chunkSize ?? 250;
  const now = options.now ?? (() => new Date());
  const reportErrors = (errors: ImportError[]) => {
    report.rejected += 1;
    report.errors.push(...errors.slice(0, MAX_REPORTED_ERRORS - report.errors.length));
  };
  let total = estimateDataRows(csv);
  let done = 0;
  let pending = next();
  while (pending !== null) {
    // Read the chunk before writing it, so a syntax error cannot roll back the rows before it.
    const chunk: CsvRecord[] = [];
    while (pending !== null && chunk.length < chunkSize) {
      if (!('fields' in pending)) {
        reportErrors([pending]);
        pending = null;
        break;
      }
      chunk.push(pending);
      pending = next();
    }
    const at = now().toISOString();
    store.writer.transaction(() => {
      for (const { row, fields } of chunk) {
        const errors = importRow(row, fields, at);
        if (errors) reportErrors(errors);
      }
    });
    done += chunk.length;
    if (pending === null) total = done;
    options.onProgress?.(done, Math.max(total, done));
    if (pending !== null) await nextTurn();
  }
  return report;
}

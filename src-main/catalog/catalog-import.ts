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
 * - The whole file is read and checked before the first write (`planCatalogImport`): a syntax
 *   error or a bad header changes nothing. The writes then go in short batches with an undo
 *   record (import-writer.ts), so a failure half-way leaves the catalogue as it was.
 */
import { parseDecimalString } from '../../src-shared/money';
import type { ImportReport } from '../../src-shared/domain';
import type { ProductInput, ProductReader, ProductRecord } from '../journal/product-repository';
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
/** Rows whose stored products are read in one go before they are checked one by one. */
const READ_AHEAD = 512;
/** Keys per lookup query. */
const LOOKUP_SLICE = 128;

export interface CatalogImportOptions {
  currency: string;
  nomenclature: Nomenclature;
  /** Tax codes the store has configured; any other code rejects the row (pricing could not charge it). */
  taxCodes: readonly string[];
  /** Taxes of a product whose tax cell is empty or who has no tax column. */
  defaultTaxCodes: readonly string[];
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

/** One product the import writes: new (`existing` null) or changed. */
export interface PlannedWrite {
  existing: ProductRecord | null;
  product: ProductInput;
}

/** What the check phase found: the report to answer and the writes to make, in file order. */
export interface ImportPlan {
  report: ImportReport;
  writes: PlannedWrite[];
}

/**
 * The check phase: reads and checks the whole file against the catalogue as it is, and writes
 * nothing. A syntax error or a bad header rejects the file (no writes); a bad row is reported and
 * left out. Codes are checked as if the rows were written one after the other in file order (a
 * barcode freed by an earlier row may be taken by a later one), so the write phase meets no
 * constraint it was not told about.
 */
export function planCatalogImport(
  csv: string,
  reader: ProductReader,
  options: CatalogImportOptions,
  onProgress?: (done: number, total: number) => void,
): ImportPlan {
  const report: ImportReport = { imported: 0, updated: 0, rejected: 0, errors: [] };
  const writes: PlannedWrite[] = [];
  const total = estimateDataRows(csv);
  const rejectFile = (errors: ImportError[]): ImportPlan => ({
    report: { imported: 0, updated: 0, rejected: total, errors: errors.slice(0, MAX_REPORTED_ERRORS) },
    writes: [],
  });

  const records = readCsv(csv);
  let header: CsvRecord | null;
  try {
    header = records.next().value ?? null;
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return rejectFile([{ row: error.row, field: null, message: `${error.message} Nothing was imported.` }]);
  }
  if (header === null) return { report: { ...report, errors: [EMPTY_FILE] }, writes };
  const { columns, errors: headerErrors } = readHeader(header.fields);
  if (headerErrors.length) return rejectFile(headerErrors);

  /** SKU → first row that carried it, to refuse a second row for the same product. */
  const skuRows = new Map<string, number>();
  /** Barcodes / PLUs as the rows accepted so far leave them: code → SKU (a freed code maps to null). */
  const barcodeOwners = new Map<string, string | null>();
  const pluOwners = new Map<string, string | null>();

  // The catalogue as it is, read for the next READ_AHEAD rows at once (the check writes nothing, and
  // only imports change products): one query per few hundred rows instead of one per lookup.
  const skuColumn = columns.indexOf('sku');
  const barcodeColumn = columns.indexOf('barcode');
  const storedBySku = new Map<string, ProductRecord | null>();
  const storedByBarcode = new Map<string, ProductRecord | null>();
  const readAhead = (chunk: readonly CsvRecord[]) => {
    storedBySku.clear();
    storedByBarcode.clear();
    for (const { fields } of chunk) {
      const sku = fields[skuColumn]?.trim();
      if (sku) storedBySku.set(sku, null);
      const barcode = barcodeColumn === -1 ? '' : (fields[barcodeColumn]?.trim() ?? '');
      if (barcode) for (const key of barcodeLookupKeys(canonicalBarcode(barcode))) storedByBarcode.set(key, null);
    }
    for (const product of inSlices([...storedBySku.keys()], (skus) => reader.bySkus(skus)))
      storedBySku.set(product.sku, product);
    for (const product of inSlices([...storedByBarcode.keys()], (keys) => reader.byBarcodes(keys)))
      if (product.barcode !== null) storedByBarcode.set(product.barcode, product);
  };
  const storedSku = (sku: string): ProductRecord | null => {
    const stored = storedBySku.get(sku);
    return stored !== undefined ? stored : reader.bySku(sku);
  };
  const storedBarcode = (key: string): ProductRecord | undefined => {
    const stored = storedByBarcode.get(key);
    return stored !== undefined ? (stored ?? undefined) : reader.byBarcodes([key])[0];
  };

  const ownerOfBarcode = (barcode: string, sku: string): string | null => {
    for (const key of barcodeLookupKeys(barcode)) {
      const planned = barcodeOwners.get(key);
      if (planned !== undefined) {
        if (planned !== null && planned !== sku) return planned;
        continue;
      }
      const owner = storedBarcode(key);
      if (owner && owner.sku !== sku) return owner.sku;
    }
    return null;
  };
  const ownerOfPlu = (plu: string, sku: string): string | null => {
    const planned = pluOwners.get(plu);
    if (planned !== undefined) return planned !== sku ? planned : null;
    const owner = reader.byPlu(plu);
    return owner && owner.sku !== sku ? owner.sku : null;
  };

  const checkRow = (row: number, fields: string[]): ImportError[] | null => {
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

    const existing = storedSku(sku);
    const product = merge(existing, values, options);
    if (typeof product === 'string')
      return [{ row, field: values.name === undefined ? 'name' : 'price', message: product }];

    if (product.barcode !== null && product.barcode !== existing?.barcode) {
      const owner = ownerOfBarcode(product.barcode, sku);
      if (owner)
        return [{ row, field: 'barcode', message: `Barcode ${product.barcode} already belongs to SKU ${owner}.` }];
    }
    if (product.plu !== null && product.plu !== existing?.plu) {
      const owner = ownerOfPlu(product.plu, sku);
      if (owner) return [{ row, field: 'plu', message: `PLU ${product.plu} already belongs to SKU ${owner}.` }];
    }
    if (existing && sameProduct(existing, product)) return null;
    if (existing?.barcode && existing.barcode !== product.barcode)
      for (const key of barcodeLookupKeys(existing.barcode)) barcodeOwners.set(key, null);
    if (product.barcode !== null) for (const key of barcodeLookupKeys(product.barcode)) barcodeOwners.set(key, sku);
    if (existing?.plu && existing.plu !== product.plu) pluOwners.set(existing.plu, null);
    if (product.plu !== null) pluOwners.set(product.plu, sku);
    writes.push({ existing, product });
    if (existing) report.updated += 1;
    else report.imported += 1;
    return null;
  };

  let done = 0;
  for (let ended = false; !ended;) {
    const chunk: CsvRecord[] = [];
    try {
      while (chunk.length < READ_AHEAD) {
        const record = records.next().value;
        if (!record) {
          ended = true;
          break;
        }
        chunk.push(record);
      }
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      return rejectFile([{ row: error.row, field: null, message: `${error.message} Nothing was imported.` }]);
    }
    readAhead(chunk);
    for (const record of chunk) {
      const errors = checkRow(record.row, record.fields);
      if (errors) {
        report.rejected += 1;
        report.errors.push(...errors.slice(0, MAX_REPORTED_ERRORS - report.errors.length));
      }
      done += 1;
      if (done % 10_000 === 0) onProgress?.(done, Math.max(total, done));
    }
  }
  onProgress?.(done, done);
  return { report, writes };
}

/**
 * `lookup` over `keys` in slices of LOOKUP_SLICE, the last one padded with its first key so every
 * call has the same length (one prepared statement).
 */
function inSlices<T>(keys: readonly string[], lookup: (slice: string[]) => T[]): T[] {
  const found: T[] = [];
  for (let at = 0; at < keys.length; at += LOOKUP_SLICE) {
    const slice = keys.slice(at, at + LOOKUP_SLICE);
    while (slice.length < LOOKUP_SLICE) slice.push(slice[0]!);
    found.push(...lookup(slice));
  }
  return found;
}

const EMPTY_FILE: ImportError = { row: 1, field: null, message: 'The file is empty.' };

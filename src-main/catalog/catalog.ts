/**
 * The catalogue as the rest of main sees it: scan resolution for the cart, search and
 * the product grid for the cashier, CSV import for the manager. Built by core from the
 * journal's connection and the store config; the handlers of `pos:catalog.*` call the
 * methods typed after those channels, and the cart's scan handler calls `resolveScan`.
 * Permissions (who may import) are checked by the caller, as for every channel.
 */
import type { ChannelOutput, ChannelParsedInput } from '../../src-shared/contract';
import type { ImportReport, ProductView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { Db } from '../journal/open-journal';
import { createProductReader, type ProductRecord } from '../journal/product-repository';
import { randomUUID } from 'node:crypto';
import type { ImportPhase } from './import-job';
import { checkImportFile, runImport, testHooks } from './import-runner';
import { correctSpelling } from './spelling';
import {
  canonicalPlu,
  classifyCode,
  compileNomenclature,
  DEFAULT_NOMENCLATURE,
  type NomenclatureConfig,
  type WalletCode,
} from './nomenclature';

export interface CatalogOptions {
  db: Db;
  /** Store currency: prices in the CSV and on price labels are read in it. */
  currency: string;
  /** Tax codes the store has configured. */
  taxCodes: readonly string[];
  defaultTaxCodes?: readonly string[];
  nomenclature?: NomenclatureConfig;
  /** The better_sqlite3.node the journal was opened with; the import worker loads the same. */
  nativeBinding?: string;
  /** How long one import batch may hold the write lock (import-writer.ts DEFAULT_BATCH_MS). */
  importBatchMs?: number;
}

/** The payload of `pos:catalog.importProgress`. */
export interface ImportProgressEvent {
  importId: string;
  phase: ImportPhase;
  done: number;
  total: number;
}

/**
 * What a scan is, with the product already found for product-like codes. `display` is
 * safe to show and log (wallet codes and badges are masked). A rejected scan carries a
 * sentence for the cashier; nothing was added anywhere.
 */
export type ScanResolution =
  | { kind: 'product'; display: string; barcode: string; product: ProductView }
  /** A label with its own price: the line's amount is `price`, whatever the product's. */
  | { kind: 'price-embedded'; display: string; barcode: string; product: ProductView; price: number }
  | { kind: 'weight-embedded'; display: string; barcode: string; product: ProductView; qtyMilli: number }
  | { kind: 'wallet'; display: string; wallet: WalletCode }
  | { kind: 'badge'; display: string; badge: string }
  | {
      kind: 'rejected';
      display: string;
      reason: 'not-found' | 'inactive' | 'unreadable' | 'wrong-unit';
      message: string;
    };

type RejectedScan = Extract<ScanResolution, { kind: 'rejected' }>;

const isRejected = (found: ProductView | RejectedScan): found is RejectedScan => 'reason' in found;

export interface Catalog {
  resolveScan(code: string): ScanResolution;
  /** An active product by its id (as the grid and search give it), or null. */
  product(id: string): ProductView | null;
  /** Exact code matches (barcode, PLU, SKU) first, then name / SKU words by relevance. */
  search(input: ChannelParsedInput<'pos:catalog.search'>): ChannelOutput<'pos:catalog.search'>;
  grid(input: ChannelParsedInput<'pos:catalog.grid'>): ChannelOutput<'pos:catalog.grid'>;
  /**
   * One import at a time; a second one while the first runs answers CONFLICT. The CSV is
   * whole here: over IPC a large one arrives in chunks first (import-upload.ts). The import runs
   * in a worker thread with its own connection (import-runner.ts) and is all-or-nothing.
   */
  importCsv(input: { csv: string }, onProgress?: (progress: ImportProgressEvent) => void): Promise<ImportReport>;
  /** The same from a local file, read by the worker (an absolute path to a regular file). */
  importFile(input: { path: string }, onProgress?: (progress: ImportProgressEvent) => void): Promise<ImportReport>;
}

export function toProductView(record: ProductRecord): ProductView {
  return {
    id: String(record.id),
    sku: record.sku,
    name: record.name,
    barcode: record.barcode,
    plu: record.plu,
    price: record.price,
    unit: record.unit,
    department: record.department,
    taxCodes: record.taxCodes,
  };
}

export function createCatalog(options: CatalogOptions): Catalog {
  const reader = createProductReader(options.db);
  const nomenclature = compileNomenclature(options.nomenclature ?? DEFAULT_NOMENCLATURE, options.currency);
  const defaultTaxCodes = options.defaultTaxCodes ?? [];
  const unknownDefaults = defaultTaxCodes.filter((code) => !options.taxCodes.includes(code));
  if (unknownDefaults.length) throw new RangeError(`Default tax code ${unknownDefaults.join(', ')} is not configured`);

  let importing = false;
  const runJob = async (
    source: { csv: string } | { path: string },
    onProgress?: (progress: ImportProgressEvent) => void,
  ): Promise<ImportReport> => {
    if (importing)
      throw new PosError(
        'CONFLICT',
        'A catalogue import is already running: wait for it to finish, then import again.',
      );
    importing = true;
    const importId = randomUUID();
    try {
      return await runImport(
        {
          importId,
          source,
          currency: options.currency,
          nomenclature: options.nomenclature ?? DEFAULT_NOMENCLATURE,
          taxCodes: options.taxCodes,
          defaultTaxCodes,
          at: new Date().toISOString(),
          ...(options.importBatchMs !== undefined ? { batchMs: options.importBatchMs } : {}),
          ...testHooks(),
        },
        (phase, done, total) => onProgress?.({ importId, phase, done, total }),
        { db: options.db, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) },
      );
    } finally {
      importing = false;
    }
  };

  const sellable = (record: ProductRecord | null | undefined, display: string): ProductView | RejectedScan => {
    if (!record)
      return { kind: 'rejected', display, reason: 'not-found', message: `No product has the code ${display}.` };
    if (!record.active)
      return {
        kind: 'rejected',
        display,
        reason: 'inactive',
        message: `${record.name} (${display}) is no longer sold.`,
      };
    return toProductView(record);
  };

  return {
    resolveScan(code) {
      const seen = classifyCode(code, nomenclature);
      switch (seen.kind) {
        case 'wallet':
        case 'badge':
          return seen;
        case 'invalid':
          return { kind: 'rejected', display: seen.display, reason: 'unreadable', message: seen.message };
        case 'product': {
          const found = sellable(reader.byBarcodes(seen.keys)[0], seen.display);
          if (isRejected(found)) {
            return seen.badCheckDigit && found.reason === 'not-found'
              ? {
                  ...found,
                  reason: 'unreadable',
                  message: `${seen.display} has a wrong check digit: scan it again or check the number.`,
                }
              : found;
          }
          return { kind: 'product', display: seen.display, barcode: seen.barcode, product: found };
        }
        case 'price-embedded':
        case 'weight-embedded': {
          const record = reader.byPlu(seen.plu) ?? reader.byBarcodes([seen.neutralBarcode])[0];
          const found = sellable(record, seen.display);
          if (isRejected(found)) return found;
          if (seen.value <= 0)
            return {
              kind: 'rejected',
              display: seen.display,
              reason: 'unreadable',
              message: `The label of ${found.name} shows no ${seen.kind === 'price-embedded' ? 'price' : 'weight'}.`,
            };
          if (seen.kind === 'price-embedded')
            return { kind: seen.kind, display: seen.display, barcode: seen.barcode, product: found, price: seen.value };
          if (found.unit !== 'kg')
            return {
              kind: 'rejected',
              display: seen.display,
              reason: 'wrong-unit',
              message: `${found.name} is sold by the piece, but its label carries a weight.`,
            };
          return {
            kind: seen.kind,
            display: seen.display,
            barcode: seen.barcode,
            product: found,
            qtyMilli: seen.value,
          };
        }
      }
    },

    product(id) {
      if (!/^\d{1,15}$/.test(id)) return null;
      const record = reader.byId(Number(id));
      return record?.active ? toProductView(record) : null;
    },

    search({ query, limit }) {
      const text = query.trim();
      if (!text) return [];
      const exact: ProductRecord[] = [];
      if (!/\s/.test(text)) {
        const seen = classifyCode(text, nomenclature);
        // A wallet code typed here is a customer's payment code: it is not searched for at all.
        if (seen.kind === 'wallet') return [];
        if (seen.kind === 'product') exact.push(...reader.byBarcodes(seen.keys));
        if (/^\d{1,8}$/.test(text)) exact.push(...[reader.byPlu(canonicalPlu(text))].filter((p) => p !== null));
        // SKUs are case-sensitive in the index; cashiers type them in lower case.
        exact.push(...[reader.bySku(text) ?? reader.bySku(text.toUpperCase())].filter((p) => p !== null));
      }
      let found = reader.search(text, limit);
      if (found.length === 0 && exact.length === 0) {
        // Nothing matched: a misspelt word ("choclate") is replaced by the name word nearest to it.
        const corrected = correctSpelling(text, reader);
        if (corrected !== null) found = reader.search(corrected, limit);
      }
      const results = new Map<number, ProductRecord>();
      for (const record of [...exact, ...found]) {
        if (record.active && results.size < limit) results.set(record.id, record);
      }
      return [...results.values()].map(toProductView);
    },

    grid({ department, limit }) {
      return { departments: reader.departments(), products: reader.inDepartment(department, limit).map(toProductView) };
    },

    importCsv: ({ csv }, onProgress) => runJob({ csv }, onProgress),

    async importFile({ path }, onProgress) {
      if (importing)
        throw new PosError(
          'CONFLICT',
          'A catalogue import is already running: wait for it to finish, then import again.',
        );
      checkImportFile(path);
      return runJob({ path }, onProgress);
    },
  };
}

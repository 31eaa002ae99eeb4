/**
 * Issue 14 search quality: a misspelt word finds its product through the spelling index, a right
 * word is never "corrected", codes are untouched, and a broad query ranks every match (bm25), so
 * the best one wins even when it is the newest of more than a thousand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalog, type Catalog } from '../../../../src-main/catalog/catalog';
import { correctSpelling, editDistance } from '../../../../src-main/catalog/spelling';
import { openJournal, type JournalHandle } from '../../../../src-main/journal/open-journal';
import { createProductReader } from '../../../../src-main/journal/product-repository';

const CSV = [
  'sku,name,price,barcode,plu,unit,department',
  'CHOC,Dark chocolate bar 100g,2.49,4006381333931,,each,Snacks',
  'CHIPS,Potato chips salted,1.99,,,each,Snacks',
  'CHOPS,Pork chops family pack,8.99,,,each,Meat',
  'BAN,Bananas,1.69,,4011,kg,Produce',
  'YOG,Greek yogurt natural,3.49,,,each,Dairy',
  'CREME,Crème fraîche,2.29,,,each,Dairy',
].join('\n');

let journal: JournalHandle;
let catalog: Catalog;
const search = (query: string, limit = 20) => catalog.search({ query, limit }).map((p) => p.sku);

beforeEach(async () => {
  journal = openJournal(':memory:');
  catalog = createCatalog({ db: journal.db, currency: 'CAD', taxCodes: [] });
  expect(await catalog.importCsv({ csv: CSV })).toMatchObject({ imported: 6, rejected: 0 });
});
afterEach(() => journal.close());

describe('typo tolerance', () => {
  it('finds chocolate from "choclate" (a missing letter)', () => {
    expect(search('choclate')).toEqual(['CHOC']);
    expect(search('chocolte bar')).toEqual(['CHOC']);
  });

  it('finds it through a transposition and an extra letter', () => {
    expect(search('chcoolate')).toEqual(['CHOC']);
    expect(search('chocollate')).toEqual(['CHOC']);
    expect(search('yoghurt')).toEqual(['YOG']);
  });

  it('corrects a word still being typed', () => {
    expect(search('choclat')).toEqual(['CHOC']);
  });

  it('never corrects a word that names something, nor one with digits, nor a short one', () => {
    expect(search('chops')).toEqual(['CHOPS']);
    expect(search('chips')).toEqual(['CHIPS']);
    const reader = createProductReader(journal.db);
    expect(correctSpelling('chops', reader)).toBeNull();
    expect(correctSpelling('100g', reader)).toBeNull();
    expect(correctSpelling('cho', reader)).toBeNull();
    // Too far from every word: nothing found rather than a wild guess.
    expect(search('xylophone')).toEqual([]);
  });

  it('folds diacritics as the name index does', () => {
    expect(search('creme fraiche')).toEqual(['CREME']);
    expect(search('crème frache')).toEqual(['CREME']);
  });

  it('leaves PLU and barcode searches alone', () => {
    expect(search('4011')).toEqual(['BAN']);
    expect(search('4006381333931')).toEqual(['CHOC']);
    expect(search('4012')).toEqual([]);
  });

  it('keeps the spelling index with the catalogue: a renamed product’s old word is gone, its new one corrects', async () => {
    await catalog.importCsv({ csv: 'sku,name\nCHOC,Dark truffle bar 100g\n' });
    expect(search('choclate')).toEqual([]);
    expect(search('trufle')).toEqual(['CHOC']);
    const words = journal.db.prepare('SELECT word FROM catalog_words').pluck().all();
    expect(words).not.toContain('chocolate');
    expect(words).toContain('truffle');
  });

  it('counts transpositions as one edit', () => {
    expect(editDistance('chocolate', 'chcoolate')).toBe(1);
    expect(editDistance('chocolate', 'choclate')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });
});

describe('ranking over every match', () => {
  it('puts the best bm25 match first even when it is the newest of more than 1,000', async () => {
    const rows = Array.from(
      { length: 1500 },
      (_, i) => `OLD-${i},Organic apple juice cloudy pressed blend family size ${i},3.00`,
    );
    await catalog.importCsv({ csv: ['sku,name,price', ...rows].join('\n') });
    await catalog.importCsv({ csv: 'sku,name,price\nBEST,Organic apple,1.00\n' });
    expect(search('organic apple', 5)[0]).toBe('BEST');
    expect(search('organic', 5)[0]).toBe('BEST');
  });
});

describe('departments', () => {
  it('lists departments with active products, kept as products come, move and go inactive', async () => {
    expect(catalog.grid({ department: null, limit: 1 }).departments).toEqual(['Dairy', 'Meat', 'Produce', 'Snacks']);
    await catalog.importCsv({ csv: 'sku,department,active\nCHOPS,Butcher,yes\nBAN,Produce,no\n' });
    expect(catalog.grid({ department: null, limit: 1 }).departments).toEqual(['Butcher', 'Dairy', 'Snacks']);
  });
});

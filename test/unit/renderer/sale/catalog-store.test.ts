import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import type { Timers } from '../../../../src-renderer/api/timers';
import { createCatalogStore } from '../../../../src-renderer/sale/catalog-store';
import { fakeTransport, settle } from '../fake-transport';

const product = (name: string) => ({
  id: name,
  sku: name,
  name,
  barcode: null,
  plu: null,
  price: 100,
  unit: 'each' as const,
  department: 'Dairy',
  taxCodes: [],
});

describe('catalog store', () => {
  it('searches once typing pauses, with the last text only', async () => {
    const callbacks: (() => void)[] = [];
    const timers: Timers = {
      setTimeout: (callback) => callbacks.push(callback),
      clearTimeout: (handle) => {
        callbacks[(handle as number) - 1] = () => {};
      },
    };
    const transport = fakeTransport({ 'pos:catalog.search': ({ query }) => [product(`${query}!`)] });
    const catalog = createCatalogStore(createClient(transport), { timers });
    catalog.getState().setQuery('m');
    catalog.getState().setQuery('mi');
    catalog.getState().setQuery('mil');
    callbacks.forEach((callback) => callback());
    await settle();
    expect(transport.calls).toEqual([{ channel: 'pos:catalog.search', payload: { query: 'mil', limit: 12 } }]);
    expect(catalog.getState().results.map((p) => p.name)).toEqual(['mil!']);
    catalog.getState().clearSearch();
    expect(catalog.getState()).toMatchObject({ query: '', results: [] });
  });

  it('loads the grid for a department', async () => {
    const transport = fakeTransport({
      'pos:catalog.grid': ({ department }) => ({
        departments: ['Dairy', 'Bakery'],
        products: [product(String(department))],
      }),
    });
    const catalog = createCatalogStore(createClient(transport));
    await catalog.getState().loadGrid('Bakery');
    expect(catalog.getState()).toMatchObject({ department: 'Bakery', departments: ['Dairy', 'Bakery'] });
    expect(catalog.getState().products[0].name).toBe('Bakery');
  });
});

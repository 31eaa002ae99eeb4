/**
 * Product search (debounced, newest answer wins) and the department grid. The catalogue
 * stays in main's SQLite; the renderer only ever holds one page of it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ProductView } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { errorText } from '../api/client-error';
import { realTimers, type Timers } from '../api/timers';

export interface CatalogState {
  query: string;
  results: ProductView[];
  departments: string[];
  department: string | null;
  products: ProductView[];
  error: string | null;
  /** Sets the search text; the search runs once typing pauses. */
  setQuery(query: string): void;
  clearSearch(): void;
  loadGrid(department?: string | null): Promise<void>;
}

export type CatalogStore = StoreApi<CatalogState>;

export interface CatalogStoreOptions {
  debounceMs?: number;
  timers?: Timers;
}

const SEARCH_LIMIT = 12;

export function createCatalogStore(client: PosClient, options: CatalogStoreOptions = {}): CatalogStore {
  const { debounceMs = 150, timers = realTimers } = options;
  let pending: unknown = null;
  let searchSeq = 0;
  let gridSeq = 0;

  return createStore<CatalogState>()((set, get) => {
    async function search(query: string, seq: number): Promise<void> {
      try {
        const results = await client.invoke('pos:catalog.search', { query, limit: SEARCH_LIMIT });
        if (seq === searchSeq) set({ results, error: null });
      } catch (error) {
        if (seq === searchSeq) set({ results: [], error: errorText(error) });
      }
    }

    return {
      query: '',
      results: [],
      departments: [],
      department: null,
      products: [],
      error: null,

      setQuery(query) {
        if (pending !== null) timers.clearTimeout(pending);
        pending = null;
        const seq = ++searchSeq;
        set({ query });
        if (!query.trim()) return set({ results: [], error: null });
        pending = timers.setTimeout(() => {
          pending = null;
          void search(query.trim(), seq);
        }, debounceMs);
      },

      clearSearch() {
        get().setQuery('');
      },

      async loadGrid(department = get().department) {
        const seq = ++gridSeq;
        set({ department });
        try {
          const grid = await client.invoke('pos:catalog.grid', { department });
          if (seq === gridSeq) set({ departments: grid.departments, products: grid.products, error: null });
        } catch (error) {
          if (seq === gridSeq) set({ error: errorText(error) });
        }
      },
    };
  });
}

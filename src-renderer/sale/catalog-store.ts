/**
 * Product search (debounced, newest answer wins) and the department grid. The catalogue
 * stays in main's SQLite; the renderer only ever holds one page of it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ProductView } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { realTimers, type Timers } from '../api/timers';
import { latest } from '../common/latest';

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
  const searches = latest();
  const grids = latest();

  return createStore<CatalogState>()((set, get) => {
    function search(query: string): Promise<void> {
      return searches(
        () => client.invoke('pos:catalog.search', { query, limit: SEARCH_LIMIT }),
        (results) => set({ results, error: null }),
        (failure) => set({ results: [], error: failure.message }),
      );
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
        // A search still out for the old text must not land over the new one.
        searches.supersede();
        set({ query });
        if (!query.trim()) return set({ results: [], error: null });
        pending = timers.setTimeout(() => {
          pending = null;
          void search(query.trim());
        }, debounceMs);
      },

      clearSearch() {
        get().setQuery('');
      },

      loadGrid(department = get().department) {
        set({ department });
        return grids(
          () => client.invoke('pos:catalog.grid', { department }),
          (grid) => set({ departments: grid.departments, products: grid.products, error: null }),
          (failure) => set({ error: failure.message }),
        );
      },
    };
  });
}

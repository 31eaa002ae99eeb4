/** Past orders (`pos:orders.history`): search by number or text, page back by number. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { OrderSummary } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { latest } from '../common/latest';

export interface HistoryState {
  query: string;
  rows: OrderSummary[];
  loading: boolean;
  /** False once a page came back shorter than asked. */
  more: boolean;
  error: string | null;
  search(query: string): Promise<void>;
  loadOlder(): Promise<void>;
}

export type HistoryStore = StoreApi<HistoryState>;

const PAGE = 50;

export function createHistoryStore(client: PosClient): HistoryStore {
  const pages = latest();
  return createStore<HistoryState>()((set, get) => {
    function fetchPage(query: string, beforeNumber: number | null): Promise<void> {
      set({ loading: true, error: null });
      return pages(
        () => client.invoke('pos:orders.history', { query, limit: PAGE, beforeNumber }),
        (page) => {
          const rows = beforeNumber === null ? page : [...get().rows, ...page];
          set({ rows, more: page.length === PAGE, loading: false });
        },
        (failure) => set({ loading: false, error: failure.message }),
      );
    }

    return {
      query: '',
      rows: [],
      loading: false,
      more: false,
      error: null,
      search(query) {
        set({ query });
        return fetchPage(query.trim(), null);
      },
      loadOlder() {
        const last = get().rows.at(-1);
        return last ? fetchPage(get().query.trim(), last.number) : Promise.resolve();
      },
    };
  });
}

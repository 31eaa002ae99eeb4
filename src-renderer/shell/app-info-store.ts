/** Station facts from main (`pos:app.info`): demo mode, store, quick-cash amounts, tenders. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppInfo } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { errorText } from '../api/client-error';

export interface AppInfoState {
  info: AppInfo | null;
  error: string | null;
  load(): Promise<void>;
}

export type AppInfoStore = StoreApi<AppInfoState>;

export function createAppInfoStore(client: PosClient): AppInfoStore {
  return createStore<AppInfoState>()((set) => ({
    info: null,
    error: null,
    async load() {
      try {
        set({ info: await client.invoke('pos:app.info', {}), error: null });
      } catch (error) {
        set({ error: errorText(error) });
      }
    },
  }));
}

/** Which screen the signed-in cashier sees. Login and lock are the session's, not here. */
import { createStore, type StoreApi } from 'zustand/vanilla';

/** Screens of the signed-in workspace; 'devices' and 'manager' are the admin screens. */
export type Screen = 'sale' | 'tender' | 'receipt' | 'history' | 'shift' | 'devices' | 'manager';

export interface NavState {
  screen: Screen;
  /** Where the receipt on screen came from: a sale that just completed, or history. */
  receiptFrom: 'sale' | 'history';
  /** Bumped by F2: the scan/search box focuses itself when it changes. */
  searchFocus: number;
  go(screen: Screen): void;
  showReceipt(from: 'sale' | 'history'): void;
  focusSearch(): void;
}

export type NavStore = StoreApi<NavState>;

export function createNavStore(): NavStore {
  return createStore<NavState>()((set) => ({
    screen: 'sale',
    receiptFrom: 'sale',
    searchFocus: 0,
    go: (screen) => set({ screen }),
    showReceipt: (from) => set({ screen: 'receipt', receiptFrom: from }),
    focusSearch: () => set((state) => ({ screen: 'sale', searchFocus: state.searchFocus + 1 })),
  }));
}

/** The receipt on screen (`pos:orders.receipt`); a reprint asks main for the COPY. */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Receipt } from '../../src-shared/receipt';
import type { PosClient } from '../api/client';
import { errorText } from '../api/client-error';

export interface ReceiptState {
  orderId: string | null;
  receipt: Receipt | null;
  loading: boolean;
  error: string | null;
  load(orderId: string, copy: boolean): Promise<void>;
  reprint(): Promise<void>;
}

export type ReceiptStore = StoreApi<ReceiptState>;

export function createReceiptStore(client: PosClient): ReceiptStore {
  let seq = 0;
  return createStore<ReceiptState>()((set, get) => ({
    orderId: null,
    receipt: null,
    loading: false,
    error: null,
    async load(orderId, copy) {
      const mine = ++seq;
      set({ orderId, loading: true, error: null, ...(get().orderId === orderId ? {} : { receipt: null }) });
      try {
        const receipt = await client.invoke('pos:orders.receipt', { orderId, copy });
        if (mine === seq) set({ receipt, loading: false });
      } catch (error) {
        if (mine === seq) set({ loading: false, error: errorText(error) });
      }
    },
    async reprint() {
      const { orderId } = get();
      if (orderId) await get().load(orderId, true);
    },
  }));
}

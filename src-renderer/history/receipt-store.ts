/**
 * The receipt on screen (`pos:orders.receipt`, the shared receipt model) and the order
 * behind it (`pos:orders.get`), whose card and wallet payments the receipt screen lists
 * with their void / refund actions. The order follows `pos:order.changed`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { OrderView } from '../../src-shared/domain';
import type { Receipt } from '../../src-shared/receipt';
import type { PosClient } from '../api/client';
import { errorText } from '../api/client-error';
import { latest } from '../common/latest';

export interface ReceiptState {
  orderId: string | null;
  receipt: Receipt | null;
  /** The order as main reports it now (payments voided or refunded after the sale show here). */
  order: OrderView | null;
  loading: boolean;
  error: string | null;
  load(orderId: string, copy: boolean): Promise<void>;
  /** Shows the COPY view (printing the copy is the devices store's). */
  reprint(): Promise<void>;
}

export type ReceiptStore = StoreApi<ReceiptState>;

export function createReceiptStore(client: PosClient): ReceiptStore {
  const reads = latest();
  const store = createStore<ReceiptState>()((set, get) => ({
    orderId: null,
    receipt: null,
    order: null,
    loading: false,
    error: null,
    load(orderId, copy) {
      set({
        orderId,
        loading: true,
        error: null,
        ...(get().orderId === orderId ? {} : { receipt: null, order: null }),
      });
      const both = () =>
        Promise.allSettled([
          client.invoke('pos:orders.receipt', { orderId, copy }),
          client.invoke('pos:orders.get', { orderId }),
        ]);
      return reads(both, ([receipt, order]) => {
        // The receipt is what the screen is for; a failed order read only hides the payment actions.
        if (order.status === 'fulfilled') set({ order: order.value });
        if (receipt.status === 'fulfilled') set({ receipt: receipt.value, loading: false });
        else set({ loading: false, error: errorText(receipt.reason) });
      });
    },
    async reprint() {
      const { orderId } = get();
      if (orderId) await get().load(orderId, true);
    },
  }));

  client.on('pos:order.changed', (order) => {
    if (order.id === store.getState().orderId) store.setState({ order });
  });

  return store;
}

/**
 * Refunds of a completed sale (`pos:refunds.*`): what is still refundable per line and
 * per tender, the refunds already made with their receipts, and a new refund by lines
 * and quantities or by amount, back to the original payment or to cash. Main prices the
 * refund and checks the approval; this only asks and shows. A refund going back through
 * a card or wallet provider stays pending until its attempt is decided, so the list is
 * read again when one of the sale's payments changes.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelInput } from '../../src-shared/contract';
import type { Receipt } from '../../src-shared/receipt';
import type { Refundable, RefundView } from '../../src-shared/report';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';
import { withApproval, type Approval } from './approval';
import { isQuiet } from './busy-call';

export type RefundTo = NonNullable<ChannelInput<'pos:refunds.create'>['to']>;

/** A refund as the dialog collects it: lines with quantities, or an amount. */
export type RefundRequest =
  | { lines: { lineId: string; qtyMilli: number }[]; to: RefundTo; reason: string }
  | { amount: number; to: RefundTo; reason: string };

export interface RefundState {
  orderId: string | null;
  /** What can still go back; null until read, or when the sale cannot be refunded. */
  refundable: Refundable | null;
  /** Refunds of the sale, oldest first. */
  refunds: RefundView[];
  /** The refund just made on this sale, shown with its status. */
  last: RefundView | null;
  /** A refund's receipt on screen. */
  receipt: { refundId: string; receipt: Receipt } | null;
  loading: boolean;
  error: string | null;
  /** Reads what the sale can still refund and its past refunds. */
  load(orderId: string): Promise<void>;
  /** Resolves with null once main made the refund, else the sentence for the approval dialog. */
  create(request: RefundRequest, approval?: Approval): Promise<string | null>;
  showReceipt(refundId: string): Promise<void>;
  closeReceipt(): void;
}

export type RefundStore = StoreApi<RefundState>;


/** "Cash $1.36 · Card $4.00": where the money of a refund went. */
export function refundTendersText(refund: RefundView, money: (minor: number) => string): string {
  const words = { cash: 'Cash', card: 'Card', wallet: 'Wallet' } as const;
  return refund.tenders.map((t) => `${words[t.kind]} ${money(t.amount)}${t.state === 'approved' ? '' : ` (${t.state})`}`).join(' · ');
}

export const REFUND_STATUS_TEXT = { pending: 'In progress', completed: 'Completed', failed: 'Failed' } as const;

export function createRefundStore(client: PosClient): RefundStore {
  let seq = 0;

  const store = createStore<RefundState>()((set, get) => {
    /** Reads both lists of the sale; an older read answering late is dropped. */
    async function read(orderId: string): Promise<void> {
      const mine = ++seq;
      const [refundable, refunds] = await Promise.allSettled([
        client.invoke('pos:refunds.refundable', { orderId }),
        client.invoke('pos:refunds.forOrder', { orderId }),
      ]);
      if (mine !== seq) return;
      const failed = [refundable, refunds].find((r) => r.status === 'rejected');
      const failure = failed ? toClientError(failed.reason) : null;
      const refundList = refunds.status === 'fulfilled' ? refunds.value : get().refunds;
      const last = get().last;
      set({
        refundable: refundable.status === 'fulfilled' ? refundable.value : null,
        refunds: refundList,
        last: last ? (refundList.find((r) => r.id === last.id) ?? last) : null,
        loading: false,
        // A sale that is not completed simply has nothing to refund.
        error: failure && !isQuiet(failure.code) && failure.code !== 'CONFLICT' ? failure.message : null,
      });
    }

    return {
      orderId: null,
      refundable: null,
      refunds: [],
      last: null,
      receipt: null,
      loading: false,
      error: null,

      async load(orderId) {
        if (get().orderId !== orderId) set({ orderId, refundable: null, refunds: [], last: null, receipt: null });
        set({ loading: true, error: null });
        await read(orderId);
      },

      async create(request, approval) {
        const orderId = get().orderId;
        if (!orderId) return 'Open a sale first.';
        try {
          const refund = await client.invoke('pos:refunds.create', { orderId, ...request, ...withApproval(approval) });
          if (get().orderId === orderId) set({ last: refund, refunds: [...get().refunds.filter((r) => r.id !== refund.id), refund] });
          void read(orderId);
          return null;
        } catch (error) {
          return toClientError(error).message;
        }
      },

      async showReceipt(refundId) {
        try {
          const receipt = await client.invoke('pos:refunds.receipt', { refundId, copy: false });
          set({ receipt: { refundId, receipt }, error: null });
        } catch (error) {
          const failure = toClientError(error);
          if (!isQuiet(failure.code)) set({ error: failure.message });
        }
      },

      closeReceipt: () => set({ receipt: null }),
    };
  });

  client.on('pos:payment.changed', (attempt) => {
    // A provider refund of this sale moved on: its refund's status may have too.
    const { orderId, refunds } = store.getState();
    if (orderId && attempt.orderId === orderId && attempt.kind === 'refund' && refunds.length > 0) void store.getState().load(orderId);
  });

  return store;
}

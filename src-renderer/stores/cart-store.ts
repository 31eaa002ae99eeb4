/**
 * The open order as main prices it. Main owns the cart: every change is a call, and the
 * order comes back from the reply or from `pos:order.changed`; nothing is priced here.
 * Also holds the message area's latest notice (scan results and cart errors).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelInput } from '../../src-shared/contract';
import type { LineView, OrderView, ScanKind } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';

export type ScanSource = ChannelInput<'pos:cart.scan'>['source'];
export type DiscountInput = NonNullable<ChannelInput<'pos:cart.setOrderDiscount'>['discount']>;

export interface Notice {
  /** Grows with every notice, so the same words said twice are announced twice. */
  id: number;
  tone: 'info' | 'error';
  text: string;
}

export interface CartState {
  /** The order being rung up (status open), or the one that just left the till until the next is loaded. */
  order: OrderView | null;
  /** The last order seen leaving 'open' (completed or cancelled). */
  finished: OrderView | null;
  notice: Notice | null;
  load(): Promise<void>;
  scan(code: string, source: ScanSource): Promise<ScanKind | null>;
  addProduct(productId: string, qty?: number): Promise<boolean>;
  setQuantity(lineId: string, qtyMilli: number): Promise<boolean>;
  removeLine(lineId: string): Promise<boolean>;
  setLineDiscount(lineId: string, discount: DiscountInput | null): Promise<boolean>;
  setOrderDiscount(discount: DiscountInput | null): Promise<boolean>;
  cancel(): Promise<boolean>;
  /** Takes an order main sent (reply or event). */
  applyOrder(order: OrderView): void;
  say(tone: Notice['tone'], text: string): void;
  clearNotice(): void;
}

export type CartStore = StoreApi<CartState>;

/** The line a scan or add touched: a new line, else one whose quantity changed, else the last. */
export function touchedLine(before: OrderView | null, after: OrderView): LineView | undefined {
  const previous = new Map((before?.id === after.id ? before.lines : []).map((line) => [line.id, line]));
  return (
    after.lines.find((line) => !previous.has(line.id)) ??
    after.lines.find((line) => previous.get(line.id)?.qtyMilli !== line.qtyMilli) ??
    after.lines.at(-1)
  );
}

function scanNotice(kind: ScanKind, line: LineView | undefined): string {
  switch (kind) {
    case 'wallet':
      return 'Wallet code read: payment starting';
    case 'badge':
      return 'Badge scanned';
    default:
      return line ? `Added ${line.name}` : 'Scanned';
  }
}

export function createCartStore(client: PosClient): CartStore {
  let noticeId = 0;

  const store = createStore<CartState>()((set, get) => {
    function say(tone: Notice['tone'], text: string): void {
      noticeId += 1;
      set({ notice: { id: noticeId, tone, text } });
    }

    /** Runs one cart call; failures become the notice. Auth failures are the session's to show. */
    async function change(call: () => Promise<OrderView>): Promise<boolean> {
      try {
        get().applyOrder(await call());
        return true;
      } catch (error) {
        const failure = toClientError(error);
        if (failure.code !== 'NOT_AUTHENTICATED' && failure.code !== 'SESSION_LOCKED') say('error', failure.message);
        return false;
      }
    }

    return {
      order: null,
      finished: null,
      notice: null,

      async load() {
        await change(() => client.invoke('pos:cart.current', {}));
      },

      async scan(code, source) {
        const before = get().order;
        try {
          const { kind, order } = await client.invoke('pos:cart.scan', { code, source });
          get().applyOrder(order);
          say('info', scanNotice(kind, kind === 'product' || kind.endsWith('embedded') ? touchedLine(before, order) : undefined));
          return kind;
        } catch (error) {
          // Main words the refusal (unknown code, bad check digit, wallet not set up) and
          // masks what must not be shown; its message is shown as is.
          const failure = toClientError(error);
          if (failure.code !== 'NOT_AUTHENTICATED' && failure.code !== 'SESSION_LOCKED') say('error', failure.message);
          return null;
        }
      },

      async addProduct(productId, qty = 1) {
        const before = get().order;
        const ok = await change(() => client.invoke('pos:cart.addProduct', { productId, qty }));
        const order = get().order;
        if (ok && order) say('info', scanNotice('product', touchedLine(before, order)));
        return ok;
      },

      setQuantity: (lineId, qtyMilli) => change(() => client.invoke('pos:cart.setQuantity', { lineId, qtyMilli })),
      removeLine: (lineId) => change(() => client.invoke('pos:cart.removeLine', { lineId })),
      setLineDiscount: (lineId, discount) => change(() => client.invoke('pos:cart.setLineDiscount', { lineId, discount })),
      setOrderDiscount: (discount) => change(() => client.invoke('pos:cart.setOrderDiscount', { discount })),

      async cancel() {
        const ok = await change(() => client.invoke('pos:cart.cancel', {}));
        if (ok) {
          say('info', 'Sale cancelled');
          if (get().order?.status !== 'open') await get().load();
        }
        return ok;
      },

      applyOrder(order) {
        if (order.status === 'open') return set({ order });
        // An order leaving the till: it stays on screen only if it is the one on screen
        // (a late event about an earlier order must not replace the new cart).
        const current = get().order;
        set(!current || current.id === order.id ? { order, finished: order } : { finished: order });
      },

      say,
      clearNotice: () => set({ notice: null }),
    };
  });

  client.on('pos:order.changed', (order) => store.getState().applyOrder(order));
  client.on('pos:scan.received', (scan) => {
    if (scan.error) store.getState().say('error', scan.error);
    else store.getState().say('info', scan.kind === 'wallet' ? 'Wallet code read: payment starting' : `Scanned ${scan.display}`);
  });

  return store;
}

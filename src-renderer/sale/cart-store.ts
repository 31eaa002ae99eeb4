/**
 * The open order as main prices it. Main owns the cart: every change is a call, and the
 * order comes back from the reply or from `pos:order.changed`; nothing is priced here.
 * Also holds the message area's latest notice (scan results and cart errors).
 *
 * Voids (removing a line, lowering a quantity, cancelling the sale), discounts over the
 * limit and price overrides are protected: main answers APPROVAL_REQUIRED when the
 * signed-in user may not do them alone. The store then asks for a manager
 * (`approvalAsk`, shown by the approval dialog) and sends the SAME call again with the
 * reason and the manager's approval; the action's promise settles only once that is
 * decided, so the dialog that started it can wait for the outcome.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelInput } from '../../src-shared/contract';
import type { LineView, OrderView, ScanKind } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { toClientError, type ClientError } from '../api/client-error';
import { createApprovalWaiter, withApproval, type Approval, type Approved } from '../common/approval';
import { shownError } from '../common/shown-error';

export type ScanSource = ChannelInput<'pos:cart.scan'>['source'];
export type DiscountInput = NonNullable<ChannelInput<'pos:cart.setOrderDiscount'>['discount']>;

export interface Notice {
  /** Grows with every notice, so the same words said twice are announced twice. */
  id: number;
  tone: 'info' | 'error';
  text: string;
}

/** A protected change main refused without a manager, waiting for the approval dialog. */
export interface ApprovalAsk {
  /** Grows with every ask: a new ask is a new dialog. */
  id: number;
  title: string;
  submitLabel: string;
  /** Main's sentence: why a manager is needed. */
  message: string;
  defaultReason: string;
  /** False when the call carries no reason (discounts): the dialog does not ask for one. */
  withReason: boolean;
}

export interface CartState {
  /** The order being rung up (status open), or the one that just left the till until the next is loaded. */
  order: OrderView | null;
  /** The last order seen leaving 'open' (completed or cancelled). */
  finished: OrderView | null;
  notice: Notice | null;
  /** A protected change waiting for a manager, or null. */
  approvalAsk: ApprovalAsk | null;
  load(): Promise<void>;
  scan(code: string, source: ScanSource): Promise<ScanKind | null>;
  addProduct(productId: string, qty?: number): Promise<boolean>;
  setQuantity(lineId: string, qtyMilli: number): Promise<boolean>;
  removeLine(lineId: string): Promise<boolean>;
  setLineDiscount(lineId: string, discount: DiscountInput | null): Promise<boolean>;
  setOrderDiscount(discount: DiscountInput | null): Promise<boolean>;
  /** A new unit price for a line, with the reason (always asked). */
  overridePrice(lineId: string, unitPrice: number, reason: string): Promise<boolean>;
  cancel(): Promise<boolean>;
  /**
   * Retries the change waiting in `approvalAsk` with the manager's approval (undefined
   * when a manager is signed in). Resolves with null once main accepted it, else the
   * sentence for the dialog (a wrong PIN leaves the change waiting).
   */
  approve(approval: Approval | undefined, reason: string): Promise<string | null>;
  /** No manager approved: the waiting change is dropped and nothing changes. */
  dismissApproval(): void;
  /** Takes an order main sent (reply or event). */
  applyOrder(order: OrderView): void;
  say(tone: Notice['tone'], text: string): void;
  clearNotice(): void;
}

export type CartStore = StoreApi<CartState>;

/** The line a scan or add touched: a new line, else one whose quantity changed, else the last. */
function touchedLine(before: OrderView | null, after: OrderView): LineView | undefined {
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
    /** The call behind `approvalAsk`, until a manager approves it or the dialog is dismissed. */
    const waiter = createApprovalWaiter<OrderView, Omit<ApprovalAsk, 'id' | 'message'>>((ask) =>
      set({ approvalAsk: ask }),
    );

    function say(tone: Notice['tone'], text: string): void {
      noticeId += 1;
      set({ notice: { id: noticeId, tone, text } });
    }

    /** Auth failures are the session's to show; anything else becomes the notice. */
    function refused(failure: ClientError): false {
      const shown = shownError(failure);
      if (shown !== null) say('error', shown);
      return false;
    }

    /** Runs one cart call; failures become the notice. */
    async function change(call: () => Promise<OrderView>): Promise<boolean> {
      try {
        get().applyOrder(await call());
        return true;
      } catch (error) {
        return refused(toClientError(error));
      }
    }

    /**
     * Runs a protected call as the signed-in user; when main wants a manager, waits for
     * the approval dialog and resolves with its outcome.
     */
    async function guarded(
      ask: Omit<ApprovalAsk, 'id' | 'message'>,
      call: (extra: Approved) => Promise<OrderView>,
      first: Approved = {},
    ): Promise<boolean> {
      try {
        get().applyOrder(await call(first));
        return true;
      } catch (error) {
        const failure = toClientError(error);
        if (failure.code !== 'APPROVAL_REQUIRED') return refused(failure);
        return (await waiter.wait(ask, failure.message, call)) !== null;
      }
    }

    const lineName = (lineId: string): string =>
      get().order?.lines.find((line) => line.id === lineId)?.name ?? 'this item';

    return {
      order: null,
      finished: null,
      notice: null,
      approvalAsk: null,

      async load() {
        await change(() => client.invoke('pos:cart.current', {}));
      },

      async scan(code, source) {
        const before = get().order;
        try {
          const { kind, order } = await client.invoke('pos:cart.scan', { code, source });
          get().applyOrder(order);
          say(
            'info',
            scanNotice(kind, kind === 'product' || kind.endsWith('embedded') ? touchedLine(before, order) : undefined),
          );
          return kind;
        } catch (error) {
          // Main words the refusal (unknown code, bad check digit, wallet not set up) and
          // masks what must not be shown; its message is shown as is.
          refused(toClientError(error));
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

      setQuantity: (lineId, qtyMilli) =>
        guarded(
          {
            title: `Lower the quantity of ${lineName(lineId)}`,
            submitLabel: 'Set quantity',
            defaultReason: 'Fewer items taken',
            withReason: true,
          },
          (extra) => client.invoke('pos:cart.setQuantity', { lineId, qtyMilli, ...extra }),
        ),
      removeLine: (lineId) =>
        guarded(
          {
            title: `Remove ${lineName(lineId)}`,
            submitLabel: 'Remove item',
            defaultReason: 'Removed from the sale',
            withReason: true,
          },
          (extra) => client.invoke('pos:cart.removeLine', { lineId, ...extra }),
        ),
      // The discount channels carry no reason: only the approval is added.
      setLineDiscount: (lineId, discount) =>
        guarded(
          {
            title: `Approve the discount on ${lineName(lineId)}`,
            submitLabel: 'Apply discount',
            defaultReason: '',
            withReason: false,
          },
          ({ approval }) => client.invoke('pos:cart.setLineDiscount', { lineId, discount, ...withApproval(approval) }),
        ),
      setOrderDiscount: (discount) =>
        guarded(
          {
            title: 'Approve the discount on the whole order',
            submitLabel: 'Apply discount',
            defaultReason: '',
            withReason: false,
          },
          ({ approval }) => client.invoke('pos:cart.setOrderDiscount', { discount, ...withApproval(approval) }),
        ),
      overridePrice: (lineId, unitPrice, reason) =>
        guarded(
          {
            title: `New price for ${lineName(lineId)}`,
            submitLabel: 'Override price',
            defaultReason: reason,
            withReason: true,
          },
          (extra) => client.invoke('pos:cart.overridePrice', { lineId, unitPrice, reason, ...extra }),
          { reason },
        ),

      async cancel() {
        const ok = await guarded(
          {
            title: 'Void this sale',
            submitLabel: 'Void the sale',
            defaultReason: 'Customer cancelled the sale',
            withReason: true,
          },
          (extra) => client.invoke('pos:cart.cancel', extra),
        );
        if (ok) {
          say('info', 'Sale cancelled');
          if (get().order?.status !== 'open') await get().load();
        }
        return ok;
      },

      approve: (approval, reason) =>
        waiter.approve(
          approval,
          reason,
          (order) => get().applyOrder(order),
          (error) => toClientError(error).message,
        ),

      dismissApproval() {
        if (waiter.dismiss()) say('info', 'Nothing was changed: no manager approved it.');
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
    else
      store
        .getState()
        .say('info', scan.kind === 'wallet' ? 'Wallet code read: payment starting' : `Scanned ${scan.display}`);
  });

  return store;
}

/**
 * Refunds of a completed sale (`pos:refunds.*`, one ledger: issue 11): what is still
 * refundable (goods, tips, what refunds in flight hold) per line and per tender, the
 * refunds already made with their receipts, and a new refund by lines and quantities or
 * by amount, plus tip, back to the original payment, to cash, or recorded as done on the
 * terminal (with its reference). Main prices the refund and checks the approval; this
 * only asks and shows, and checks what the dialog collected against main's figures first.
 * A refund going back through a card or wallet provider stays pending until its attempt
 * is decided, so the list is read again when one of the sale's payments changes.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelInput } from '../../src-shared/contract';
import type { Receipt } from '../../src-shared/receipt';
import type { Refundable, RefundView } from '../../src-shared/report';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';
import { withApproval, type Approval } from '../common/approval';
import { latest } from '../common/latest';
import { showFailure, shownError } from '../common/shown-error';

export type RefundTo = NonNullable<ChannelInput<'pos:refunds.create'>['to']>;
export interface RefundLine {
  lineId: string;
  qtyMilli: number;
}

/**
 * A refund as the dialog sends it: lines with quantities, or an amount of goods (lines
 * may be empty when only the tip goes back); the tip given back, if any; and for a refund
 * done on the terminal, its reference.
 */
export type RefundRequest = ({ lines: RefundLine[] } | { amount: number }) & {
  tip?: number;
  to: RefundTo;
  evidence?: string;
  reason: string;
};

/** What the refund dialog holds before it is sent. */
export interface RefundDraft {
  mode: 'items' | 'amount';
  /** Items mode: the lines picked, each with what it is worth (an estimate: main prices the refund). */
  lines: (RefundLine & { amount: number })[];
  /** Amount mode: the goods amount typed; undefined when left empty, null when it is not an amount. */
  amount: number | null | undefined;
  /** The tip given back: 0 for none, null when the typed tip is not an amount. */
  tip: number | null;
  to: RefundTo;
  /** Refunded on the terminal: its refund receipt or reference number. */
  evidence: string;
}

type Money = (minor: number) => string;

/** Goods the draft gives back (0 while nothing is chosen). */
function draftGoods(draft: RefundDraft): number {
  return draft.mode === 'items' ? draft.lines.reduce((sum, line) => sum + line.amount, 0) : (draft.amount ?? 0);
}

/**
 * What the tenders that can take a refund `to` a destination still hold (goods and tip),
 * and the labels of card and wallet tenders that cannot (mirrors main's plan: to the
 * original payment, cash tenders and providers that refund from the till; on the
 * terminal, card and wallet tenders; to cash, all of them).
 */
function refundCover(refundable: Refundable, to: RefundTo): { goods: number; tip: number; elsewhere: string[] } {
  const usable = (t: Refundable['tenders'][number]) =>
    to === 'outside' ? t.kind !== 'cash' : to === 'cash' || t.kind === 'cash' || t.viaProvider;
  const left = refundable.tenders.filter((t) => t.refundable > 0);
  const ok = left.filter(usable);
  return {
    goods: ok.reduce((sum, t) => sum + t.refundable - t.tip, 0),
    tip: ok.reduce((sum, t) => sum + t.tip, 0),
    elsewhere: left.filter((t) => !usable(t) && t.kind !== 'cash').map((t) => t.label),
  };
}

/** "Refunded on the terminal" is offered only when a card or wallet tender has something left. */
export function canRefundOnTerminal(refundable: Refundable): boolean {
  return refundable.tenders.some((t) => t.kind !== 'cash' && t.refundable > 0);
}

/**
 * Why the draft's destination cannot take it, before anything is sent (e.g. an IOTPay PAX
 * card, which the till cannot refund: it is refunded on the terminal, or in cash), or null.
 */
export function refundShortfall(draft: RefundDraft, refundable: Refundable, money: Money): string | null {
  if (draft.to === 'cash') return null;
  const cover = refundCover(refundable, draft.to);
  const goods = draftGoods(draft);
  const tip = draft.tip ?? 0;
  const nothing = cover.goods + cover.tip === 0;
  if (goods <= cover.goods && tip <= cover.tip && !(nothing && draft.to === 'original' && cover.elsewhere.length > 0))
    return null;
  if (draft.to === 'original' && cover.elsewhere.length > 0) {
    const them = cover.elsewhere.length > 1 ? 'them' : 'it';
    return `${cover.elsewhere.join(', ')} cannot be refunded from the till: refund ${them} on the terminal and record ${them}, or refund to cash.`;
  }
  if (draft.to === 'outside')
    return `Only card and wallet payments are refunded on the terminal (at most ${money(cover.goods + cover.tip)} here): refund the rest to cash.`;
  return 'The payments of this sale cannot take this refund back: refund to cash.';
}

/** Checks a draft against what main says is still refundable: null, or the sentence that stops the submit. */
export function refundProblem(draft: RefundDraft, refundable: Refundable, money: Money): string | null {
  const tip = draft.tip;
  if (tip === null || tip < 0) return 'Enter the tip to refund, for example 2.00.';
  if (tip > refundable.tips)
    return refundable.tips > 0
      ? `At most ${money(refundable.tips)} of tip can still be refunded on this sale.`
      : 'No tip is left to refund on this sale.';
  if (draft.mode === 'items') {
    if (draft.lines.length === 0 && tip === 0)
      return refundable.tips > 0
        ? 'Choose at least one item to refund, or the tip.'
        : 'Choose at least one item to refund.';
  } else if (draft.amount !== undefined || tip === 0) {
    if (draft.amount === undefined || draft.amount === null || draft.amount <= 0)
      return 'Enter the amount to refund, for example 5.00.';
    if (draft.amount > refundable.total)
      return `At most ${money(refundable.total)} can still be refunded on this sale.`;
  }
  if (draft.to === 'outside' && !canRefundOnTerminal(refundable))
    return 'Nothing on this sale was paid by card or wallet: refund it to cash.';
  if (draft.to === 'outside' && !draft.evidence.trim())
    return "Enter the terminal refund reference (the number on the terminal's refund receipt).";
  return refundShortfall(draft, refundable, money);
}

/** The request for a draft refundProblem accepted. */
export function refundRequest(draft: RefundDraft, reason: string): RefundRequest {
  const goods =
    draft.mode === 'items' || draft.amount === undefined || draft.amount === null
      ? { lines: draft.mode === 'items' ? draft.lines.map(({ lineId, qtyMilli }) => ({ lineId, qtyMilli })) : [] }
      : { amount: draft.amount };
  return {
    ...goods,
    ...(draft.tip ? { tip: draft.tip } : {}),
    to: draft.to,
    ...(draft.to === 'outside' ? { evidence: draft.evidence.trim() } : {}),
    reason,
  };
}

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

const TENDER_WORDS = { cash: 'Cash', card: 'Card', wallet: 'Wallet' } as const;

/** "Cash $1.36 · Card $4.00 (sending) · Card $2.00 on the terminal": where the money of a refund went. */
export function refundTendersText(refund: RefundView, money: Money): string {
  return refund.tenders
    .map((t) => {
      const where = t.via === 'outside' ? ' on the terminal' : '';
      const state = t.status === 'done' ? '' : ` (${t.status === 'failed' && t.state === 'done' ? 'failed' : t.state})`;
      return `${TENDER_WORDS[t.kind]} ${money(t.amount)}${where}${state}`;
    })
    .join(' · ');
}

export const REFUND_STATUS_TEXT = {
  pending: 'In progress',
  completed: 'Completed',
  partial: 'Partly given back',
  failed: 'Failed',
} as const satisfies Record<RefundView['status'], string>;

export const REFUND_KIND_TEXT = {
  refund: 'Refund',
  void: 'Payment void',
  reversal: 'Reversal',
  outside: 'Refunded on terminal',
  accepted: 'Late approval accepted',
} as const satisfies Record<RefundView['kind'], string>;

/** "$5.50" when all of it went back, else "$2.00 of $5.50" (a part in flight or failed). */
export function givenBackText(refund: RefundView, money: Money): string {
  return refund.givenBack === refund.amount
    ? money(refund.amount)
    : `${money(refund.givenBack)} of ${money(refund.amount)}`;
}

export function createRefundStore(client: PosClient): RefundStore {
  const reads = latest();

  const store = createStore<RefundState>()((set, get) => {
    /** Reads both lists of the sale; an older read answering late is dropped. */
    function read(orderId: string): Promise<void> {
      const both = () =>
        Promise.allSettled([
          client.invoke('pos:refunds.refundable', { orderId }),
          client.invoke('pos:refunds.forOrder', { orderId }),
        ]);
      return reads(both, ([refundable, refunds]) => {
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
          error: failure && failure.code !== 'CONFLICT' ? shownError(failure) : null,
        });
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
          if (get().orderId === orderId)
            set({ last: refund, refunds: [...get().refunds.filter((r) => r.id !== refund.id), refund] });
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
          showFailure(set, error);
        }
      },

      closeReceipt: () => set({ receipt: null }),
    };
  });

  client.on('pos:payment.changed', (attempt) => {
    // A payment of this sale moved on: a provider refund or void decided, a late approval
    // reversed, refunded on the terminal or accepted. Its ledger record and what is left
    // may have changed too; main's figures are read again (payment events are few).
    const { orderId } = store.getState();
    if (orderId && attempt.orderId === orderId) void store.getState().load(orderId);
  });

  return store;
}

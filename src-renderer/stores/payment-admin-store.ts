/**
 * What a manager does to card and wallet payments after the sale: void, refund (in
 * part or in full), and settle a payment whose outcome main could not learn (DESIGN §6
 * rule 4), plus the list of payments that need attention (unresolved attempts and late
 * approvals flagged by the engine, rule 6). Every action carries a manager's approval;
 * main checks it. The resulting attempts are handed to the payment store, which keeps
 * the newest state of every attempt from `pos:payment.changed`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelInput, ChannelOutput } from '../../src-shared/contract';
import { UNRESOLVED_ATTEMPT_STATES, type AttemptView } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';
import { isAttemptOpen } from '../format/attempt-text';
import { withApproval, type Approval } from './approval';

export { withApproval, type Approval } from './approval';

export type SettleOutcome = ChannelInput<'pos:payments.settle'>['outcome'];
export type Resolution = ChannelInput<'pos:payments.resolve'>['resolution'];
export type ForeignAnswer = ChannelOutput<'pos:payments.attention'>['foreign'][number];

export interface PaymentAdminState {
  loaded: boolean;
  loading: boolean;
  unresolved: AttemptView[];
  flagged: AttemptView[];
  /** Provider answers that carried someone else's keys: kept for the manager, never applied. */
  foreign: ForeignAnswer[];
  error: string | null;
  /** Re-reads the attention list. */
  loadAttention(): Promise<void>;
  /** Each action resolves with null once main accepted it, else the sentence to show in the approval dialog. */
  voidPayment(attemptId: string, reason: string, approval?: Approval): Promise<string | null>;
  refundPayment(attemptId: string, amount: number, reason: string, approval?: Approval): Promise<string | null>;
  settlePayment(attemptId: string, outcome: SettleOutcome, evidence: string, reason: string, approval?: Approval): Promise<string | null>;
  /** Take another payment while this one is still being checked (the customer walked away); main audits the risk. */
  releasePayment(attemptId: string, reason: string, approval?: Approval): Promise<string | null>;
  /** Close a flag with evidence (a refund done on the terminal, a contradiction looked into). */
  resolvePayment(attemptId: string, resolution: Resolution, evidence: string, reason: string, approval?: Approval): Promise<string | null>;
}

export type PaymentAdminStore = StoreApi<PaymentAdminState>;

/** A sale attempt a manager may void or refund: approved and not (fully) reversed. */
export function isReversible(attempt: AttemptView): boolean {
  return attempt.kind === 'sale' && (attempt.state === 'approved' || attempt.state === 'partially_refunded' || attempt.state === 'needs_reversal') && attempt.refundable > 0;
}

/** A sale whose outcome is still open and that still blocks its order: a manager may let the order take another payment. */
export function canRelease(attempt: AttemptView): boolean {
  return attempt.kind === 'sale' && !attempt.released && (attempt.state === 'cancelling' || attempt.state === 'unknown' || attempt.state === 'pending');
}

/** A flag a manager can close: money given back outside the till, or anything else once looked into. */
export function resolutionFor(attempt: AttemptView): Resolution | null {
  if (!attempt.needsAttention || UNRESOLVED_ATTEMPT_STATES.includes(attempt.state)) return null;
  return attempt.needsAttention === 'needs-reversal' ? 'refunded-elsewhere' : 'acknowledged';
}

/** Void takes back the whole payment, so only one untouched by refunds. */
export function canVoid(attempt: AttemptView): boolean {
  return attempt.kind === 'sale' && (attempt.state === 'approved' || attempt.state === 'needs_reversal');
}

/** A void or refund of this sale attempt is still on its way. */
export function hasReversalInFlight(attempt: AttemptView, all: readonly AttemptView[]): boolean {
  return all.some((other) => other.kind !== 'sale' && other.orderId === attempt.orderId && isAttemptOpen(other));
}

export function createPaymentAdminStore(client: PosClient, hooks: { receive(attempt: AttemptView): void }): PaymentAdminStore {
  let seq = 0;

  const store = createStore<PaymentAdminState>()((set, get) => {
    async function act(call: () => Promise<AttemptView>): Promise<string | null> {
      try {
        const attempt = await call();
        hooks.receive(attempt);
        if (get().loaded) void get().loadAttention();
        return null;
      } catch (error) {
        return toClientError(error).message;
      }
    }

    return {
      loaded: false,
      loading: false,
      unresolved: [],
      flagged: [],
      foreign: [],
      error: null,

      async loadAttention() {
        const mine = ++seq;
        set({ loading: true, error: null });
        try {
          const { unresolved, flagged, foreign } = await client.invoke('pos:payments.attention', {});
          if (mine === seq) set({ unresolved, flagged, foreign, loaded: true, loading: false });
        } catch (error) {
          const failure = toClientError(error);
          if (mine === seq) set({ loading: false, error: failure.code === 'NOT_AUTHENTICATED' || failure.code === 'SESSION_LOCKED' ? null : failure.message });
        }
      },

      voidPayment: (attemptId, reason, approval) => act(() => client.invoke('pos:payments.void', { attemptId, reason, ...withApproval(approval) })),
      refundPayment: (attemptId, amount, reason, approval) =>
        act(() => client.invoke('pos:payments.refund', { attemptId, amount, reason, ...withApproval(approval) })),
      settlePayment: (attemptId, outcome, evidence, reason, approval) =>
        act(() => client.invoke('pos:payments.settle', { attemptId, outcome, evidence, reason, ...withApproval(approval) })),
      releasePayment: (attemptId, reason, approval) => act(() => client.invoke('pos:payments.release', { attemptId, reason, ...withApproval(approval) })),
      resolvePayment: (attemptId, resolution, evidence, reason, approval) =>
        act(() => client.invoke('pos:payments.resolve', { attemptId, resolution, evidence, reason, ...withApproval(approval) })),
    };
  });

  client.on('pos:payment.changed', () => {
    // Any change may add to the list (an attempt gone unknown, a late approval flagged) or
    // clear it; which ones need attention is main's to say. Payment events are few.
    if (store.getState().loaded) void store.getState().loadAttention();
  });

  return store;
}

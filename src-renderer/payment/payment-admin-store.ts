/**
 * What a manager does to card and wallet payments after the sale: void, refund (in
 * part or in full), settle a payment whose outcome main could not learn (DESIGN §6
 * rule 4), resolve a flag (a late approval refunded on the terminal or accepted as the
 * sale's tender, anything else looked into), capture a held pre-authorisation and change
 * a tip, plus the list of payments that need attention (unresolved attempts and late
 * approvals flagged by the engine, rule 6). Every action carries a manager's approval
 * except a tip change within the store's limit; main checks it. The resulting attempts
 * are handed to the payment store, which keeps the newest state of every attempt from
 * `pos:payment.changed`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { isUnresolved } from '../../src-shared/attempt-states';
import type { ChannelInput, ChannelOutput } from '../../src-shared/contract';
import type { AttemptView } from '../../src-shared/domain';
import type { PosClient } from '../api/client';
import { toClientError } from '../api/client-error';
import { withApproval, type Approval } from '../common/approval';
import { latest } from '../common/latest';
import { shownError } from '../common/shown-error';
import { isAttemptOpen } from './attempt-text';

export type SettleOutcome = ChannelInput<'pos:payments.settle'>['outcome'];
export type Resolution = ChannelInput<'pos:payments.resolve'>['resolution'];
export type ForeignAnswer = ChannelOutput<'pos:payments.attention'>['foreign'][number];

/**
 * A change a manager may have to approve: done (null), refused (the sentence), or main
 * wants a manager first (its sentence): ask for one, then call again with the approval.
 */
export type GuardedOutcome = null | string | { approvalRequired: string };

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
  settlePayment(
    attemptId: string,
    outcome: SettleOutcome,
    evidence: string,
    reason: string,
    approval?: Approval,
  ): Promise<string | null>;
  /** Take another payment while this one is still being checked (the customer walked away); main audits the risk. */
  releasePayment(attemptId: string, reason: string, approval?: Approval): Promise<string | null>;
  /** Close a flag with evidence (a refund done on the terminal, a late approval accepted, a contradiction looked into). */
  resolvePayment(
    attemptId: string,
    resolution: Resolution,
    evidence: string,
    reason: string,
    approval?: Approval,
  ): Promise<string | null>;
  /** Take (part of) a held pre-authorisation: a manager approves every capture. */
  capturePayment(
    attemptId: string,
    amount: number,
    tip: number,
    reason: string,
    approval?: Approval,
  ): Promise<string | null>;
  /**
   * Change the tip of an approved card sale. Within the store's limit the signed-in user
   * may; above it main wants a manager (`{ approvalRequired }`). With an approval, a
   * refusal (a wrong PIN) is the sentence for the approval dialog.
   */
  adjustTip(attemptId: string, tip: number, reason?: string, approval?: Approval): Promise<GuardedOutcome>;
}

export type PaymentAdminStore = StoreApi<PaymentAdminState>;

/** A sale attempt a manager may void or refund: approved and not (fully) reversed. */
export function isReversible(attempt: AttemptView): boolean {
  return (
    attempt.kind === 'sale' &&
    (attempt.state === 'approved' || attempt.state === 'partially_refunded' || attempt.state === 'needs_reversal') &&
    attempt.refundable > 0
  );
}

/** A sale whose outcome is still open and that still blocks its order: a manager may let the order take another payment. */
export function canRelease(attempt: AttemptView): boolean {
  // A request still going out (created, sending) is stopped first, then released.
  const goingOut = attempt.state === 'created' || attempt.state === 'sending';
  return attempt.kind === 'sale' && !attempt.released && isUnresolved(attempt.state) && !goingOut;
}

/**
 * How a manager can close a payment's flag: a late approval the customer must get back is
 * recorded as refunded on the terminal, or (while nothing of it went back) accepted as the
 * sale's payment, what the sale took another way for it going back in cash; any other flag
 * is closed once looked into. None while the payment is still being checked.
 */
export function resolutionsFor(attempt: AttemptView): Resolution[] {
  if (!attempt.needsAttention || isUnresolved(attempt.state)) return [];
  if (attempt.needsAttention !== 'needs-reversal') return ['acknowledged'];
  return attempt.state === 'needs_reversal' ? ['refunded-elsewhere', 'accepted'] : ['refunded-elsewhere'];
}

/** Void takes back the whole payment, so only one untouched by refunds. */
export function canVoid(attempt: AttemptView): boolean {
  return attempt.kind === 'sale' && (attempt.state === 'approved' || attempt.state === 'needs_reversal');
}

/** A void or refund of this sale attempt is still on its way. */
export function hasReversalInFlight(attempt: AttemptView, all: readonly AttemptView[]): boolean {
  return all.some((other) => other.kind !== 'sale' && other.orderId === attempt.orderId && isAttemptOpen(other));
}

export function createPaymentAdminStore(
  client: PosClient,
  hooks: { receive(attempt: AttemptView): void },
): PaymentAdminStore {
  const lists = latest();

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

      loadAttention() {
        set({ loading: true, error: null });
        return lists(
          () => client.invoke('pos:payments.attention', {}),
          ({ unresolved, flagged, foreign }) => set({ unresolved, flagged, foreign, loaded: true, loading: false }),
          (failure) => set({ loading: false, error: shownError(failure) }),
        );
      },

      voidPayment: (attemptId, reason, approval) =>
        act(() => client.invoke('pos:payments.void', { attemptId, reason, ...withApproval(approval) })),
      refundPayment: (attemptId, amount, reason, approval) =>
        act(() => client.invoke('pos:payments.refund', { attemptId, amount, reason, ...withApproval(approval) })),
      settlePayment: (attemptId, outcome, evidence, reason, approval) =>
        act(() =>
          client.invoke('pos:payments.settle', { attemptId, outcome, evidence, reason, ...withApproval(approval) }),
        ),
      releasePayment: (attemptId, reason, approval) =>
        act(() => client.invoke('pos:payments.release', { attemptId, reason, ...withApproval(approval) })),
      resolvePayment: (attemptId, resolution, evidence, reason, approval) =>
        act(() =>
          client.invoke('pos:payments.resolve', { attemptId, resolution, evidence, reason, ...withApproval(approval) }),
        ),
      capturePayment: (attemptId, amount, tip, reason, approval) =>
        act(() => client.invoke('pos:payments.capture', { attemptId, amount, tip, reason, ...withApproval(approval) })),

      async adjustTip(attemptId, tip, reason = '', approval) {
        try {
          const attempt = await client.invoke('pos:payments.adjustTip', {
            attemptId,
            tip,
            ...(reason ? { reason } : {}),
            ...withApproval(approval),
          });
          hooks.receive(attempt);
          if (get().loaded) void get().loadAttention();
          return null;
        } catch (error) {
          const failure = toClientError(error);
          return failure.code === 'APPROVAL_REQUIRED' && !approval
            ? { approvalRequired: failure.message }
            : failure.message;
        }
      },
    };
  });

  client.on('pos:payment.changed', () => {
    // Any change may add to the list (an attempt gone unknown, a late approval flagged) or
    // clear it; which ones need attention is main's to say. Payment events are few.
    if (store.getState().loaded) void store.getState().loadAttention();
  });

  return store;
}

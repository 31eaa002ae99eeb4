/**
 * What the parts of an attempt's lifecycle share (attempt-lifecycle.ts composes them): the
 * engine's deps, the in-memory bookkeeping of requests still out (`inFlight`), of cancels
 * still out (`cancelling`) and of scheduled checks (`timers`), whether the engine was closed,
 * and the small steps every part takes — finding an attempt's provider, describing the attempt
 * to it, telling the screens, raising a manager flag (strongest reason first) and auditing.
 */
import { toAttemptView, type AttemptRow } from '../../journal/attempt-repository';
import { parseAttemptOptions } from './attempt-options';
import { isPreauth } from './attempt-readings';
import type { EngineDeps } from './engine-deps';
import type { PaymentProvider, ProviderAttempt } from '../provider';

/** Why a manager must look at an attempt, strongest first in FLAG_RANK. */
export type AttentionReason =
  'needs-reversal' | 'over-reversal' | 'readback-mismatch' | 'contradiction' | 'config-fault' | 'released';

const FLAG_RANK: Readonly<Record<AttentionReason, number>> = {
  'needs-reversal': 6,
  'over-reversal': 5,
  'readback-mismatch': 4,
  contradiction: 3,
  'config-fault': 2,
  released: 1,
};

/** A request still out: its abort, and when its outcome has been applied. */
export interface Running {
  controller: AbortController;
  /** Settles once the provider's start() has returned and its outcome was applied. */
  done: Promise<void>;
}

/**
 * One engine's lifecycle state and shared steps, created once by `createLifecycleContext` and
 * handed to each part. The collections are shared by reference; `closed` is read live.
 */
export interface LifecycleContext {
  deps: EngineDeps;
  /** Requests whose provider start() has not returned yet. */
  inFlight: Map<string, Running>;
  /** Attempts whose provider cancel() has not returned yet: their own answer decides. */
  cancelling: Set<string>;
  /** The next scheduled check of each unresolved attempt. */
  timers: Map<string, NodeJS.Timeout>;
  /** Set once by close(): later answers are ignored and nothing new is sent or scheduled. */
  closed: boolean;
  providerFor(row: AttemptRow): PaymentProvider | null;
  /** The attempt as its provider sees it (with its original's keys for a refund, void or capture). */
  toProviderAttempt(row: AttemptRow, walletCode?: string): ProviderAttempt;
  /**
   * Tells the screens the attempt and its order changed (after the commit). `orderToo` false: only
   * the attempt's progress changed, nothing the order shows but the attempt itself (the screens
   * merge an order's attempts with the newer ones `pos:payment.changed` brought).
   */
  publish(row: AttemptRow, orderToo?: boolean): void;
  /** Raises a manager flag, never hiding a stronger one; inside the caller's transaction. */
  raiseFlag(id: string, reason: AttentionReason): void;
  /** Appends an audit entry about the attempt (its provider, order and amount included). */
  audit(action: string, row: AttemptRow, detail: Record<string, unknown>, userId?: string | null): void;
}

/** A fresh context for one engine: nothing in flight, not closed. */
export function createLifecycleContext(deps: EngineDeps): LifecycleContext {
  const { attempts } = deps;

  function providerFor(row: AttemptRow): PaymentProvider | null {
    return deps.providers.get(row.provider) ?? null;
  }

  function toProviderAttempt(row: AttemptRow, walletCode?: string): ProviderAttempt {
    const original = row.original_attempt_id ? attempts.byId(row.original_attempt_id) : null;
    return {
      id: row.id,
      orderId: row.order_id,
      kind: row.kind,
      method: row.method,
      amount: row.amount,
      tip: row.tip,
      currency: row.currency,
      reference: row.reference,
      requestId: row.request_id,
      providerRef: row.provider_ref,
      terminal: row.terminal,
      queriesSent: row.query_count,
      description: `Sale ${deps.orders.byId(row.order_id)?.number ?? ''}`.trim(),
      ...(walletCode ? { walletCode } : {}),
      ...(original
        ? {
            original: {
              reference: original.reference,
              providerRef: original.provider_ref,
              amount: original.approved_amount ?? original.amount,
              tip: original.tip,
              preauth: isPreauth(original),
            },
          }
        : {}),
      ...(row.options ? { options: parseAttemptOptions(row.options) } : {}),
    };
  }

  function publish(row: AttemptRow, orderToo = true): void {
    deps.attemptChanged(toAttemptView(row));
    if (orderToo) deps.orderChanged(row.order_id);
  }

  /**
   * Raises a manager flag on an attempt; a weaker reason never hides a stronger one (money to
   * give back outranks a set-up fault). Inside the caller's transaction.
   */
  function raiseFlag(id: string, reason: AttentionReason): void {
    const current = attempts.byId(id)?.needs_attention ?? null;
    if (current === null || FLAG_RANK[reason] >= (FLAG_RANK[current as AttentionReason] ?? 0))
      attempts.flag(id, reason);
  }

  function audit(action: string, row: AttemptRow, detail: Record<string, unknown>, userId: string | null = null): void {
    deps.audit.append({
      userId,
      action,
      object: `attempt:${row.id}`,
      detail: { provider: row.provider, orderId: row.order_id, amount: row.amount, ...detail },
    });
  }

  return {
    deps,
    inFlight: new Map<string, Running>(),
    cancelling: new Set<string>(),
    timers: new Map<string, NodeJS.Timeout>(),
    closed: false,
    providerFor,
    toProviderAttempt,
    publish,
    raiseFlag,
    audit,
  };
}

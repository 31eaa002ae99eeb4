/**
 * An attempt's life once the engine has accepted it (DESIGN.md §6): journaled and sent
 * (rule 1), its provider's answers applied or flagged (rules 6 and 7), re-checked on a
 * relative back-off counted in real queries (rule 8), and an approval the order no longer
 * needs reversed with the attempt's own keys. The engine's public operations
 * (payment-engine.ts) decide what may start; this module carries what then happens.
 */
import { randomUUID } from 'node:crypto';
import type { AttemptView, CardBlock, OrderView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { AuditLog } from '../auth/audit-log';
import type { JournalTransaction } from '../journal/open-journal';
import type { OrderRepository, OrderRow } from '../journal/order-repository';
import { toAttemptView, type AttemptRepository, type AttemptRow, type Transition } from '../journal/attempt-repository';
import { maskedOutcome, readBackMismatch } from './attempt-outcome';
import { canTransition, isFinalOutcome, isUnresolved } from '../../src-shared/attempt-states';
import { journalAttemptOptions, parseAttemptOptions } from './attempt-options';
import type { AttemptOptions, PaymentProvider, ProgressReport, ProviderAttempt, ProviderOutcome } from './provider';

/**
 * Cash back on an approved sale: what the terminal confirmed, or, when its reply names none, what
 * was asked for. Charged to the card on top of the goods and the tip.
 */
export function cashbackOf(row: Pick<AttemptRow, 'options' | 'card'>): number {
  const confirmed = row.card === null ? undefined : (JSON.parse(row.card) as CardBlock).cashback;
  return confirmed ?? parseAttemptOptions(row.options).cashback ?? 0;
}

/** A sale that only holds the amount until it is captured (DESIGN.md §6: it pays nothing yet). */
export function isPreauth(row: Pick<AttemptRow, 'kind' | 'options'>): boolean {
  return row.kind === 'sale' && parseAttemptOptions(row.options).preauth === true;
}

/** Re-query delays for unresolved attempts, indexed by real queries sent: quick at first, then every 5 minutes. */
const DEFAULT_BACKOFF_MS = [2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000];

/** How long a cancel waits for the aborted request to come back before asking the provider to cancel. */
const ABORT_GRACE_MS = 5_000;

/** What the engine asks of the sale it is paying (`sales/checkout.ts` is it). */
export interface SaleCheckout {
  /** The order, if it is open; otherwise a NOT_FOUND or CONFLICT PosError. */
  openOrderFor(orderId: string): OrderRow;
  /** An approved payment becomes the sale's tender (plus a cash back line); completes the sale if paid. */
  addElectronicTender(orderId: string, tender: ElectronicTender): OrderView;
}

/** An approval as the sale's tender: amount without tip or cash back, in minor units. */
export interface ElectronicTender {
  kind: 'card' | 'wallet';
  label: string;
  amount: number;
  tip: number;
  cashback: number;
  attemptId: string;
  card: CardBlock | null;
}

export interface EngineDeps {
  /** The journal's one writer: every state change commits in its own transaction, or in the caller's. */
  journal: JournalTransaction;
  attempts: AttemptRepository;
  orders: OrderRepository;
  checkout: SaleCheckout;
  providers: ReadonlyMap<string, PaymentProvider>;
  audit: AuditLog;
  /** This till's number (1–999): part of every idempotency key, so two tills on one merchant never collide. */
  tillId: number;
  /**
   * The refund ledger (sales/refund-service): a reversal the engine starts on its own is recorded
   * there in the transaction that journals it.
   */
  ledger: {
    reversalJournaled(reversal: AttemptRow, original: AttemptRow): void;
    /** What went back on a sale so far, by any way (done or in flight). */
    givenBackOn(saleAttemptId: string): number;
  };
  /** What the order still owes (priced by sales; the engine never prices). */
  amountDue(orderId: string): number;
  attemptChanged(attempt: AttemptView): void;
  orderChanged(orderId: string): void;
  /** An approval paid the order off (after the commit): receipts print as for cash. */
  orderCompleted(orderId: string): void;
  log(message: string, error?: unknown): void;
  backoffMs?: readonly number[];
  /** Wall clock, for the journal's times only; every delay is relative (rule 8). */
  now?: () => Date;
}

export interface StartRequest {
  orderId: string;
  providerId: string;
  amount: number;
  tip: number;
  userId: string;
  /** Which terminal of the provider (CodePay lanes); null when the provider has one. */
  terminal?: string | null;
  /** Wallet micropay: the customer's code, in memory only; `masked` is what gets journaled. */
  walletCode?: { value: string; masked: string };
  options?: AttemptOptions;
  /** Hold the amount only (pre-authorisation); it is taken later by `capture`. */
  preauth?: boolean;
}

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

/** Flags that only matter while the attempt is unresolved: they clear when it ends without money to give back. */
const WHILE_UNRESOLVED: readonly (string | null)[] = ['config-fault', 'released'];

/** How long the provider's cancel may take before the attempt is left to queries. */
const CANCEL_TIMEOUT_MS = 30_000;

interface Running {
  controller: AbortController;
  /** Settles once the provider's start() has returned and its outcome was applied. */
  done: Promise<void>;
}

export function createAttemptLifecycle(deps: EngineDeps) {
  const now = deps.now ?? (() => new Date());
  const backoff = deps.backoffMs ?? DEFAULT_BACKOFF_MS;
  const { attempts, journal } = deps;
  /** Requests whose provider start() has not returned yet. */
  const inFlight = new Map<string, Running>();
  /** Attempts whose provider cancel() has not returned yet: their own answer decides. */
  const cancelling = new Set<string>();
  /** Attempts with a query out: never two at once for one attempt. */
  const querying = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  let closed = false;

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

  function publish(row: AttemptRow): void {
    deps.attemptChanged(toAttemptView(row));
    deps.orderChanged(row.order_id);
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

  /**
   * Where an approved sale goes (rule 6): a tender of its order when the order is still open
   * and owes at least that much — whenever it arrives, whatever the cashier did meanwhile —
   * else `needs_reversal`. A held pre-authorisation pays nothing until its capture.
   */
  function approvedTarget(row: AttemptRow, amount: number): 'approved' | 'needs_reversal' {
    if (row.kind !== 'sale' || isPreauth(row)) return 'approved';
    const order = deps.orders.byId(row.order_id);
    return order && order.status === 'open' && deps.amountDue(row.order_id) >= amount ? 'approved' : 'needs_reversal';
  }

  /** What an approval does to the order or to the sale it reverses; inside the transition's transaction. True when it completed the order. */
  function settleApproved(row: AttemptRow): boolean {
    const amount = row.approved_amount ?? row.amount;
    if (row.kind === 'sale') {
      if (isPreauth(row) || row.state !== 'approved') return false;
      const card = row.card ? (JSON.parse(row.card) as CardBlock) : null;
      // Cash back the terminal confirmed (or, when its reply names none, the one asked for) is charged
      // to the card and handed out from the drawer: its own cash line (DESIGN.md §6, issue 11).
      const cashback = cashbackOf(row);
      const after = deps.checkout.addElectronicTender(row.order_id, {
        kind: row.method,
        label: card?.brand ? `${card.brand}` : (providerFor(row)?.label ?? row.provider),
        amount,
        tip: row.tip,
        cashback,
        attemptId: row.id,
        card,
      });
      return after.status === 'completed';
    }
    const original = row.original_attempt_id ? attempts.byId(row.original_attempt_id) : null;
    if (!original) return false;
    // An approval being given back stays flagged until all of it, tip included, went back.
    const reversing = original.needs_attention === 'needs-reversal';
    if (
      row.kind === 'void'
        ? !canTransition(original.state, 'voided')
        : !canTransition(original.state, 'partially_refunded') && !canTransition(original.state, 'refunded')
    ) {
      // More went back than the sale took (a second reversal approved): real money, so never dropped.
      raiseFlag(row.id, 'over-reversal');
      audit('payment.overReversal', row, { original: original.id, originalState: original.state, kind: row.kind });
      deps.log(
        `Attempt ${row.id}: a ${row.kind} of ${original.id} was approved although that sale is already ${original.state}; flagged for the manager`,
      );
      return false;
    }
    if (row.kind === 'void') {
      attempts.transition(original.id, { to: 'voided', cause: `voided by attempt ${row.id}` });
    } else {
      attempts.addRefunded(original.id, amount);
      const after = attempts.byId(original.id)!;
      // Tips were charged too: a sale is refunded in full once its tip went back as well.
      const fully = after.refunded >= (after.approved_amount ?? after.amount) + after.tip;
      attempts.transition(original.id, {
        to: fully ? 'refunded' : 'partially_refunded',
        cause: `refund ${row.id} of ${amount}`,
      });
    }
    if (reversing && attempts.byId(original.id)!.state !== 'partially_refunded') {
      attempts.flag(original.id, null);
      audit('payment.reversed', original, { by: row.id, kind: row.kind });
    }
    return false;
  }

  /** True when a later final answer only repeats what the row already says (a re-delivery). */
  function repeats(row: AttemptRow, state: ProviderOutcome['state']): boolean {
    if (state === row.state) return true;
    // Declined and cancelled both mean no money moved: one does not contradict the other.
    if ((state === 'declined' || state === 'cancelled') && (row.state === 'declined' || row.state === 'cancelled'))
      return true;
    // An approved sale that was refunded, voided or is being reversed was approved: nothing new.
    return state === 'approved' && ['partially_refunded', 'refunded', 'voided', 'needs_reversal'].includes(row.state);
  }

  /**
   * Applies a provider's outcome: journal the transition, then tell the UI. Every final
   * answer is applied where the rules allow, otherwise flagged and audited (rule 6).
   */
  function apply(id: string, raw: ProviderOutcome, cause: string, also?: (next: AttemptRow) => void): void {
    if (closed) return;
    const row = attempts.byId(id);
    if (!row) return;
    let outcome = maskedOutcome(raw, row);
    if (outcome.readBackRequired && row.readback_required === 0) attempts.requireReadBack(id);
    const mismatch = isFinalOutcome(outcome.state) ? readBackMismatch(outcome, row) : null;
    if (mismatch) {
      // Rule 7: an answer about another order (another till's key, a changed amount) is never applied.
      deps.log(`Attempt ${id}: ${row.provider} answered ${outcome.state} but ${mismatch}; not applied (${cause})`);
      if (row.needs_attention !== 'readback-mismatch') {
        journal.transaction(() => {
          raiseFlag(id, 'readback-mismatch');
          audit('payment.readBackMismatch', row, {
            answered: outcome.state,
            mismatch,
            readBack: outcome.readBack,
            cause,
          });
        });
      }
      outcome = {
        state: 'unknown',
        message: `The provider's answer does not match this payment (${mismatch}). A manager must check it with the provider's records.`,
        detail: outcome.detail,
      };
    }
    if (outcome.configFault && row.needs_attention === null) {
      deps.log(`Attempt ${id}: ${row.provider} configuration fault: ${outcome.configFault}`);
      journal.transaction(() => {
        raiseFlag(id, 'config-fault');
        audit('payment.configFault', row, { fault: outcome.configFault, cause });
      });
    }

    if (!isUnresolved(row.state)) {
      if (!isFinalOutcome(outcome.state) || repeats(row, outcome.state)) return;
      contradiction(row, outcome, cause);
      return;
    }
    // While the provider's cancel is out, its answer decides; a progress or a lost reply meanwhile changes nothing.
    if (row.state === 'cancelling' && !isFinalOutcome(outcome.state) && cancelling.has(id)) return;
    transitionTo(row, outcome, cause, also);
  }

  /** Journals the move an outcome asks for (an approval going where rule 6 says), then re-arms checks. */
  function transitionTo(
    row: AttemptRow,
    outcome: ProviderOutcome,
    cause: string,
    also?: (next: AttemptRow) => void,
  ): void {
    const approved = outcome.state === 'approved';
    const approvedAmount = approved ? (outcome.approvedAmount ?? row.amount) : null;
    let to: Transition['to'] = outcome.state;
    if (approved) to = approvedTarget(row, approvedAmount!);
    else if (outcome.state === 'pending' && row.state === 'cancelling') to = 'cancelling';
    // A set-up fault is said to the cashier in its own words, whatever the provider's message adds.
    const said =
      outcome.configFault && !outcome.message.includes(outcome.configFault)
        ? `${outcome.configFault} ${outcome.message}`.trim()
        : outcome.message;
    const message =
      to === 'needs_reversal'
        ? `Approved after the sale was paid another way: the customer's money goes back. ${said}`.trim()
        : said;
    const change: Transition = {
      to,
      cause,
      message,
      providerRef: outcome.providerRef ?? null,
      card: outcome.card ?? null,
      detail: outcome.detail,
      ...(approved ? { approvedAmount, tip: outcome.tip ?? row.tip } : {}),
    };
    let completedOrder = false;
    const updated = journal.transaction(() => {
      const next = attempts.transition(row.id, change);
      if (next.state === 'approved') completedOrder = settleApproved(next);
      if (next.state === 'needs_reversal') {
        raiseFlag(row.id, 'needs-reversal');
        audit('payment.needsReversal', next, { approvedAmount, tip: next.tip, cause });
      } else if (!isUnresolved(next.state) && WHILE_UNRESOLVED.includes(next.needs_attention)) {
        // Released or mis-set-up, but it ended without money to give back: nothing left to watch.
        attempts.flag(row.id, null);
      }
      attempts.scheduleCheck(row.id, isUnresolved(next.state) ? nextCheckAt(next) : null);
      // What the caller records with this change (an audit entry) commits with it.
      also?.(attempts.byId(row.id)!);
      return attempts.byId(row.id)!;
    });
    armCheck(updated);
    publish(updated);
    // A void or refund changed the sale it reverses: the screens see that one too.
    if (updated.original_attempt_id && updated.state === 'approved') {
      const original = attempts.byId(updated.original_attempt_id);
      if (original) deps.attemptChanged(toAttemptView(original));
    }
    if (completedOrder) deps.orderCompleted(updated.order_id);
    if (updated.state === 'needs_reversal') reverse(updated);
    else if (!isUnresolved(updated.state)) reversePending(updated.provider);
  }

  /** A reversal that could not start (its terminal was busy) starts once the terminal is free. */
  function reversePending(providerId: string | null): void {
    for (const row of attempts.needingAttention()) {
      if (row.state === 'needs_reversal' && (providerId === null || row.provider === providerId)) reverse(row);
    }
  }

  /** A final answer that contradicts the journal's final state: applied where money moved, else flagged; always audited. */
  function contradiction(row: AttemptRow, outcome: ProviderOutcome, cause: string): void {
    deps.log(`Attempt ${row.id} is ${row.state} but ${row.provider} now says ${outcome.state} (${cause})`);
    const moneyMoved = outcome.state === 'approved' && (row.state === 'declined' || row.state === 'cancelled');
    const record = () =>
      audit('payment.contradiction', row, {
        was: row.state,
        now: outcome.state,
        message: outcome.message,
        cause,
        applied: moneyMoved,
      });
    if (moneyMoved) {
      // The customer was charged after all: that approval pays the order or goes back (rule 6),
      // and its audit entry and flag commit with it.
      transitionTo(row, outcome, `${cause}; contradicts ${row.state}`, () => {
        record();
        raiseFlag(row.id, 'contradiction');
      });
      return;
    }
    journal.transaction(() => {
      record();
      raiseFlag(row.id, 'contradiction');
    });
    publish(attempts.byId(row.id)!);
  }

  /** Gives the money of a needs-reversal approval back with the attempt's own keys, where the provider can. */
  function reverse(row: AttemptRow): void {
    const provider = providerFor(row);
    const kind = provider?.capabilities.void ? 'void' : provider?.capabilities.refund ? 'refund' : null;
    if (!provider || !kind || row.kind !== 'sale') {
      deps.log(
        `Attempt ${row.id} needs reversal and ${row.provider} cannot reverse from the till: listed for the manager.`,
      );
      return;
    }
    // Automatically once: after a reversal was tried (declined, or a "cancelled" that may be wrong)
    // the manager decides, so money never goes back twice.
    if (attempts.byOriginal(row.id).length > 0) return;
    try {
      // The reversal and its refund-ledger record commit together, before it is sent.
      const sending = journal.transaction(() => {
        const journaled = journalAttempt(
          {
            orderId: row.order_id,
            providerId: provider.id,
            amount: (row.approved_amount ?? row.amount) + (kind === 'refund' ? row.tip : 0),
            tip: kind === 'void' ? row.tip : 0,
            userId: 'system',
            terminal: row.terminal,
            kind,
            originalAttemptId: row.id,
            walletMasked: null,
          },
          provider,
        );
        deps.ledger.reversalJournaled(journaled, row);
        return journaled;
      });
      launch(sending, provider);
    } catch (error) {
      deps.log(`Reversing attempt ${row.id} could not start; listed for the manager`, error);
    }
  }

  /** When an unresolved attempt is queried next: counted in real queries sent, never in progress reports (rule 8). */
  function backoffDelay(row: AttemptRow): number {
    return backoff[Math.min(row.query_count, backoff.length - 1)];
  }

  function nextCheckAt(row: AttemptRow): Date {
    return new Date(now().getTime() + backoffDelay(row));
  }

  /** Sets (or clears) the timer for the next check: a relative delay, so a wall clock stepped back cannot stretch it. */
  function armCheck(row: AttemptRow, delayMs: number = backoffDelay(row)): void {
    const existing = timers.get(row.id);
    if (existing) clearTimeout(existing);
    timers.delete(row.id);
    if (closed || !row.next_check_at || !isUnresolved(row.state)) return;
    const timer = setTimeout(
      () =>
        void requery(row.id, 'scheduled query').catch((error) => deps.log(`Checking attempt ${row.id} failed`, error)),
      Math.max(0, delayMs),
    );
    timer.unref();
    timers.set(row.id, timer);
  }

  /** Re-schedules without a transition (the provider is still busy with the attempt). */
  function scheduleCheck(row: AttemptRow): void {
    if (closed) return;
    attempts.scheduleCheck(row.id, nextCheckAt(row));
    armCheck(attempts.byId(row.id)!);
  }

  async function requery(id: string, cause: string): Promise<void> {
    timers.delete(id);
    const row = attempts.byId(id);
    // A row still `created` comes from an older journal: only reconciliation resolves it (never sent).
    if (!row || !isUnresolved(row.state) || row.state === 'created' || closed || querying.has(id)) return;
    // The provider's own start() or cancel() is still working on it: their answer comes first.
    if (inFlight.has(id) || cancelling.has(id)) return scheduleCheck(row);
    // Counted before the call, also when nothing can be asked: the back-off grows either way.
    attempts.countQuery(id);
    const provider = providerFor(row);
    if (!provider) {
      apply(
        id,
        {
          state: 'unknown',
          message: `${row.provider} is not configured on this till; a manager must settle this payment with the provider's records.`,
        },
        cause,
      );
      return;
    }
    querying.add(id);
    let outcome: ProviderOutcome;
    try {
      outcome = await provider.query(toProviderAttempt(row));
    } catch (error) {
      outcome = {
        state: 'unknown',
        message: `Could not reach ${provider.label}: ${(error as Error).message}. Checking again shortly.`,
      };
    } finally {
      querying.delete(id);
    }
    apply(id, outcome, cause);
  }

  function run(row: AttemptRow, provider: PaymentProvider, walletCode?: string): void {
    const controller = new AbortController();
    let finished!: () => void;
    // In the map before start() runs: a provider may report progress before its first await.
    inFlight.set(row.id, {
      controller,
      done: new Promise<void>((resolve) => {
        finished = resolve;
      }),
    });
    const applyProgress = (message: string, providerRef: string | undefined): void => {
      const current = attempts.byId(row.id);
      if (current && isUnresolved(current.state) && inFlight.has(row.id)) {
        apply(row.id, { state: 'pending', message, ...(providerRef ? { providerRef } : {}) }, 'provider progress');
      }
    };
    // Progress reported before start() first yields is journaled just after: its commit must not
    // hold the request back (the attempt is already journaled as sending).
    let starting = true;
    const progress: ProgressReport = (message, known) => {
      if (starting)
        setImmediate(() => {
          if (!closed && journal.open) applyProgress(message, known?.providerRef);
        });
      else applyProgress(message, known?.providerRef);
    };
    let started: Promise<ProviderOutcome>;
    try {
      started = provider.start(toProviderAttempt(row, walletCode), controller.signal, progress);
    } catch (error) {
      // A provider that throws before returning its promise is read like one that rejects.
      started = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      starting = false;
    }
    started
      .catch((error: Error): ProviderOutcome =>
        error instanceof PosError
          ? // Providers throw a PosError only when nothing was sent (terminal offline, busy, bad input).
            { state: 'declined', message: `Not sent: ${error.message}` }
          : {
              state: 'unknown',
              message: `No answer from ${provider.label} (${error.message}); checking with a query, never by charging again.`,
            },
      )
      .then((outcome) => {
        inFlight.delete(row.id);
        apply(
          row.id,
          outcome,
          controller.signal.aborted ? 'provider replied after the cashier stopped waiting' : 'provider replied',
        );
      })
      .catch((error) => deps.log(`Applying the outcome of attempt ${row.id} failed`, error))
      .finally(() => {
        inFlight.delete(row.id);
        finished();
      });
  }

  type BeginRequest = Omit<StartRequest, 'walletCode' | 'preauth'> & {
    kind: AttemptRow['kind'];
    originalAttemptId: string | null;
    walletMasked: string | null;
  };

  /**
   * Journals an attempt and its move to `sending` inside the caller's transaction (rule 1): the
   * caller commits it, with whatever it records beside it, before `launch` sends anything.
   */
  function journalAttempt(request: BeginRequest, provider: PaymentProvider): AttemptRow {
    if (!journal.inTransaction) throw new Error("An attempt is journaled inside its caller's transaction.");
    const terminal = request.terminal ?? null;
    // Rule 5: one attempt per terminal until its outcome is known (checked inside the write lock).
    // A wallet payment has no terminal of ours: the customer's phone is the device, so only rule 2 holds.
    const busy = provider.method === 'card' ? attempts.busyOn(provider.id, terminal) : null;
    if (busy)
      throw new PosError(
        'PAYMENT_IN_PROGRESS',
        `${terminal ?? provider.label} is busy with another payment until its outcome is known.`,
      );
    const keys = attempts.nextKeys(deps.tillId);
    const inserted = attempts.insert(
      {
        id: randomUUID(),
        orderId: request.orderId,
        provider: provider.id,
        terminal,
        kind: request.kind,
        method: provider.method,
        amount: request.amount,
        tip: request.tip,
        currency: currencyOf(request.orderId),
        reference: keys.reference,
        requestId: keys.requestId,
        originalAttemptId: request.originalAttemptId,
        walletCodeMasked: request.walletMasked,
        options: request.options ? journalAttemptOptions(request.options) : null,
      },
      `${request.kind} requested by user ${request.userId}`,
    );
    return attempts.transition(inserted.id, {
      to: 'sending',
      cause: 'request about to leave',
      message: `Sending to ${provider.label}…`,
    });
  }

  /** Sends a committed attempt; the screens are told once it is on the wire. */
  function launch(sending: AttemptRow, provider: PaymentProvider, walletCode?: string): void {
    if (closed) return;
    // The request leaves first; the screens are told once it is on the wire (a provider's socket
    // write happens a tick after start() returns, and building the order view is not its business).
    run(sending, provider, walletCode);
    setImmediate(() => {
      if (closed || !journal.open) return;
      // Whatever the attempt has become by then (a provider may have reported progress already).
      const current = attempts.byId(sending.id);
      if (current && current.state === 'sending') publish(current);
    });
  }

  function begin(request: BeginRequest, provider: PaymentProvider, walletCode?: string): AttemptView {
    // One commit journals the attempt and its move to `sending`, before the request leaves (rule 1):
    // after a crash there is no window in which an attempt exists without being marked sent.
    const sending = journal.transaction(() => journalAttempt(request, provider));
    launch(sending, provider, walletCode);
    return toAttemptView(sending);
  }

  function currencyOf(orderId: string): string {
    const order = deps.orders.byId(orderId);
    if (!order) throw new PosError('NOT_FOUND', 'That sale does not exist.', 'orderId');
    return order.currency;
  }

  /** Waits (boundedly) for an aborted request to come back, so its answer is applied before anything else. */
  async function settleInFlight(id: string): Promise<void> {
    const running = inFlight.get(id);
    if (!running) return;
    running.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      running.done,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ABORT_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Queries now every unresolved attempt of a provider (optionally one terminal) that nobody is waiting on. */
  function requeryAll(providerId: string, terminal: string | null, cause: string): void {
    for (const row of attempts.unresolved()) {
      if (row.provider !== providerId || (terminal !== null && row.terminal !== null && row.terminal !== terminal))
        continue;
      if (inFlight.has(row.id) || cancelling.has(row.id)) continue;
      void requery(row.id, cause).catch((error) => deps.log(`Checking attempt ${row.id} failed`, error));
    }
  }

  /** The provider's cancel, bounded: one that never answers leaves the attempt to queries. */
  async function cancelAtProvider(provider: PaymentProvider, row: AttemptRow): Promise<ProviderOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ProviderOutcome>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            state: 'unknown',
            message: `${provider.label} did not answer the cancel; the payment keeps being checked.`,
          }),
        CANCEL_TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([provider.cancel(toProviderAttempt(row)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    apply,
    cancelAtProvider,
    begin,
    journalAttempt,
    launch,
    requery,
    requeryAll,
    settleInFlight,
    reverse,
    publish,
    audit,
    providerFor,
    toProviderAttempt,
    reversePending,
    raiseFlag,
    /** Puts an unresolved attempt back on the back-off (its last check failed). */
    recheckLater(id: string): void {
      const row = attempts.byId(id);
      if (row && isUnresolved(row.state)) scheduleCheck(row);
    },
    isInFlight: (id: string) => inFlight.has(id),
    /** Attempts whose cancel is being carried out: until the provider's cancel answers, only a final answer moves them. */
    cancelling,
    get closed() {
      return closed;
    },
    /** Stops every timer and aborts every request still out; later answers are ignored. */
    close(): void {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      for (const running of inFlight.values()) running.controller.abort();
    },
  };
}

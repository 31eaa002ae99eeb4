/**
 * The payment engine (DESIGN.md §6): exactly-once charging whatever the network, the
 * gateway, the cashier or the power does. Every attempt is committed before its request
 * leaves; every transition is journaled with its cause; a lost or late reply is resolved
 * by querying, never by sending again; an attempt blocks its order and its terminal until
 * its outcome is known; an approval always pays the order or is reversed; attempts left
 * unresolved by a crash are reconciled before new ones are accepted. The engine sees
 * providers only through PaymentProvider.
 */
import { randomUUID } from 'node:crypto';
import type { AttemptView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import { maskPansDeep } from '../../src-shared/pan-mask';
import type { AuditLog } from '../auth/audit-log';
import type { Db } from '../journal/open-journal';
import type { Checkout } from '../sales/checkout';
import type { OrderRepository } from '../journal/order-repository';
import { toAttemptView, type AttemptRepository, type AttemptRow, type Transition } from '../journal/attempt-repository';
import { maskedOutcome, readBackMismatch } from './attempt-outcome';
import { canTransition, isFinalOutcome, isUnresolved } from './attempt-states';
import type { PaymentProvider, ProgressReport, ProviderAttempt, ProviderEvents, ProviderOutcome } from './provider';

/** A sale that only holds the amount until it is captured (DESIGN.md §6: it pays nothing yet). */
export function isPreauth(row: Pick<AttemptRow, 'kind' | 'options'>): boolean {
  return row.kind === 'sale' && row.options !== null && (JSON.parse(row.options) as Record<string, unknown>).preauth === true;
}

/** Re-query delays for unresolved attempts, indexed by real queries sent: quick at first, then every 5 minutes. */
export const DEFAULT_BACKOFF_MS = [2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000];

/** How long a cancel waits for the aborted request to come back before asking the provider to cancel. */
const ABORT_GRACE_MS = 5_000;

export interface EngineDeps {
  db: Db;
  attempts: AttemptRepository;
  orders: OrderRepository;
  checkout: Checkout;
  providers: ReadonlyMap<string, PaymentProvider>;
  audit: AuditLog;
  /** This till's number (1–999): part of every idempotency key, so two tills on one merchant never collide. */
  tillId: number;
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
  options?: Record<string, string | number | boolean>;
  /** Hold the amount only (pre-authorisation); it is taken later by `capture`. */
  preauth?: boolean;
}

interface Running {
  controller: AbortController;
  /** Settles once the provider's start() has returned and its outcome was applied. */
  done: Promise<void>;
}

export function createPaymentEngine(deps: EngineDeps) {
  const now = deps.now ?? (() => new Date());
  const backoff = deps.backoffMs ?? DEFAULT_BACKOFF_MS;
  const { attempts, db } = deps;
  if (!Number.isInteger(deps.tillId) || deps.tillId < 1 || deps.tillId > 999) throw new Error(`The till id must be a whole number from 1 to 999, not ${deps.tillId}.`);
  /** Requests whose provider start() has not returned yet. */
  const inFlight = new Map<string, Running>();
  /** Attempts whose provider cancel() has not returned yet: their own answer decides. */
  const cancelling = new Set<string>();
  /** Attempts with a query out: never two at once for one attempt. */
  const querying = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  let reconciled = false;
  let closed = false;

  function providerFor(row: AttemptRow): PaymentProvider | null {
    return deps.providers.get(row.provider) ?? null;
  }

  function toProviderAttempt(row: AttemptRow, walletCode?: string): ProviderAttempt {
    const original = row.original_attempt_id ? attempts.byId(row.original_attempt_id) : null;
    return {
      id: row.id, orderId: row.order_id, kind: row.kind, method: row.method, amount: row.amount, tip: row.tip, currency: row.currency,
      reference: row.reference, requestId: row.request_id, providerRef: row.provider_ref, terminal: row.terminal,
      description: `Sale ${deps.orders.byId(row.order_id)?.number ?? ''}`.trim(),
      ...(walletCode ? { walletCode } : {}),
      ...(original ? { original: { reference: original.reference, providerRef: original.provider_ref, amount: original.approved_amount ?? original.amount, tip: original.tip, preauth: isPreauth(original) } } : {}),
      ...(row.options ? { options: JSON.parse(row.options) as Record<string, string | number | boolean> } : {}),
    };
  }

  function publish(row: AttemptRow): void {
    deps.attemptChanged(toAttemptView(row));
    deps.orderChanged(row.order_id);
  }

  function audit(action: string, row: AttemptRow, detail: Record<string, unknown>, userId: string | null = null): void {
    deps.audit.append({ userId, action, object: `attempt:${row.id}`, detail: { provider: row.provider, orderId: row.order_id, amount: row.amount, ...detail } });
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
      const card = row.card ? JSON.parse(row.card) : null;
      const after = deps.checkout.addElectronicTender(row.order_id, {
        kind: row.method, label: card?.brand ? `${card.brand}` : (providerFor(row)?.label ?? row.provider), amount, tip: row.tip, attemptId: row.id, card,
      });
      return after.status === 'completed';
    }
    const original = row.original_attempt_id ? attempts.byId(row.original_attempt_id) : null;
    if (!original) return false;
    const reversing = original.state === 'needs_reversal';
    if (row.kind === 'void' ? !canTransition(original.state, 'voided') : !canTransition(original.state, 'partially_refunded') && !canTransition(original.state, 'refunded')) {
      // More went back than the sale took (a second reversal approved): real money, so never dropped.
      attempts.flag(row.id, 'over-reversal');
      audit('payment.overReversal', row, { original: original.id, originalState: original.state, kind: row.kind });
      deps.log(`Attempt ${row.id}: a ${row.kind} of ${original.id} was approved although that sale is already ${original.state}; flagged for the manager`);
      return false;
    }
    if (row.kind === 'void') {
      attempts.transition(original.id, { to: 'voided', cause: `voided by attempt ${row.id}` });
    } else {
      attempts.addRefunded(original.id, amount);
      const after = attempts.byId(original.id)!;
      const fully = after.refunded >= (after.approved_amount ?? after.amount) + (reversing ? after.tip : 0);
      attempts.transition(original.id, { to: fully ? 'refunded' : 'partially_refunded', cause: `refund ${row.id} of ${amount}` });
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
    if ((state === 'declined' || state === 'cancelled') && (row.state === 'declined' || row.state === 'cancelled')) return true;
    // An approved sale that was refunded, voided or is being reversed was approved: nothing new.
    return state === 'approved' && ['partially_refunded', 'refunded', 'voided', 'needs_reversal'].includes(row.state);
  }

  /**
   * Applies a provider's outcome: journal the transition, then tell the UI. Every final
   * answer is applied where the rules allow, otherwise flagged and audited (rule 6).
   */
  function apply(id: string, raw: ProviderOutcome, cause: string): void {
    if (closed) return;
    const row = attempts.byId(id);
    if (!row) return;
    let outcome = maskedOutcome(raw, row);
    const mismatch = isFinalOutcome(outcome.state) ? readBackMismatch(outcome, row) : null;
    if (mismatch) {
      // Rule 7: an answer about another order (another till's key, a changed amount) is never applied.
      deps.log(`Attempt ${id}: ${row.provider} answered ${outcome.state} but ${mismatch}; not applied (${cause})`);
      if (row.needs_attention !== 'readback-mismatch') {
        db.transaction(() => {
          attempts.flag(id, 'readback-mismatch');
          audit('payment.readBackMismatch', row, { answered: outcome.state, mismatch, readBack: outcome.readBack, cause });
        }).immediate();
      }
      outcome = { state: 'unknown', message: `The provider's answer does not match this payment (${mismatch}). A manager must check it with the provider's records.`, detail: outcome.detail };
    }
    if (outcome.configFault && row.needs_attention === null) {
      deps.log(`Attempt ${id}: ${row.provider} configuration fault: ${outcome.configFault}`);
      db.transaction(() => {
        attempts.flag(id, 'config-fault');
        audit('payment.configFault', row, { fault: outcome.configFault, cause });
      }).immediate();
    }

    if (!isUnresolved(row.state)) {
      if (!isFinalOutcome(outcome.state) || repeats(row, outcome.state)) return;
      contradiction(row, outcome, cause);
      return;
    }
    // While the provider's cancel is out, its answer decides; a progress or a lost reply meanwhile changes nothing.
    if (row.state === 'cancelling' && !isFinalOutcome(outcome.state) && cancelling.has(id)) return;
    transitionTo(row, outcome, cause);
  }

  /** Journals the move an outcome asks for (an approval going where rule 6 says), then re-arms checks. */
  function transitionTo(row: AttemptRow, outcome: ProviderOutcome, cause: string): void {
    const approved = outcome.state === 'approved';
    const approvedAmount = approved ? outcome.approvedAmount ?? row.amount : null;
    let to: Transition['to'] = outcome.state;
    if (approved) to = approvedTarget(row, approvedAmount!);
    else if (outcome.state === 'pending' && row.state === 'cancelling') to = 'cancelling';
    // A set-up fault is said to the cashier in its own words, whatever the provider's message adds.
    const said = outcome.configFault && !outcome.message.includes(outcome.configFault) ? `${outcome.configFault} ${outcome.message}`.trim() : outcome.message;
    const message = to === 'needs_reversal' ? `Approved after the sale was paid another way: the customer's money goes back. ${said}`.trim() : said;
    const change: Transition = {
      to, cause, message, providerRef: outcome.providerRef ?? null, card: outcome.card ?? null, detail: outcome.detail,
      ...(approved ? { approvedAmount, tip: outcome.tip ?? row.tip } : {}),
    };
    let completedOrder = false;
    const updated = db.transaction(() => {
      const next = attempts.transition(row.id, change);
      if (next.state === 'approved') completedOrder = settleApproved(next);
      if (next.state === 'needs_reversal') {
        attempts.flag(row.id, 'needs-reversal');
        audit('payment.needsReversal', next, { approvedAmount, tip: next.tip, cause });
      }
      attempts.scheduleCheck(row.id, isUnresolved(next.state) ? nextCheckAt(next) : null);
      return attempts.byId(row.id)!;
    }).immediate();
    armCheck(updated);
    publish(updated);
    // A void or refund changed the sale it reverses: the screens see that one too.
    if (updated.original_attempt_id && updated.state === 'approved') {
      const original = attempts.byId(updated.original_attempt_id);
      if (original) deps.attemptChanged(toAttemptView(original));
    }
    if (completedOrder) deps.orderCompleted(updated.order_id);
    if (updated.state === 'needs_reversal') reverse(updated);
    else if (!isUnresolved(updated.state)) retryReversals(updated.provider);
  }

  /** A reversal that could not start (its terminal was busy) starts once the terminal is free. */
  function retryReversals(providerId: string): void {
    for (const row of attempts.needingAttention()) {
      if (row.state === 'needs_reversal' && row.provider === providerId && attempts.byOriginal(row.id).length === 0) reverse(row);
    }
  }

  /** A final answer that contradicts the journal's final state: applied where money moved, else flagged; always audited. */
  function contradiction(row: AttemptRow, outcome: ProviderOutcome, cause: string): void {
    deps.log(`Attempt ${row.id} is ${row.state} but ${row.provider} now says ${outcome.state} (${cause})`);
    const moneyMoved = outcome.state === 'approved' && (row.state === 'declined' || row.state === 'cancelled');
    db.transaction(() => {
      audit('payment.contradiction', row, { was: row.state, now: outcome.state, message: outcome.message, cause, applied: moneyMoved });
      if (!moneyMoved) attempts.flag(row.id, 'contradiction');
    }).immediate();
    if (moneyMoved) {
      // The customer was charged after all: that approval pays the order or goes back (rule 6).
      transitionTo(row, outcome, `${cause}; contradicts ${row.state}`);
      const after = attempts.byId(row.id)!;
      if (after.state === 'approved' && after.needs_attention === null) {
        attempts.flag(row.id, 'contradiction');
        publish(attempts.byId(row.id)!);
      }
      return;
    }
    publish(attempts.byId(row.id)!);
  }

  /** Gives the money of a needs-reversal approval back with the attempt's own keys, where the provider can. */
  function reverse(row: AttemptRow): void {
    const provider = providerFor(row);
    const kind = provider?.capabilities.void ? 'void' : provider?.capabilities.refund ? 'refund' : null;
    if (!provider || !kind || row.kind !== 'sale') {
      deps.log(`Attempt ${row.id} needs reversal and ${row.provider} cannot reverse from the till: listed for the manager.`);
      return;
    }
    if (attempts.byOriginal(row.id).some((a) => isUnresolved(a.state))) return;
    try {
      begin({
        orderId: row.order_id, providerId: provider.id, amount: (row.approved_amount ?? row.amount) + (kind === 'refund' ? row.tip : 0), tip: kind === 'void' ? row.tip : 0,
        userId: 'system', terminal: row.terminal, kind, originalAttemptId: row.id, walletMasked: null,
      }, provider);
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
    const timer = setTimeout(() => void requery(row.id, 'scheduled query'), Math.max(0, delayMs));
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
    if (!row || !isUnresolved(row.state) || closed || querying.has(id)) return;
    // The provider's own start() or cancel() is still working on it: their answer comes first.
    if (inFlight.has(id) || cancelling.has(id)) return scheduleCheck(row);
    const provider = providerFor(row);
    if (!provider) {
      apply(id, { state: 'unknown', message: `${row.provider} is not configured on this till; a manager must settle this payment with the provider's records.` }, cause);
      return;
    }
    attempts.countQuery(id);
    querying.add(id);
    let outcome: ProviderOutcome;
    try {
      outcome = await provider.query(toProviderAttempt(row));
    } catch (error) {
      outcome = { state: 'unknown', message: `Could not reach ${provider.label}: ${(error as Error).message}. Checking again shortly.` };
    } finally {
      querying.delete(id);
    }
    apply(id, outcome, cause);
  }

  function run(row: AttemptRow, provider: PaymentProvider, walletCode?: string): void {
    const controller = new AbortController();
    let finished!: () => void;
    // In the map before start() runs: a provider may report progress before its first await.
    inFlight.set(row.id, { controller, done: new Promise<void>((resolve) => { finished = resolve; }) });
    const progress: ProgressReport = (message, known) => {
      const current = attempts.byId(row.id);
      if (current && isUnresolved(current.state) && inFlight.has(row.id)) {
        apply(row.id, { state: 'pending', message, ...(known?.providerRef ? { providerRef: known.providerRef } : {}) }, 'provider progress');
      }
    };
    provider.start(toProviderAttempt(row, walletCode), controller.signal, progress)
      .catch((error: Error): ProviderOutcome => (error instanceof PosError
        // Providers throw a PosError only when nothing was sent (terminal offline, busy, bad input).
        ? { state: 'declined', message: `Not sent: ${error.message}` }
        : { state: 'unknown', message: `No answer from ${provider.label} (${error.message}); checking with a query, never by charging again.` }))
      .then((outcome) => {
        inFlight.delete(row.id);
        apply(row.id, outcome, controller.signal.aborted ? 'provider replied after the cashier stopped waiting' : 'provider replied');
      })
      .catch((error) => deps.log(`Applying the outcome of attempt ${row.id} failed`, error))
      .finally(() => {
        inFlight.delete(row.id);
        finished();
      });
  }

  type BeginRequest = Omit<StartRequest, 'walletCode' | 'preauth'> & { kind: AttemptRow['kind']; originalAttemptId: string | null; walletMasked: string | null };

  function begin(request: BeginRequest, provider: PaymentProvider, walletCode?: string): AttemptView {
    const terminal = request.terminal ?? null;
    // One commit journals the attempt and its move to `sending`, before the request leaves (rule 1):
    // after a crash there is no window in which an attempt exists without being marked sent.
    const sending = db.transaction(() => {
      // Rule 5: one attempt per terminal until its outcome is known (checked inside the write lock).
      // A wallet payment has no terminal of ours: the customer's phone is the device, so only rule 2 holds.
      const busy = provider.method === 'card' ? attempts.busyOn(provider.id, terminal) : null;
      if (busy) throw new PosError('PAYMENT_IN_PROGRESS', `${terminal ?? provider.label} is busy with another payment until its outcome is known.`);
      const keys = attempts.nextKeys(deps.tillId);
      const inserted = attempts.insert({
        id: randomUUID(), orderId: request.orderId, provider: provider.id, terminal, kind: request.kind, method: provider.method,
        amount: request.amount, tip: request.tip, currency: currencyOf(request.orderId), reference: keys.reference, requestId: keys.requestId,
        originalAttemptId: request.originalAttemptId, walletCodeMasked: request.walletMasked, options: request.options ?? null,
      }, `${request.kind} requested by user ${request.userId}`);
      return attempts.transition(inserted.id, { to: 'sending', cause: 'request about to leave', message: `Sending to ${provider.label}…` });
    }).immediate();
    // The request leaves first; the screens are told right after (building views is not on the wire's path).
    run(sending, provider, walletCode);
    // A provider may have reported progress already: tell the screens the attempt as it is now.
    const current = attempts.byId(sending.id)!;
    publish(current);
    return toAttemptView(current);
  }

  function currencyOf(orderId: string): string {
    const order = deps.orders.byId(orderId);
    if (!order) throw new PosError('NOT_FOUND', 'That sale does not exist.', 'orderId');
    return order.currency;
  }

  function requireProvider(id: string): PaymentProvider {
    const provider = deps.providers.get(id);
    if (!provider) throw new PosError('NOT_FOUND', `Payment method ${id} is not set up on this till.`, 'provider');
    return provider;
  }

  function requireReconciled(): void {
    if (!reconciled) throw new PosError('PAYMENT_IN_PROGRESS', 'Checking payments left from before the restart; try again in a moment.');
  }

  function requireAttempt(attemptId: string): AttemptRow {
    const row = attempts.byId(attemptId);
    if (!row) throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
    return row;
  }

  /** Waits (boundedly) for an aborted request to come back, so its answer is applied before anything else. */
  async function settleInFlight(id: string): Promise<void> {
    const running = inFlight.get(id);
    if (!running) return;
    running.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([running.done, new Promise<void>((resolve) => { timer = setTimeout(resolve, ABORT_GRACE_MS); })]);
    clearTimeout(timer);
  }

  /** Queries now every unresolved attempt of a provider (optionally one terminal) that nobody is waiting on. */
  function requeryAll(providerId: string, terminal: string | null, cause: string): void {
    for (const row of attempts.unresolved()) {
      if (row.provider !== providerId || (terminal !== null && row.terminal !== null && row.terminal !== terminal)) continue;
      if (inFlight.has(row.id) || cancelling.has(row.id)) continue;
      void requery(row.id, cause);
    }
  }

  function eventsFor(providerId: string): ProviderEvents {
    const foreignAnswer: ProviderEvents['foreignAnswer'] = (report) => {
      if (closed) return;
      const detail = maskPansDeep(report.detail);
      deps.log(`${providerId}: an answer with someone else's keys was kept, not applied: ${report.reason}`);
      db.transaction(() => {
        attempts.recordAnomaly({ provider: providerId, terminal: report.terminal, reason: report.reason, detail });
        deps.audit.append({ userId: null, action: 'payment.foreignAnswer', object: `provider:${providerId}`, detail: { terminal: report.terminal, reason: report.reason, detail } });
      }).immediate();
    };
    return {
      lateResult: (reference, outcome) => {
        const row = attempts.byReference(reference);
        if (row && row.provider === providerId) {
          apply(row.id, outcome, 'result re-delivered by the provider');
          return;
        }
        foreignAnswer({ terminal: null, reason: `a result for reference ${reference}, which is no attempt of this till's ${providerId}`, detail: { reference, state: outcome.state, message: outcome.message, ...outcome.detail } });
      },
      foreignAnswer,
      linkRestored: (terminal) => {
        if (!closed) requeryAll(providerId, terminal, `link to ${terminal ?? providerId} came back`);
      },
    };
  }

  return {
    get reconciled() { return reconciled; },

    /** Rule 3: every attempt a crash left unresolved is queried before new tenders are accepted. */
    async reconcile(): Promise<void> {
      const pending = attempts.unresolved();
      await Promise.all(pending.map(async (row) => {
        if (row.state === 'created') {
          // Journals written before attempts were inserted and marked sending in one commit
          // may hold one that was never marked sending: its request cannot have left.
          apply(row.id, { state: 'cancelled', message: 'The till stopped before this payment was sent; nothing was charged.' }, 'reconciled at start: never sent');
          return;
        }
        await requery(row.id, 'reconciled at start');
      }));
      // An approval that needed reversal when the till stopped: reverse it now.
      for (const row of attempts.needingAttention()) if (row.state === 'needs_reversal') reverse(row);
      reconciled = true;
    },

    start(request: StartRequest): AttemptView {
      requireReconciled();
      const provider = requireProvider(request.providerId);
      const order = deps.checkout.openOrderFor(request.orderId);
      if (provider.method === 'wallet' && !request.walletCode) throw new PosError('INVALID_PAYLOAD', 'Scan the customer\'s payment code to pay by wallet.', 'walletCode');
      if (provider.method !== 'wallet' && request.walletCode) throw new PosError('INVALID_PAYLOAD', `${provider.label} does not take wallet codes.`, 'walletCode');
      if (request.tip > 0 && !provider.capabilities.tip) throw new PosError('INVALID_PAYLOAD', `${provider.label} does not take tips.`, 'tip');
      if (request.preauth && !provider.capabilities.preauth) throw new PosError('INVALID_PAYLOAD', `${provider.label} cannot pre-authorise.`, 'preauth');
      // Rule 2: an order with a payment whose outcome is not known takes no other payment.
      if (attempts.liveSaleOf(order.id)) throw new PosError('PAYMENT_IN_PROGRESS', 'A payment for this sale is still being checked; its outcome comes first.');
      const due = deps.amountDue(order.id);
      // A pre-authorisation may hold more than is due (a tip margin); only its capture is bounded by the sale.
      if (request.amount > due && !request.preauth) throw new PosError('INVALID_PAYLOAD', 'The amount is more than what is due.', 'amount');
      const options = request.preauth ? { ...request.options, preauth: true } : request.options;
      return begin({ ...request, ...(options ? { options } : {}), kind: 'sale', originalAttemptId: null, walletMasked: request.walletCode?.masked ?? null }, provider, request.walletCode?.value);
    },

    /** Refund (part of) an approved sale through its provider. The caller has checked the manager's approval. */
    refund(request: { attemptId: string; amount: number; userId: string; options?: Record<string, string | number | boolean> }): AttemptView {
      requireReconciled();
      const original = attempts.byId(request.attemptId);
      if (!original || original.kind !== 'sale') throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
      const provider = requireProvider(original.provider);
      if (!provider.capabilities.refund) throw new PosError('CONFLICT', `${provider.label} refunds are done on the terminal itself.`);
      const refundable = toAttemptView(original).refundable;
      if (request.amount > refundable) throw new PosError('INVALID_PAYLOAD', `At most ${refundable} can still be refunded on this payment.`, 'amount');
      if (request.amount < refundable && !provider.capabilities.partialRefund) throw new PosError('INVALID_PAYLOAD', `${provider.label} only refunds the full amount.`, 'amount');
      if (attempts.byOriginal(original.id).some((a) => isUnresolved(a.state))) throw new PosError('PAYMENT_IN_PROGRESS', 'A refund of this payment is still being checked.');
      return begin({
        orderId: original.order_id, providerId: provider.id, amount: request.amount, tip: 0, userId: request.userId, terminal: original.terminal,
        kind: 'refund', originalAttemptId: original.id, walletMasked: null, ...(request.options ? { options: request.options } : {}),
      }, provider);
    },

    /** Void an approved sale in full through its provider. The caller has checked the manager's approval. */
    void(request: { attemptId: string; userId: string; options?: Record<string, string | number | boolean> }): AttemptView {
      requireReconciled();
      const original = attempts.byId(request.attemptId);
      if (!original || original.kind !== 'sale') throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
      if (original.state !== 'approved' && original.state !== 'needs_reversal') throw new PosError('CONFLICT', `Only an approved payment that was not refunded can be voided; this one is ${original.state}.`);
      const provider = requireProvider(original.provider);
      if (!provider.capabilities.void) throw new PosError('CONFLICT', `${provider.label} cannot void from the till; refund it instead.`);
      if (attempts.byOriginal(original.id).some((a) => isUnresolved(a.state))) throw new PosError('PAYMENT_IN_PROGRESS', 'A void or refund of this payment is still being checked.');
      return begin({
        orderId: original.order_id, providerId: provider.id, amount: original.approved_amount ?? original.amount, tip: original.tip, userId: request.userId,
        terminal: original.terminal, kind: 'void', originalAttemptId: original.id, walletMasked: null, ...(request.options ? { options: request.options } : {}),
      }, provider);
    },

    /** Takes (part of) a held pre-authorisation: the capture's approval pays the order. */
    capture(request: { attemptId: string; amount: number; tip: number; userId: string }): AttemptView {
      requireReconciled();
      const held = attempts.byId(request.attemptId);
      if (!held || !isPreauth(held)) throw new PosError('NOT_FOUND', 'That is not a pre-authorisation.', 'attemptId');
      if (held.state !== 'approved') throw new PosError('CONFLICT', `The pre-authorisation is ${held.state}; only an approved one can be captured.`);
      const taken = attempts.byOriginal(held.id).find((a) => a.kind === 'sale' && (isUnresolved(a.state) || a.state === 'approved'));
      if (taken) throw new PosError('CONFLICT', 'This pre-authorisation is already captured (or being captured).');
      if (request.amount > (held.approved_amount ?? held.amount)) throw new PosError('INVALID_PAYLOAD', 'The capture is more than was authorised.', 'amount');
      if (attempts.liveSaleOf(held.order_id)) throw new PosError('PAYMENT_IN_PROGRESS', 'A payment for this sale is still being checked; its outcome comes first.');
      if (request.amount > deps.amountDue(held.order_id)) throw new PosError('INVALID_PAYLOAD', 'The capture is more than what is due.', 'amount');
      const provider = requireProvider(held.provider);
      return begin({
        orderId: held.order_id, providerId: provider.id, amount: request.amount, tip: request.tip, userId: request.userId, terminal: held.terminal,
        kind: 'sale', originalAttemptId: held.id, walletMasked: null, options: { capture: true },
      }, provider);
    },

    /** Changes the tip of an approved sale on the provider, then in the journal (attempt and tender). */
    async adjustTip(request: { attemptId: string; tip: number; userId: string }): Promise<AttemptView> {
      const sale = attempts.byId(request.attemptId);
      if (!sale || sale.kind !== 'sale' || sale.state !== 'approved') throw new PosError('NOT_FOUND', 'Only an approved card sale can have its tip changed.', 'attemptId');
      const provider = requireProvider(sale.provider);
      if (!provider.adjustTip) throw new PosError('CONFLICT', `${provider.label} cannot change a tip after the sale.`);
      const outcome = await provider.adjustTip(toProviderAttempt(sale), request.tip);
      if (outcome.state !== 'approved') throw new PosError('PROVIDER_ERROR', `The tip was not changed: ${maskedOutcome(outcome, sale).message}`);
      db.transaction(() => {
        attempts.setTip(sale.id, request.tip, `tip adjusted from ${sale.tip} to ${request.tip} by user ${request.userId}`);
        deps.orders.setTenderTip(sale.id, request.tip);
        deps.audit.append({ userId: request.userId, action: 'payment.tipAdjusted', object: `attempt:${sale.id}`, detail: { from: sale.tip, to: request.tip } });
      }).immediate();
      publish(attempts.byId(sale.id)!);
      return toAttemptView(attempts.byId(sale.id)!);
    },

    /** What each provider may tell the engine on its own; the registry wires these. */
    eventsFor,

    /**
     * The cashier stops waiting (rule 5): the attempt becomes `cancelling` and keeps blocking
     * its order and terminal; the request is aborted first, then the provider is asked to
     * cancel. Only a confirmed answer (or a manager's settlement) ends it.
     */
    async cancel(attemptId: string, userId: string): Promise<AttemptView> {
      const row = requireAttempt(attemptId);
      if (row.state !== 'sending' && row.state !== 'pending') return toAttemptView(row);
      db.transaction(() => {
        attempts.transition(row.id, { to: 'cancelling', cause: `cashier stopped waiting (user ${userId})`, message: 'Cancelling: waiting for the provider to confirm…' });
        audit('payment.cancelRequested', row, { state: row.state }, userId);
      }).immediate();
      publish(attempts.byId(row.id)!);
      // Until the provider's cancel answers, only a final answer may move the attempt.
      cancelling.add(row.id);
      let outcome: ProviderOutcome | null = null;
      const provider = providerFor(row);
      try {
        await settleInFlight(row.id);
        const afterAbort = attempts.byId(row.id)!;
        // The request came back with a final answer meanwhile (an approval pays the sale).
        if (afterAbort.state !== 'cancelling' || closed) return toAttemptView(afterAbort);
        if (!provider?.capabilities.cancel) {
          outcome = {
            state: 'unknown',
            message: `${provider?.label ?? row.provider} cannot cancel from the till: if the customer is still at the terminal, press Cancel there. The payment keeps being checked; take no other payment for this sale until it is known.`,
          };
        } else {
          try {
            const answer = await provider.cancel(toProviderAttempt(afterAbort));
            outcome = isFinalOutcome(answer.state) ? answer : { ...answer, state: 'unknown' };
          } catch (error) {
            outcome = { state: 'unknown', message: `The cancel did not get through (${(error as Error).message}); the payment keeps being checked.` };
          }
        }
      } finally {
        cancelling.delete(row.id);
      }
      apply(row.id, outcome, `cancel requested by user ${userId}`);
      return toAttemptView(attempts.byId(row.id)!);
    },

    /**
     * Rule 2's escape hatch: a manager lets the order take another payment while this one is
     * unresolved (the customer really walked away). The double-charge risk is recorded; the
     * attempt keeps being checked, and its approval still pays or is reversed.
     */
    release(request: { attemptId: string; managerId: string; reason: string }): AttemptView {
      const row = requireAttempt(request.attemptId);
      if (!isUnresolved(row.state) || row.kind !== 'sale') throw new PosError('CONFLICT', `That payment is already ${row.state}; there is nothing to release.`);
      if (row.released) return toAttemptView(row);
      if (inFlight.has(row.id)) throw new PosError('PAYMENT_IN_PROGRESS', 'The request is still out: stop waiting for it first, then release it.');
      db.transaction(() => {
        attempts.release(row.id);
        attempts.flag(row.id, 'released');
        attempts.note(row.id, `released by manager ${request.managerId}: ${request.reason}`);
        audit('payment.released', row, { reason: request.reason, risk: 'a second payment may be taken while this one could still be approved', state: row.state }, request.managerId);
      }).immediate();
      publish(attempts.byId(row.id)!);
      return toAttemptView(attempts.byId(row.id)!);
    },

    /** Rule 4: a manager settles an unresolved attempt with evidence and a reason; audited. */
    async settle(request: { attemptId: string; outcome: 'approved' | 'declined'; evidence: string; reason: string; managerId: string }): Promise<AttemptView> {
      const row = requireAttempt(request.attemptId);
      if (!isUnresolved(row.state)) throw new PosError('CONFLICT', `That payment is already ${row.state}.`);
      if ((row.state === 'sending' || row.state === 'pending') && inFlight.has(row.id)) {
        throw new PosError('PAYMENT_IN_PROGRESS', 'The terminal is still working on this payment: stop waiting for it first.');
      }
      // The manager's evidence wins over a request still out; anything it says later is checked against it.
      await settleInFlight(row.id);
      const current = attempts.byId(row.id)!;
      if (!isUnresolved(current.state)) throw new PosError('CONFLICT', `That payment became ${current.state} meanwhile.`);
      deps.audit.append({ userId: request.managerId, action: 'payment.settled', object: `attempt:${row.id}`, detail: { outcome: request.outcome, evidence: request.evidence, reason: request.reason, amount: row.amount } });
      apply(row.id, { state: request.outcome, message: `Settled by a manager: ${request.reason} (evidence: ${request.evidence})` }, `settled by manager ${request.managerId}`);
      return toAttemptView(attempts.byId(row.id)!);
    },

    attempt: (attemptId: string) => { const row = attempts.byId(attemptId); return row ? toAttemptView(row) : null; },
    hasUnresolved: (orderId: string) => attempts.liveSaleOf(orderId) !== null,
    viewsFor: (orderId: string) => attempts.byOrder(orderId).map(toAttemptView),
    needingAttention: () => attempts.needingAttention().map(toAttemptView),
    unresolved: () => attempts.unresolved().map(toAttemptView),
    /** Answers that reached the till with someone else's keys (rule 7), newest first. */
    foreignAnswers: (limit?: number) => attempts.anomalies(limit),

    async close(): Promise<void> {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      for (const running of inFlight.values()) running.controller.abort();
      await Promise.all([...deps.providers.values()].map((p) => p.close().catch(() => undefined)));
    },
  };
}

export type PaymentEngine = ReturnType<typeof createPaymentEngine>;

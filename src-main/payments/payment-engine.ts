/**
 * The payment engine (DESIGN.md §6): exactly-once charging whatever the network, the
 * gateway or the power does. Every attempt is committed before its request leaves;
 * every transition is journaled with its cause; a lost or late reply is resolved by
 * querying, never by sending again; attempts left unresolved by a crash are reconciled
 * before new ones are accepted. The engine sees providers only through PaymentProvider.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AttemptView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { AuditLog } from '../auth/audit-log';
import type { Db } from '../journal/open-journal';
import type { Checkout } from '../sales/checkout';
import type { OrderRepository } from '../journal/order-repository';
import { toAttemptView, type AttemptRepository, type AttemptRow, type Transition } from '../journal/attempt-repository';
import { isUnresolved } from './attempt-states';
import type { PaymentProvider, ProgressReport, ProviderAttempt, ProviderOutcome } from './provider';

/** Re-query delays for unresolved attempts: quick at first, then every 5 minutes, forever. */
/** A sale that only holds the amount until it is captured (DESIGN.md §6: it pays nothing yet). */
export function isPreauth(row: Pick<AttemptRow, 'kind' | 'options'>): boolean {
  return row.kind === 'sale' && row.options !== null && (JSON.parse(row.options) as Record<string, unknown>).preauth === true;
}

export const DEFAULT_BACKOFF_MS = [2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000];

export interface EngineDeps {
  db: Db;
  attempts: AttemptRepository;
  orders: OrderRepository;
  checkout: Checkout;
  providers: ReadonlyMap<string, PaymentProvider>;
  audit: AuditLog;
  /** What the order still owes (priced by sales; the engine never prices). */
  amountDue(orderId: string): number;
  attemptChanged(attempt: AttemptView): void;
  orderChanged(orderId: string): void;
  /** An approval paid the order off (after the commit): receipts print as for cash. */
  orderCompleted(orderId: string): void;
  log(message: string, error?: unknown): void;
  backoffMs?: readonly number[];
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

let referenceCounter = 0;

/** Digits only and under 20 characters: fits IOTPay mchOrderNo, CodePay merchant_order_no and YabandPay order_id. */
function newReference(now: Date): string {
  referenceCounter = (referenceCounter + 1) % 1000;
  return `${now.getTime()}${String(referenceCounter).padStart(3, '0')}${randomBytes(1)[0] % 100}`.padEnd(18, '0');
}

export function createPaymentEngine(deps: EngineDeps) {
  const now = deps.now ?? (() => new Date());
  const backoff = deps.backoffMs ?? DEFAULT_BACKOFF_MS;
  const { attempts, db } = deps;
  const inFlight = new Map<string, AbortController>();
  /** Attempts whose start() has returned: a late progress report must not reopen them. */
  const inFlightDone = new Set<string>();
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

  /** What an approval does to the order or to the sale it reverses; inside the transition's transaction. True when it completed the order. */
  function settleApproved(row: AttemptRow): boolean {
    const amount = row.approved_amount ?? row.amount;
    // A held pre-authorisation pays nothing until its capture is approved.
    if (isPreauth(row)) return false;
    if (row.kind === 'sale') {
      const order = deps.orders.byId(row.order_id);
      if (row.abandoned || !order || order.status !== 'open' || deps.amountDue(row.order_id) < amount) {
        // Rule 6: a late approval is never silently dropped; the manager decides on the refund.
        attempts.flag(row.id, 'late-approval');
        deps.audit.append({ userId: null, action: 'payment.lateApproval', object: `attempt:${row.id}`, detail: { amount, provider: row.provider, orderId: row.order_id } });
        return false;
      }
      const card = row.card ? JSON.parse(row.card) : null;
      const after = deps.checkout.addElectronicTender(row.order_id, {
        kind: row.method, label: card?.brand ? `${card.brand}` : (providerFor(row)?.label ?? row.provider), amount, tip: row.tip, attemptId: row.id, card,
      });
      return after.status === 'completed';
    }
    const original = row.original_attempt_id ? attempts.byId(row.original_attempt_id) : null;
    if (!original) return false;
    if (row.kind === 'void') {
      attempts.transition(original.id, { to: 'voided', cause: `voided by attempt ${row.id}` });
      return false;
    }
    attempts.addRefunded(original.id, amount);
    const after = attempts.byId(original.id)!;
    const fully = after.refunded >= (after.approved_amount ?? after.amount);
    attempts.transition(original.id, { to: fully ? 'refunded' : 'partially_refunded', cause: `refund ${row.id} of ${amount}` });
    return false;
  }

  /** Applies a provider's outcome: journal the transition, then tell the UI. */
  function apply(id: string, outcome: ProviderOutcome, cause: string): void {
    if (closed) return;
    const row = attempts.byId(id);
    if (!row) return;
    if (!isUnresolved(row.state)) {
      // A re-delivered or late result for an attempt already settled: applied once, ignored after.
      if (outcome.state !== 'pending' && outcome.state !== 'unknown' && outcome.state !== row.state) {
        deps.log(`Attempt ${id} is ${row.state}; ignoring a later ${outcome.state} (${cause})`);
      }
      return;
    }
    const change: Transition = {
      to: outcome.state, cause, message: outcome.message, providerRef: outcome.providerRef ?? null,
      card: outcome.card ?? null, detail: outcome.detail,
      ...(outcome.state === 'approved' ? { approvedAmount: outcome.approvedAmount ?? row.amount, tip: outcome.tip ?? row.tip } : {}),
    };
    let completedOrder = false;
    const updated = db.transaction(() => {
      const next = attempts.transition(id, change);
      if (next.state === 'approved') completedOrder = settleApproved(next);
      // The next check is journaled in the same commit as the transition.
      attempts.scheduleCheck(id, isUnresolved(next.state) ? nextCheckAt(next) : null);
      return attempts.byId(id)!;
    }).immediate();
    armCheck(updated);
    publish(updated);
    if (completedOrder) deps.orderCompleted(updated.order_id);
  }

  /** When an unresolved attempt is queried next: quick at first, then every few minutes. */
  function nextCheckAt(row: AttemptRow): Date {
    return new Date(now().getTime() + backoff[Math.min(row.query_count, backoff.length - 1)]);
  }

  /** Sets (or clears) the timer for the check the journal says is next. */
  function armCheck(row: AttemptRow): void {
    const existing = timers.get(row.id);
    if (existing) clearTimeout(existing);
    timers.delete(row.id);
    if (closed || !row.next_check_at || !isUnresolved(row.state)) return;
    const timer = setTimeout(() => void requery(row.id, 'scheduled query'), Math.max(0, Date.parse(row.next_check_at) - now().getTime()));
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
    if (!row || !isUnresolved(row.state) || closed) return;
    // The provider's own start() is still waiting (e.g. CC_PAX blocks ~90 s): let it finish.
    if (inFlight.has(id)) return scheduleCheck(row);
    const provider = providerFor(row);
    if (!provider) {
      apply(id, { state: 'unknown', message: `${row.provider} is not configured on this till; a manager must settle this payment with the provider's records.` }, cause);
      return;
    }
    let outcome: ProviderOutcome;
    try {
      outcome = await provider.query(toProviderAttempt(row));
    } catch (error) {
      outcome = { state: 'unknown', message: `Could not reach ${provider.label}: ${(error as Error).message}. Checking again shortly.` };
    }
    apply(id, outcome, cause);
  }

  function run(row: AttemptRow, provider: PaymentProvider, walletCode?: string): void {
    const controller = new AbortController();
    inFlight.set(row.id, controller);
    const progress: ProgressReport = (message, known) => {
      const current = attempts.byId(row.id);
      if (current && isUnresolved(current.state) && !inFlightDone.has(row.id)) {
        apply(row.id, { state: 'pending', message, ...(known?.providerRef ? { providerRef: known.providerRef } : {}) }, 'provider progress');
      }
    };
    provider.start(toProviderAttempt(row, walletCode), controller.signal, progress)
      .catch((error: Error): ProviderOutcome => (error instanceof PosError
        // Providers throw a PosError only when nothing was sent (terminal offline, busy, bad input).
        ? { state: 'declined', message: `Not sent: ${error.message}` }
        : { state: 'unknown', message: `No answer from ${provider.label} (${error.message}); checking with a query, never by charging again.` }))
      .then((outcome) => {
        inFlightDone.add(row.id);
        inFlight.delete(row.id);
        apply(row.id, outcome, 'provider replied');
      })
      .catch((error) => deps.log(`Applying the outcome of attempt ${row.id} failed`, error))
      .finally(() => inFlightDone.delete(row.id));
  }

  function unresolvedSaleOf(orderId: string): AttemptRow | null {
    return attempts.byOrder(orderId).find((a) => a.kind === 'sale' && !a.abandoned && isUnresolved(a.state)) ?? null;
  }

  function begin(request: Omit<StartRequest, 'walletCode'> & { kind: AttemptRow['kind']; originalAttemptId: string | null; walletMasked: string | null }, provider: PaymentProvider, walletCode?: string): AttemptView {
    const terminal = request.terminal ?? null;
    const busy = attempts.busyOn(provider.id, terminal);
    if (busy) throw new PosError('PAYMENT_IN_PROGRESS', `${terminal ?? provider.label} is busy with another payment; wait for it to finish.`);
    const at = now();
    // One commit journals the attempt and its move to `sending`, before the request leaves (rule 1):
    // after a crash there is no window in which an attempt exists without being marked sent.
    const sending = db.transaction(() => {
      const inserted = attempts.insert({
        id: randomUUID(), orderId: request.orderId, provider: provider.id, terminal, kind: request.kind, method: provider.method,
        amount: request.amount, tip: request.tip, currency: currencyOf(request.orderId), reference: newReference(at), requestId: randomBytes(16).toString('hex'),
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
      reconciled = true;
    },

    start(request: StartRequest): AttemptView {
      if (!reconciled) throw new PosError('PAYMENT_IN_PROGRESS', 'Checking payments left from before the restart; try again in a moment.');
      const provider = requireProvider(request.providerId);
      const order = deps.checkout.openOrderFor(request.orderId);
      if (provider.method === 'wallet' && !request.walletCode) throw new PosError('INVALID_PAYLOAD', 'Scan the customer\'s payment code to pay by wallet.', 'walletCode');
      if (provider.method !== 'wallet' && request.walletCode) throw new PosError('INVALID_PAYLOAD', `${provider.label} does not take wallet codes.`, 'walletCode');
      if (request.tip > 0 && !provider.capabilities.tip) throw new PosError('INVALID_PAYLOAD', `${provider.label} does not take tips.`, 'tip');
      if (request.preauth && !provider.capabilities.preauth) throw new PosError('INVALID_PAYLOAD', `${provider.label} cannot pre-authorise.`, 'preauth');
      const unresolved = unresolvedSaleOf(order.id);
      if (unresolved) throw new PosError('PAYMENT_IN_PROGRESS', 'A payment for this sale is still being checked; its outcome comes first.');
      const due = deps.amountDue(order.id);
      // A pre-authorisation may hold more than is due (a tip margin); only its capture is bounded by the sale.
      if (request.amount > due && !request.preauth) throw new PosError('INVALID_PAYLOAD', 'The amount is more than what is due.', 'amount');
      const options = request.preauth ? { ...request.options, preauth: true } : request.options;
      return begin({ ...request, ...(options ? { options } : {}), kind: 'sale', originalAttemptId: null, walletMasked: request.walletCode?.masked ?? null }, provider, request.walletCode?.value);
    },

    /** Refund (part of) an approved sale through its provider. The caller has checked the manager's approval. */
    refund(request: { attemptId: string; amount: number; userId: string; options?: Record<string, string | number | boolean> }): AttemptView {
      if (!reconciled) throw new PosError('PAYMENT_IN_PROGRESS', 'Checking payments left from before the restart; try again in a moment.');
      const original = attempts.byId(request.attemptId);
      if (!original || original.kind !== 'sale') throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
      const provider = requireProvider(original.provider);
      if (!provider.capabilities.refund) throw new PosError('CONFLICT', `${provider.label} refunds are done on the terminal itself.`);
      const refundable = toAttemptView(original).refundable;
      if (request.amount > refundable) throw new PosError('INVALID_PAYLOAD', `At most ${refundable} can still be refunded on this payment.`, 'amount');
      if (request.amount < refundable && !provider.capabilities.partialRefund) throw new PosError('INVALID_PAYLOAD', `${provider.label} only refunds the full amount.`, 'amount');
      const running = attempts.byOrder(original.order_id).find((a) => a.original_attempt_id === original.id && isUnresolved(a.state));
      if (running) throw new PosError('PAYMENT_IN_PROGRESS', 'A refund of this payment is still being checked.');
      return begin({
        orderId: original.order_id, providerId: provider.id, amount: request.amount, tip: 0, userId: request.userId, terminal: original.terminal,
        kind: 'refund', originalAttemptId: original.id, walletMasked: null, ...(request.options ? { options: request.options } : {}),
      }, provider);
    },

    /** Void an approved sale in full through its provider. The caller has checked the manager's approval. */
    void(request: { attemptId: string; userId: string; options?: Record<string, string | number | boolean> }): AttemptView {
      if (!reconciled) throw new PosError('PAYMENT_IN_PROGRESS', 'Checking payments left from before the restart; try again in a moment.');
      const original = attempts.byId(request.attemptId);
      if (!original || original.kind !== 'sale') throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
      if (original.state !== 'approved') throw new PosError('CONFLICT', `Only an approved payment that was not refunded can be voided; this one is ${original.state}.`);
      const provider = requireProvider(original.provider);
      if (!provider.capabilities.void) throw new PosError('CONFLICT', `${provider.label} cannot void from the till; refund it instead.`);
      const running = attempts.byOrder(original.order_id).find((a) => a.original_attempt_id === original.id && isUnresolved(a.state));
      if (running) throw new PosError('PAYMENT_IN_PROGRESS', 'A void or refund of this payment is still being checked.');
      return begin({
        orderId: original.order_id, providerId: provider.id, amount: original.approved_amount ?? original.amount, tip: original.tip, userId: request.userId,
        terminal: original.terminal, kind: 'void', originalAttemptId: original.id, walletMasked: null, ...(request.options ? { options: request.options } : {}),
      }, provider);
    },

    /** Takes (part of) a held pre-authorisation: the capture's approval pays the order. */
    capture(request: { attemptId: string; amount: number; tip: number; userId: string }): AttemptView {
      if (!reconciled) throw new PosError('PAYMENT_IN_PROGRESS', 'Checking payments left from before the restart; try again in a moment.');
      const held = attempts.byId(request.attemptId);
      if (!held || !isPreauth(held)) throw new PosError('NOT_FOUND', 'That is not a pre-authorisation.', 'attemptId');
      if (held.state !== 'approved') throw new PosError('CONFLICT', `The pre-authorisation is ${held.state}; only an approved one can be captured.`);
      const taken = attempts.byOrder(held.order_id).find((a) => a.original_attempt_id === held.id && a.kind === 'sale' && (isUnresolved(a.state) || a.state === 'approved'));
      if (taken) throw new PosError('CONFLICT', 'This pre-authorisation is already captured (or being captured).');
      if (request.amount > (held.approved_amount ?? held.amount)) throw new PosError('INVALID_PAYLOAD', 'The capture is more than was authorised.', 'amount');
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
      if (outcome.state !== 'approved') throw new PosError('PROVIDER_ERROR', `The tip was not changed: ${outcome.message}`);
      db.transaction(() => {
        attempts.setTip(sale.id, request.tip, `tip adjusted from ${sale.tip} to ${request.tip} by user ${request.userId}`);
        deps.orders.setTenderTip(sale.id, request.tip);
        deps.audit.append({ userId: request.userId, action: 'payment.tipAdjusted', object: `attempt:${sale.id}`, detail: { from: sale.tip, to: request.tip } });
      }).immediate();
      publish(attempts.byId(sale.id)!);
      return toAttemptView(attempts.byId(sale.id)!);
    },

    /** A result the provider learned on its own (e.g. a terminal re-delivering after a reconnect): applied once. */
    lateResult(providerId: string, reference: string, outcome: ProviderOutcome): void {
      const row = attempts.byReference(reference);
      if (row && row.provider === providerId) apply(row.id, outcome, 'result re-delivered by the provider');
    },

    /** The cashier stops waiting. The attempt is never forgotten: it is cancelled where the provider can, else re-queried. */
    async cancel(attemptId: string, userId: string): Promise<AttemptView> {
      const row = attempts.byId(attemptId);
      if (!row) throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
      if (!isUnresolved(row.state)) return toAttemptView(row);
      attempts.abandon(row.id);
      deps.audit.append({ userId, action: 'payment.abandoned', object: `attempt:${row.id}`, detail: { state: row.state, amount: row.amount } });
      const provider = providerFor(row);
      if (provider?.capabilities.cancel) {
        try {
          const outcome = await provider.cancel(toProviderAttempt(row));
          inFlight.get(row.id)?.abort();
          apply(row.id, outcome, `cancel requested by user ${userId}`);
        } catch (error) {
          inFlight.get(row.id)?.abort();
          apply(row.id, { state: 'unknown', message: `Cancel did not get through (${(error as Error).message}); still checking.` }, 'cancel failed');
        }
      } else {
        inFlight.get(row.id)?.abort();
        const current = attempts.byId(row.id)!;
        if (isUnresolved(current.state)) {
          apply(row.id, { state: current.state === 'sending' ? 'unknown' : current.state as 'pending' | 'unknown', message: `Stopped waiting. ${provider?.label ?? row.provider} is still checked so a late payment is caught and refunded.` }, `cashier stopped waiting (user ${userId})`);
        }
      }
      return toAttemptView(attempts.byId(row.id)!);
    },

    /** Rule 4: a manager settles an unresolved attempt with evidence and a reason; audited. */
    settle(request: { attemptId: string; outcome: 'approved' | 'declined'; evidence: string; reason: string; managerId: string }): AttemptView {
      const row = attempts.byId(request.attemptId);
      if (!row) throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
      if (!isUnresolved(row.state)) throw new PosError('CONFLICT', `That payment is already ${row.state}.`);
      if (inFlight.has(row.id)) throw new PosError('PAYMENT_IN_PROGRESS', 'The terminal is still working on this payment.');
      deps.audit.append({ userId: request.managerId, action: 'payment.settled', object: `attempt:${row.id}`, detail: { outcome: request.outcome, evidence: request.evidence, reason: request.reason, amount: row.amount } });
      apply(row.id, { state: request.outcome, message: `Settled by a manager: ${request.reason} (evidence: ${request.evidence})` }, `settled by manager ${request.managerId}`);
      return toAttemptView(attempts.byId(row.id)!);
    },

    attempt: (attemptId: string) => { const row = attempts.byId(attemptId); return row ? toAttemptView(row) : null; },
    hasUnresolved: (orderId: string) => unresolvedSaleOf(orderId) !== null,
    viewsFor: (orderId: string) => attempts.byOrder(orderId).map(toAttemptView),
    needingAttention: () => attempts.needingAttention().map(toAttemptView),
    unresolved: () => attempts.unresolved().map(toAttemptView),

    async close(): Promise<void> {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      for (const controller of inFlight.values()) controller.abort();
      await Promise.all([...deps.providers.values()].map((p) => p.close().catch(() => undefined)));
    },
  };
}

export type PaymentEngine = ReturnType<typeof createPaymentEngine>;

/**
 * The payment engine (DESIGN.md §6): exactly-once charging whatever the network, the
 * gateway, the cashier or the power does. Every attempt is committed before its request
 * leaves; every transition is journaled with its cause; a lost or late reply is resolved
 * by querying, never by sending again; an attempt blocks its order and its terminal until
 * its outcome is known; an approval always pays the order or is reversed; attempts left
 * unresolved by a crash are reconciled before new ones are accepted. The engine sees
 * providers only through PaymentProvider.
 */
import type { AttemptView, CardBlock } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import { maskPansDeep, maskPansIn } from '../../src-shared/pan-mask';
import { toAttemptView, type AttemptRow } from '../journal/attempt-repository';
import { maskedOutcome } from './attempt-outcome';
import { cashbackOf, createAttemptLifecycle, isPreauth, type EngineDeps, type StartRequest } from './attempt-lifecycle';
import { isFinalOutcome, isUnresolved } from '../../src-shared/attempt-states';
import type { AttemptOptions, PaymentProvider, ProviderEvents, ProviderOutcome } from './provider';

export {
  cashbackOf,
  isPreauth,
  type ElectronicTender,
  type EngineDeps,
  type SaleCheckout,
  type StartRequest,
} from './attempt-lifecycle';

/** A refund or void journaled in its caller's transaction, sent by `launch` after the commit. */
export interface Staged {
  attempt: AttemptView;
  launch(): void;
}

export function createPaymentEngine(deps: EngineDeps) {
  if (!Number.isInteger(deps.tillId) || deps.tillId < 1 || deps.tillId > 999)
    throw new Error(`The till id must be a whole number from 1 to 999, not ${deps.tillId}.`);
  const { attempts, journal } = deps;
  const life = createAttemptLifecycle(deps);
  const {
    apply,
    audit,
    begin,
    providerFor,
    publish,
    requery,
    requeryAll,
    reversePending,
    settleInFlight,
    toProviderAttempt,
  } = life;
  let reconciled = false;

  function requireProvider(id: string): PaymentProvider {
    const provider = deps.providers.get(id);
    if (!provider) throw new PosError('NOT_FOUND', `Payment method ${id} is not set up on this till.`, 'provider');
    return provider;
  }

  function requireReconciled(): void {
    if (!reconciled)
      throw new PosError(
        'PAYMENT_IN_PROGRESS',
        'Checking payments left from before the restart; try again in a moment.',
      );
  }

  function requireAttempt(attemptId: string): AttemptRow {
    const row = attempts.byId(attemptId);
    if (!row) throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
    return row;
  }

  /** Journals an attempt in the caller's transaction; `launch` sends it after the caller's commit. */
  function stage(request: Parameters<typeof life.journalAttempt>[0], provider: PaymentProvider): Staged {
    const row = life.journalAttempt(request, provider);
    let launched = false;
    return {
      attempt: toAttemptView(row),
      launch: () => {
        if (launched) return;
        launched = true;
        // Never before the commit: an attempt that was rolled back must not be sent.
        if (journal.inTransaction || !attempts.byId(row.id))
          throw new Error(`Attempt ${row.id} is sent only once it is committed.`);
        life.launch(row, provider);
      },
    };
  }

  function eventsFor(providerId: string): ProviderEvents {
    // Called from a provider's socket handlers: a failure here is logged, never thrown into them.
    const guarded =
      <A extends unknown[]>(what: string, act: (...args: A) => void) =>
      (...args: A): void => {
        if (life.closed) return;
        try {
          act(...args);
        } catch (error) {
          deps.log(`${providerId}: handling ${what} failed`, error);
        }
      };
    const foreignAnswer = guarded(
      "an answer with someone else's keys",
      (report: Parameters<ProviderEvents['foreignAnswer']>[0]) => {
        const detail = maskPansDeep(report.detail);
        const reason = maskPansIn(report.reason);
        deps.log(`${providerId}: an answer with someone else's keys was kept, not applied: ${reason}`);
        journal.transaction(() => {
          attempts.recordAnomaly({ provider: providerId, terminal: report.terminal, reason, detail });
          deps.audit.append({
            userId: null,
            action: 'payment.foreignAnswer',
            object: `provider:${providerId}`,
            detail: { terminal: report.terminal, reason, detail },
          });
        });
      },
    );
    return {
      lateResult: guarded('a re-delivered result', (reference: string, outcome: ProviderOutcome) => {
        const row = attempts.byReference(reference);
        if (row && row.provider === providerId) {
          apply(row.id, outcome, 'result re-delivered by the provider');
          return;
        }
        foreignAnswer({
          terminal: null,
          reason: `a result for reference ${reference}, which is no attempt of this till's ${providerId}`,
          detail: { reference, state: outcome.state, message: outcome.message, ...outcome.detail },
        });
      }),
      foreignAnswer,
      linkRestored: guarded('a link coming back', (terminal: string | null) =>
        requeryAll(providerId, terminal, `link to ${terminal ?? providerId} came back`),
      ),
    };
  }

  return {
    get reconciled() {
      return reconciled;
    },

    /** Rule 3: every attempt a crash left unresolved is queried before new tenders are accepted. */
    async reconcile(): Promise<void> {
      const pending = attempts.unresolved();
      const checked = await Promise.allSettled(
        pending.map(async (row) => {
          if (row.state === 'created') {
            // Journals written before attempts were inserted and marked sending in one commit
            // may hold one that was never marked sending: its request cannot have left.
            apply(
              row.id,
              { state: 'cancelled', message: 'The till stopped before this payment was sent; nothing was charged.' },
              'reconciled at start: never sent',
            );
            return;
          }
          await requery(row.id, 'reconciled at start');
        }),
      );
      // A check that failed is never forgotten: its attempt stays unresolved, blocking its own sale,
      // and is checked again on the back-off; the rest of the till takes payments meanwhile.
      checked.forEach((result, i) => {
        if (result.status === 'rejected') {
          deps.log(`Reconciling attempt ${pending[i].id} failed; it is checked again shortly`, result.reason);
          life.recheckLater(pending[i].id);
        }
      });
      // An approval that needed reversal when the till stopped and was never reversed: reverse it now.
      reversePending(null);
      reconciled = true;
    },

    start(request: StartRequest): AttemptView {
      requireReconciled();
      const provider = requireProvider(request.providerId);
      const order = deps.checkout.openOrderFor(request.orderId);
      if (provider.method === 'wallet' && !request.walletCode)
        throw new PosError('INVALID_PAYLOAD', "Scan the customer's payment code to pay by wallet.", 'walletCode');
      if (provider.method !== 'wallet' && request.walletCode)
        throw new PosError('INVALID_PAYLOAD', `${provider.label} does not take wallet codes.`, 'walletCode');
      if (request.tip > 0 && !provider.capabilities.tip)
        throw new PosError('INVALID_PAYLOAD', `${provider.label} does not take tips.`, 'tip');
      if (request.preauth && !provider.capabilities.preauth)
        throw new PosError('INVALID_PAYLOAD', `${provider.label} cannot pre-authorise.`, 'preauth');
      // Rule 2: an order with a payment whose outcome is not known takes no other payment.
      if (attempts.liveSaleOf(order.id))
        throw new PosError(
          'PAYMENT_IN_PROGRESS',
          'A payment for this sale is still being checked; its outcome comes first.',
        );
      const due = deps.amountDue(order.id);
      // A pre-authorisation may hold more than is due (a tip margin); only its capture is bounded by the sale.
      if (request.amount > due && !request.preauth)
        throw new PosError('INVALID_PAYLOAD', 'The amount is more than what is due.', 'amount');
      const options = request.preauth ? { ...request.options, preauth: true } : request.options;
      return begin(
        {
          ...request,
          ...(options ? { options } : {}),
          kind: 'sale',
          originalAttemptId: null,
          walletMasked: request.walletCode?.masked ?? null,
        },
        provider,
        request.walletCode?.value,
      );
    },

    /**
     * Journals a refund of (part of) an approved sale, tip included, inside the caller's
     * transaction, where the refund ledger records it beside (sales/refund-service). The caller has
     * checked the manager's approval; `launch` sends it once the caller committed.
     */
    stageRefund(request: { attemptId: string; amount: number; userId: string; options?: AttemptOptions }): Staged {
      requireReconciled();
      const original = attempts.byId(request.attemptId);
      if (!original || original.kind !== 'sale')
        throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
      const provider = requireProvider(original.provider);
      if (!provider.capabilities.refund)
        throw new PosError(
          'CONFLICT',
          `${provider.label} refunds are done on the terminal itself: refund it there and record it, or refund to cash.`,
        );
      const refundable = toAttemptView(original).refundable;
      if (request.amount > refundable)
        throw new PosError('INVALID_PAYLOAD', `At most ${refundable} can still be refunded on this payment.`, 'amount');
      if (request.amount < refundable && !provider.capabilities.partialRefund)
        throw new PosError('INVALID_PAYLOAD', `${provider.label} only refunds the full amount.`, 'amount');
      if (attempts.byOriginal(original.id).some((a) => isUnresolved(a.state)))
        throw new PosError('PAYMENT_IN_PROGRESS', 'A refund of this payment is still being checked.');
      return stage(
        {
          orderId: original.order_id,
          providerId: provider.id,
          amount: request.amount,
          tip: 0,
          userId: request.userId,
          terminal: original.terminal,
          kind: 'refund',
          originalAttemptId: original.id,
          walletMasked: null,
          ...(request.options ? { options: request.options } : {}),
        },
        provider,
      );
    },

    /** Journals the void of an approved sale in full (tip included), as stageRefund does. */
    stageVoid(request: { attemptId: string; userId: string; options?: AttemptOptions }): Staged {
      requireReconciled();
      const original = attempts.byId(request.attemptId);
      if (!original || original.kind !== 'sale')
        throw new PosError('NOT_FOUND', 'That payment does not exist.', 'attemptId');
      if (original.state !== 'approved' && original.state !== 'needs_reversal')
        throw new PosError(
          'CONFLICT',
          `Only an approved payment that was not refunded can be voided; this one is ${original.state}.`,
        );
      const provider = requireProvider(original.provider);
      if (!provider.capabilities.void)
        throw new PosError('CONFLICT', `${provider.label} cannot void from the till; refund it instead.`);
      // A void takes back the whole transaction, cash back included, which the customer holds once the sale took it
      // (an approval the sale never took handed no cash out: voiding it is right).
      if (original.state === 'approved' && cashbackOf(original) > 0) {
        throw new PosError('CONFLICT', 'A sale with cash back cannot be voided: refund what was bought instead.');
      }
      if (attempts.byOriginal(original.id).some((a) => isUnresolved(a.state)))
        throw new PosError('PAYMENT_IN_PROGRESS', 'A void or refund of this payment is still being checked.');
      return stage(
        {
          orderId: original.order_id,
          providerId: provider.id,
          amount: original.approved_amount ?? original.amount,
          tip: original.tip,
          userId: request.userId,
          terminal: original.terminal,
          kind: 'void',
          originalAttemptId: original.id,
          walletMasked: null,
          ...(request.options ? { options: request.options } : {}),
        },
        provider,
      );
    },

    /** Takes (part of) a held pre-authorisation: the capture's approval pays the order. */
    capture(request: { attemptId: string; amount: number; tip: number; userId: string }): AttemptView {
      requireReconciled();
      const held = attempts.byId(request.attemptId);
      if (!held || !isPreauth(held)) throw new PosError('NOT_FOUND', 'That is not a pre-authorisation.', 'attemptId');
      if (held.state !== 'approved')
        throw new PosError('CONFLICT', `The pre-authorisation is ${held.state}; only an approved one can be captured.`);
      const taken = attempts
        .byOriginal(held.id)
        .find((a) => a.kind === 'sale' && (isUnresolved(a.state) || a.state === 'approved'));
      if (taken) throw new PosError('CONFLICT', 'This pre-authorisation is already captured (or being captured).');
      if (request.amount + request.tip > (held.approved_amount ?? held.amount))
        throw new PosError('INVALID_PAYLOAD', 'The capture and its tip are more than was authorised.', 'amount');
      if (attempts.liveSaleOf(held.order_id))
        throw new PosError(
          'PAYMENT_IN_PROGRESS',
          'A payment for this sale is still being checked; its outcome comes first.',
        );
      if (request.amount > deps.amountDue(held.order_id))
        throw new PosError('INVALID_PAYLOAD', 'The capture is more than what is due.', 'amount');
      const provider = requireProvider(held.provider);
      return begin(
        {
          orderId: held.order_id,
          providerId: provider.id,
          amount: request.amount,
          tip: request.tip,
          userId: request.userId,
          terminal: held.terminal,
          kind: 'sale',
          originalAttemptId: held.id,
          walletMasked: null,
          options: { capture: true },
        },
        provider,
      );
    },

    /** Changes the tip of an approved sale on the provider, then in the journal (attempt and tender). */
    async adjustTip(request: { attemptId: string; tip: number; userId: string }): Promise<AttemptView> {
      const sale = attempts.byId(request.attemptId);
      if (!sale || sale.kind !== 'sale' || sale.state !== 'approved')
        throw new PosError('NOT_FOUND', 'Only an approved card sale can have its tip changed.', 'attemptId');
      const provider = requireProvider(sale.provider);
      if (!provider.adjustTip) throw new PosError('CONFLICT', `${provider.label} cannot change a tip after the sale.`);
      // A tip is bounded by the sale it tips; above the store's limit the caller has a manager's approval.
      const base = sale.approved_amount ?? sale.amount;
      if (request.tip > base)
        throw new PosError('INVALID_PAYLOAD', 'A tip cannot be more than the sale itself.', 'tip');
      // Once money went back on the sale, its tip is part of what was refunded: it no longer changes.
      if (deps.ledger.givenBackOn(sale.id) > 0)
        throw new PosError('CONFLICT', 'Part of this payment was given back: its tip can no longer change.');
      const outcome = await provider.adjustTip(toProviderAttempt(sale), request.tip);
      if (outcome.state !== 'approved')
        throw new PosError('PROVIDER_ERROR', `The tip was not changed: ${maskedOutcome(outcome, sale).message}`);
      journal.transaction(() => {
        attempts.setTip(
          sale.id,
          request.tip,
          `tip adjusted from ${sale.tip} to ${request.tip} by user ${request.userId}`,
        );
        deps.orders.setTenderTip(sale.id, request.tip);
        deps.audit.append({
          userId: request.userId,
          action: 'payment.tipAdjusted',
          object: `attempt:${sale.id}`,
          detail: { from: sale.tip, to: request.tip },
        });
      });
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
      journal.transaction(() => {
        attempts.transition(row.id, {
          to: 'cancelling',
          cause: `cashier stopped waiting (user ${userId})`,
          message: 'Cancelling: waiting for the provider to confirm…',
        });
        audit('payment.cancelRequested', row, { state: row.state }, userId);
      });
      publish(attempts.byId(row.id)!);
      // Until the provider's cancel answers, only a final answer may move the attempt.
      life.cancelling.add(row.id);
      let outcome: ProviderOutcome | null = null;
      const provider = providerFor(row);
      try {
        await settleInFlight(row.id);
        const afterAbort = attempts.byId(row.id)!;
        // The request came back with a final answer meanwhile (an approval pays the sale).
        if (afterAbort.state !== 'cancelling' || life.closed) return toAttemptView(afterAbort);
        if (!provider?.capabilities.cancel) {
          outcome = {
            state: 'unknown',
            message: `${provider?.label ?? row.provider} cannot cancel from the till: if the customer is still at the terminal, press Cancel there. The payment keeps being checked; take no other payment for this sale until it is known.`,
          };
        } else {
          try {
            const answer = await life.cancelAtProvider(provider, afterAbort);
            outcome = isFinalOutcome(answer.state) ? answer : { ...answer, state: 'unknown' };
          } catch (error) {
            outcome = {
              state: 'unknown',
              message: `The cancel did not get through (${(error as Error).message}); the payment keeps being checked.`,
            };
          }
        }
      } finally {
        life.cancelling.delete(row.id);
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
      if (!isUnresolved(row.state) || row.kind !== 'sale')
        throw new PosError('CONFLICT', `That payment is already ${row.state}; there is nothing to release.`);
      if (row.released) return toAttemptView(row);
      if (life.isInFlight(row.id))
        throw new PosError(
          'PAYMENT_IN_PROGRESS',
          'The request is still out: stop waiting for it first, then release it.',
        );
      journal.transaction(() => {
        attempts.release(row.id);
        life.raiseFlag(row.id, 'released');
        attempts.note(row.id, `released by manager ${request.managerId}: ${request.reason}`);
        audit(
          'payment.released',
          row,
          {
            reason: request.reason,
            risk: 'a second payment may be taken while this one could still be approved',
            state: row.state,
          },
          request.managerId,
        );
      });
      publish(attempts.byId(row.id)!);
      return toAttemptView(attempts.byId(row.id)!);
    },

    /** Rule 4: a manager settles an unresolved attempt with evidence and a reason; audited. */
    async settle(request: {
      attemptId: string;
      outcome: 'approved' | 'declined';
      evidence: string;
      reason: string;
      managerId: string;
    }): Promise<AttemptView> {
      const row = requireAttempt(request.attemptId);
      if (!isUnresolved(row.state)) throw new PosError('CONFLICT', `That payment is already ${row.state}.`);
      if ((row.state === 'sending' || row.state === 'pending') && life.isInFlight(row.id)) {
        throw new PosError(
          'PAYMENT_IN_PROGRESS',
          'The terminal is still working on this payment: stop waiting for it first.',
        );
      }
      // The manager's evidence wins over a request still out; anything it says later is checked against it.
      await settleInFlight(row.id);
      const current = attempts.byId(row.id)!;
      if (!isUnresolved(current.state))
        throw new PosError('CONFLICT', `That payment became ${current.state} meanwhile.`);
      // The manager's evidence vouches for the amount (a read-back the gateway never gave), and the
      // audit entry commits with the settlement it records.
      apply(
        row.id,
        {
          state: request.outcome,
          message: `Settled by a manager: ${request.reason} (evidence: ${request.evidence})`,
          readBack: { amount: row.amount, currency: row.currency },
        },
        `settled by manager ${request.managerId}`,
        () =>
          deps.audit.append({
            userId: request.managerId,
            action: 'payment.settled',
            object: `attempt:${row.id}`,
            detail: {
              outcome: request.outcome,
              evidence: request.evidence,
              reason: request.reason,
              amount: row.amount,
            },
          }),
      );
      return toAttemptView(attempts.byId(row.id)!);
    },

    /**
     * A manager closes a flag with evidence: money to give back that went back outside the till
     * (refunded on the terminal, whose provider has no refund from the till), or a flag looked
     * into (a contradiction, a read-back mismatch, a release). Audited with the evidence.
     */
    resolve(request: {
      attemptId: string;
      resolution: 'refunded-elsewhere' | 'accepted' | 'acknowledged';
      evidence: string;
      reason: string;
      managerId: string;
      /** What the refund ledger records with it (sales/refund-service), inside its transaction. */
      record?: (row: AttemptRow, amount: number) => void;
    }): AttemptView {
      const row = requireAttempt(request.attemptId);
      if (isUnresolved(row.state))
        throw new PosError('CONFLICT', 'That payment is still being checked: settle it with evidence instead.');
      const flag = row.needs_attention;
      if (flag === null) throw new PosError('CONFLICT', 'That payment needs nothing from a manager.');
      if (request.resolution === 'refunded-elsewhere' || request.resolution === 'accepted') {
        if (flag !== 'needs-reversal')
          throw new PosError('CONFLICT', 'Only an approval to give back can be recorded as refunded or accepted.');
        if (attempts.byOriginal(row.id).some((a) => isUnresolved(a.state)))
          throw new PosError('PAYMENT_IN_PROGRESS', 'A void or refund of it is still being checked.');
      }
      if (request.resolution === 'refunded-elsewhere') {
        const remaining = (row.approved_amount ?? row.amount) + row.tip - row.refunded;
        journal.transaction(() => {
          attempts.addRefunded(row.id, remaining);
          attempts.transition(row.id, {
            to: 'refunded',
            cause: `refunded outside the till, recorded by manager ${request.managerId} (evidence: ${request.evidence})`,
          });
          attempts.flag(row.id, null);
          audit(
            'payment.refundedElsewhere',
            row,
            { amount: remaining, evidence: request.evidence, reason: request.reason },
            request.managerId,
          );
          request.record?.(row, remaining);
        });
      } else if (request.resolution === 'accepted') {
        // The late approval becomes the sale's tender after all; what the sale took another way for
        // it goes back (the caller's record), so the customer pays once and the books match the gateway.
        if (row.state !== 'needs_reversal' || row.refunded > 0)
          throw new PosError('CONFLICT', 'Only an approval nothing was given back on can be accepted.');
        const amount = row.approved_amount ?? row.amount;
        journal.transaction(() => {
          attempts.transition(row.id, {
            to: 'approved',
            cause: `accepted as the sale's tender by manager ${request.managerId} (evidence: ${request.evidence})`,
          });
          attempts.flag(row.id, null);
          const card = row.card ? (JSON.parse(row.card) as CardBlock) : null;
          deps.checkout.addElectronicTender(row.order_id, {
            kind: row.method,
            label: card?.brand ?? providerFor(row)?.label ?? row.provider,
            amount,
            tip: row.tip,
            cashback: 0,
            attemptId: row.id,
            card,
          });
          audit(
            'payment.acceptedLate',
            row,
            { amount, tip: row.tip, evidence: request.evidence, reason: request.reason },
            request.managerId,
          );
          request.record?.(attempts.byId(row.id)!, amount);
        });
      } else {
        if (flag === 'needs-reversal')
          throw new PosError(
            'CONFLICT',
            "The customer must still get this money back: refund it, record the refund done on the terminal, or accept it as the sale's tender.",
          );
        journal.transaction(() => {
          attempts.flag(row.id, null);
          attempts.note(row.id, `${flag} resolved by manager ${request.managerId} (evidence: ${request.evidence})`);
          audit(
            'payment.flagResolved',
            row,
            { flag, evidence: request.evidence, reason: request.reason },
            request.managerId,
          );
        });
      }
      publish(attempts.byId(row.id)!);
      return toAttemptView(attempts.byId(row.id)!);
    },

    attempt: (attemptId: string) => {
      const row = attempts.byId(attemptId);
      return row ? toAttemptView(row) : null;
    },
    hasUnresolved: (orderId: string) => attempts.liveSaleOf(orderId) !== null,
    viewsFor: (orderId: string) => attempts.byOrder(orderId).map(toAttemptView),
    needingAttention: () => attempts.needingAttention().map(toAttemptView),
    unresolved: () => attempts.unresolved().map(toAttemptView),
    /** Answers that reached the till with someone else's keys (rule 7), newest first. */
    foreignAnswers: (limit?: number) => attempts.anomalies(limit),

    async close(): Promise<void> {
      life.close();
      await Promise.all([...deps.providers.values()].map((p) => p.close().catch(() => undefined)));
    },
  };
}

export type PaymentEngine = ReturnType<typeof createPaymentEngine>;

/**
 * Applying a provider's answer to its attempt (DESIGN.md §6 rules 6 and 7): card numbers masked,
 * the read-back checked (an answer about another order is flagged, never applied), a set-up
 * fault flagged, then the transition the state machine allows journaled with its cause — an
 * approval paying its order, or reversing the sale it refunds or voids, or else going to
 * `needs_reversal` — and the attempt's next check re-armed. A final answer that contradicts a
 * final state is applied where money moved, otherwise flagged; always audited.
 */
import type { CardBlock } from '../../../src-shared/domain';
import { canTransition, isFinalOutcome, isUnresolved } from '../../../src-shared/attempt-states';
import { toAttemptView, type AttemptRow, type Transition } from '../../journal/attempt-repository';
import { maskedOutcome, readBackMismatch } from './attempt-outcome';
import { cashbackOf, isPreauth } from './attempt-readings';
import type { LifecycleContext } from './lifecycle-context';
import type { ProviderOutcome } from '../provider';

/** Flags that only matter while the attempt is unresolved: they clear when it ends without money to give back. */
const WHILE_UNRESOLVED: readonly (string | null)[] = ['config-fault', 'released'];

/** Applies a provider's outcome to an attempt; `also` records what commits with the change. */
export type ApplyOutcome = (id: string, raw: ProviderOutcome, cause: string, also?: (next: AttemptRow) => void) => void;

/**
 * What applying an outcome asks of the parts composed after it (attempt-lifecycle.ts binds them):
 * the re-query schedule (requery-schedule.ts) and the reversal of an approval (approval-reversal.ts).
 */
export interface OutcomePeers {
  nextCheckAt(row: AttemptRow): Date;
  armCheck(row: AttemptRow): void;
  reverse(row: AttemptRow): void;
  reversePending(providerId: string | null): void;
}

/** Builds `apply` over the lifecycle's shared context; `peers` are called only once an outcome is applied. */
export function createOutcomeApplication(context: LifecycleContext, peers: OutcomePeers) {
  const { deps, cancelling, providerFor, publish, raiseFlag, audit } = context;
  const { attempts, journal } = deps;
  const { nextCheckAt, armCheck, reverse, reversePending } = peers;

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
    if (context.closed) return;
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
    const write = () =>
      journal.transaction(() => {
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
        if (also) also(attempts.byId(row.id)!);
        return attempts.byId(row.id)!;
      });
    // Every change is committed with the journal's full flush (DESIGN.md §9), progress included.
    const updated = write();
    // Progress (the provider still at work, a query answered "not yet") changes nothing the order view shows
    // but this attempt: no order view is built for it.
    const progressOnly =
      outcome.state === 'pending' && !outcome.card && (outcome.providerRef ?? row.provider_ref) === row.provider_ref;
    armCheck(updated);
    publish(updated, !progressOnly);
    // A void or refund changed the sale it reverses: the screens see that one too.
    if (updated.original_attempt_id && updated.state === 'approved') {
      const original = attempts.byId(updated.original_attempt_id);
      if (original) deps.attemptChanged(toAttemptView(original));
    }
    if (completedOrder) deps.orderCompleted(updated.order_id);
    if (updated.state === 'needs_reversal') reverse(updated);
    else if (!isUnresolved(updated.state)) reversePending(updated.provider);
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

  return { apply };
}

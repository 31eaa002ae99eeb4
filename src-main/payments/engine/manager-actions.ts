/**
 * What only a manager may do to a payment, each with a reason and audited (DESIGN.md §6 rules 2
 * and 4): release an unresolved sale so its order may take another payment (the double-charge
 * risk recorded and flagged), settle an unresolved attempt with evidence, and resolve a flag —
 * money given back outside the till, a late approval accepted as the sale's tender, or a flag
 * looked into.
 */
import type { AttemptView, CardBlock } from '../../../src-shared/domain';
import { PosError } from '../../../src-shared/errors';
import { isUnresolved } from '../../../src-shared/attempt-states';
import { toAttemptView, type AttemptRow } from '../../journal/attempt-repository';
import type { EngineContext } from './engine-context';

/** The engine's `release`, `settle` and `resolve`. */
export function createManagerActions(context: EngineContext) {
  const { deps, life, requireAttempt } = context;
  const { attempts, journal } = deps;
  const { apply, audit, providerFor, publish, settleInFlight } = life;

  return {
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
  };
}

/**
 * What is done to a card sale after its approval, short of giving money back: capturing (part of)
 * a held pre-authorisation — a new sale under the hold's keys whose approval pays the order — and
 * changing the tip of an approved sale on the provider, then on its attempt and its tender,
 * while nothing of it was given back yet.
 */
import type { AttemptView } from '../../../src-shared/domain';
import { PosError } from '../../../src-shared/errors';
import { isUnresolved } from '../../../src-shared/attempt-states';
import { toAttemptView } from '../../journal/attempt-repository';
import { maskedOutcome } from './attempt-outcome';
import { isPreauth } from './attempt-readings';
import type { EngineContext } from './engine-context';

/** The engine's `capture` and `adjustTip`. */
export function createCaptureAndTip(context: EngineContext) {
  const { deps, life, requireProvider, requireReconciled } = context;
  const { attempts, journal } = deps;
  const { begin, publish, toProviderAttempt } = life;

  return {
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
  };
}

/**
 * Refunds and voids of an approved sale, journaled in their caller's transaction (the refund
 * service's, where the refund ledger records them beside) and sent by `launch` only once that
 * transaction committed: an attempt that was rolled back is never sent. Checks what the
 * provider can give back from the till, how much is still refundable, that a void takes back
 * no cash the customer holds, and that nothing else is giving this sale's money back meanwhile.
 */
import type { AttemptView } from '../../../src-shared/domain';
import { PosError } from '../../../src-shared/errors';
import { isUnresolved } from '../../../src-shared/attempt-states';
import { toAttemptView } from '../../journal/attempt-repository';
import { cashbackOf } from './attempt-readings';
import type { EngineContext } from './engine-context';
import type { AttemptOptions, PaymentProvider } from '../provider';

/** A refund or void journaled in its caller's transaction, sent by `launch` after the commit. */
export interface Staged {
  attempt: AttemptView;
  launch(): void;
}

/** The engine's `stageRefund` and `stageVoid`. */
export function createRefundAndVoidStaging(context: EngineContext) {
  const { deps, life, requireProvider, requireReconciled } = context;
  const { attempts, journal } = deps;

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

  return {
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
  };
}

/**
 * Giving back an approval the order no longer needs (DESIGN.md §6 rule 6): a `needs_reversal`
 * attempt is voided, or else refunded, with its own keys, automatically once — its reversal and
 * the refund ledger's record journaled together before it is sent. One the provider cannot
 * reverse from the till, or that was already tried, is left to the manager; one whose terminal
 * was busy starts once an attempt of that provider ends (and at every reconciliation).
 */
import type { AttemptRow } from '../../journal/attempt-repository';
import type { createAttemptSending } from './attempt-sending';
import type { LifecycleContext } from './lifecycle-context';

/** What a reversal uses to journal and send itself (attempt-sending.ts). */
export type ReversalSending = Pick<ReturnType<typeof createAttemptSending>, 'journalAttempt' | 'launch'>;

/** The automatic reversal of one engine's `needs_reversal` approvals. */
export function createApprovalReversal(context: LifecycleContext, sending: ReversalSending) {
  const { deps, providerFor } = context;
  const { attempts, journal } = deps;
  const { journalAttempt, launch } = sending;

  /** A reversal that could not start (its terminal was busy) starts once the terminal is free. */
  function reversePending(providerId: string | null): void {
    for (const row of attempts.needingAttention()) {
      if (row.state === 'needs_reversal' && (providerId === null || row.provider === providerId)) reverse(row);
    }
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

  return { reverse, reversePending };
}

/**
 * What the engine does to a provider's answer before it may touch the journal: card
 * numbers masked in every free-text field (DESIGN.md §9), and the read-back checked
 * against the attempt it claims to be about (DESIGN.md §6 rule 7).
 */
import { maskPansDeep, maskPansIn } from '../../../src-shared/pan-mask';
import type { AttemptRow } from '../../journal/attempt-repository';
import type { ProviderOutcome } from '../provider';

/** A copy of the outcome with every card number in its texts masked; the attempt's own keys stay readable. */
export function maskedOutcome(
  outcome: ProviderOutcome,
  row: Pick<AttemptRow, 'reference' | 'request_id' | 'provider_ref'>,
): ProviderOutcome {
  // The provider's own transaction ids are ids, not card numbers, even when their digits pass Luhn.
  const ids = [
    row.reference,
    row.request_id,
    row.provider_ref,
    outcome.providerRef,
    outcome.card?.channelOrderNo,
    outcome.card?.reference,
  ];
  const keep = new Set(ids.filter((key): key is string => typeof key === 'string' && key !== ''));
  return {
    ...outcome,
    message: maskPansIn(outcome.message, keep),
    ...(outcome.detail ? { detail: maskPansDeep(outcome.detail, keep) } : {}),
    ...(outcome.card ? { card: maskPansDeep(outcome.card, keep) } : {}),
    ...(outcome.configFault ? { configFault: maskPansIn(outcome.configFault, keep) } : {}),
  };
}

/**
 * Why a read-back cannot be this attempt's answer (another till's order under the same key,
 * an amount or currency the gateway changed), or null when it matches.
 */
export function readBackMismatch(
  outcome: ProviderOutcome,
  row: Pick<AttemptRow, 'amount' | 'currency' | 'readback_required'>,
): string | null {
  const back = outcome.readBack;
  if (!back) {
    const required = row.readback_required === 1 || outcome.readBackRequired === true;
    return required && outcome.state === 'approved'
      ? 'the provider said this payment reference was used before and its answer does not say which amount it charged under it'
      : null;
  }
  if (back.currency.toUpperCase() !== row.currency.toUpperCase())
    return `the provider reports ${back.currency}, the payment was in ${row.currency}`;
  if (back.amount !== row.amount)
    return `the provider reports an amount of ${back.amount}, the payment was for ${row.amount} (minor units)`;
  return null;
}

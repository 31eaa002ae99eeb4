/**
 * What a journaled attempt's row says beyond its amount, read the same way by the engine, the
 * refund ledger and the shift reports: the cash back a sale charged to the card, and whether a
 * sale is a pre-authorisation that only holds its amount until it is captured.
 */
import type { CardBlock } from '../../../src-shared/domain';
import type { AttemptRow } from '../../journal/attempt-repository';
import { parseAttemptOptions } from './attempt-options';

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

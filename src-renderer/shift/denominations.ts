/**
 * The notes and coins a drawer is counted in, per currency, and typed counts turned
 * into the contract's denomination counts. Main adds them up again; the total shown
 * here is only for the cashier to compare as they count.
 */
import { currencyExponent } from '../../src-shared/money';
import type { DenominationCounts } from '../../src-shared/report';
import { parseFixed } from '../common/parse-input';

export interface Denomination {
  /** Face value in minor units (a $20 note in CAD: 2000). */
  value: number;
  /** How the cashier names it: "$20 notes", "25¢ coins". */
  label: string;
}

const dollars = (minor: number) => `$${minor / 100}`;
const cents = (minor: number) => `${minor}¢`;
const notes = (values: number[]) => values.map((value) => ({ value, label: `${dollars(value)} notes` }));
const coins = (values: number[]) =>
  values.map((value) => ({ value, label: `${value >= 100 ? dollars(value) : cents(value)} coins` }));

const TABLES: Readonly<Record<string, readonly Denomination[]>> = {
  // Canada has no cent coin since 2013: cash is rounded to 5 cents.
  CAD: [...notes([10000, 5000, 2000, 1000, 500]), ...coins([200, 100, 25, 10, 5])],
  USD: [...notes([10000, 5000, 2000, 1000, 500, 100]), ...coins([25, 10, 5, 1])],
};

/** The currency's notes and coins, largest first; [] when the till has no table for it. */
export function denominationsFor(currency: string): readonly Denomination[] {
  return TABLES[currency] ?? [];
}

/** Typed counts by face value, as the count fields hold them. */
export type CountTexts = Readonly<Record<number, string>>;

/** A typed count: empty is 0, else a whole number from 0 to 100 000; null when it is not. */
export function parseCount(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  if (!/^\d{1,6}$/.test(trimmed)) return null;
  const count = Number(trimmed);
  return count <= 100_000 ? count : null;
}

/** Where a currency without a table keeps its one typed total. */
export const TOTAL_KEY = 0;

export interface CashCount {
  /** The counts to send (denominations counted 0 are left out), or null while one is not a count. */
  counts: DenominationCounts | null;
  /** The counted total in minor units (a typo counts as 0 until fixed). */
  total: number;
}

/**
 * Reads the typed counts. A currency with no table is counted as one total, sent as a
 * single "denomination" of that amount.
 */
export function readCount(currency: string, texts: CountTexts): CashCount {
  const denominations = denominationsFor(currency);
  if (denominations.length === 0) {
    const text = (texts[TOTAL_KEY] ?? '').trim();
    const total = text === '' ? 0 : parseFixed(text, currencyExponent(currency));
    if (total === null) return { counts: null, total: 0 };
    return { counts: total > 0 ? [{ denomination: total, count: 1 }] : [], total };
  }
  let total = 0;
  let counts: DenominationCounts | null = [];
  for (const { value } of denominations) {
    const count = parseCount(texts[value] ?? '');
    if (count === null) counts = null;
    else {
      total += value * count;
      if (count > 0) counts?.push({ denomination: value, count });
    }
  }
  return { counts, total };
}

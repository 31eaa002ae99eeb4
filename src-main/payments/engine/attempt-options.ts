/**
 * An attempt's options as the journal keeps them (`payment_attempts.options`, JSON), read
 * and written by their engine names (`AttemptOptions`). Journals written before the options
 * were typed hold CodePay's wire names instead (`on_screen_tip`, `cashback_amount`,
 * `required_terminal_authentication`): both spellings read the same, so an attempt
 * journaled before an upgrade is reconciled, queried, refunded and reported as it was
 * started. Payments code reads a row's options only through `parseAttemptOptions`.
 */
import type { AttemptOptions } from '../provider';

/** How each option was spelled in journals written before it had an engine name. */
const EARLIER_NAMES: Readonly<Partial<Record<keyof AttemptOptions, string>>> = {
  onScreenTip: 'on_screen_tip',
  cashback: 'cashback_amount',
  terminalAuthentication: 'required_terminal_authentication',
};

const FLAGS = ['preauth', 'capture', 'onScreenTip', 'terminalAuthentication'] as const;

/**
 * The options of a journal row, by engine name. Never throws: text that is not a JSON
 * object, or a value of the wrong type (a flag that is not true or false, a cash back that
 * is not a whole number of minor units above 0), reads as absent, so one damaged row cannot
 * stop its attempt from being checked.
 */
export function parseAttemptOptions(json: string | null): AttemptOptions {
  if (json === null) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return {};
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const stored = raw as Record<string, unknown>;
  /** The first valid value under the engine name, then under the earlier one. */
  const read = <T>(name: keyof AttemptOptions, valid: (value: unknown) => value is T): T | undefined => {
    const earlier = EARLIER_NAMES[name];
    if (valid(stored[name])) return stored[name];
    return earlier !== undefined && valid(stored[earlier]) ? stored[earlier] : undefined;
  };
  const options: AttemptOptions = {};
  for (const flag of FLAGS) {
    const value = read(flag, isBoolean);
    if (value !== undefined) options[flag] = value;
  }
  const cashback = read('cashback', isPositiveMinorUnits);
  if (cashback !== undefined) options.cashback = cashback;
  return options;
}

/** What the journal stores for an attempt's options: the engine names, only those set. */
export function journalAttemptOptions(options: Readonly<AttemptOptions>): Record<string, boolean | number> {
  const stored: Record<string, boolean | number> = {};
  for (const flag of FLAGS) if (options[flag] !== undefined) stored[flag] = options[flag];
  if (options.cashback !== undefined) stored.cashback = options.cashback;
  return stored;
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isPositiveMinorUnits(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

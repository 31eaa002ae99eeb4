/**
 * The one card-number masker (DESIGN.md §9: never a full PAN, in any field). Every
 * provider masks its card-number field with `maskCardNumber`, and every free text that
 * reaches the journal, a log or a receipt (a terminal's response message, a gateway's
 * error text, reply details) goes through `maskPansIn` / `maskPansDeep`. A customer's wallet
 * payment code is masked by `maskWalletCode`, the one form the screen and the journal show.
 */

/**
 * The one shown form of a card number, on screen, receipts, the journal and logs alike: its
 * last four digits, never its length or first six ("**** 1234").
 */
function shown(digits: string): string {
  return `**** ${digits.slice(-4)}`;
}

/** A card-number field (a terminal's `card_no`, in any masked or full form) in its shown form. */
export function maskCardNumber(raw: unknown): string | undefined {
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const digits = String(raw).replace(/\D/g, '');
  return digits.length >= 4 ? shown(digits) : undefined;
}

/**
 * A wallet payment code (WeChat Pay, Alipay, UnionPay) safe for the screen, logs and the
 * journal: only its last 4 digits show, every other digit a star.
 */
export function maskWalletCode(code: string): string {
  const digits = code.trim();
  return digits.length <= 4 ? '*'.repeat(digits.length) : `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
}

/** ISO/IEC 7812 check digit (Luhn) over a digit string. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Runs of 12 digits or more, optionally grouped by single spaces or dashes ("4111 1111 1111
 * 1111", "4111-1111-…", "0042 4111 1111 1111 1111"). Any length: a card number after another
 * group of digits must be found inside the run, not cut in two by it.
 */
const CANDIDATE = /(?<![0-9])[0-9](?:[ -]?[0-9]){11,}(?![0-9])/g;

/**
 * Masks every card number inside free text (a terminal's `response_msg`, a gateway's
 * `msg`): any 13–19 digit run that passes Luhn becomes `**** 1234`. `keep` lists strings
 * that are known not to be card numbers (the attempt's own references) and stay as sent.
 */
export function maskPansIn(text: string, keep: ReadonlySet<string> = EMPTY): string {
  if (!/[0-9]{4}/.test(text.replace(/[ -]/g, ''))) return text;
  return text.replace(CANDIDATE, (run) => maskRun(run, keep));
}

/**
 * One run of digit groups: the whole run when it is a card number, else the longest span of
 * whole groups that is one ("4111111111111111 05", "4111 1111 1111 1111 12"), and so on
 * along what is left of the run.
 */
function maskRun(run: string, keep: ReadonlySet<string>): string {
  const digits = run.replace(/[ -]/g, '');
  if (isCardNumber(run, digits, keep)) return shown(digits);
  const groups = run.split(/(?<=[0-9])(?=[ -])|(?<=[ -])(?=[0-9])/);
  // groups alternate digits and separators: [d, sep, d, sep, d…]
  const digitGroups = groups.filter((_, i) => i % 2 === 0);
  let best: { from: number; to: number; length: number } | null = null;
  for (let from = 0; from < digitGroups.length; from += 1) {
    let length = 0;
    for (let to = from; to < digitGroups.length; to += 1) {
      length += digitGroups[to].length;
      if (length > 19) break;
      if (length < 13 || (best && length <= best.length)) continue;
      const span = groups.slice(from * 2, to * 2 + 1).join('');
      if (isCardNumber(span, span.replace(/[ -]/g, ''), keep)) best = { from, to, length };
    }
  }
  if (!best) return run;
  const before = groups.slice(0, best.from * 2).join('');
  const span = groups
    .slice(best.from * 2, best.to * 2 + 1)
    .join('')
    .replace(/[ -]/g, '');
  const after = groups.slice(best.to * 2 + 1).join('');
  return `${before}${shown(span)}${after.replace(CANDIDATE, (rest) => maskRun(rest, keep))}`;
}

function isCardNumber(run: string, digits: string, keep: ReadonlySet<string>): boolean {
  return digits.length >= 13 && digits.length <= 19 && passesLuhn(digits) && !isKept(run, digits, keep);
}

const EMPTY: ReadonlySet<string> = new Set();

/** The run is one of our own ids, or the digits of one ("CP0000000000000001"). */
function isKept(run: string, digits: string, keep: ReadonlySet<string>): boolean {
  for (const id of keep) if (id.includes(run) || id.includes(digits)) return true;
  return false;
}

/**
 * `maskPansIn` over every string (and every integer that looks like a card number) of a
 * JSON-like value, at any depth; returns a masked copy, never mutates.
 */
export function maskPansDeep<T>(value: T, keep: ReadonlySet<string> = EMPTY): T {
  return walk(value, keep, 0) as T;
}

function walk(value: unknown, keep: ReadonlySet<string>, depth: number): unknown {
  if (typeof value === 'string') return maskPansIn(value, keep);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1e12) {
    const masked = maskPansIn(String(value), keep);
    return masked === String(value) ? value : masked;
  }
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => walk(item, keep, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = walk(item, keep, depth + 1);
  return out;
}

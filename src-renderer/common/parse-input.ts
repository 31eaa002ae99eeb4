/**
 * Turns what a cashier types into integers: money into minor units, kilograms into
 * thousandths, percents into basis points. Strict: anything ambiguous is refused (null)
 * rather than guessed. A comma is accepted as the decimal mark (fr-CA keyboards).
 */

/** "12.5" with 2 decimals → 1250; "3" → 300; "1.234" with 2 decimals → null. */
export function parseFixed(text: string, decimals: number): number | null {
  const match = /^(\d*)(?:[.,](\d*))?$/.exec(text.trim());
  if (!match) return null;
  const whole = match[1];
  const fraction = match[2] ?? '';
  if (whole === '' && fraction === '') return null;
  if (fraction.length > decimals) return null;
  const value = Number((whole || '0') + fraction.padEnd(decimals, '0'));
  return Number.isSafeInteger(value) ? value : null;
}

/** Quantity of an item sold by the unit: a whole number ≥ 1, in thousandths. */
export function parseUnitQuantity(text: string): number | null {
  const count = parseFixed(text, 0);
  return count !== null && count >= 1 ? count * 1000 : null;
}

/** Weight in kg with up to 3 decimals ("0.75", "1,250"), in thousandths (grams). */
export function parseKilograms(text: string): number | null {
  const grams = parseFixed(text, 3);
  return grams !== null && grams >= 1 ? grams : null;
}

/** "10" or "12.5" percent → basis points (1000, 1250); at most 100 %. */
export function parsePercent(text: string): number | null {
  const basisPoints = parseFixed(text, 2);
  return basisPoints !== null && basisPoints <= 10_000 ? basisPoints : null;
}

/** Quantity as a cashier reads it: "3" for units, "1.250" for kg. */
export function quantityText(qtyMilli: number, unit: 'each' | 'kg'): string {
  return unit === 'kg' ? (qtyMilli / 1000).toFixed(3) : String(qtyMilli / 1000);
}

/** What Enter in the scan/search box treats as a code to scan: one word with a digit, 3+ characters. */
export function isCodeLike(text: string): boolean {
  return /^(?=.*\d)[\x21-\x7e]{3,128}$/.test(text.trim());
}

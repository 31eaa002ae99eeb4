/**
 * GTIN arithmetic: check digits (EAN-8, UPC-A, EAN-13, GTIN-14), UPC-E expansion and
 * compression, and the one canonical form the catalogue stores barcodes in.
 *
 * Canonical form: every 12-, 13- or 14-digit GTIN with a valid check digit is stored as
 * GTIN-13 (UPC-A gains a leading 0, a GTIN-14 with indicator 0 loses it), so a UPC-A
 * printed on the pack and the EAN-13 a scanner configured for EAN transmits find the
 * same row through one index lookup. 8-digit codes are ambiguous (EAN-8 or UPC-E, the
 * scanner knows but does not say): a valid EAN-8 stays as it is, a code that is only a
 * valid UPC-E is stored expanded, and `barcodeLookupKeys` tries the other readings.
 */

const GTIN_LENGTHS = new Set([8, 12, 13, 14]);

/** Check digit of a GTIN body (every digit but the check): weights 3,1,3,… from the right. */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i -= 1, weight = 4 - weight) {
    sum += (body.charCodeAt(i) - 48) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for an 8-, 12-, 13- or 14-digit code whose last digit is its check digit. */
export function isValidGtin(code: string): boolean {
  if (!GTIN_LENGTHS.has(code.length) || !/^\d+$/.test(code)) return false;
  return gtinCheckDigit(code.slice(0, -1)) === code.charCodeAt(code.length - 1) - 48;
}

/** True for a purely numeric code of a GTIN length, valid or not (a mistyped GTIN). */
export function hasGtinShape(code: string): boolean {
  return GTIN_LENGTHS.has(code.length) && /^\d+$/.test(code);
}

/** GTIN-shaped digits that are no valid GTIN (nor a valid UPC-E): a misread or a typo. */
export function isMistypedGtin(code: string): boolean {
  return hasGtinShape(code) && !isValidGtin(code) && expandUpcE(code) === null;
}

/** `body` plus its check digit. */
export function withCheckDigit(body: string): string {
  return body + String(gtinCheckDigit(body));
}

/**
 * UPC-E (8 digits: number system 0 or 1, six data digits, check) → UPC-A (12 digits),
 * or null when the code is not a valid UPC-E. The check digit is the UPC-A's.
 */
export function expandUpcE(code: string): string | null {
  if (!/^[01]\d{7}$/.test(code)) return null;
  const ns = code[0];
  const [d1, d2, d3, d4, d5, d6] = code.slice(1, 7);
  let body: string;
  if (d6 <= '2') body = `${ns}${d1}${d2}${d6}0000${d3}${d4}${d5}`;
  else if (d6 === '3') body = `${ns}${d1}${d2}${d3}00000${d4}${d5}`;
  else if (d6 === '4') body = `${ns}${d1}${d2}${d3}${d4}00000${d5}`;
  else body = `${ns}${d1}${d2}${d3}${d4}${d5}0000${d6}`;
  const upcA = body + code[7];
  return isValidGtin(upcA) ? upcA : null;
}

/** Every UPC-E that expands to this UPC-A (usually none, at most a couple). */
export function compressUpcA(upcA: string): string[] {
  if (!/^[01]\d{11}$/.test(upcA)) return [];
  const a = upcA;
  const candidates = [
    `${a[0]}${a[1]}${a[2]}${a[8]}${a[9]}${a[10]}${a[3]}`,
    `${a[0]}${a[1]}${a[2]}${a[3]}${a[9]}${a[10]}3`,
    `${a[0]}${a[1]}${a[2]}${a[3]}${a[4]}${a[10]}4`,
    `${a[0]}${a[1]}${a[2]}${a[3]}${a[4]}${a[5]}${a[10]}`,
  ].map((body) => body + a[11]);
  return [...new Set(candidates)].filter((upcE) => expandUpcE(upcE) === upcA);
}

/**
 * A numeric GTIN-shaped code on 13 digits whatever its check digit (UPC-A padded, an
 * indicator-0 GTIN-14 trimmed): the form nomenclature prefixes are written against.
 */
export function asGtin13(code: string): string {
  if (!hasGtinShape(code)) return code;
  if (code.length === 12) return `0${code}`;
  if (code.length === 14 && code[0] === '0') return code.slice(1);
  return code;
}

/** The form a barcode is stored and first looked up in (see the module comment). */
export function canonicalBarcode(code: string): string {
  if (!isValidGtin(code)) {
    const upcA = code.length === 8 ? expandUpcE(code) : null;
    return upcA ? `0${upcA}` : code;
  }
  return asGtin13(code);
}

/**
 * Every stored form a scanned code may match, canonical first: the code as read, a
 * UPC-E's expansion, and a UPC-A's UPC-E compressions (for ambiguous 8-digit codes,
 * which are stored as read). A handful of keys at most.
 */
export function barcodeLookupKeys(code: string): string[] {
  const canonical = canonicalBarcode(code);
  const keys = [canonical, code];
  const upcA = code.length === 8 ? expandUpcE(code) : null;
  if (upcA) keys.push(`0${upcA}`);
  if (canonical.length === 13 && canonical[0] === '0' && isValidGtin(canonical))
    keys.push(...compressUpcA(canonical.slice(1)));
  return [...new Set(keys)];
}

/**
 * IOTPay MD5 request/response signature (PAYMENTS.md §1.1), the same rule for the v1
 * endpoints (create_order, query_order, refund_order) and the v3 card API.
 * Pure: no I/O, so the simulator (src-main/demo) signs and verifies with the same code.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * How one value enters the string to sign.
 * - strings are signed raw (not URL-encoded, not JSON-escaped) — §1.1;
 * - numbers and booleans as `String(v)` (the gateway compares against the text it got);
 * - a nested object or array (the `payOrder` object of a create_order reply) as
 *   `JSON.stringify(value)`, compact and in the order the keys arrived. §1.1 calls how the
 *   gateway stringifies nested JSON a **Gap**: this is our choice, the simulator signs the
 *   same way, and a live mismatch must be confirmed in the sandbox before trusting it.
 * Returns null for values that are left out of the signature (null, undefined, '').
 */
function signedText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // Only the empty string is dropped; "0" stays (seed0 signs `tip:"0"`). §1.1.
  return text === '' ? null : text;
}

/** The exact `k=v&…&key=KEY` string that is hashed; exported for tests and debugging. */
export function iotpaySignString(params: Record<string, unknown>, key: string): string {
  const pairs: string[] = [];
  // Plain code-unit sort = ASCII order; equal to the PHP SDK's case-insensitive ksort
  // for IOTPay's field names (all start lower-case). §1.1.
  for (const name of Object.keys(params).sort()) {
    if (name === 'sign') continue;
    const text = signedText(params[name]);
    if (text !== null) pairs.push(`${name}=${text}`);
  }
  pairs.push(`key=${key}`);
  return pairs.join('&');
}

/**
 * IOTPay signature of a request or reply: drop `sign` and empty values (keep "0"), sort
 * keys ascending, join `k=v&…`, append `&key=KEY`, MD5 over UTF-8, upper-case hex.
 */
export function iotpaySign(params: Record<string, unknown>, key: string): string {
  return createHash('md5').update(iotpaySignString(params, key), 'utf8').digest('hex').toUpperCase();
}

/**
 * Checks a received reply or notify: the `sign` field against the signature of every
 * other field it carries (the gateway may add fields we do not know; no fixed list).
 * A missing or malformed sign is a failure.
 */
export function verifyIotpaySignature(obj: Record<string, unknown>, key: string): boolean {
  const received = obj.sign;
  if (typeof received !== 'string' || !/^[0-9A-Fa-f]{32}$/.test(received)) return false;
  const expected = Buffer.from(iotpaySign(obj, key), 'ascii');
  return timingSafeEqual(expected, Buffer.from(received.toUpperCase(), 'ascii'));
}

/**
 * YabandPay request signing and response verification (PAYMENTS.md §3.1).
 *
 * Requests: HMAC-SHA256 keyed with the merchant's secret_key, lowercase hex, over the
 * top-level `user`, `method`, `time` merged with every `data` field (`data` and `sign`
 * themselves dropped), keys sorted ascending by ASCII code (case-sensitive), joined as
 * `k=v&k=v`. The vendor's own POS example signs `sub_pay_method=POSPayment` while it
 * sends `point_of_sales` (seed 004): we sign exactly what we send, nothing else.
 *
 * Responses and notifies: the same HMAC over the `data` fields only, compared with the
 * top-level `sign` (YB-sdk `Cryptography::verify`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Request data as we send it: strings only, empty optionals already left out (§3.1). */
export type YabandpayData = Readonly<Record<string, string>>;

/**
 * How the vendor's PHP SDK turns a value into text when it builds the signing string
 * (`$key . '=' . $val`): true → "1", false/null → "", a nested array/object → "Array".
 * We only ever send strings; this matters when verifying what the gateway sends back,
 * e.g. `v3.QueryOrder` nests `transaction_info`. Gap (PAYMENTS.md §3.1): the vendor does
 * not document how nested values are signed; we follow the SDK, which means a nested
 * object's content is not covered by the signature.
 */
export function yabandpaySigningValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === true) return '1';
  if (value === false || value === null || value === undefined) return '';
  return 'Array';
}

/** `k=v&k=v` over the fields, keys sorted by ASCII code (uppercase before lowercase). */
export function yabandpaySigningString(fields: Readonly<Record<string, unknown>>): string {
  // Plain sort() compares UTF-16 code units, which is ASCII order for ASCII keys;
  // localeCompare would not be (it puts "a" before "Z").
  return Object.keys(fields)
    .sort()
    .map((key) => `${key}=${yabandpaySigningValue(fields[key])}`)
    .join('&');
}

function hmacHex(text: string, secretKey: string): string {
  return createHmac('sha256', secretKey).update(text, 'utf8').digest('hex');
}

/**
 * The `sign` of a request: HMAC over user, method, time and every data field.
 * `data` must not contain `user`, `method`, `time`, `sign` or `data` keys.
 */
export function yabandpaySign(user: string, method: string, time: number | string, data: YabandpayData, secretKey: string): string {
  for (const reserved of ['user', 'method', 'time', 'sign', 'data']) {
    if (Object.hasOwn(data, reserved)) throw new RangeError(`YabandPay data must not contain the top-level key "${reserved}"`);
  }
  return hmacHex(yabandpaySigningString({ ...data, user, method, time: String(time) }), secretKey);
}

/** The `sign` the gateway puts on a response or notify: HMAC over the data fields only. */
export function yabandpaySignData(data: Readonly<Record<string, unknown>>, secretKey: string): string {
  return hmacHex(yabandpaySigningString(data), secretKey);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * True when `body.sign` is the HMAC of `body.data` (an object; PHP's empty array `[]`
 * counts as no fields). Constant-time comparison; a missing or malformed sign is false.
 */
export function verifyYabandpayResponse(body: unknown, secretKey: string): boolean {
  if (!isRecord(body) || typeof body.sign !== 'string') return false;
  const data = Array.isArray(body.data) && body.data.length === 0 ? {} : body.data;
  if (!isRecord(data)) return false;
  const expected = Buffer.from(yabandpaySignData(data, secretKey), 'utf8');
  const given = Buffer.from(body.sign.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

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
 * top-level `sign` (YB-sdk `Cryptography::verify`), nested values in either canonical
 * form (see NestedSigningForm).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Request data as we send it: strings only, empty optionals already left out (§3.1). */
export type YabandpayData = Readonly<Record<string, string>>;

/**
 * How a nested value (an object or array inside `data`, e.g. `v3.QueryOrder`'s
 * `transaction_info`) enters the signing string. The vendor does not document it
 * (PAYMENTS.md §3.1 Gap): its PHP SDK builds `$key . '=' . $val`, which turns an array
 * into the word `Array`; a gateway may instead sign the value as compact JSON. Replies are
 * accepted in either form; requests never carry nested values.
 */
export type NestedSigningForm = 'php-array' | 'compact-json';

/** Every nested form a reply's sign is checked against, in the order tried. */
const NESTED_SIGNING_FORMS: readonly NestedSigningForm[] = ['php-array', 'compact-json'];

/**
 * A value as text for the signing string, the way the vendor's PHP SDK does it:
 * true → "1", false/null → "", a nested array/object → "Array" (or its compact JSON).
 */
function yabandpaySigningValue(value: unknown, nested: NestedSigningForm = 'php-array'): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value === true) return '1';
  if (value === false || value === null || value === undefined) return '';
  return nested === 'compact-json' ? JSON.stringify(value) : 'Array';
}

/** `k=v&k=v` over the fields, keys sorted by ASCII code (uppercase before lowercase). */
export function yabandpaySigningString(
  fields: Readonly<Record<string, unknown>>,
  nested: NestedSigningForm = 'php-array',
): string {
  // Plain sort() compares UTF-16 code units, which is ASCII order for ASCII keys;
  // localeCompare would not be (it puts "a" before "Z").
  return Object.keys(fields)
    .sort()
    .map((key) => `${key}=${yabandpaySigningValue(fields[key], nested)}`)
    .join('&');
}

function hmacHex(text: string, secretKey: string): string {
  return createHmac('sha256', secretKey).update(text, 'utf8').digest('hex');
}

/**
 * The `sign` of a request: HMAC over user, method, time and every data field.
 * `data` must not contain `user`, `method`, `time`, `sign` or `data` keys.
 */
export function yabandpaySign(
  user: string,
  method: string,
  time: number | string,
  data: YabandpayData,
  secretKey: string,
): string {
  for (const reserved of ['user', 'method', 'time', 'sign', 'data']) {
    if (Object.hasOwn(data, reserved))
      throw new RangeError(`YabandPay data must not contain the top-level key "${reserved}"`);
  }
  return hmacHex(yabandpaySigningString({ ...data, user, method, time: String(time) }), secretKey);
}

/** The `sign` the gateway puts on a response or notify: HMAC over the data fields only. */
export function yabandpaySignData(
  data: Readonly<Record<string, unknown>>,
  secretKey: string,
  nested: NestedSigningForm = 'php-array',
): string {
  return hmacHex(yabandpaySigningString(data, nested), secretKey);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which canonical form a reply's sign matched ('flat': it has no nested values, so there is only one). */
export type SigningFormUsed = NestedSigningForm | 'flat';

/** The result of checking a reply's sign: the form that matched, or every form tried. */
export type YabandpayVerification = { ok: true; form: SigningFormUsed } | { ok: false; tried: SigningFormUsed[] };

/**
 * Checks `body.sign` against the HMAC of `body.data` (an object; PHP's empty array `[]`
 * counts as no fields), in each nested form when `data` nests values. Constant-time
 * comparison; a missing or malformed sign matches nothing.
 */
export function checkYabandpayResponse(body: unknown, secretKey: string): YabandpayVerification {
  if (!isRecord(body)) return { ok: false, tried: [] };
  const data = Array.isArray(body.data) && body.data.length === 0 ? {} : body.data;
  if (typeof body.sign !== 'string' || !isRecord(data)) return { ok: false, tried: [] };
  const given = Buffer.from(body.sign.toLowerCase(), 'utf8');
  const nests = Object.values(data).some((value) => typeof value === 'object' && value !== null);
  const forms: SigningFormUsed[] = nests ? [...NESTED_SIGNING_FORMS] : ['flat'];
  for (const form of forms) {
    const expected = Buffer.from(yabandpaySignData(data, secretKey, form === 'flat' ? 'php-array' : form), 'utf8');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true, form };
  }
  return { ok: false, tried: forms };
}

/** True when `body.sign` is the HMAC of `body.data` in any accepted canonical form. */
export function verifyYabandpayResponse(body: unknown, secretKey: string): boolean {
  return checkYabandpayResponse(body, secretKey).ok;
}

/**
 * IOTPay error codes (PAYMENTS.md §1.3, [IOT-err]) → what the cashier reads, and what a
 * code means for the money: was the request refused before anything happened, or could
 * the order exist and be charged anyway?
 */
import { maskPansIn } from '../../../src-shared/pan-mask';

/** What an error tells the engine about the money. */
export type IotpayErrorKind =
  /** Refused before processing (bad request, bad signature, unknown merchant): nothing was charged. */
  | 'refused'
  /** The gateway or the bank failed midway: the order may exist and may be paid; query it. */
  | 'uncertain'
  /** 0113: this mchOrderNo is already paid. Query it; never send it again. */
  | 'already-paid'
  /** 0112: IOTPay has no order with this mchOrderNo (yet). */
  | 'not-found';

interface IotpayErrorInfo {
  kind: IotpayErrorKind;
  message: string;
}

const ERRORS: Readonly<Record<string, IotpayErrorInfo>> = {
  '0010': { kind: 'uncertain', message: 'IOTPay had a system error or timed out. The payment is being checked.' },
  '0011': {
    kind: 'refused',
    message: 'IOTPay refused the request (wrong method). Nothing was charged; tell the manager.',
  },
  '0012': { kind: 'refused', message: 'IOTPay received an empty request. Nothing was charged; tell the manager.' },
  '0013': {
    kind: 'refused',
    message: 'IOTPay rejected the signature: the merchant key in settings is probably wrong. Nothing was charged.',
  },
  '0014': { kind: 'refused', message: 'IOTPay rejected the request details. Nothing was charged; tell the manager.' },
  '0015': {
    kind: 'refused',
    message: 'IOTPay does not know this merchant ID: check the settings. Nothing was charged.',
  },
  '0110': {
    kind: 'uncertain',
    message: 'The card or wallet network did not answer IOTPay in time. The payment is being checked.',
  },
  '0111': {
    kind: 'uncertain',
    message: 'The card or wallet network reported a problem to IOTPay. The payment is being checked.',
  },
  '0112': { kind: 'not-found', message: 'IOTPay has no record of this payment.' },
  '0113': { kind: 'already-paid', message: 'IOTPay says this payment is already paid. Checking its details.' },
  '0118': { kind: 'uncertain', message: 'IOTPay had a database error. The payment is being checked.' },
  // Not a documented code: the refund page gives no error table, so a refund above what is
  // left is recognised by its text (see TEXT_CODES) and filed under this name.
  'refund-exceeds': {
    kind: 'refused',
    message: 'The refund is more than what is left to refund on this payment. Nothing was refunded.',
  },
};

/** retMsg / errCodeDes texts seen instead of a numeric code. */
const TEXT_CODES: ReadonlyArray<[RegExp, string]> = [
  [/sign(ature)?\s*(fail|error|invalid)/i, '0013'],
  [/already\s*(been\s*)?paid/i, '0113'],
  [/not\s*exist|no\s*such\s*order|order\s*not\s*found/i, '0112'],
  [/unknown\s*merchant|merchant\s*not\s*exist/i, '0015'],
  [/empty\s*(body|request|param)/i, '0012'],
  [/post\s*required|method\s*not\s*allowed/i, '0011'],
  [/param(eter)?s?\s*(error|invalid|missing)/i, '0014'],
  [/exceed|more than (the )?refundable|greater than (the )?refundable|insufficient refundable/i, 'refund-exceeds'],
  [/time\s*out|timeout/i, '0010'],
];

/** The fields of a FAIL reply an error can be read from. */
export interface IotpayErrorFields {
  errCode?: unknown;
  errCodeDes?: unknown;
  retMsg?: unknown;
}

/**
 * The IOTPay code of a FAIL reply: a four-digit code from errCode / retMsg / errCodeDes,
 * else one recognised from the text ('signature fail' → 0013, a refund above the
 * refundable amount → 'refund-exceeds'), else null.
 */
export function iotpayErrorCode(reply: IotpayErrorFields): string | null {
  const texts = [reply.errCode, reply.retMsg, reply.errCodeDes].filter(
    (t): t is string => typeof t === 'string' && t !== '',
  );
  for (const text of texts) {
    const numeric = /\b(0\d{3})\b/.exec(text);
    if (numeric && ERRORS[numeric[1]]) return numeric[1];
  }
  for (const text of texts) {
    for (const [pattern, code] of TEXT_CODES) if (pattern.test(text)) return code;
  }
  return null;
}

/**
 * How to treat an error code. An unknown code is 'uncertain': when we cannot tell whether
 * the gateway acted, the order must be queried, never assumed unpaid (DESIGN.md §6.2).
 */
export function iotpayErrorKind(code: string | null): IotpayErrorKind {
  return (code !== null && ERRORS[code]?.kind) || 'uncertain';
}

/**
 * A sentence a cashier understands for an IOTPay error code; falls back to the gateway's own
 * words, with any card number in them masked (`keep`: the attempt's own ids, left as sent).
 */
export function iotpayErrorMessage(code: string | null, gatewayText?: string, keep?: ReadonlySet<string>): string {
  const known = code !== null ? ERRORS[code] : undefined;
  if (known) return known.message;
  const said = gatewayText?.trim();
  return said ? `IOTPay reported: ${maskPansIn(said, keep)}.` : 'IOTPay reported an error without a reason.';
}

/**
 * The till's settings are wrong, as an error code proves it: one sentence for the cashier
 * and the manager (the outcome's `configFault`), or undefined for any other code.
 * `consequence` is added when the refusal proves what did not happen ("Nothing was charged."
 * for a create_order refused before creation).
 */
export function iotpayConfigFault(code: string | null, mchId: string, consequence?: string): string | undefined {
  const nothing = consequence ? ` ${consequence}` : '';
  if (code === '0013')
    return `The IOTPay merchant key set on this till is wrong: IOTPay refused the signature.${nothing}`;
  if (code === '0015') return `The IOTPay merchant ID set on this till (${mchId}) is not known to IOTPay.${nothing}`;
  return undefined;
}

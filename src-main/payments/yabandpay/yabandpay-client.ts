/**
 * The YabandPay HTTP client: one signed `POST {baseUrl}/Payments` per call (PAYMENTS.md
 * §3.1), the reply schema-checked and its signature verified. It never retries: whether
 * a call may be repeated is the caller's decision (a sale is never resent blindly).
 */
import { z } from 'zod';
import { maskPansIn } from '../../../src-shared/pan-mask';
import { describeYabandpayError, YABANDPAY_ERROR } from './yabandpay-errors';
import { checkYabandpayResponse, yabandpaySign, type SigningFormUsed } from './yabandpay-sign';

export interface YabandpayClientOptions {
  baseUrl: string;
  /** Top-level `user`: the terminal TID for POS calls, or a cashier account UID. */
  user: string;
  secretKey: string;
  /** Per request, headers and body included. */
  timeoutMs: number;
  /** Clock for the `time` field (Unix seconds); injectable for tests. */
  now?: () => number;
  /** Where signature findings go (never a key, never reply data). */
  log?: (line: string) => void;
}

/**
 * What one call produced.
 * - ok: `status:true`, signature verified.
 * - error: `status:false` with a code. `data` is only given when it was signed and the
 *   signature verified (an unsigned error body is believed for its code, never its data).
 * - no-answer: nothing trustworthy came back (timeout, socket drop, HTTP error, malformed
 *   JSON, bad signature): the request may or may not have been acted on.
 * `message` is the gateway's free text with any card number masked. `configFault` is set
 * when the reply proves the till is set up wrong (secret key, base URL).
 * `signatureFailed` marks a reply whose sign matched none of the canonical forms.
 */
export type YabandpayCallResult =
  | { kind: 'ok'; data: Record<string, unknown>; message: string }
  | {
      kind: 'error';
      code: string;
      message: string;
      cashierMessage: string;
      data: Record<string, unknown> | null;
      configFault?: string;
    }
  | { kind: 'no-answer'; reason: string; configFault?: string; signatureFailed?: true };

/** configFault sentences (provider.ts): one plain sentence for the cashier and the manager. */
const YABANDPAY_CONFIG_FAULT = {
  signatureRefused:
    "The YabandPay user or secret key in the till's settings is wrong: YabandPay refused the request signature.",
  repliesUnsigned:
    "The YabandPay secret key in the till's settings does not match YabandPay's: its replies fail the signature check.",
  wrongAddress: (what: string) =>
    `The YabandPay address (baseUrl) in the till's settings is wrong: it answered ${what} instead of the payments API.`,
} as const;

export interface YabandpayClient {
  /** Sends `method` once. Fields whose value is undefined or '' are left out (§3.1). */
  call(
    method: string,
    data: Readonly<Record<string, string | undefined>>,
    signal?: AbortSignal,
  ): Promise<YabandpayCallResult>;
}

const emptyData = z.union([z.array(z.unknown()).max(0), z.null(), z.literal('')]).transform(() => ({}));

/** `{status, code, data, message}` (seed 004); PHP may send `[]`, null or '' for no data. */
const yabandpayReplySchema = z.object({
  status: z.boolean(),
  code: z.union([z.string(), z.number()]).transform(String),
  data: z
    .union([z.record(z.string(), z.unknown()), emptyData])
    .optional()
    .transform((d) => d ?? {}),
  message: z
    .string()
    .nullish()
    .transform((m) => m ?? ''),
  sign: z.string().optional(),
});

function compact(data: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) if (value !== undefined && value !== '') out[key] = value;
  return out;
}

const FORM_WORDS: Record<SigningFormUsed, string> = {
  flat: 'flat fields',
  'php-array': 'nested values as the PHP SDK\'s "Array"',
  'compact-json': 'nested values as compact JSON',
};

function reasonOf(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'no reply in time';
  if (error instanceof Error && error.name === 'AbortError') return 'stopped waiting';
  return 'connection lost before the reply';
}

/** Creates a client bound to one account (user + secret key). */
export function createYabandpayClient(options: YabandpayClientOptions): YabandpayClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/Payments`;
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  /** The nested form each method's replies were last verified in: logged when first seen or when it changes. */
  const formSeen = new Map<string, SigningFormUsed>();

  /** Rule 7: a reply whose sign matches no canonical form is no answer, and says so in the log. */
  function verified(method: string, json: unknown): YabandpayCallResult | null {
    const check = checkYabandpayResponse(json, options.secretKey);
    if (check.ok) {
      if (check.form !== 'flat' && formSeen.get(method) !== check.form)
        log(`YabandPay ${method}: reply signature verified with ${FORM_WORDS[check.form]}.`);
      formSeen.set(method, check.form);
      return null;
    }
    const tried = check.tried.map((form) => FORM_WORDS[form]).join(', then ') || 'no form (sign or data malformed)';
    log(`YabandPay ${method}: reply signature did not verify; tried ${tried}. The reply is treated as no answer.`);
    // A flat reply has one canonical form: failing it means the keys differ (or the reply was altered).
    const flat = check.tried.length === 1 && check.tried[0] === 'flat';
    return {
      kind: 'no-answer',
      reason: 'reply signature did not verify',
      signatureFailed: true,
      ...(flat ? { configFault: YABANDPAY_CONFIG_FAULT.repliesUnsigned } : {}),
    };
  }

  async function call(
    method: string,
    rawData: Readonly<Record<string, string | undefined>>,
    signal?: AbortSignal,
  ): Promise<YabandpayCallResult> {
    const data = compact(rawData);
    const time = Math.floor(now() / 1000);
    const sign = yabandpaySign(options.user, method, time, data, options.secretKey);
    const body = JSON.stringify({ user: options.user, sign, method, time, data });
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let text: string;
    let html = false;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: combined,
      });
      text = await response.text();
      html = /text\/html/i.test(response.headers.get('content-type') ?? '');
      if (response.status === 404 || response.status === 405) {
        log(`YabandPay ${method}: ${url} answered HTTP ${response.status}; the base URL looks wrong.`);
        return {
          kind: 'no-answer',
          reason: `HTTP ${response.status}`,
          configFault: YABANDPAY_CONFIG_FAULT.wrongAddress(`HTTP ${response.status}`),
        };
      }
      if (!response.ok) return { kind: 'no-answer', reason: `HTTP ${response.status}` };
    } catch (error) {
      return { kind: 'no-answer', reason: reasonOf(error, timeout.aborted) };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (!html) return { kind: 'no-answer', reason: 'reply was not JSON' };
      log(`YabandPay ${method}: ${url} answered with a web page; the base URL looks wrong.`);
      return {
        kind: 'no-answer',
        reason: 'reply was a web page',
        configFault: YABANDPAY_CONFIG_FAULT.wrongAddress('a web page'),
      };
    }
    const parsed = yabandpayReplySchema.safeParse(json);
    if (!parsed.success) return { kind: 'no-answer', reason: 'reply did not have the expected shape' };
    const reply = parsed.data;
    const signed = reply.sign !== undefined;
    const message = maskPansIn(reply.message);
    if (signed) {
      const failed = verified(method, json);
      if (failed) return failed;
    }
    if (reply.status) {
      if (!signed) return { kind: 'no-answer', reason: 'reply was not signed' };
      return { kind: 'ok', data: reply.data, message };
    }
    const refusedSignature = reply.code === YABANDPAY_ERROR.badSignature;
    if (refusedSignature)
      log(
        `YabandPay ${method}: the gateway refused our request signature (${reply.code}); check the user and secret key.`,
      );
    return {
      kind: 'error',
      code: reply.code,
      message,
      cashierMessage: describeYabandpayError(reply.code, message),
      data: signed ? reply.data : null,
      ...(refusedSignature ? { configFault: YABANDPAY_CONFIG_FAULT.signatureRefused } : {}),
    };
  }

  return { call };
}

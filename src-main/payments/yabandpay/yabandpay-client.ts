/**
 * The YabandPay HTTP client: one signed `POST {baseUrl}/Payments` per call (PAYMENTS.md
 * §3.1), the reply schema-checked and its signature verified. It never retries: whether
 * a call may be repeated is the caller's decision (a sale is never resent blindly).
 */
import { z } from 'zod';
import { describeYabandpayError } from './yabandpay-errors';
import { verifyYabandpayResponse, yabandpaySign } from './yabandpay-sign';

export interface YabandpayClientOptions {
  baseUrl: string;
  /** Top-level `user`: the terminal TID for POS calls, or a cashier account UID. */
  user: string;
  secretKey: string;
  /** Per request, headers and body included. */
  timeoutMs: number;
  /** Clock for the `time` field (Unix seconds); injectable for tests. */
  now?: () => number;
}

/**
 * What one call produced.
 * - ok: `status:true`, signature verified.
 * - error: `status:false` with a code. `data` is only given when it was signed and the
 *   signature verified (an unsigned error body is believed for its code, never its data).
 * - no-answer: nothing trustworthy came back (timeout, socket drop, HTTP error, malformed
 *   JSON, bad signature): the request may or may not have been acted on.
 */
export type YabandpayCallResult =
  | { kind: 'ok'; data: Record<string, unknown>; message: string }
  | { kind: 'error'; code: string; message: string; cashierMessage: string; data: Record<string, unknown> | null }
  | { kind: 'no-answer'; reason: string };

export interface YabandpayClient {
  /** Sends `method` once. Fields whose value is undefined or '' are left out (§3.1). */
  call(method: string, data: Readonly<Record<string, string | undefined>>, signal?: AbortSignal): Promise<YabandpayCallResult>;
}

const emptyData = z.union([z.array(z.unknown()).max(0), z.null(), z.literal('')]).transform(() => ({}));

/** `{status, code, data, message}` (seed 004); PHP may send `[]`, null or '' for no data. */
export const yabandpayReplySchema = z.object({
  status: z.boolean(),
  code: z.union([z.string(), z.number()]).transform(String),
  data: z.union([z.record(z.string(), z.unknown()), emptyData]).optional().transform((d) => d ?? {}),
  message: z.string().nullish().transform((m) => m ?? ''),
  sign: z.string().optional(),
});

function compact(data: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) if (value !== undefined && value !== '') out[key] = value;
  return out;
}

function reasonOf(error: unknown, timedOut: boolean): string {
  if (timedOut) return 'no reply in time';
  if (error instanceof Error && error.name === 'AbortError') return 'stopped waiting';
  return 'connection lost before the reply';
}

/** Creates a client bound to one account (user + secret key). */
export function createYabandpayClient(options: YabandpayClientOptions): YabandpayClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/Payments`;
  const now = options.now ?? Date.now;

  async function call(method: string, rawData: Readonly<Record<string, string | undefined>>, signal?: AbortSignal): Promise<YabandpayCallResult> {
    const data = compact(rawData);
    const time = Math.floor(now() / 1000);
    const sign = yabandpaySign(options.user, method, time, data, options.secretKey);
    const body = JSON.stringify({ user: options.user, sign, method, time, data });
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let text: string;
    try {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: combined });
      text = await response.text();
      if (!response.ok) return { kind: 'no-answer', reason: `HTTP ${response.status}` };
    } catch (error) {
      return { kind: 'no-answer', reason: reasonOf(error, timeout.aborted) };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'no-answer', reason: 'reply was not JSON' };
    }
    const parsed = yabandpayReplySchema.safeParse(json);
    if (!parsed.success) return { kind: 'no-answer', reason: 'reply did not have the expected shape' };
    const reply = parsed.data;
    const signed = reply.sign !== undefined;
    // DESIGN.md §6 rule 7: a reply that fails verification is no answer at all.
    if (signed && !verifyYabandpayResponse(json, options.secretKey)) return { kind: 'no-answer', reason: 'reply signature did not verify' };
    if (reply.status) {
      if (!signed) return { kind: 'no-answer', reason: 'reply was not signed' };
      return { kind: 'ok', data: reply.data, message: reply.message };
    }
    return {
      kind: 'error',
      code: reply.code,
      message: reply.message,
      cashierMessage: describeYabandpayError(reply.code, reply.message),
      data: signed ? reply.data : null,
    };
  }

  return { call };
}

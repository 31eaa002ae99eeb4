/**
 * HTTP client for the IOTPay v1 endpoints (PAYMENTS.md §1.2–1.3) over global fetch.
 * It signs, sends once, and sorts every result into either a verified, schema-checked
 * gateway reply or a transport failure. A reply that fails verification is NOT an answer
 * (DESIGN.md §6 rule 7): the caller must treat it like a timeout and query. No retries
 * here — resending a sale is the one thing a payment client must never do on its own.
 */
import { z } from 'zod';
import { maskPansIn } from '../../../src-shared/pan-mask';
import { iotpayErrorCode } from './iotpay-errors';
import { iotpaySign, verifyIotpaySignature } from './iotpay-sign';

/** Merchant settings shared by the IOTPay providers (config `providers.iotpay`). */
export interface IotpayConfig {
  /** e.g. https://api.iotpaycloud.com (or the simulator's URL); `/v1/...` is appended. */
  baseUrl: string;
  mchId: string;
  /** Merchant login name, sent as `jobNo` (create) and `loginName` (refund). */
  loginName: string;
  /** Merchant MD5 key. Never logged. */
  key: string;
  /** Default device name sent with orders (e.g. the PAX terminal's "V1-B25"). */
  device: string;
  /**
   * The store currency. Not read by the adapters: each attempt's own currency is converted
   * (and refused unless IOTPay takes it), and the config load refuses IOTPay for any store
   * currency but CAD or USD.
   */
  currency?: string;
  /** Sent as clientIp; defaults to 127.0.0.1. */
  clientIp?: string;
}

/** The v1 endpoints the POS uses; each is `POST {baseUrl}/v1/{endpoint}`. */
export type IotpayEndpoint = 'create_order' | 'query_order' | 'refund_order';

const intLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const textLike = z.union([z.string(), z.number().transform(String)]);

/** An order as create_order (`payOrder`) or query_order (flat fields) returns it. */
const orderSchema = z.looseObject({
  payOrderId: textLike.optional(),
  mchOrderNo: textLike.optional(),
  channelId: z.string().optional(),
  currency: z.string().optional(),
  status: intLike,
  amount: intLike.optional(),
  tip: intLike.optional(),
  refundable: intLike.optional(),
  channelOrderNo: z.string().nullish(),
  extra: z.unknown().optional(),
  paySuccTime: z.unknown().optional(),
});
export type IotpayOrder = z.infer<typeof orderSchema>;

const replySchema = z.looseObject({
  retCode: z.string(),
  resCode: z.string().nullish(),
  retMsg: z.string().nullish(),
  errCode: z.string().nullish(),
  errCodeDes: z.string().nullish(),
  payOrder: z.record(z.string(), z.unknown()).nullish(),
  sign: z.string().nullish(),
});

/** A gateway reply that passed signature and schema checks. */
export interface IotpayReply {
  retCode: string;
  resCode?: string;
  retMsg?: string;
  errCode?: string;
  errCodeDes?: string;
  /** retCode and resCode both SUCCESS (the request was processed; check the order status). */
  success: boolean;
  /** create_order's payOrder, or query_order's flat order fields; null when absent. */
  order: IotpayOrder | null;
  /** The whole parsed reply (unknown extra fields included). */
  raw: Record<string, unknown>;
}

/** Why there is no trustworthy answer. */
export type IotpayFailureKind =
  'timeout' | 'aborted' | 'unreachable' | 'network' | 'http-status' | 'malformed' | 'schema' | 'bad-signature';

export interface IotpayTransportFailure {
  kind: IotpayFailureKind;
  /**
   * False only when the request provably never reached the gateway (connection refused,
   * host not found): nothing can have been charged. True means "may have been processed".
   */
  delivered: boolean;
  /** Short, safe description for the journal (no request body, no card or wallet data). */
  message: string;
  httpStatus?: number;
  /**
   * The answer came from something that is not the IOTPay API (a 404 for the endpoint, a web
   * page instead of JSON): the till's base URL is wrong. One sentence for cashier and manager.
   */
  configFault?: string;
}

export type IotpayCallResult = { ok: true; reply: IotpayReply } | { ok: false; failure: IotpayTransportFailure };

export interface IotpayCallOptions {
  /** Per-call limit; the request is aborted and reported as 'timeout' after it. */
  timeoutMs: number;
  /** The caller giving up (cashier stopped waiting, provider closing): reported as 'aborted'. */
  signal?: AbortSignal;
}

export interface IotpayClientConfig {
  baseUrl: string;
  /** Merchant key used to sign requests and verify replies. */
  key: string;
  /** Where reply signature mismatches are reported (never with the key or a request body). */
  log?: (line: string) => void;
}

export interface IotpayClient {
  /** Signs `params` (values sent as strings), POSTs them once as `params=<JSON>`, classifies the result. */
  call(
    endpoint: IotpayEndpoint,
    params: Record<string, string | number | undefined>,
    options: IotpayCallOptions,
  ): Promise<IotpayCallResult>;
}

/** Connection errors that prove the request never left this machine. */
const NOT_DELIVERED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } } | null)?.cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Values as strings; undefined left out (the sign drops empty values anyway). */
function stringParams(params: Record<string, string | number | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (value !== undefined) out[name] = String(value);
  return out;
}

/**
 * Turns a parsed body into a reply, or says why it is not one. Signature rule: a reply
 * with retCode SUCCESS must carry a valid sign. A protocol-level FAIL (retCode FAIL:
 * bad signature, empty body, unknown merchant…) is accepted unsigned because the gateway
 * cannot always sign it and it never reports money moving; if it does carry a sign, the
 * sign must verify.
 */
function checkIotpayReply(body: unknown, key: string, onBadSignature?: () => void): IotpayCallResult {
  const parsed = replySchema.safeParse(body);
  if (!parsed.success)
    return { ok: false, failure: { kind: 'schema', delivered: true, message: 'IOTPay reply is missing retCode' } };
  const raw = body as Record<string, unknown>;
  const hasSign = typeof raw.sign === 'string' && raw.sign !== '';
  if ((parsed.data.retCode === 'SUCCESS' || hasSign) && !verifyIotpaySignature(raw, key)) {
    onBadSignature?.();
    return {
      ok: false,
      failure: { kind: 'bad-signature', delivered: true, message: 'IOTPay reply signature did not verify' },
    };
  }
  const success = parsed.data.retCode === 'SUCCESS' && parsed.data.resCode === 'SUCCESS';
  // create_order nests the order in payOrder; query_order returns it flat ([IOT-query]).
  const orderSource = parsed.data.payOrder ?? (raw.status !== undefined ? raw : null);
  let order: IotpayOrder | null = null;
  if (orderSource) {
    const checked = orderSchema.safeParse(orderSource);
    if (!checked.success)
      return { ok: false, failure: { kind: 'schema', delivered: true, message: 'IOTPay order fields are malformed' } };
    order = checked.data;
  }
  return {
    ok: true,
    reply: {
      retCode: parsed.data.retCode,
      resCode: parsed.data.resCode ?? undefined,
      retMsg: parsed.data.retMsg ?? undefined,
      errCode: parsed.data.errCode ?? undefined,
      errCodeDes: parsed.data.errCodeDes ?? undefined,
      success,
      order,
      raw,
    },
  };
}

/** Creates the client. `fetchImpl` defaults to the global fetch. */
export function createIotpayClient(config: IotpayClientConfig, fetchImpl: typeof fetch = fetch): IotpayClient {
  const base = config.baseUrl.replace(/\/+$/, '');
  const wrongAddress = (endpoint: string, what: string): string =>
    `The IOTPay address set on this till (${base}) is wrong: ${what} instead of IOTPay's ${endpoint}. It should be the gateway's root address (such as https://api.iotpaycloud.com), without /v1.`;
  return {
    async call(endpoint, params, options) {
      const fields = stringParams(params);
      const signed = { ...fields, sign: iotpaySign(fields, config.key) };
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      const gaveUp = (): IotpayCallResult | null => {
        if (options.signal?.aborted)
          return {
            ok: false,
            failure: { kind: 'aborted', delivered: true, message: `${endpoint} abandoned by the caller` },
          };
        if (timeout.aborted)
          return {
            ok: false,
            failure: {
              kind: 'timeout',
              delivered: true,
              message: `${endpoint} got no reply within ${options.timeoutMs} ms`,
            },
          };
        return null;
      };
      if (options.signal?.aborted)
        return {
          ok: false,
          failure: { kind: 'aborted', delivered: false, message: `${endpoint} not sent: already abandoned` },
        };
      let text: string;
      let status: number;
      try {
        const response = await fetchImpl(`${base}/v1/${endpoint}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({ params: JSON.stringify(signed) }).toString(),
          signal,
        });
        status = response.status;
        text = await response.text();
      } catch (error) {
        const abandoned = gaveUp();
        if (abandoned) return abandoned;
        const code = errorCode(error);
        if (code && NOT_DELIVERED.has(code))
          return {
            ok: false,
            failure: { kind: 'unreachable', delivered: false, message: `${endpoint} could not connect (${code})` },
          };
        return {
          ok: false,
          failure: {
            kind: 'network',
            delivered: true,
            message: `${endpoint} failed in transit (${code ?? 'connection lost'})`,
          },
        };
      }
      if (status < 200 || status >= 300) {
        // 404: no such endpoint at this address (a baseUrl ending in /v1 asks for /v1/v1/…).
        // Other statuses (502 from a proxy…) may come after the gateway processed the order.
        const configFault = status === 404 ? wrongAddress(endpoint, 'it answered "not found" (HTTP 404)') : undefined;
        return {
          ok: false,
          failure: {
            kind: 'http-status',
            delivered: true,
            httpStatus: status,
            message: `${endpoint} answered HTTP ${status}`,
            configFault,
          },
        };
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        // A web page is not a garbled gateway reply: the address points somewhere else.
        const configFault = /^\s*</.test(text) ? wrongAddress(endpoint, 'it answered with a web page') : undefined;
        return {
          ok: false,
          failure: {
            kind: 'malformed',
            delivered: true,
            message: `${endpoint} answered with a body that is not JSON`,
            configFault,
          },
        };
      }
      return checkIotpayReply(body, config.key, () =>
        config.log?.(
          `IOTPay ${endpoint} reply signature did not verify (tried: every field but sign, sorted, nested objects as compact JSON, merchant key of this till); the reply is not trusted and the order is queried.`,
        ),
      );
    },
  };
}

/** mchOrderNo and mchRefundNo are String(30) (seed0, seed3). */
export const MAX_ORDER_NO = 30;

/** Cuts to `max` characters (not UTF-16 units), for the gateway's String(n) fields. */
export function truncate(text: string, max: number): string {
  return [...text].slice(0, max).join('');
}

/**
 * The journal detail of a call: ids, codes and status only (the extra's card data goes to the
 * card block). The gateway's free text is masked: a card number in it never reaches the journal.
 * `keep` lists the attempt's own ids, which are not card numbers.
 */
export function callDetail(
  endpoint: string,
  result: IotpayCallResult,
  keep?: ReadonlySet<string>,
): Record<string, unknown> {
  if (!result.ok) {
    const { kind, delivered, message, httpStatus } = result.failure;
    return { endpoint, failure: kind, delivered, reason: message, httpStatus };
  }
  const { reply } = result;
  const text = reply.retMsg ?? reply.errCodeDes;
  return {
    endpoint,
    retCode: reply.retCode,
    resCode: reply.resCode,
    errCode: iotpayErrorCode(reply) ?? reply.errCode,
    retMsg: text === undefined ? undefined : maskPansIn(text, keep),
    status: reply.order?.status,
    payOrderId: reply.order?.payOrderId,
    channelId: reply.order?.channelId,
  };
}

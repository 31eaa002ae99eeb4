/**
 * The CodePay "ECR Hub" JSON envelope spoken over the terminal's LAN WebSocket
 * (PAYMENTS.md §2.4): `{topic, request_id, app_id, timestamp, version, biz_data}`;
 * replies add `response_code`, `response_msg` and sometimes `device_data`.
 *
 * Parsing never throws: a malformed frame comes back as `{ ok: false, error }` so one bad
 * frame from a terminal can never take the link (or the app) down.
 */
import { z } from 'zod';
import { maskCardNumber } from '../../../src-shared/pan-mask';

/** Topics of the LAN API (2025 Android SDK `util/Constants.java`, PAYMENTS.md §2.4). */
export const CODEPAY_TOPICS = {
  order: 'ecrhub.pay.order',
  query: 'ecrhub.pay.query',
  close: 'ecrhub.pay.close',
  batchClose: 'ecrhub.pay.batch.close',
  tipAdjustment: 'ecrhub.pay.tip.adjustment',
  heartbeat: 'ecrhub.heartbeat',
  init: 'ecrhub.init',
  pair: 'ecrhub.pair',
  unpair: 'ecrhub.unpair',
} as const;

export type CodepayTopic = (typeof CODEPAY_TOPICS)[keyof typeof CODEPAY_TOPICS];
const codepayTopicSchema = z.enum(Object.values(CODEPAY_TOPICS) as [CodepayTopic, ...CodepayTopic[]]);

/** `trans_type` values. 12 is ambiguous between SDK generations (§2.4), so it is not named. */
export const TRANS_TYPE = {
  sale: '1',
  void: '2',
  refund: '3',
  preAuth: '4',
  preAuthCancel: '5',
  completion: '6',
  completionCancel: '7',
  completionRefund: '8',
  cashback: '11',
  tipAdjustment: '13',
} as const;
export type TransType = (typeof TRANS_TYPE)[keyof typeof TRANS_TYPE];

/** `trans_status`: 9 created, 0 paying/refunding, 1 closed (failed), 2 success, 3 cancelled. */
export const TRANS_STATUS = {
  created: '9',
  paying: '0',
  closed: '1',
  success: '2',
  cancelled: '3',
} as const;
export type TransStatus = (typeof TRANS_STATUS)[keyof typeof TRANS_STATUS];

/** Final statuses: the terminal will not change them any more. */
export function isFinalStatus(status: string | undefined): status is '1' | '2' | '3' {
  return status === TRANS_STATUS.closed || status === TRANS_STATUS.success || status === TRANS_STATUS.cancelled;
}

/**
 * Response codes the public sources name (§2.4; there is no full official table).
 * 109 is synthesised by the Android SDK for a dropped link, never sent by a terminal.
 */
export const RESPONSE_CODE = {
  success: '000',
  pairRejected: '001',
  invalidInvoke: '106',
  networkAnomaly: '109',
  operatorCancel: '110',
  timeout: '112',
} as const;

/** `"000"` is documented; hardware tests saw `"0"` for an approved LAN sale (§2.4): accept both. */
export function isSuccessCode(code: string | undefined): boolean {
  return code === '000' || code === '0';
}

/** Terminals serialise numbers and strings interchangeably (fastjson); normalise to string. */
const wireString = z.union([z.string(), z.number()]).transform((value) => String(value));
const wireBoolean = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((value) => value === true || value === 'true');

/** `merchant_order_no`: ≤32 alphanumerics, new per attempt and per refund (§2.5). */
export const merchantOrderNoSchema = z
  .string()
  .regex(/^[A-Za-z0-9]{1,32}$/, 'merchant_order_no must be 1–32 letters or digits');

/** Business data of a reply. Unknown fields are kept (looseObject) for the journal detail. */
const codepayBizDataSchema = z.looseObject({
  merchant_order_no: wireString.optional(),
  orig_merchant_order_no: wireString.optional(),
  trans_type: wireString.optional(),
  trans_status: wireString.optional(),
  trans_no: wireString.optional(),
  order_amount: wireString.optional(),
  tip_amount: wireString.optional(),
  tip_adjustment_amount: wireString.optional(),
  cashback_amount: wireString.optional(),
  price_currency: z.string().optional(),
  pay_method_id: z.string().optional(),
  pay_scenario: z.string().optional(),
  pay_channel_trans_no: wireString.optional(),
  card_no: wireString.optional(),
  card_type: wireString.optional(),
  card_network_type: wireString.optional(),
  auth_code: wireString.optional(),
  ref_no: wireString.optional(),
  entry_mode: wireString.optional(),
  terminal_sn: wireString.optional(),
  trans_end_time: z.string().optional(),
  on_screen_tip: wireBoolean.optional(),
  confirm_on_terminal: wireBoolean.optional(),
  required_terminal_authentication: wireBoolean.optional(),
  msg: z.string().optional(),
});
export type CodepayBizData = z.infer<typeof codepayBizDataSchema>;

/** `device_data` of pairing frames (§2.3 step 3). */
const codepayDeviceDataSchema = z.looseObject({
  mac_address: wireString.optional(),
  device_name: wireString.optional(),
  alias_name: wireString.optional(),
  ip_address: wireString.optional(),
  port: wireString.optional(),
});

/** Any inbound frame: a reply, a pushed result, a heartbeat or a pairing request. */
const codepayMessageSchema = z.looseObject({
  topic: z.string().min(1, 'topic is empty'),
  request_id: wireString.nullish().transform((v) => v ?? undefined),
  app_id: wireString.nullish().transform((v) => v ?? undefined),
  timestamp: wireString.nullish().transform((v) => v ?? undefined),
  version: wireString.nullish().transform((v) => v ?? undefined),
  response_code: wireString.nullish().transform((v) => v ?? undefined),
  response_msg: z
    .string()
    .nullish()
    .transform((v) => v ?? undefined),
  biz_data: codepayBizDataSchema.nullish().transform((v) => v ?? undefined),
  device_data: codepayDeviceDataSchema.nullish().transform((v) => v ?? undefined),
});
export type CodepayMessage = z.infer<typeof codepayMessageSchema>;

/** An outbound request. biz_data values are strings/booleans/numbers as the SDK sends them. */
const codepayRequestSchema = z.object({
  topic: codepayTopicSchema,
  request_id: z.string().min(1),
  app_id: z.string().min(1, 'app_id is required'),
  timestamp: z.string().regex(/^\d+$/),
  version: z.string().min(1),
  biz_data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type CodepayRequest = z.infer<typeof codepayRequestSchema>;

/** Frames larger than this are refused unparsed; real replies are a few hundred bytes. */
export const MAX_FRAME_BYTES = 64 * 1024;

export type ParseResult = { ok: true; message: CodepayMessage } | { ok: false; error: string };

/** Decode one WebSocket frame (text or binary, UTF-8 JSON) into a checked message. Never throws. */
export function parseCodepayFrame(data: string | Buffer | ArrayBuffer | Buffer[]): ParseResult {
  let text: string;
  try {
    if (typeof data === 'string') text = data;
    else if (Array.isArray(data)) text = Buffer.concat(data).toString('utf8');
    else if (data instanceof ArrayBuffer) text = Buffer.from(data).toString('utf8');
    else text = data.toString('utf8');
  } catch {
    return { ok: false, error: 'CodePay frame could not be decoded as UTF-8' };
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_FRAME_BYTES) {
    return { ok: false, error: `CodePay frame is larger than ${MAX_FRAME_BYTES} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'CodePay frame is not JSON' };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, error: 'CodePay frame is not a JSON object' };
  }
  const parsed = codepayMessageSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'frame';
    return { ok: false, error: `CodePay frame rejected at ${where}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, message: parsed.data };
}

export interface BuildRequestInput {
  topic: CodepayTopic;
  appId: string;
  /** Unique per request; required with confirm_on_terminal (seed 002, §2.5). */
  requestId: string;
  bizData: Record<string, string | number | boolean | undefined>;
  /** "1.0" per the vendor page; "2.0" in other sources (§2.4, a Gap): configurable. */
  version?: string;
  now?: number;
}

/** Build and check an outbound request; undefined biz fields are dropped. Throws on a bad request. */
export function buildCodepayRequest(input: BuildRequestInput): CodepayRequest {
  const bizData: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(input.bizData)) {
    if (value !== undefined) bizData[key] = value;
  }
  return codepayRequestSchema.parse({
    topic: input.topic,
    request_id: input.requestId,
    app_id: input.appId,
    timestamp: String(input.now ?? Date.now()),
    version: input.version ?? '1.0',
    biz_data: bizData,
  });
}

/** A log line for a message with the card number masked (never log a full PAN). */
export function describeCodepayMessage(message: CodepayMessage | CodepayRequest): string {
  const biz = (message.biz_data ?? {}) as Record<string, unknown>;
  const parts = [`topic=${message.topic}`];
  for (const key of ['merchant_order_no', 'trans_type', 'trans_status']) {
    if (biz[key] !== undefined) parts.push(`${key}=${String(biz[key])}`);
  }
  if ('response_code' in message && message.response_code !== undefined) parts.push(`code=${message.response_code}`);
  if (typeof biz.card_no === 'string') parts.push(`card=${maskCardNumber(biz.card_no)}`);
  return parts.join(' ');
}

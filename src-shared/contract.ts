/**
 * The IPC contract: every request channel (input schema → output schema) and every
 * event (payload schema), declared once. Main validates inputs against it before any
 * handler runs; the preload bridge and the renderer client are generic over its keys.
 * Channel names: `pos:<area>.<verb>` in camelCase, nothing else is accepted.
 */
import { z } from 'zod';
import {
  appInfoSchema,
  attemptSchema,
  devicesSchema,
  hidDeviceSchema,
  printJobSchema,
  terminalsSchema,
  discountSchema,
  id,
  importReportSchema,
  minor,
  money,
  orderSchema,
  orderSummarySchema,
  productSchema,
  scanKindSchema,
  sessionSchema,
  userSchema,
} from './domain';
import { CSV_CHUNK_CHARS, CSV_UPLOAD_MAX_CHUNKS } from './catalog-upload';
import {
  MAX_CODE_LENGTH,
  MAX_EVIDENCE_LENGTH,
  MAX_GRID_PRODUCTS,
  MAX_HISTORY_PAGE,
  MAX_KEY_LENGTH,
  MAX_LINES,
  MAX_NAME_LENGTH,
  MAX_PROVIDER_LENGTH,
  MAX_QUANTITY,
  MAX_QUANTITY_MILLI,
  MAX_QUERY_LENGTH,
  MAX_REASON_LENGTH,
  MAX_SEARCH_RESULTS,
  MAX_SEQUENCE,
  MAX_URL_LENGTH,
  MAX_USB_ID,
} from './limits';
import { receiptSchema } from './receipt';
import { denominationCountsSchema, refundableSchema, refundSchema, reportSchema, shiftSchema } from './report';

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });
/** Scanned or typed codes: printable ASCII only, bounded (scanner noise is refused here). */
const code = z
  .string()
  .min(1)
  .max(MAX_CODE_LENGTH)
  .regex(/^[\x20-\x7e]+$/, 'only printable characters');
/** A PIN as typed: 4 to 8 digits (a manager's minimum length is checked when the user is added). */
const pin = z.string().regex(/^\d{4,8}$/, '4 to 8 digits');
/**
 * A manager's credential for the approval request main issued for this call (`requestId`,
 * from the APPROVAL_REQUIRED answer): their PIN, their staff badge and PIN, or the badge
 * alone where `security.badgeAlone` allows it. Sent without a request id, main refuses it
 * and issues one (src-shared/approval-flow.ts does that exchange for the clients).
 */
const approval = z.union([
  z.object({ requestId: id.optional(), managerId: id, pin }).strict(),
  z.object({ requestId: id.optional(), badge: code, pin: pin.optional() }).strict(),
]);
const reason = z.string().trim().min(3, 'say why (3 characters or more)').max(MAX_REASON_LENGTH);
const optionalReason = z.string().trim().max(MAX_REASON_LENGTH).default('');
/** What proves an outcome a manager records (a slip number, an approval code). */
const evidence = z.string().trim().min(1).max(MAX_EVIDENCE_LENGTH);
/** A sale, Z report or print job number the till gave out. */
const sequence = z.number().int().positive().max(MAX_SEQUENCE);
/** A terminal's name as the manager gave it or the provider reports it. */
const terminalName = z.string().min(1).max(MAX_NAME_LENGTH);
/** Names one catalogue upload (see catalog-upload.ts); the client picks it, e.g. a random UUID. */
const uploadId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, - or _');

export const channels = {
  'pos:app.info': { input: empty, output: appInfoSchema },

  'pos:session.users': { input: empty, output: z.array(userSchema) },
  'pos:session.login': {
    input: z.object({ userId: id, pin }).strict(),
    output: sessionSchema,
  },
  'pos:session.current': { input: empty, output: sessionSchema.nullable() },
  'pos:session.lock': { input: empty, output: ok },
  'pos:session.logout': { input: empty, output: ok },

  'pos:catalog.search': {
    input: z
      .object({
        query: z.string().max(MAX_QUERY_LENGTH),
        limit: z.number().int().min(1).max(MAX_SEARCH_RESULTS).default(20),
      })
      .strict(),
    output: z.array(productSchema),
  },
  'pos:catalog.grid': {
    input: z
      .object({
        department: z.string().max(MAX_NAME_LENGTH).nullable().default(null),
        limit: z.number().int().min(1).max(MAX_GRID_PRODUCTS).default(40),
      })
      .strict(),
    output: z.object({ departments: z.array(z.string()), products: z.array(productSchema) }),
  },
  /** A CSV larger than one chunk is sent in order, chunk by chunk, then imported by its uploadId. */
  'pos:catalog.importChunk': {
    input: z
      .object({
        uploadId,
        index: z
          .number()
          .int()
          .min(0)
          .max(CSV_UPLOAD_MAX_CHUNKS - 1),
        text: z.string().min(1).max(CSV_CHUNK_CHARS),
      })
      .strict(),
    output: z.object({ receivedChars: z.number().int() }),
  },
  'pos:catalog.import': {
    input: z.union([z.object({ csv: z.string().max(CSV_CHUNK_CHARS) }).strict(), z.object({ uploadId }).strict()]),
    output: importReportSchema,
  },
  /** A catalogue CSV the till reads itself: an absolute path to a local file (no 64 MB string over IPC). */
  'pos:catalog.importFile': {
    input: z.object({ path: z.string().min(1).max(4096) }).strict(),
    output: importReportSchema,
  },

  'pos:cart.current': { input: empty, output: orderSchema },
  'pos:cart.scan': {
    input: z.object({ code, source: z.enum(['wedge', 'keyed', 'hid']) }).strict(),
    output: z.object({ kind: scanKindSchema, order: orderSchema }),
  },
  'pos:cart.addProduct': {
    input: z.object({ productId: id, qty: z.number().int().min(1).max(MAX_QUANTITY).default(1) }).strict(),
    output: orderSchema,
  },
  /** Lowering a quantity voids items: a cashier needs a manager's approval for it. */
  'pos:cart.setQuantity': {
    input: z
      .object({
        lineId: id,
        qtyMilli: z.number().int().min(1).max(MAX_QUANTITY_MILLI),
        reason: optionalReason,
        approval: approval.optional(),
      })
      .strict(),
    output: orderSchema,
  },
  'pos:cart.removeLine': {
    input: z.object({ lineId: id, reason: optionalReason, approval: approval.optional() }).strict(),
    output: orderSchema,
  },
  'pos:cart.setLineDiscount': {
    input: z
      .object({
        lineId: id,
        discount: discountSchema.nullable(),
        reason: optionalReason,
        approval: approval.optional(),
      })
      .strict(),
    output: orderSchema,
  },
  'pos:cart.setOrderDiscount': {
    input: z
      .object({ discount: discountSchema.nullable(), reason: optionalReason, approval: approval.optional() })
      .strict(),
    output: orderSchema,
  },
  'pos:cart.overridePrice': {
    input: z.object({ lineId: id, unitPrice: money.nonnegative(), reason, approval: approval.optional() }).strict(),
    output: orderSchema,
  },
  /** Voids the open sale (a cashier needs approval once it has items). */
  'pos:cart.cancel': {
    input: z.object({ reason: optionalReason, approval: approval.optional() }).strict(),
    output: orderSchema,
  },

  'pos:tender.cash': {
    input: z.object({ orderId: id, tendered: money.positive() }).strict(),
    output: z.object({ order: orderSchema, change: minor, completed: z.boolean() }),
  },
  'pos:tender.start': {
    input: z
      .object({
        orderId: id,
        provider: z.string().min(1).max(MAX_PROVIDER_LENGTH),
        terminal: terminalName.nullable().default(null),
        amount: money.positive(),
        tip: money.nonnegative().default(0),
        walletCode: code.optional(),
        /** Let the customer choose a tip on the terminal's screen (CodePay). */
        onScreenTip: z.boolean().default(false),
        /** Hold the amount only (pre-authorisation); `pos:payments.capture` takes it later. */
        preauth: z.boolean().default(false),
        /** Cash handed to the customer on top of the sale, charged to the card (providers with cash back); over store's limit a manager approves. */
        cashback: money.nonnegative().default(0),
        reason: optionalReason,
        approval: approval.optional(),
      })
      .strict(),
    output: attemptSchema,
  },
  'pos:tender.cancel': { input: z.object({ attemptId: id }).strict(), output: attemptSchema },

  /**
   * Payments that are unresolved or need a manager (approvals to reverse, contradictions, unknown
   * outcomes), and provider answers that carried someone else's keys (kept, never applied).
   */
  'pos:payments.attention': {
    input: empty,
    output: z.object({
      unresolved: z.array(attemptSchema),
      flagged: z.array(attemptSchema),
      foreign: z.array(
        z.object({ at: z.string(), provider: z.string(), terminal: z.string().nullable(), reason: z.string() }),
      ),
    }),
  },
  /** terminalAuthentication: the terminal also asks its own manager to authorise (CodePay); unset = the provider's setting. */
  /** Takes (part of) a held pre-authorisation; its approval pays the order. A manager approves every capture; amount + tip stay within the hold. */
  'pos:payments.capture': {
    input: z
      .object({
        attemptId: id,
        amount: money.positive(),
        tip: money.nonnegative().default(0),
        reason: optionalReason,
        approval: approval.optional(),
      })
      .strict(),
    output: attemptSchema,
  },
  /** Changes the tip of an approved card sale (restaurants), where the provider can; at most the sale, and above the store's limit a manager approves. */
  'pos:payments.adjustTip': {
    input: z
      .object({
        attemptId: id,
        tip: money.nonnegative(),
        reason: optionalReason,
        approval: approval.optional(),
      })
      .strict(),
    output: attemptSchema,
  },
  'pos:payments.void': {
    input: z
      .object({ attemptId: id, reason, approval: approval.optional(), terminalAuthentication: z.boolean().optional() })
      .strict(),
    output: attemptSchema,
  },
  'pos:payments.refund': {
    input: z
      .object({
        attemptId: id,
        amount: money.positive(),
        reason,
        approval: approval.optional(),
        terminalAuthentication: z.boolean().optional(),
      })
      .strict(),
    output: attemptSchema,
  },
  'pos:payments.settle': {
    input: z
      .object({
        attemptId: id,
        outcome: z.enum(['approved', 'declined']),
        evidence,
        reason,
        approval: approval.optional(),
      })
      .strict(),
    output: attemptSchema,
  },
  /**
   * Manager: let the sale take another payment while this one is unresolved (the customer walked
   * away from the terminal). The double-charge risk is audited; the old payment is still watched.
   */
  'pos:payments.release': {
    input: z.object({ attemptId: id, reason, approval: approval.optional() }).strict(),
    output: attemptSchema,
  },
  /**
   * Manager: close a flagged payment with evidence: an approval to give back that was refunded
   * outside the till (on the terminal), one accepted as the sale's tender (what the sale took
   * another way goes back from the drawer), or a flag looked into (contradiction, mismatch, release).
   */
  'pos:payments.resolve': {
    input: z
      .object({
        attemptId: id,
        resolution: z.enum(['refunded-elsewhere', 'accepted', 'acknowledged']),
        evidence,
        reason,
        approval: approval.optional(),
      })
      .strict(),
    output: attemptSchema,
  },

  'pos:devices.status': { input: empty, output: devicesSchema },
  /** Manager: use this USB scanner in main (from the live list), or none (keyboard wedge only). */
  'pos:devices.chooseScanner': {
    input: z.discriminatedUnion('type', [
      z
        .object({
          type: z.literal('hid'),
          vendorId: z.number().int().min(0).max(MAX_USB_ID),
          productId: z.number().int().min(0).max(MAX_USB_ID),
          usagePage: z.number().int().min(0).max(MAX_USB_ID).nullable(),
        })
        .strict(),
      z.object({ type: z.literal('none') }).strict(),
    ]),
    output: devicesSchema,
  },
  'pos:terminals.list': { input: empty, output: terminalsSchema },
  'pos:terminals.decide': {
    input: z
      .object({
        requestId: id,
        accept: z.boolean(),
        name: z.string().trim().min(1).max(MAX_NAME_LENGTH).nullable().default(null),
      })
      .strict(),
    output: terminalsSchema,
  },
  'pos:terminals.add': {
    input: z
      .object({
        name: z.string().trim().min(1).max(MAX_NAME_LENGTH),
        url: z
          .string()
          .max(MAX_URL_LENGTH)
          .regex(/^ws:\/\/[^/\s]+(:\d+)?\/?$/, 'a ws:// address such as ws://192.168.1.20:35779'),
      })
      .strict(),
    output: terminalsSchema,
  },
  /** End-of-day settlement on one terminal (manager). */
  'pos:terminals.batchClose': {
    input: z.object({ name: terminalName }).strict(),
    output: z.object({ ok: z.boolean(), message: z.string() }),
  },
  'pos:terminals.remove': { input: z.object({ name: terminalName }).strict(), output: terminalsSchema },
  'pos:devices.hidList': {
    input: empty,
    output: z.object({ available: z.boolean(), message: z.string(), devices: z.array(hidDeviceSchema) }),
  },
  'pos:print.receipt': { input: z.object({ orderId: id, copy: z.boolean() }).strict(), output: printJobSchema },
  'pos:print.refundReceipt': { input: z.object({ refundId: id, copy: z.boolean() }).strict(), output: printJobSchema },
  'pos:print.retry': { input: z.object({ jobId: sequence }).strict(), output: printJobSchema },
  'pos:print.testPage': { input: empty, output: printJobSchema },
  /** Open the drawer without a sale: a manager approves, every opening is audited. */
  'pos:drawer.noSale': { input: z.object({ reason, approval: approval.optional() }).strict(), output: printJobSchema },

  'pos:shift.current': { input: empty, output: shiftSchema.nullable() },
  'pos:shift.open': { input: z.object({ float: denominationCountsSchema }).strict(), output: shiftSchema },
  'pos:shift.cashMove': {
    input: z
      .object({
        kind: z.enum(['in', 'out']),
        amount: money.positive(),
        reason,
        approval: approval.optional(),
      })
      .strict(),
    output: shiftSchema,
  },
  /** Counts the drawer, closes the shift and writes its numbered Z report. */
  'pos:shift.close': {
    input: z
      .object({ counted: denominationCountsSchema, reason: optionalReason, approval: approval.optional() })
      .strict(),
    output: reportSchema,
  },
  'pos:reports.x': { input: empty, output: reportSchema },
  'pos:reports.z': {
    input: z.object({ number: sequence, copy: z.boolean().default(true) }).strict(),
    output: reportSchema,
  },
  'pos:reports.list': {
    input: empty,
    output: z.array(z.object({ number: z.number().int(), closedAt: z.string(), closedBy: z.string(), net: minor })),
  },
  'pos:reports.print': {
    input: z.object({ number: sequence.nullable(), copy: z.boolean().default(false) }).strict(),
    output: printJobSchema,
  },
  'pos:reports.csv': {
    input: z.object({ number: sequence.nullable() }).strict(),
    output: z.object({ filename: z.string(), csv: z.string() }),
  },

  'pos:refunds.refundable': { input: z.object({ orderId: id }).strict(), output: refundableSchema },
  'pos:refunds.forOrder': { input: z.object({ orderId: id }).strict(), output: z.array(refundSchema) },
  /**
   * Refund by lines and quantities, or by amount, plus tip; back to the original tenders, to cash
   * from the drawer, or recorded as done outside the till (on the terminal: evidence required).
   */
  'pos:refunds.create': {
    input: z
      .object({
        orderId: id,
        lines: z
          .array(z.object({ lineId: id, qtyMilli: z.number().int().positive().max(MAX_QUANTITY_MILLI) }).strict())
          .max(MAX_LINES)
          .default([]),
        amount: money.positive().optional(),
        /** Tip given back too (at most the tips still refundable). */
        tip: money.nonnegative().default(0),
        to: z.enum(['original', 'cash', 'outside']).default('original'),
        /** Outside: what proves it (the terminal's refund receipt number…). */
        evidence: evidence.optional(),
        reason,
        approval: approval.optional(),
      })
      .strict(),
    output: refundSchema,
  },
  'pos:refunds.receipt': { input: z.object({ refundId: id, copy: z.boolean() }).strict(), output: receiptSchema },

  /**
   * The audit trail's hash chain and the signed journal chain (every money and authority row, its
   * anchor): `ok` only when both hold; `reason` is the first problem in words.
   */
  'pos:audit.verify': {
    input: empty,
    output: z.object({
      ok: z.boolean(),
      entries: z.number().int(),
      brokenAt: z.number().int().nullable(),
      reason: z.string().nullable(),
      chain: z.object({
        ok: z.boolean(),
        links: z.number().int(),
        seals: z.number().int(),
        /** `seq:first 16 hex digits` of the newest link. */
        head: z.string().nullable(),
        keys: z.array(z.string()),
        problems: z.array(z.string()),
        problemCount: z.number().int(),
      }),
    }),
  },
  /** Manager: the journal chain with its public keys and anchor, for an auditor (`npm run journal -- verify --export FILE`). */
  'pos:journal.exportChain': {
    input: empty,
    output: z.object({ filename: z.string(), json: z.string() }),
  },

  /** Demo / training mode only: the virtual terminal where the trainee plays the customer. */
  'pos:demo.terminal': {
    input: empty,
    output: z.array(z.object({ provider: z.string(), key: z.string(), amount: minor, currency: z.string() })),
  },
  /** The virtual scanner: the code goes through real HID-POS frames and the decoder in main. */
  'pos:demo.scan': { input: z.object({ code }).strict(), output: ok },
  /** The demo terminal asks to pair with this till (as a real one does from its screen). */
  'pos:demo.pairTerminal': { input: empty, output: ok },
  'pos:demo.act': {
    input: z
      .object({
        provider: z.string().max(MAX_PROVIDER_LENGTH),
        key: z.string().max(MAX_KEY_LENGTH),
        action: z.enum(['approve', 'approve-with-tip', 'decline', 'walk-away']),
      })
      .strict(),
    output: ok,
  },

  'pos:orders.history': {
    input: z
      .object({
        query: z.string().max(MAX_NAME_LENGTH).default(''),
        limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).default(50),
        beforeNumber: sequence.nullable().default(null),
      })
      .strict(),
    output: z.array(orderSummarySchema),
  },
  'pos:orders.get': { input: z.object({ orderId: id }).strict(), output: orderSchema },
  'pos:orders.receipt': { input: z.object({ orderId: id, copy: z.boolean() }).strict(), output: receiptSchema },
} as const;

export const events = {
  'pos:order.changed': orderSchema,
  'pos:session.changed': sessionSchema.nullable(),
  'pos:scan.received': z.object({ kind: scanKindSchema.nullable(), display: z.string(), error: z.string().nullable() }),
  'pos:catalog.importProgress': z.object({
    importId: z.string(),
    phase: z.enum(['reading', 'checking', 'writing', 'indexing', 'done', 'failed']),
    done: z.number().int(),
    total: z.number().int(),
  }),
  'pos:payment.changed': attemptSchema,
  'pos:demo.changed': z.object({ waiting: z.number().int() }),
  'pos:devices.changed': devicesSchema,
  'pos:terminals.changed': terminalsSchema,
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export type ChannelInput<K extends ChannelName> = z.input<Channels[K]['input']>;
export type ChannelParsedInput<K extends ChannelName> = z.output<Channels[K]['input']>;
export type ChannelOutput<K extends ChannelName> = z.output<Channels[K]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

const NAME_PATTERN = /^pos:[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/;

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && NAME_PATTERN.test(name) && Object.hasOwn(channels, name);
}

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
  orderSchema,
  orderSummarySchema,
  productSchema,
  scanKindSchema,
  sessionSchema,
  userSchema,
} from './domain';
import { receiptSchema } from './receipt';
import { denominationCountsSchema, refundableSchema, refundSchema, reportSchema, shiftSchema } from './report';

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });
/** Scanned or typed codes: printable ASCII only, bounded (scanner noise is refused here). */
const code = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x20-\x7e]+$/, 'only printable characters');
/** A manager's credential for one protected action: their PIN, or their staff badge scanned. */
const approval = z.union([
  z.object({ managerId: id, pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits') }).strict(),
  z.object({ badge: code }).strict(),
]);
const reason = z.string().trim().min(3, 'say why (3 characters or more)').max(200);
const optionalReason = z.string().trim().max(200).default('');

export const channels = {
  'pos:app.info': { input: empty, output: appInfoSchema },

  'pos:session.users': { input: empty, output: z.array(userSchema) },
  'pos:session.login': {
    input: z.object({ userId: id, pin: z.string().regex(/^\d{4,8}$/, '4 to 8 digits') }).strict(),
    output: sessionSchema,
  },
  'pos:session.current': { input: empty, output: sessionSchema.nullable() },
  'pos:session.lock': { input: empty, output: ok },
  'pos:session.logout': { input: empty, output: ok },

  'pos:catalog.search': {
    input: z.object({ query: z.string().max(100), limit: z.number().int().min(1).max(100).default(20) }).strict(),
    output: z.array(productSchema),
  },
  'pos:catalog.grid': {
    input: z
      .object({
        department: z.string().max(60).nullable().default(null),
        limit: z.number().int().min(1).max(120).default(40),
      })
      .strict(),
    output: z.object({ departments: z.array(z.string()), products: z.array(productSchema) }),
  },
  'pos:catalog.import': {
    input: z.object({ csv: z.string().max(64 * 1024 * 1024) }).strict(),
    output: importReportSchema,
  },

  'pos:cart.current': { input: empty, output: orderSchema },
  'pos:cart.scan': {
    input: z.object({ code, source: z.enum(['wedge', 'keyed', 'hid']) }).strict(),
    output: z.object({ kind: scanKindSchema, order: orderSchema }),
  },
  'pos:cart.addProduct': {
    input: z.object({ productId: id, qty: z.number().int().min(1).max(9999).default(1) }).strict(),
    output: orderSchema,
  },
  /** Lowering a quantity voids items: a cashier needs a manager's approval for it. */
  'pos:cart.setQuantity': {
    input: z
      .object({
        lineId: id,
        qtyMilli: z.number().int().min(1).max(9_999_000),
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
    input: z
      .object({ lineId: id, unitPrice: minor.nonnegative().max(100_000_000), reason, approval: approval.optional() })
      .strict(),
    output: orderSchema,
  },
  /** Voids the open sale (a cashier needs approval once it has items). */
  'pos:cart.cancel': {
    input: z.object({ reason: optionalReason, approval: approval.optional() }).strict(),
    output: orderSchema,
  },

  'pos:tender.cash': {
    input: z.object({ orderId: id, tendered: minor.positive().max(100_000_000) }).strict(),
    output: z.object({ order: orderSchema, change: minor, completed: z.boolean() }),
  },
  'pos:tender.start': {
    input: z
      .object({
        orderId: id,
        provider: z.string().min(1).max(40),
        terminal: z.string().min(1).max(60).nullable().default(null),
        amount: minor.positive(),
        tip: minor.nonnegative().default(0),
        walletCode: code.optional(),
        /** Let the customer choose a tip on the terminal's screen (CodePay). */
        onScreenTip: z.boolean().default(false),
        /** Hold the amount only (pre-authorisation); `pos:payments.capture` takes it later. */
        preauth: z.boolean().default(false),
        /** Cash handed to the customer on top of the sale, charged to the card (providers with cash back); over store's limit a manager approves. */
        cashback: minor.nonnegative().max(100_000).default(0),
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
        amount: minor.positive(),
        tip: minor.nonnegative().default(0),
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
        tip: minor.nonnegative().max(10_000_000),
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
        amount: minor.positive(),
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
        evidence: z.string().trim().min(1).max(120),
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
        evidence: z.string().trim().min(1).max(120),
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
          vendorId: z.number().int().min(0).max(0xffff),
          productId: z.number().int().min(0).max(0xffff),
          usagePage: z.number().int().min(0).max(0xffff).nullable(),
        })
        .strict(),
      z.object({ type: z.literal('none') }).strict(),
    ]),
    output: devicesSchema,
  },
  'pos:terminals.list': { input: empty, output: terminalsSchema },
  'pos:terminals.decide': {
    input: z
      .object({ requestId: id, accept: z.boolean(), name: z.string().trim().min(1).max(60).nullable().default(null) })
      .strict(),
    output: terminalsSchema,
  },
  'pos:terminals.add': {
    input: z
      .object({
        name: z.string().trim().min(1).max(60),
        url: z.string().regex(/^ws:\/\/[^/\s]+(:\d+)?\/?$/, 'a ws:// address such as ws://192.168.1.20:35779'),
      })
      .strict(),
    output: terminalsSchema,
  },
  /** End-of-day settlement on one terminal (manager). */
  'pos:terminals.batchClose': {
    input: z.object({ name: z.string().min(1).max(60) }).strict(),
    output: z.object({ ok: z.boolean(), message: z.string() }),
  },
  'pos:terminals.remove': { input: z.object({ name: z.string().min(1).max(60) }).strict(), output: terminalsSchema },
  'pos:devices.hidList': {
    input: empty,
    output: z.object({ available: z.boolean(), message: z.string(), devices: z.array(hidDeviceSchema) }),
  },
  'pos:print.receipt': { input: z.object({ orderId: id, copy: z.boolean() }).strict(), output: printJobSchema },
  'pos:print.refundReceipt': { input: z.object({ refundId: id, copy: z.boolean() }).strict(), output: printJobSchema },
  'pos:print.retry': { input: z.object({ jobId: z.number().int().positive() }).strict(), output: printJobSchema },
  'pos:print.testPage': { input: empty, output: printJobSchema },
  /** Open the drawer without a sale: a manager approves, every opening is audited. */
  'pos:drawer.noSale': { input: z.object({ reason, approval: approval.optional() }).strict(), output: printJobSchema },

  'pos:shift.current': { input: empty, output: shiftSchema.nullable() },
  'pos:shift.open': { input: z.object({ float: denominationCountsSchema }).strict(), output: shiftSchema },
  'pos:shift.cashMove': {
    input: z
      .object({
        kind: z.enum(['in', 'out']),
        amount: minor.positive().max(100_000_000),
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
    input: z.object({ number: z.number().int().positive(), copy: z.boolean().default(true) }).strict(),
    output: reportSchema,
  },
  'pos:reports.list': {
    input: empty,
    output: z.array(z.object({ number: z.number().int(), closedAt: z.string(), closedBy: z.string(), net: minor })),
  },
  'pos:reports.print': {
    input: z.object({ number: z.number().int().positive().nullable(), copy: z.boolean().default(false) }).strict(),
    output: printJobSchema,
  },
  'pos:reports.csv': {
    input: z.object({ number: z.number().int().positive().nullable() }).strict(),
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
          .array(z.object({ lineId: id, qtyMilli: z.number().int().positive() }).strict())
          .max(500)
          .default([]),
        amount: minor.positive().optional(),
        /** Tip given back too (at most the tips still refundable). */
        tip: minor.nonnegative().default(0),
        to: z.enum(['original', 'cash', 'outside']).default('original'),
        /** Outside: what proves it (the terminal's refund receipt number…). */
        evidence: z.string().trim().min(1).max(120).optional(),
        reason,
        approval: approval.optional(),
      })
      .strict(),
    output: refundSchema,
  },
  'pos:refunds.receipt': { input: z.object({ refundId: id, copy: z.boolean() }).strict(), output: receiptSchema },

  'pos:audit.verify': {
    input: empty,
    output: z.object({
      ok: z.boolean(),
      entries: z.number().int(),
      brokenAt: z.number().int().nullable(),
      reason: z.string().nullable(),
    }),
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
        provider: z.string().max(40),
        key: z.string().max(64),
        action: z.enum(['approve', 'approve-with-tip', 'decline', 'walk-away']),
      })
      .strict(),
    output: ok,
  },

  'pos:orders.history': {
    input: z
      .object({
        query: z.string().max(60).default(''),
        limit: z.number().int().min(1).max(200).default(50),
        beforeNumber: z.number().int().positive().nullable().default(null),
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
  'pos:catalog.importProgress': z.object({ done: z.number().int(), total: z.number().int() }),
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

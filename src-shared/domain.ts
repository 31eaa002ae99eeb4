/**
 * Schemas of what crosses the boundary (views of orders, products, sessions…).
 * Declared once with zod; the types are inferred from them.
 */
import { z } from 'zod';
import { BASIS_POINTS_WHOLE, MAX_AMOUNT, MAX_ID_LENGTH } from './limits';

export const minor = z.number().int().safe();
/** An amount a request may carry: minor units within what a shop can hold (limits.ts). */
export const money = minor.min(-MAX_AMOUNT).max(MAX_AMOUNT);
export const id = z.string().min(1).max(MAX_ID_LENGTH);

export const discountSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), basisPoints: z.number().int().min(0).max(BASIS_POINTS_WHOLE) }),
  z.object({ kind: z.literal('amount'), amount: money.nonnegative() }),
]);

export const roleSchema = z.enum(['cashier', 'manager']);
export type Role = z.infer<typeof roleSchema>;

export const userSchema = z.object({ id, name: z.string(), role: roleSchema });
export type UserView = z.infer<typeof userSchema>;

export const sessionSchema = z.object({
  user: userSchema,
  startedAt: z.string(),
  idleLockSeconds: z.number().int().nonnegative(),
});
export type SessionView = z.infer<typeof sessionSchema>;

export const paymentMethodSchema = z.enum(['card', 'wallet']);
export type PaymentMethod = z.infer<typeof paymentMethodSchema>;
export type AttemptKind = 'sale' | 'refund' | 'void';

/**
 * What a payment provider can do. Handlers, the contract's options and the screens read these,
 * never a provider's id (a new provider declares its own and every screen follows).
 */
export const providerCapabilitiesSchema = z.object({
  /** Close the terminal screen / cancel an unpaid order. */
  cancel: z.boolean(),
  void: z.boolean(),
  refund: z.boolean(),
  partialRefund: z.boolean(),
  /** A tip keyed at the till, and changed after approval where the provider adjusts tips. */
  tip: z.boolean(),
  /** The customer chooses a tip on the terminal's own screen. */
  onScreenTip: z.boolean(),
  /** Pre-authorisation then capture. */
  preauth: z.boolean(),
  /** Cash handed out on top of a card sale, charged to the card. */
  cashback: z.boolean(),
  /** One provider drives several terminals (lanes), each offered as its own tender. */
  lanes: z.boolean(),
  /** The provider delivers results on its own (a terminal re-sending after a reconnect). */
  pushResults: z.boolean(),
  /** Card details typed into the provider's hosted (embedded) form, never the till's. */
  hostedForm: z.boolean(),
  /** The terminal can ask its own manager before a void or refund. */
  terminalAuthentication: z.boolean(),
});
export type ProviderCapabilities = z.infer<typeof providerCapabilitiesSchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  demo: z.boolean(),
  store: z.object({
    name: z.string(),
    address: z.array(z.string()),
    taxId: z.string(),
    currency: z.string(),
    locale: z.string(),
    /** The store's IANA time zone for times on screen; absent: the machine's. */
    timeZone: z.string().optional(),
  }),
  /** Demo mode only: the default PINs shown on the login screen. */
  demoPins: z.array(z.object({ name: z.string(), role: roleSchema, pin: z.string() })),
  quickCash: z.array(minor),
  cashRoundingStep: z.number().int().positive(),
  /** Discounts above this need a manager (basis points); a closing count off by more than varianceLimit must be explained. */
  discountLimitBasisPoints: z.number().int(),
  varianceLimit: minor,
  /** Receipts print by themselves when a sale completes. */
  autoPrint: z.boolean(),
  /** Electronic tenders configured for this station, each with what its provider can do. */
  tenders: z.array(
    z.object({
      provider: z.string(),
      label: z.string(),
      method: paymentMethodSchema,
      terminal: z.string().nullable(),
      capabilities: providerCapabilitiesSchema,
    }),
  ),
  /** Where the journal's signing key is kept, and how well (the Devices screen warns when only obfuscated). */
  journalKey: z.object({ protection: z.enum(['keychain', 'obfuscated', 'file']), where: z.string() }),
  /**
   * SQLite's full integrity check of the journal, run in the background after start (issue 14):
   * failed stops new sales; unavailable means it could not run (`note`). Optional only so that
   * screens built against an older main still read app.info; this main always sends it.
   */
  journalCheck: z
    .object({
      state: z.enum(['pending', 'running', 'ok', 'failed', 'unavailable']),
      problems: z.array(z.string()).optional(),
      note: z.string().optional(),
      at: z.string().optional(),
      seconds: z.number().optional(),
    })
    .optional(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const productSchema = z.object({
  id,
  sku: z.string(),
  name: z.string(),
  barcode: z.string().nullable(),
  plu: z.string().nullable(),
  price: minor,
  unit: z.enum(['each', 'kg']),
  department: z.string(),
  taxCodes: z.array(z.string()),
});
export type ProductView = z.infer<typeof productSchema>;

export const taxAmountSchema = z.object({
  code: z.string(),
  label: z.string(),
  inclusive: z.boolean(),
  amount: minor,
  base: minor,
});

export const lineSchema = z.object({
  id,
  productId: z.string().nullable(),
  name: z.string(),
  barcode: z.string().nullable(),
  unit: z.enum(['each', 'kg']),
  unitPrice: minor,
  qtyMilli: z.number().int(),
  discount: discountSchema.nullable(),
  /** How the line came in: an embedded price/weight barcode fixes its amount or quantity. */
  embedded: z.enum(['price', 'weight']).nullable(),
  gross: minor,
  lineDiscount: minor,
  orderDiscount: minor,
  net: minor,
  taxes: z.array(taxAmountSchema),
});
export type LineView = z.infer<typeof lineSchema>;

/** Card or wallet data a terminal or gateway returned, for receipts. Never a full PAN or an expiry date. */
export const cardBlockSchema = z.object({
  provider: z.string(),
  method: paymentMethodSchema,
  brand: z.string().optional(),
  maskedPan: z.string().optional(),
  entryMode: z.string().optional(),
  emvLabel: z.string().optional(),
  aid: z.string().optional(),
  tvr: z.string().optional(),
  tsi: z.string().optional(),
  tc: z.string().optional(),
  authCode: z.string().optional(),
  batch: z.string().optional(),
  sequence: z.string().optional(),
  invoice: z.string().optional(),
  terminalId: z.string().optional(),
  reference: z.string().optional(),
  channelOrderNo: z.string().optional(),
  transactionTime: z.string().optional(),
  cvm: z.enum(['signature', 'pin', 'none', 'unknown']).optional(),
  responseText: z.string().optional(),
  language: z.enum(['en', 'fr']).optional(),
  tip: minor.optional(),
  cashback: minor.optional(),
});
export type CardBlock = z.infer<typeof cardBlockSchema>;

export const attemptStateSchema = z.enum([
  'created',
  'sending',
  'pending',
  'cancelling',
  'approved',
  'declined',
  'cancelled',
  'unknown',
  'voided',
  'refunded',
  'partially_refunded',
  // Approved after the order was paid otherwise: the customer's money goes back (DESIGN.md §6 rule 6).
  'needs_reversal',
]);
export type AttemptState = z.infer<typeof attemptStateSchema>;

/** States whose outcome is not known yet: the attempt blocks its order and terminal (DESIGN.md §6 rules 2, 5). */
export const UNRESOLVED_ATTEMPT_STATES: readonly AttemptState[] = [
  'created',
  'sending',
  'pending',
  'cancelling',
  'unknown',
];

export const attemptSchema = z.object({
  id,
  orderId: id,
  provider: z.string(),
  terminal: z.string().nullable(),
  kind: z.enum(['sale', 'refund', 'void']),
  method: paymentMethodSchema,
  amount: minor,
  tip: minor,
  currency: z.string(),
  state: attemptStateSchema,
  /** The provider's words (or ours) for the current state, for the cashier. */
  message: z.string(),
  /** When an unknown attempt is checked next (ISO time), if it is. */
  nextCheckAt: z.string().nullable(),
  /** Why a manager must look at it ('needs-reversal', 'contradiction', 'readback-mismatch', 'released', …), or null. */
  needsAttention: z.string().nullable(),
  /** A manager let the order take another payment while this one was unresolved; it is still watched. */
  released: z.boolean(),
  refundable: minor,
  card: cardBlockSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AttemptView = z.infer<typeof attemptSchema>;

export const tenderSchema = z.object({
  id,
  kind: z.enum(['cash', 'card', 'wallet']),
  label: z.string(),
  /** What the tender pays towards the order. */
  amount: minor,
  /** Cash handed over (cash only; equals amount otherwise). */
  tendered: minor,
  change: minor,
  tip: minor,
  cashback: minor.default(0),
  attemptId: z.string().nullable(),
  card: cardBlockSchema.nullable(),
  createdAt: z.string(),
});
export type TenderView = z.infer<typeof tenderSchema>;

export const orderSchema = z.object({
  id,
  number: z.number().int(),
  status: z.enum(['open', 'completed', 'cancelled']),
  currency: z.string(),
  cashierName: z.string(),
  openedAt: z.string(),
  completedAt: z.string().nullable(),
  lines: z.array(lineSchema),
  orderDiscount: discountSchema.nullable(),
  subtotal: minor,
  discountTotal: minor,
  taxes: z.array(taxAmountSchema),
  addedTax: minor,
  includedTax: minor,
  total: minor,
  /** Cash rounding applied when the balance was settled in cash (may be negative). */
  cashRounding: minor,
  paid: minor,
  /** total + cashRounding − paid; 0 when settled. */
  due: minor,
  /** What settles the order in cash: `due` rounded to the store's cash rounding step. */
  cashDue: minor,
  /** Given back since: refunds and voided or refunded payments. */
  refunded: minor,
  tenders: z.array(tenderSchema),
  attempts: z.array(attemptSchema),
});
export type OrderView = z.infer<typeof orderSchema>;

export const orderSummarySchema = z.object({
  id,
  number: z.number().int(),
  status: z.enum(['open', 'completed', 'cancelled']),
  currency: z.string(),
  cashierName: z.string(),
  completedAt: z.string().nullable(),
  total: minor,
  refunded: minor,
  lineCount: z.number().int(),
  tenderKinds: z.array(z.string()),
});
export type OrderSummary = z.infer<typeof orderSummarySchema>;

export const importReportSchema = z.object({
  imported: z.number().int(),
  updated: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(z.object({ row: z.number().int(), field: z.string().nullable(), message: z.string() })),
});
export type ImportReport = z.infer<typeof importReportSchema>;

export const scanKindSchema = z.enum(['product', 'price-embedded', 'weight-embedded', 'wallet', 'badge']);
export type ScanKind = z.infer<typeof scanKindSchema>;

export const printJobSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  label: z.string(),
  state: z.enum(['queued', 'printing', 'done', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});
export type PrintJobView = z.infer<typeof printJobSchema>;

/** What the device panel shows: each device's state in words, last scan or print. */
export const devicesSchema = z.object({
  scanner: z.object({
    configured: z.boolean(),
    state: z.enum(['connected', 'disconnected', 'unavailable', 'error', 'not-configured']),
    message: z.string(),
    device: z.string().nullable(),
    lastScanAt: z.string().nullable(),
  }),
  printer: z.object({
    state: z.enum(['ready', 'printing', 'attention', 'not-configured']),
    message: z.string(),
    transport: z.string().nullable(),
    queued: z.number().int(),
    jobs: z.array(printJobSchema),
  }),
});
export type DevicesView = z.infer<typeof devicesSchema>;

export const hidDeviceSchema = z.object({
  vendorId: z.number().int(),
  productId: z.number().int(),
  path: z.string().nullable(),
  usagePage: z.number().int().nullable(),
  product: z.string().nullable(),
  manufacturer: z.string().nullable(),
  kind: z.string(),
});

/** CodePay terminals on the LAN and terminals waiting for the manager to accept pairing. */
export const terminalsSchema = z.object({
  pairingUrl: z.string().nullable(),
  terminals: z.array(
    z.object({
      name: z.string(),
      url: z.string(),
      source: z.string(),
      status: z.string(),
      lastSeen: z.string().nullable(),
    }),
  ),
  requests: z.array(
    z.object({
      id: z.string(),
      deviceName: z.string().nullable(),
      serial: z.string().nullable(),
      url: z.string(),
      knownAs: z.string().nullable(),
    }),
  ),
});
export type TerminalsView = z.infer<typeof terminalsSchema>;

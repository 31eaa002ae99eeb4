/**
 * The config file (DESIGN.md §4), validated with zod. Unknown keys are refused so a
 * typo in a key is reported instead of silently ignored.
 */
import { z } from 'zod';
import { isSupportedCurrency } from '../../src-shared/money';
import { DEFAULT_NOMENCLATURE, nomenclatureSchema } from '../catalog/nomenclature';
import { printerConfigSchema } from '../devices/printer/printer-config';
import { IOTPAY_CURRENCIES, isIotpayCurrency } from '../payments/iotpay/iotpay-amounts';
import { scannerConfigSchema } from '../devices/scanner/scanner-config';

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const currency = z.string().refine(isSupportedCurrency, { message: 'unsupported currency (use an ISO 4217 code such as CAD, USD, EUR)' });

const taxSchema = z.object({
  code: z.string().regex(/^[A-Z0-9_]{1,12}$/, 'tax codes are 1–12 capital letters/digits'),
  label: z.string().min(1).max(30),
  /** Percent, e.g. 5 or 9.975. Stored as parts per million. */
  ratePercent: z.number().min(0).max(100),
  inclusive: z.boolean().default(false),
}).strict();

const iotpaySchema = z.object({
  baseUrl: z.url().default('https://api.iotpaycloud.com'),
  ccBaseUrl: z.url().default('https://ccapi.iotpaycloud.com'),
  mchId: z.string().min(1),
  loginName: z.string().min(1),
  key: z.string().min(1),
  device: z.string().min(1).default('countertop'),
  card: z.boolean().default(true),
  wallet: z.boolean().default(true),
}).strict();

const codepaySchema = z.object({
  appId: z.string().min(1),
  /** The till's own pairing server (terminals dial it); 35779 as the ECR Hub SDKs use. */
  pairingPort: z.number().int().min(0).max(65_535).default(35_779),
  /** Advertise and discover over multicast mDNS; off where the network blocks it (use manual addresses). */
  mdns: z.boolean().default(true),
  /** Voids and refunds also need the store manager's authorisation on the terminal itself. */
  terminalAuthentication: z.boolean().default(true),
  terminals: z.array(z.object({ name: z.string().min(1), url: z.string().regex(/^ws:\/\/[^/\s]+(:\d+)?\/?.*$/, 'a ws:// URL such as ws://192.168.1.20:35779') }).strict()).default([]),
}).strict();

const yabandpaySchema = z.object({
  baseUrl: z.url().default('https://mapi.yabandpay.com'),
  user: z.string().min(1),
  secretKey: z.string().min(1),
  tid: z.string().min(1).optional(),
  notifyUrl: z.url(),
  currency: z.enum(['EUR', 'CHF']),
}).strict();

export const configSchema = z.object({
  store: z.object({
    name: z.string().min(1).max(60),
    address: z.array(z.string().max(60)).max(4).default([]),
    taxId: z.string().max(40).default(''),
    currency,
    locale: z.string().min(2).max(20).default('en-CA'),
    /** Cash rounding step in minor units (5 = nickel rounding in Canada); 1 = none. */
    cashRoundingStep: z.number().int().min(1).max(100).default(1),
    /** Quick-cash buttons, in minor units. */
    quickCash: z.array(z.number().int().positive()).max(8).default([500, 1000, 2000, 5000, 10000]),
    /**
     * This till's number in the store (1–999), part of every payment reference: two tills on
     * one merchant account must have different numbers.
     */
    tillId: z.number().int().min(1).max(999).default(1),
    /**
     * How taxes are rounded: 'line' rounds each line's tax (half up), 'order' rounds each tax
     * once on the whole sale. Inclusive tax is always price − price / (1 + rate), rounded.
     */
    taxRounding: z.enum(['line', 'order']).default('line'),
    /** The store's time zone (IANA name) for receipts, reports and CSV; the machine's own when absent. */
    timeZone: z.string().min(1).max(64).refine(isTimeZone, 'an IANA time zone such as America/Toronto').optional(),
  }).strict(),
  dataDir: z.string().min(1),
  demo: z.boolean().default(false),
  taxes: z.array(taxSchema).default([]),
  /** Barcode nomenclature: cashier badge prefix and price/weight-embedded label patterns. */
  barcodes: nomenclatureSchema.default(DEFAULT_NOMENCLATURE),
  security: z.object({
    idleLockSeconds: z.number().int().min(0).max(86_400).default(300),
    maxPinAttempts: z.number().int().min(1).max(20).default(5),
    lockoutSeconds: z.number().int().min(10).max(86_400).default(300),
    /** Discounts above this (basis points: 1000 = 10 %) need a manager. */
    discountLimitBasisPoints: z.number().int().min(0).max(10_000).default(1000),
    /** A drawer count off by more than this (minor units) must be explained at close. */
    varianceLimit: z.number().int().min(0).default(500),
    /** Cash back above this (minor units) needs a manager; 0: every cash back does. */
    cashbackLimit: z.number().int().min(0).max(100_000).default(5000),
    /** A tip changed after the sale above this share of it (basis points: 2500 = 25 %) needs a manager. */
    tipLimitBasisPoints: z.number().int().min(0).max(10_000).default(2500),
  }).strict().default({ idleLockSeconds: 300, maxPinAttempts: 5, lockoutSeconds: 300, discountLimitBasisPoints: 1000, varianceLimit: 500, cashbackLimit: 5000, tipLimitBasisPoints: 2500 }),
  providers: z.object({
    iotpay: iotpaySchema.optional(),
    codepay: codepaySchema.optional(),
    yabandpay: yabandpaySchema.optional(),
  }).strict().default({}),
  devices: z.object({
    /** A scanner read in main (HID-POS / hidraw). Keyboard-wedge scanners need nothing here. */
    scanner: scannerConfigSchema.default({ type: 'none' }),
    printer: printerConfigSchema.default({ type: 'none' }),
    /** Print the customer receipt when a sale completes. */
    autoPrint: z.boolean().default(true),
  }).strict().default({ scanner: { type: 'none' }, printer: { type: 'none' }, autoPrint: true }),
}).strict().superRefine((config, ctx) => {
  // IOTPay merchant accounts hold CAD or USD: refuse the till at load, not at its first sale.
  if (config.providers.iotpay && !isIotpayCurrency(config.store.currency)) {
    ctx.addIssue({
      code: 'custom',
      path: ['store', 'currency'],
      message: `IOTPay (providers.iotpay) takes only ${IOTPAY_CURRENCIES.join(' or ')}, not ${config.store.currency}`,
    });
  }
});

export type AppConfig = z.output<typeof configSchema>;
export type AppConfigInput = z.input<typeof configSchema>;

/**
 * The config file (DESIGN.md §4), validated with zod. Unknown keys are refused so a
 * typo in a key is reported instead of silently ignored. The `providers` block is built
 * from the payment provider modules: each module brings its own block's schema and checks.
 */
import { z } from 'zod';
import { isSupportedCurrency } from '../../src-shared/money';
import { DEFAULT_NOMENCLATURE, nomenclatureSchema } from '../catalog/nomenclature';
import { printerConfigSchema } from '../devices/printer/printer-config';
import { scannerConfigSchema } from '../devices/scanner/scanner-config';
import { PROVIDER_MODULES } from '../payments/provider-list';
import type { AnyProviderModule } from '../payments/provider-module';

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const currency = z
  .string()
  .refine(isSupportedCurrency, { message: 'unsupported currency (use an ISO 4217 code such as CAD, USD, EUR)' });

const taxSchema = z
  .object({
    code: z.string().regex(/^[A-Z0-9_]{1,12}$/, 'tax codes are 1–12 capital letters/digits'),
    label: z.string().min(1).max(30),
    /** Percent, e.g. 5 or 9.975. Stored as parts per million. */
    ratePercent: z.number().min(0).max(100),
    inclusive: z.boolean().default(false),
  })
  .strict();

const baseShape = {
  store: z
    .object({
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
    })
    .strict(),
  dataDir: z.string().min(1),
  demo: z.boolean().default(false),
  taxes: z.array(taxSchema).default([]),
  /** Barcode nomenclature: cashier badge prefix and price/weight-embedded label patterns. */
  barcodes: nomenclatureSchema.default(DEFAULT_NOMENCLATURE),
  security: z
    .object({
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
      /** Manager PINs shorter than this are refused when a user is added (older ones still sign in). */
      managerPinMinLength: z.number().int().min(4).max(8).default(6),
      /** How long a manager approval request stays usable (it approves one action, once). */
      approvalSeconds: z.number().int().min(10).max(900).default(120),
      /** A manager's badge alone approves (no PIN); off: badge + PIN. */
      badgeAlone: z.boolean().default(false),
      /** The journal's Ed25519 signing key (a 0600 file; default: signing.key in the data folder). */
      signingKeyFile: z.string().min(1).max(1024).optional(),
    })
    .strict()
    .default({
      idleLockSeconds: 300,
      maxPinAttempts: 5,
      lockoutSeconds: 300,
      discountLimitBasisPoints: 1000,
      varianceLimit: 500,
      cashbackLimit: 5000,
      tipLimitBasisPoints: 2500,
      managerPinMinLength: 6,
      approvalSeconds: 120,
      badgeAlone: false,
    }),
  devices: z
    .object({
      /** A scanner read in main (HID-POS / hidraw). Keyboard-wedge scanners need nothing here. */
      scanner: scannerConfigSchema.default({ type: 'none' }),
      printer: printerConfigSchema.default({ type: 'none' }),
      /** Print the customer receipt when a sale completes. */
      autoPrint: z.boolean().default(true),
    })
    .strict()
    .default({ scanner: { type: 'none' }, printer: { type: 'none' }, autoPrint: true }),
};

/** The `providers` block's shape for a list of modules: each module's block under its key, optional. */
type ProvidersShape<Ms extends readonly AnyProviderModule[]> = {
  [M in Ms[number] as M['key']]: z.ZodOptional<M['configSchema']>;
};

/**
 * The config schema for a list of provider modules (the build's list by default; tests pass an
 * extended one). An unknown key under `providers` is refused like any other typo.
 */
export function appConfigSchemaFor<const Ms extends readonly AnyProviderModule[]>(modules: Ms) {
  const providers = Object.fromEntries(modules.map((m) => [m.key, m.configSchema.optional()])) as ProvidersShape<Ms>;
  // Every key is optional, so `{}` is a valid block (the generic type cannot show it).
  const providersSchema = z
    .object(providers)
    .strict()
    .default({} as never);
  return z
    .object({ ...baseShape, providers: providersSchema })
    .strict()
    .superRefine((config, ctx) => {
      // Refusals that depend on the store (a gateway that takes only some currencies): at load, not at the first sale.
      const blocks = config.providers as Readonly<Record<string, unknown>>;
      for (const module of modules) {
        const block = blocks[module.key];
        if (block === undefined || !module.check) continue;
        for (const message of module.check(block, config.store)) {
          ctx.addIssue({ code: 'custom', path: ['store', 'currency'], message });
        }
      }
    });
}

export const configSchema = appConfigSchemaFor(PROVIDER_MODULES);

export type AppConfig = z.output<typeof configSchema>;
export type AppConfigInput = z.input<typeof configSchema>;

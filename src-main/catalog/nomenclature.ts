/**
 * Barcode nomenclature: what a scanned or keyed code *is*, before anything looks it up.
 * Rules run in a fixed order and the first that matches wins:
 *   1. customer wallet payment codes (WeChat Pay, Alipay, UnionPay QuickPass): routed to
 *      payment, never to product lookup, never shown or logged in full;
 *   2. cashier badge (a configured prefix, Odoo's `041` by default: GS1 prefixes 040–049
 *      are restricted to use inside a company);
 *   3. price- and weight-embedded labels (GS1 restricted-circulation prefixes, as the
 *      store's scales print them), which need a valid check digit;
 *   4. anything else is a product code.
 * Pure: no I/O, no electron, no logging.
 */
import { z } from 'zod';
import { currencyExponent } from '../../src-shared/money';
import { maskWalletCode } from '../../src-shared/pan-mask';
import {
  asGtin13,
  barcodeLookupKeys,
  canonicalBarcode,
  hasGtinShape,
  isMistypedGtin,
  isValidGtin,
  withCheckDigit,
} from './gtin';

export type WalletKind = 'wechat' | 'alipay' | 'unionpay';

/** Code shapes the wallets publish (DESIGN.md §5). UnionPay codes also look like UnionPay PANs: masked either way. */
const WALLET_SHAPES: readonly { wallet: WalletKind; pattern: RegExp }[] = [
  { wallet: 'wechat', pattern: /^1[0-5]\d{16}$/ },
  { wallet: 'alipay', pattern: /^(?:2[5-9]|30)\d{14,22}$/ },
  { wallet: 'unionpay', pattern: /^62\d{17}$/ },
];

/** Keep `head` and `tail` characters, star the rest. */
export function maskCode(code: string, head: number, tail: number): string {
  if (code.length <= head + tail) return '*'.repeat(code.length);
  return code.slice(0, head) + '*'.repeat(code.length - head - tail) + (tail ? code.slice(-tail) : '');
}

/**
 * A customer's wallet payment code. The digits are in a private field: logging,
 * `JSON.stringify` or string interpolation show only the masked form; the payment
 * provider calls `reveal()` when it sends the request.
 */
export class WalletCode {
  readonly #digits: string;
  readonly masked: string;

  constructor(
    readonly wallet: WalletKind,
    digits: string,
  ) {
    this.#digits = digits;
    // The one wallet-code form, so the screen and the journal agree.
    this.masked = maskWalletCode(digits);
  }

  reveal(): string {
    return this.#digits;
  }

  toString(): string {
    return this.masked;
  }

  toJSON(): string {
    return this.masked;
  }
}

export function walletOf(code: string): WalletKind | null {
  return WALLET_SHAPES.find((shape) => shape.pattern.test(code))?.wallet ?? null;
}

/**
 * An embedded-value label, written over the 13-digit (EAN-13 / zero-padded UPC-A) form:
 * leading digits are the prefix, `I` the item reference (the product's PLU), `V` the
 * value, `X` a digit that is ignored (e.g. the price check digit of UPC number-system-2
 * labels), `C` the check digit, last. `decimals`: for a price, how many of the value's
 * digits are decimals (default: the currency's exponent); for a weight, of kilograms
 * (default 3: grams).
 */
export const embeddedRuleSchema = z
  .object({
    kind: z.enum(['price', 'weight']),
    pattern: z
      .string()
      .regex(/^\d+I+X*V+C$|^\d+V+X*I+C$/, 'digits, then I… and V… blocks (X optional between), then C')
      .length(13),
    decimals: z.number().int().min(0).max(3).optional(),
  })
  .strict();
export type EmbeddedRule = z.infer<typeof embeddedRuleSchema>;

export const nomenclatureSchema = z
  .object({
    /** Prefix of cashier badge codes; null: badges are not scanned. */
    badgePrefix: z
      .string()
      .regex(/^[\x21-\x7e]{1,12}$/)
      .nullable(),
    embedded: z.array(embeddedRuleSchema).max(20),
  })
  .strict();
export type NomenclatureConfig = z.infer<typeof nomenclatureSchema>;

/**
 * Odoo's defaults (21 weight in grams, 23 price) plus North America's UPC number system 2
 * price labels (2 IIIII X PPPP C) as they appear zero-padded to 13 digits.
 */
export const DEFAULT_NOMENCLATURE: NomenclatureConfig = {
  badgePrefix: '041',
  embedded: [
    { kind: 'weight', pattern: '21IIIIIVVVVVC', decimals: 3 },
    { kind: 'price', pattern: '23IIIIIVVVVVC' },
    { kind: 'price', pattern: '02IIIIIXVVVVC' },
  ],
};

interface CompiledRule {
  kind: 'price' | 'weight';
  prefix: string;
  item: [start: number, end: number];
  value: [start: number, end: number];
  /** Multiply the value by this to get minor units (price) or thousandths of a kg (weight). */
  scale: number;
  pattern: string;
}

export interface Nomenclature {
  readonly badgePrefix: string | null;
  readonly rules: readonly CompiledRule[];
}

function span(pattern: string, letter: string): [number, number] {
  return [pattern.indexOf(letter), pattern.lastIndexOf(letter) + 1];
}

/** Validates a configuration against the store currency and prepares it for `classifyCode`. */
export function compileNomenclature(config: NomenclatureConfig, currency: string): Nomenclature {
  const parsed = nomenclatureSchema.parse(config);
  const exponent = currencyExponent(currency);
  const rules = parsed.embedded.map((rule): CompiledRule => {
    const decimals = rule.decimals ?? (rule.kind === 'price' ? exponent : 3);
    const target = rule.kind === 'price' ? exponent : 3;
    if (decimals > target)
      throw new RangeError(
        `Barcode rule ${rule.pattern}: ${decimals} decimals is finer than ${rule.kind === 'price' ? currency : 'grams'}`,
      );
    return {
      kind: rule.kind,
      prefix: /^\d+/.exec(rule.pattern)![0],
      item: span(rule.pattern, 'I'),
      value: span(rule.pattern, 'V'),
      scale: 10 ** (target - decimals),
      pattern: rule.pattern,
    };
  });
  return { badgePrefix: parsed.badgePrefix, rules };
}

export type CodeClass =
  | { kind: 'wallet'; display: string; wallet: WalletCode }
  | { kind: 'badge'; display: string; badge: string }
  | {
      kind: 'price-embedded' | 'weight-embedded';
      display: string;
      /** The label's code, as it goes on the order line. */
      barcode: string;
      /** The item reference as a PLU, leading zeros dropped. */
      plu: string;
      /** The label with its value (and ignored digits) zeroed, check digit recomputed: Odoo's way of keying such products. */
      neutralBarcode: string;
      /** Price: minor units. Weight: thousandths of a kilogram. */
      value: number;
    }
  | {
      kind: 'product';
      display: string;
      barcode: string;
      /** Stored forms to try, best first (see `barcodeLookupKeys`). */
      keys: string[];
      /** A GTIN-shaped code whose check digit is wrong: probably mistyped. */
      badCheckDigit: boolean;
    }
  | { kind: 'invalid'; display: string; message: string };

/** PLUs are stored without leading zeros so `00123` on a label finds PLU `123`. */
export function canonicalPlu(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** What a code is. `code` has already passed the contract (printable ASCII, ≤ 128 chars). */
export function classifyCode(raw: string, nomenclature: Nomenclature): CodeClass {
  const code = raw.trim();
  const wallet = walletOf(code);
  if (wallet) {
    const walletCode = new WalletCode(wallet, code);
    return { kind: 'wallet', display: walletCode.masked, wallet: walletCode };
  }

  // Prefixes are matched on the 13-digit form even when the check digit is wrong, so a
  // misread UPC-A cannot fall into another rule; `canonical` is what gets looked up.
  const form13 = asGtin13(code);
  const canonical = canonicalBarcode(code);
  const { badgePrefix } = nomenclature;
  if (badgePrefix !== null && form13.startsWith(badgePrefix) && form13.length > badgePrefix.length) {
    return { kind: 'badge', display: maskCode(form13, badgePrefix.length, 0), badge: form13 };
  }

  if (form13.length === 13 && hasGtinShape(form13)) {
    const rule = nomenclature.rules.find((r) => form13.startsWith(r.prefix));
    if (rule) {
      if (!isValidGtin(form13))
        return {
          kind: 'invalid',
          display: code,
          message: `Label ${code} did not read correctly (check digit): scan it again or key the item.`,
        };
      const neutral = [...form13.slice(0, 12)]
        .map((digit, i) => (rule.pattern[i] === 'V' || rule.pattern[i] === 'X' ? '0' : digit))
        .join('');
      return {
        kind: rule.kind === 'price' ? 'price-embedded' : 'weight-embedded',
        display: code,
        barcode: form13,
        plu: canonicalPlu(form13.slice(...rule.item)),
        neutralBarcode: withCheckDigit(neutral),
        value: Number(form13.slice(...rule.value)) * rule.scale,
      };
    }
  }

  return {
    kind: 'product',
    display: code,
    barcode: canonical,
    keys: barcodeLookupKeys(code),
    badCheckDigit: isMistypedGtin(code),
  };
}

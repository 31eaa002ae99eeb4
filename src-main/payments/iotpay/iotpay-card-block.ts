/**
 * Receipt data from an IOTPay order (DESIGN.md §7): the CC_PAX `payOrder.extra` JSON
 * string (seed0) turned into a CardBlock, and the wallet block for micropay orders.
 * Never a full PAN, never the expiry date — even when the gateway sends them.
 */
import type { CardBlock } from '../../../src-shared/domain';
import { isSupportedCurrency, parseDecimalString } from '../../../src-shared/money';
import { maskCardNumber, maskPansIn } from '../../../src-shared/pan-mask';
import { replyCentsToMinor } from './iotpay-amounts';

/** The order fields a card or wallet block is built from (query flat fields or create's payOrder). */
export interface IotpayOrderFields {
  payOrderId?: string;
  channelId?: string;
  channelOrderNo?: string | null;
  /** The order's currency; IOTPay amounts (tip, cash back) are cents of it. */
  currency?: string;
  /** Cents, as IOTPay sends it. */
  tip?: number;
  /** Epoch milliseconds (number or digit string), or '' before payment. */
  paySuccTime?: unknown;
  /** CC_PAX: a JSON string with the terminal's card data. */
  extra?: unknown;
}

/** Fields of `extra` that must never leave this module (PCI: no expiry date, DESIGN.md §9). */
const FORBIDDEN_EXTRA_FIELDS = ['expireDate', 'expiryDate', 'track1', 'track2', 'cvv', 'cvv2'];

/**
 * Parses `payOrder.extra` (a JSON string, sometimes already an object) into trimmed string
 * fields. Bad JSON or a non-object gives `{}`: a receipt without card details is better
 * than a crash after the money moved. The expiry date is removed here.
 */
export function parseIotpayExtra(extra: unknown): Record<string, string> {
  let value: unknown = extra;
  if (typeof extra === 'string') {
    try {
      value = JSON.parse(extra);
    } catch {
      return {};
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const fields: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (FORBIDDEN_EXTRA_FIELDS.includes(name)) continue;
    if (typeof raw === 'string') fields[name] = raw.trim();
    else if (typeof raw === 'number' || typeof raw === 'boolean') fields[name] = String(raw);
  }
  return fields;
}

/**
 * Fields of `extra` the terminal fills with words (shown on the receipt as sent, or as a
 * fallback name). Ids, EMV data and dates stay as sent: masking an AID that happens to pass
 * Luhn would break the receipt.
 */
const FREE_TEXT_EXTRA_FIELDS = ['receiptDisp', 'emvLabel', 'cardType', 'trxMethod'] as const;

/** PAX `cardType` codes → brand names. Unlisted codes are shown as sent. */
const CARD_BRANDS: Readonly<Record<string, string>> = {
  V: 'Visa',
  VI: 'Visa',
  M: 'Mastercard',
  MC: 'Mastercard',
  AX: 'American Express',
  AM: 'American Express',
  A: 'American Express',
  DS: 'Discover',
  D: 'Discover',
  NO: 'Discover',
  JC: 'JCB',
  J: 'JCB',
  DC: 'Diners Club',
  UP: 'UnionPay',
  CU: 'UnionPay',
  P: 'Interac',
  IN: 'Interac',
  ID: 'Interac',
};

const ENTRY_MODES: Readonly<Record<string, { en: string; fr: string }>> = {
  T: { en: 'Contactless', fr: 'Sans contact' },
  C: { en: 'Chip', fr: 'Puce' },
  S: { en: 'Swipe', fr: 'Glissée' },
  M: { en: 'Manual entry', fr: 'Saisie manuelle' },
  F: { en: 'Fallback swipe', fr: 'Glissée (repli)' },
};

/**
 * Decodes EMV CVM Results (tag 9F34, 3 bytes hex: method, condition, result).
 * Method byte, with bit 0x40 ("apply next rule if this fails") masked off:
 * 0x01 plaintext PIN by ICC, 0x02 enciphered PIN online, 0x04 enciphered PIN by ICC → pin;
 * 0x03 / 0x05 PIN *and* signature, 0x1E signature → signature (a signature line is due);
 * 0x1F "no CVM required", 0x3F "no CVM performed" → none; 0x00 CVM failed → unknown.
 * A result byte of 01 (failed) gives unknown. So 1E/5E → signature, 01/41/02/42/04/44 →
 * pin, 1F → none (seed0 sample "1F0302": a tap under the no-CVM limit).
 */
export function decodeCvmResults(hex: string): CardBlock['cvm'] {
  const clean = hex.trim();
  if (!/^[0-9A-Fa-f]{2}/.test(clean)) return undefined;
  if (/^[0-9A-Fa-f]{6}$/.test(clean) && clean.slice(4, 6) === '01') return 'unknown';
  const method = parseInt(clean.slice(0, 2), 16) & 0x3f;
  switch (method) {
    case 0x01:
    case 0x02:
    case 0x04:
      return 'pin';
    case 0x03:
    case 0x05:
    case 0x1e:
      return 'signature';
    case 0x1f:
    case 0x3f:
      return 'none';
    default:
      return 'unknown';
  }
}

/** trxDate MMDDYYYY + trxTime HHMMSS (terminal local time) → "YYYY-MM-DD HH:MM:SS". */
function terminalTime(date: string | undefined, time: string | undefined): string | undefined {
  if (!date || !/^\d{8}$/.test(date)) return undefined;
  const day = `${date.slice(4, 8)}-${date.slice(0, 2)}-${date.slice(2, 4)}`;
  return time && /^\d{6}$/.test(time) ? `${day} ${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}` : day;
}

function epochTime(value: unknown): string | undefined {
  const ms =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d{10,}$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : undefined;
}

/**
 * extra.cashbackAmount: the format is undocumented (blank in both seed0 samples). Digits
 * only are read as cents like every other IOTPay amount; a decimal string as major units.
 */
function cashbackMinor(text: string | undefined, currency: string | undefined): number | undefined {
  if (!text) return undefined;
  let amount: number | undefined;
  if (/^\d+$/.test(text)) amount = currency ? replyCentsToMinor(Number(text), currency) : undefined;
  else if (/^\d+\.\d+$/.test(text) && currency && isSupportedCurrency(currency)) {
    try {
      amount = parseDecimalString(text, currency);
    } catch {
      amount = undefined;
    }
  }
  return amount !== undefined && Number.isSafeInteger(amount) && amount > 0 ? amount : undefined;
}

/** The order's tip (cents) in minor units of its currency; undefined when none or not convertible. */
function tipMinor(tip: number | undefined, currency: string | undefined): number | undefined {
  if (typeof tip !== 'number' || !Number.isSafeInteger(tip) || tip <= 0 || !currency) return undefined;
  return replyCentsToMinor(tip, currency);
}

/** Drops undefined and empty values so the block only carries what the terminal said. */
function compact(block: CardBlock): CardBlock {
  return Object.fromEntries(Object.entries(block).filter(([, v]) => v !== undefined && v !== '')) as CardBlock;
}

/**
 * CardBlock for a CC_PAX order from its `extra` card data (seed0). The terminal's free text
 * goes through the PAN masker (`keep`: the attempt's own ids, left as sent); the card number
 * through the one card-number masker.
 */
export function iotpayCardBlock(
  order: IotpayOrderFields,
  provider = 'iotpay-pax',
  keep?: ReadonlySet<string>,
): CardBlock {
  const extra = parseIotpayExtra(order.extra);
  for (const name of FREE_TEXT_EXTRA_FIELDS) if (extra[name] !== undefined) extra[name] = maskPansIn(extra[name], keep);
  const language =
    extra.langCode?.toUpperCase() === 'F' ? 'fr' : extra.langCode?.toUpperCase() === 'E' ? 'en' : undefined;
  const cardType = extra.cardType?.toUpperCase();
  const entry = extra.trxMethod ? ENTRY_MODES[extra.trxMethod.toUpperCase()] : undefined;
  return compact({
    provider,
    method: 'card',
    brand: cardType ? (CARD_BRANDS[cardType] ?? cardType) : undefined,
    maskedPan: extra.cardNum ? maskCardNumber(extra.cardNum) : undefined,
    entryMode: entry ? entry[language ?? 'en'] : extra.trxMethod || undefined,
    emvLabel: extra.emvLabel,
    aid: extra.emvAID,
    tvr: extra.emvTVR,
    tsi: extra.emvTSI,
    tc: extra.emvTC,
    authCode: extra.authNum,
    batch: extra.batchNum,
    sequence: extra.seqNum,
    invoice: extra.termInvoiceNum,
    terminalId: extra.termNum,
    reference: order.payOrderId,
    channelOrderNo: order.channelOrderNo ?? undefined,
    transactionTime: terminalTime(extra.trxDate, extra.trxTime) ?? epochTime(order.paySuccTime),
    cvm: extra.cvmResults ? decodeCvmResults(extra.cvmResults) : undefined,
    responseText: extra.receiptDisp,
    language,
    tip: tipMinor(order.tip, order.currency),
    cashback: cashbackMinor(extra.cashbackAmount, order.currency),
  });
}

/** Wallet brand by micropay channel. */
function walletBrand(channelId: string | undefined): string | undefined {
  if (!channelId) return undefined;
  if (channelId.startsWith('WX_')) return 'WeChat Pay';
  if (channelId.startsWith('ALIPAY_')) return 'Alipay';
  if (channelId.startsWith('UPI_')) return 'UnionPay';
  return undefined;
}

/** CardBlock for a WX/ALIPAY/UPI micropay order: brand, wallet order number, IOTPay id. */
export function iotpayWalletBlock(order: IotpayOrderFields, provider = 'iotpay-wallet'): CardBlock {
  return compact({
    provider,
    method: 'wallet',
    brand: walletBrand(order.channelId),
    reference: order.payOrderId,
    channelOrderNo: order.channelOrderNo ?? undefined,
    transactionTime: epochTime(order.paySuccTime),
  });
}

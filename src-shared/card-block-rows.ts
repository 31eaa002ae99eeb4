/**
 * The card block of a receipt as label/value rows, in the card's language (IOTPay
 * langCode E/F). Kept free of zod so the renderer bundle does not carry the schemas.
 */
import type { CardBlock } from './domain';
import { formatLocalDateTime, type LocalTimeOptions } from './local-time';

export const CARD_LABELS = {
  en: {
    brand: 'Card',
    maskedPan: 'Number',
    entryMode: 'Entry',
    emvLabel: 'Application',
    aid: 'AID',
    tvr: 'TVR',
    tsi: 'TSI',
    tc: 'TC',
    authCode: 'Auth #',
    batch: 'Batch #',
    sequence: 'Seq #',
    invoice: 'Invoice #',
    terminalId: 'Terminal',
    reference: 'Reference',
    channelOrderNo: 'Wallet order #',
    transactionTime: 'Time',
    responseText: 'Result',
    tip: 'Tip',
    cashback: 'Cash back',
    charged: 'Total charged',
    signature: 'Signature: ______________________',
    pin: 'Verified by PIN',
    approved: 'APPROVED',
  },
  fr: {
    brand: 'Carte',
    maskedPan: 'Numéro',
    entryMode: 'Mode',
    emvLabel: 'Application',
    aid: 'AID',
    tvr: 'TVR',
    tsi: 'TSI',
    tc: 'TC',
    authCode: "No d'autor.",
    batch: 'No de lot',
    sequence: 'No de séq.',
    invoice: 'No de facture',
    terminalId: 'Terminal',
    reference: 'Référence',
    channelOrderNo: 'No de commande',
    transactionTime: 'Heure',
    responseText: 'Résultat',
    tip: 'Pourboire',
    cashback: 'Remise en argent',
    charged: 'Total débité',
    signature: 'Signature : ______________________',
    pin: 'Vérifié par NIP',
    approved: 'APPROUVÉE',
  },
} as const;

const CARD_FIELDS = [
  'brand',
  'maskedPan',
  'entryMode',
  'emvLabel',
  'aid',
  'tvr',
  'tsi',
  'tc',
  'authCode',
  'batch',
  'sequence',
  'invoice',
  'terminalId',
  'reference',
  'channelOrderNo',
  'transactionTime',
  'responseText',
] as const;

/**
 * Turns a card block into label/value rows in the card's language (IOTPay langCode E/F).
 * `transactionTime`: an instant (a wallet's or gateway's UTC time) is shown in the store's
 * zone like every other time (local-time.ts); a terminal's own local time is shown as sent.
 */
export function cardBlockRows(
  card: CardBlock,
  time: LocalTimeOptions = {},
): { rows: { label: string; value: string }[]; cvmLine: string | null } {
  const labels = CARD_LABELS[card.language ?? 'en'];
  const rows = CARD_FIELDS.flatMap((field) => {
    const value = field === 'transactionTime' ? formatLocalDateTime(card[field], time) : card[field];
    return value ? [{ label: labels[field], value }] : [];
  });
  const cvmLine = card.cvm === 'signature' ? labels.signature : card.cvm === 'pin' ? labels.pin : null;
  return { rows, cvmLine };
}

/**
 * The shared Receipt model (src-shared/receipt.ts) as a receiptline document: one
 * document renders to ESC/POS for the printer and to SVG for a preview (§3).
 * Every piece of user or provider text goes through escapeReceiptLine: receiptline
 * gives meaning to | { } ` ^ ~ _ " \ and to lines made only of - or =.
 */
import { formatMoney } from '../../../src-shared/money';
import { cardBlockRows, type Receipt } from '../../../src-shared/receipt';
import type { PrinterWidth } from './escpos';

/** Escapes text so receiptline prints it literally (README "Escape sequences in text"). */
export function escapeReceiptLine(text: string): string {
  return text
    // Control characters (a stray GS from a scanner, a tab) would be dropped or misread.
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    // Non-breaking spaces from Intl (fr-CA "12,50 $") print as plain spaces.
    .replace(/[\u00a0\u202f\u2009]/g, ' ')
    .replace(/[\\|{}\-=~_"`^]/g, (ch) => `\\${ch}`);
}

export interface ReceiptDocumentOptions {
  /** Characters per line (default 42). */
  cpl?: PrinterWidth;
}

const TIP_LABEL = { en: 'Tip', fr: 'Pourboire' } as const;
const CASHBACK_LABEL = { en: 'Cashback', fr: 'Remise en argent' } as const;

/** A left label and a right-aligned value on one line. */
function row(label: string, value: string, emphasis = ''): string {
  return `|${emphasis}${escapeReceiptLine(label)} | ${emphasis}${escapeReceiptLine(value)}|`;
}

/** Text on its own line, left-aligned. */
function left(text: string): string {
  return `|${escapeReceiptLine(text)}|`.replace(/\|$/, ' |');
}

/** Text on its own line, centred. */
function centre(text: string, emphasis = ''): string {
  return `${emphasis}${escapeReceiptLine(text)}`;
}

function formatTime(iso: string, locale: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(date);
}

/**
 * Builds the receipt document: store header, DEMO and COPY banners, lines with their
 * detail and discount, subtotal, discounts, added taxes, total, cash rounding, included
 * taxes, tenders with change and card blocks (cardBlockRows, CVM/signature line), footer.
 */
export function receiptDocument(receipt: Receipt, options: ReceiptDocumentOptions = {}): string {
  const cpl = options.cpl ?? 42;
  const money = (minor: number) => formatMoney(minor, receipt.currency, receipt.locale);
  const negative = (minor: number) => money(-Math.abs(minor));
  const out: string[] = [];
  // Column widths: the amount column is fixed so long item names wrap in their own column.
  const amountWidth = cpl >= 42 ? 14 : 12;
  out.push('{width:auto; border:space; text:wrap}');

  if (receipt.demo) out.push('`^DEMO - NOT A VALID RECEIPT`', '');
  out.push(centre(receipt.storeName, '^^'));
  for (const line of receipt.address) out.push(centre(line));
  if (receipt.taxId) out.push(centre(`Tax ID ${receipt.taxId}`));
  if (receipt.copy) out.push('', '^^^COPY', centre('Duplicate of the original receipt'));
  out.push('');
  out.push(`{width:*,${amountWidth}}`);
  out.push(row(`Order #${receipt.orderNumber}`, formatTime(receipt.at, receipt.locale)));
  out.push(row('Cashier', receipt.cashierName));
  out.push('---');

  for (const line of receipt.lines) {
    out.push(row(line.name, money(line.amount)));
    if (line.detail) out.push(left(`  ${line.detail}`).replace('|  ', '|~~'));
    if (line.discount !== 0) out.push(row('  Discount', negative(line.discount)).replace('|  ', '|~~'));
  }
  out.push('---');

  out.push(row('Subtotal', money(receipt.subtotal)));
  if (receipt.discountTotal !== 0) out.push(row('Discounts', negative(receipt.discountTotal)));
  for (const tax of receipt.taxes.filter((t) => !t.inclusive)) out.push(row(tax.label, money(tax.amount)));
  out.push(row('TOTAL', money(receipt.total), '^'));
  if (receipt.cashRounding !== 0) {
    out.push(row('Cash rounding', money(receipt.cashRounding)));
    out.push(row('Total paid in cash', money(receipt.total + receipt.cashRounding)));
  }
  for (const tax of receipt.taxes.filter((t) => t.inclusive)) out.push(row(`Incl. ${tax.label}`, money(tax.amount)));

  if (receipt.tenders.length > 0) out.push('---');
  for (const tender of receipt.tenders) {
    out.push(row(tender.label, money(tender.amount)));
    if (tender.tendered > tender.amount) out.push(row('  Tendered', money(tender.tendered)).replace('|  ', '|~~'));
    if (tender.change > 0) out.push(row('Change', money(tender.change), '"'));
    const card = tender.card;
    const language = card?.language ?? 'en';
    if (tender.tip > 0) out.push(row(`  ${TIP_LABEL[language]}`, money(tender.tip)).replace('|  ', '|~~'));
    if (!card) continue;
    if (card.cashback) out.push(row(`  ${CASHBACK_LABEL[language]}`, money(card.cashback)).replace('|  ', '|~~'));
    const { rows, cvmLine } = cardBlockRows(card);
    out.push('{width:auto}');
    for (const r of rows) out.push(row(`  ${r.label}`, r.value).replace('|  ', '|~~'));
    if (cvmLine) {
      // A signature needs room to sign above the line.
      if (card.cvm === 'signature') out.push('', '');
      out.push(left(cvmLine));
    }
    out.push(`{width:*,${amountWidth}}`);
  }

  out.push('---', '{width:auto}');
  for (const line of receipt.footer) out.push(centre(line));
  if (receipt.demo) out.push('', '`DEMO - NOT A VALID RECEIPT`');
  out.push('=');
  return `${out.join('\n')}\n`;
}

/** A test page: store name, width ruler, character check, and the time it was asked for. */
export function testPageDocument(options: { cpl?: PrinterWidth; storeName?: string; at?: Date } = {}): string {
  const cpl = options.cpl ?? 42;
  const ruler = '1234567890'.repeat(Math.ceil(cpl / 10)).slice(0, cpl);
  return [
    '^^TEST PAGE',
    options.storeName ? centre(options.storeName) : '',
    centre((options.at ?? new Date()).toISOString()),
    '---',
    left(ruler),
    left(`${cpl} characters per line`),
    left('ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789'),
    left('éèàçêô ÉÀÇ $ # % & * + / = ? @'),
    '---',
    '^Printer OK',
    '=',
    '',
  ].join('\n');
}

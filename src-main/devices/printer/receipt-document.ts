/**
 * The shared Receipt model (src-shared/receipt.ts) as a receiptline document: one
 * document renders to ESC/POS for the printer and to SVG for a preview (§3).
 * Every piece of user or provider text goes through escapeReceiptLine: receiptline
 * gives meaning to | { } ` ^ ~ _ " \ and to lines made only of - or =.
 */
import { formatMoney } from '../../../src-shared/money';
import { CARD_LABELS, cardBlockRows } from '../../../src-shared/card-block-rows';
import { localDateTimeParts } from '../../../src-shared/local-time';
import type { Receipt } from '../../../src-shared/receipt';
import type { PrinterWidth } from './escpos';

/** Escapes text so receiptline prints it literally (README "Escape sequences in text"). */
export function escapeReceiptLine(text: string): string {
  return (
    text
      // Control characters (a stray GS from a scanner, a tab) would be dropped or misread.
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
      // Non-breaking spaces from Intl (fr-CA "12,50 $") print as plain spaces.
      .replace(/[\u00a0\u202f\u2009]/g, ' ')
      .replace(/[\\|{}\-=~_"`^]/g, (ch) => `\\${ch}`)
  );
}

export interface ReceiptDocumentOptions {
  /** Characters per line (default 42). */
  cpl?: PrinterWidth;
}

interface RowStyle {
  /** Indent under the line above (receiptline eats leading spaces; `~` is a kept space). */
  indent?: boolean;
  /** receiptline decoration toggles: '^' double width, '"' bold. */
  emphasis?: string;
}

/** A left label and a right-aligned value on one line (`|label | value|`). */
function row(label: string, value: string, style: RowStyle = {}): string {
  const e = style.emphasis ?? '';
  return `|${style.indent ? '~~' : ''}${e}${escapeReceiptLine(label)} | ${e}${escapeReceiptLine(value)}|`;
}

/** Text on its own line, left-aligned (`|text |`). */
function left(text: string, indent = false): string {
  return `|${indent ? '~~' : ''}${escapeReceiptLine(text)} |`;
}

/** Text on its own line, centred. */
function centre(text: string, emphasis = ''): string {
  return `${emphasis}${escapeReceiptLine(text)}`;
}

/**
 * Builds the receipt document: store header, DEMO and COPY banners, lines with their
 * detail and discount, subtotal, discounts, added taxes, total, cash rounding, included
 * taxes, tenders with change, tip, cash back and the total charged, card blocks
 * (cardBlockRows, CVM/signature line), footer. Times in the receipt's zone (local-time.ts).
 */
export function receiptDocument(receipt: Receipt, options: ReceiptDocumentOptions = {}): string {
  const cpl = options.cpl ?? 42;
  const money = (minor: number) => formatMoney(minor, receipt.currency, receipt.locale);
  const negative = (minor: number) => money(-Math.abs(minor));
  const out: string[] = [];
  // Column widths: the amount column is fixed so long item names wrap in their own column.
  const amountWidth = cpl >= 42 ? 14 : 11;
  out.push('{width:auto; border:space; text:wrap}');

  if (receipt.demo) out.push('`^DEMO / TRAINING`', centre('Not a valid receipt'), '');
  out.push(centre(receipt.storeName, '^^'));
  for (const line of receipt.address) out.push(centre(line));
  if (receipt.taxId) out.push(centre(`Tax ID ${receipt.taxId}`));
  if (receipt.copy) out.push('', '^^^COPY', centre('Reprint of the original'));
  if (receipt.title) out.push('', centre(receipt.title, '^^'));
  if (receipt.audience) out.push('', centre(receipt.audience === 'merchant' ? 'MERCHANT COPY' : 'CUSTOMER COPY', '"'));
  out.push('');
  const time = { timeZone: receipt.timeZone, locale: receipt.locale };
  const at = localDateTimeParts(receipt.at, time) ?? { date: receipt.at, time: '' };
  out.push(row(`Order #${receipt.orderNumber}`, at.date));
  out.push(row(`Cashier ${receipt.cashierName}`, at.time));
  out.push('---');
  out.push(`{width:*,${amountWidth}}`);

  for (const line of receipt.lines) {
    out.push(row(line.name, money(line.amount)));
    if (line.detail) out.push(left(line.detail, true));
    if (line.discount !== 0) out.push(row('Discount', negative(line.discount), { indent: true }));
  }
  out.push('---');

  out.push(row('Subtotal', money(receipt.subtotal)));
  if (receipt.discountTotal !== 0) out.push(row('Discounts', negative(receipt.discountTotal)));
  for (const tax of receipt.taxes.filter((t) => !t.inclusive)) out.push(row(tax.label, money(tax.amount)));
  // Double width: "TOTAL" takes 10 columns and the amount gets the rest, so a
  // five-digit total still fits on a 32-column roll.
  out.push('{width:10,*}', row('TOTAL', money(receipt.total), { emphasis: '^' }), `{width:*,${amountWidth}}`);
  if (receipt.cashRounding !== 0) {
    out.push(row('Cash rounding', money(receipt.cashRounding)));
    out.push(row('Total paid in cash', money(receipt.total + receipt.cashRounding)));
  }
  for (const tax of receipt.taxes.filter((t) => t.inclusive)) out.push(row(`Incl. ${tax.label}`, money(tax.amount)));

  if (receipt.tenders.length > 0) out.push('---');
  for (const tender of receipt.tenders) {
    const cashback = tender.cashback ?? 0;
    // The tender line is the sale's part; tip and cash back follow, then what the card was charged in all.
    out.push(row(tender.label, money(tender.amount - cashback)));
    if (tender.tendered > tender.amount) out.push(row('Tendered', money(tender.tendered), { indent: true }));
    if (tender.change > 0) out.push(row('Change', money(tender.change), { emphasis: '"' }));
    const card = tender.card;
    const labels = CARD_LABELS[card?.language ?? 'en'];
    if (tender.tip > 0) out.push(row(labels.tip, money(tender.tip), { indent: true }));
    if (cashback > 0) out.push(row(labels.cashback, money(cashback), { indent: true }));
    if (tender.charged !== undefined) out.push(row(labels.charged, money(tender.charged), { emphasis: '"' }));
    if (!card) continue;
    const { rows, cvmLine } = cardBlockRows(card, time);
    out.push('{width:auto}');
    for (const r of rows) out.push(row(r.label, r.value, { indent: true }));
    // The customer signs the merchant's copy; theirs only says how the card was verified.
    if (cvmLine && !(card.cvm === 'signature' && receipt.audience === 'customer')) {
      // A signature needs room to sign above the line.
      if (card.cvm === 'signature') out.push('', '');
      out.push(left(cvmLine, true));
    }
    out.push(`{width:*,${amountWidth}}`);
  }

  out.push('---', '{width:auto}');
  for (const line of receipt.footer) out.push(centre(line));
  if (receipt.demo) out.push('', '`^DEMO / TRAINING`');
  // No trailing "=": renderEscPos cuts at the end, and a second cut wastes paper.
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
    '',
  ].join('\n');
}

import { renderEscPos } from '../src-main/devices/printer/escpos';
import { decodeEscPos } from '../src-main/devices/printer/escpos-text-decoder';
import { escapeReceiptLine } from '../src-main/devices/printer/receipt-document';
const doc = `{width:*,14}\n|${escapeReceiptLine('{code:4006381333931;option:ean}')} | ${escapeReceiptLine('$2.00')}|\n`;
console.log(doc);
console.log(decodeEscPos(renderEscPos(doc, { cpl: 42, encoding: 'cp858' })).lines);

import { renderEscPos } from '../src-main/devices/printer/escpos';
import { decodeEscPos } from '../src-main/devices/printer/escpos-text-decoder';
for (const w of ['auto', '*,20', '10,*']) for (const cpl of [32, 42]) {
const doc = `{width:*,11}\n|Soap | $3.25|\n{width:${w}}\n|^TOTAL | ^$15.75|\n|^TOTAL | ^$12,345.75|\n{width:*,11}\n|Change | $1.00|\n`;
console.log(w, cpl, decodeEscPos(renderEscPos(doc, { cpl: cpl as 32, encoding: 'cp858' })).lines);
}

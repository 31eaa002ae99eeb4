import { renderEscPos } from '../src-main/devices/printer/escpos';
import { decodeEscPos } from '../src-main/devices/printer/escpos-text-decoder';
const doc = 'Corner Store\n---\n|Milk 2 × 3.49 | $6.98|\n|Café | €2.00|\n=\n';
const b = renderEscPos(doc, { cpl: 32, encoding: 'cp858' });
console.log(JSON.stringify(decodeEscPos(b).lines));
console.log(JSON.stringify(b.toString('latin1')));

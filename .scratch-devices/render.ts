import { transform } from 'receiptline';
import { receiptDocument } from '../src-main/devices/printer/receipt-document';
import type { Receipt } from '../src-shared/receipt';
const r: Receipt = {
  storeName: 'Corner {Store} | Café', address: ['12 Rue Saint-Denis', 'Montréal QC H2X 3K8'], taxId: 'GST 123456789 RT0001', demo: true, copy: true,
  orderNumber: 1042, cashierName: 'Ann_Marie "AJ"', at: '2026-11-21T14:03:00Z', currency: 'CAD', locale: 'en-CA',
  lines: [
    { name: 'Organic whole milk 2L', detail: '2 × $3.49', amount: 698, discount: 50 },
    { name: 'Very long product name that will certainly wrap across the line ----', detail: '', amount: 1299, discount: 0 },
    { name: '---', detail: '1.250 kg × $8.99/kg', amount: 1124, discount: 0 },
  ],
  subtotal: 3121, discountTotal: 150, taxes: [{ label: 'GST 5%', amount: 149, inclusive: false }, { label: 'QST 9.975%', amount: 296, inclusive: false }, { label: 'Deposit', amount: 10, inclusive: true }],
  total: 3416, cashRounding: -1,
  tenders: [
    { label: 'Cash', amount: 2000, tendered: 5000, change: 3000, tip: 0, card: null },
    { label: 'Visa', amount: 1415, tendered: 1415, change: 0, tip: 200, card: { provider: 'iotpay', method: 'card', brand: 'VISA', maskedPan: '************4242', entryMode: 'Chip', aid: 'A0000000031010', tvr: '0000000000', authCode: '123456', cvm: 'signature', language: 'fr' } },
  ],
  footer: ['Thank you for shopping with us', 'Returns within 30 days ^_^'],
};
const cpl = Number(process.argv[2] ?? 42);
const doc = receiptDocument(r, { cpl: cpl as 42 });
if (process.argv[3] === 'doc') console.log(doc);
console.log(transform(doc, { cpl, command: 'text' }));

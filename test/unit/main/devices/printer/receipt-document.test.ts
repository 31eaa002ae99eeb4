import { transform } from 'receiptline';
import { describe, expect, it } from 'vitest';
import { renderEscPos } from '../../../../../src-main/devices/printer/escpos';
import { decodeEscPos } from '../../../../../src-main/devices/printer/escpos-text-decoder';
import {
  escapeReceiptLine,
  receiptDocument,
  testPageDocument,
} from '../../../../../src-main/devices/printer/receipt-document';
import { receiptSchema, type Receipt } from '../../../../../src-shared/receipt';

function sampleReceipt(overrides: Partial<Receipt> = {}): Receipt {
  return receiptSchema.parse({
    storeName: 'Corner Market',
    address: ['12 Rue Saint-Denis', 'Montréal QC H2X 3K8'],
    taxId: 'GST 123456789 RT0001',
    demo: false,
    copy: false,
    orderNumber: 1042,
    cashierName: 'Ann',
    at: '2026-11-21T14:03:00Z',
    // The store's zone, so the printed date does not depend on the machine running the test.
    timeZone: 'America/Toronto',
    currency: 'CAD',
    locale: 'en-CA',
    lines: [
      { name: 'Organic milk 2L', detail: '2 × $3.49', amount: 698, discount: 50 },
      { name: 'Bananas', detail: '1.250 kg × $1.99/kg', amount: 249, discount: 0 },
      { name: 'Bread', detail: '', amount: 399, discount: 0 },
    ],
    subtotal: 1346,
    discountTotal: 50,
    taxes: [
      { label: 'GST 5%', amount: 20, inclusive: false },
      { label: 'QST 9.975%', amount: 40, inclusive: false },
      { label: 'Deposit', amount: 10, inclusive: true },
    ],
    total: 1356,
    cashRounding: -1,
    tenders: [
      { label: 'Cash', amount: 1000, tendered: 2000, change: 1000, tip: 0, card: null },
      {
        label: 'Visa',
        amount: 355,
        tendered: 355,
        change: 0,
        tip: 100,
        card: {
          provider: 'iotpay',
          method: 'card',
          brand: 'VISA',
          maskedPan: '************4242',
          entryMode: 'Chip',
          aid: 'A0000000031010',
          authCode: '123456',
          cvm: 'signature',
          language: 'en',
        },
      },
    ],
    footer: ['Thank you for shopping with us'],
    ...overrides,
  });
}

function printed(receipt: Receipt, cpl: 32 | 42 | 48 = 42): { lines: string[]; text: string; cuts: number } {
  return decodeEscPos(renderEscPos(receiptDocument(receipt, { cpl }), { cpl, encoding: 'cp858' }));
}

describe('escapeReceiptLine', () => {
  it('makes every receiptline special character print literally', () => {
    const nasty = 'A|B {code:123} ~x_y "q" `iv` ^big^ back\\slash 50%-off a=b';
    const text = transform(`|${escapeReceiptLine(nasty)} |\n`, { cpl: 80, command: 'text' });
    expect(text.split('\n')[0].trimEnd()).toBe(nasty);
  });

  it('keeps lines made only of - or = from becoming a rule or a paper cut', () => {
    for (const name of ['---', '===']) {
      const out = decodeEscPos(renderEscPos(`${escapeReceiptLine(name)}\n`, { cpl: 42, encoding: 'cp437' }));
      expect(out.lines.map((l) => l.trim())).toContain(name);
      expect(out.cuts).toBe(1);
    }
  });

  it('turns control characters and non-breaking spaces into plain spaces', () => {
    expect(escapeReceiptLine('01\u001d10AB')).toBe('01 10AB');
    expect(escapeReceiptLine('12,50\u00a0$')).toBe('12,50 $');
  });
});

describe('receiptDocument', () => {
  it('prints the store header, each line with its detail and discount, and the totals', () => {
    const { lines, text } = printed(sampleReceipt());
    expect(lines.some((l) => l.trim() === 'Corner Market')).toBe(true);
    expect(text).toContain('12 Rue Saint-Denis');
    expect(text).toContain('Tax ID GST 123456789 RT0001');
    expect(lines).toContain(`Order #1042${' '.repeat(42 - 11 - 10)}2026-11-21`);
    expect(lines.find((l) => l.startsWith('Organic milk 2L'))).toMatch(/Organic milk 2L\s+\$6\.98$/);
    expect(text).toContain('  2 × $3.49');
    expect(lines.find((l) => l.startsWith('  Discount'))).toMatch(/-\$0\.50$/);
    expect(text).toContain('  1.250 kg × $1.99/kg');
    expect(lines.find((l) => l.startsWith('Subtotal'))).toMatch(/\$13\.46$/);
    expect(lines.find((l) => l.startsWith('Discounts'))).toMatch(/-\$0\.50$/);
  });

  it('lists added taxes before the total and included taxes after it', () => {
    const { lines } = printed(sampleReceipt());
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(at('GST 5%')).toBeGreaterThan(0);
    expect(at('GST 5%')).toBeLessThan(at('TOTAL'));
    expect(at('QST 9.975%')).toBeLessThan(at('TOTAL'));
    expect(at('Incl. Deposit')).toBeGreaterThan(at('TOTAL'));
    expect(lines[at('TOTAL')]).toMatch(/\$13\.56$/);
    expect(lines[at('Cash rounding')]).toMatch(/-\$0\.01$/);
    expect(lines[at('Total paid in cash')]).toMatch(/\$13\.55$/);
  });

  it('prints tenders with cash tendered and change, and the card block with its signature line', () => {
    const { lines, text } = printed(sampleReceipt());
    expect(lines.find((l) => /^Cash\s+\$/.test(l))).toMatch(/\$10\.00$/);
    expect(lines.find((l) => l.startsWith('  Tendered'))).toMatch(/\$20\.00$/);
    expect(lines.find((l) => l.startsWith('Change'))).toMatch(/\$10\.00$/);
    expect(lines.find((l) => l.startsWith('  Tip'))).toMatch(/\$1\.00$/);
    expect(lines.find((l) => l.startsWith('  Number'))).toMatch(/\*{12}4242$/);
    expect(lines.find((l) => l.startsWith('  Auth #'))).toMatch(/123456$/);
    expect(text).toContain('  Signature: ______________________');
    expect(text).toContain('Thank you for shopping with us');
  });

  it('prints the merchant copy with the signature line and the customer copy without it', () => {
    const merchant = printed({ ...sampleReceipt(), audience: 'merchant' }).text;
    const customer = printed({ ...sampleReceipt(), audience: 'customer' }).text;
    expect(merchant).toContain('MERCHANT COPY');
    expect(merchant).toContain('Signature: ______');
    expect(customer).toContain('CUSTOMER COPY');
    expect(customer).not.toContain('Signature: ______');
    expect(customer).toContain('Auth #');
  });

  it('uses the card language for card labels and the PIN line', () => {
    const receipt = sampleReceipt();
    receipt.tenders[1].card = { ...receipt.tenders[1].card!, language: 'fr', cvm: 'pin' };
    const { text } = printed(receipt);
    expect(text).toContain('  Numéro');
    expect(text).toContain("  No d'autor.");
    expect(text).toContain('  Pourboire');
    expect(text).toContain('  Vérifié par NIP');
    expect(text).not.toContain('Signature');
  });

  it('marks demo receipts and reprints, and only those', () => {
    const plain = printed(sampleReceipt()).text;
    expect(plain).not.toContain('DEMO');
    expect(plain).not.toContain('COPY');
    const demoCopy = printed(sampleReceipt({ demo: true, copy: true })).text;
    expect(demoCopy.match(/DEMO \/ TRAINING/g)).toHaveLength(2);
    expect(demoCopy).toContain('Not a valid receipt');
    expect(demoCopy).toContain('COPY');
  });

  it('prints user text literally, whatever receiptline characters it holds', () => {
    const receipt = sampleReceipt({
      storeName: 'Bob|s {Shop}',
      cashierName: 'Jo_"J"',
      lines: [
        { name: '=====', detail: '', amount: 100, discount: 0 },
        { name: '{code:12345670;o:ean}', detail: '', amount: 200, discount: 0 },
        { name: '`Special` ^deal^', detail: '', amount: 300, discount: 0 },
      ],
    });
    const { text, cuts } = printed(receipt);
    expect(text).toContain('Bob|s {Shop}');
    expect(text).toContain('Cashier Jo_"J"');
    expect(text).toMatch(/^=====\s+\$1\.00$/m);
    expect(text).toContain('{code:12345670;o:ean}');
    expect(text).toContain('`Special` ^deal^');
    expect(cuts).toBe(1);
  });

  it('fits every line within 32, 42 and 48 characters', () => {
    for (const cpl of [32, 42, 48] as const) {
      const { lines } = printed(
        sampleReceipt({
          lines: [
            {
              name: 'A very long product name that has to wrap somewhere sensible',
              detail: '12 × $1,234.56',
              amount: 1481472,
              discount: 0,
            },
          ],
          total: 1481472,
        }),
        cpl,
      );
      const widths = lines.map((l) => l.length);
      expect(Math.max(...widths)).toBeLessThanOrEqual(cpl);
      expect(lines.some((l) => /^A very long\s.*\$14,814\.72$/.test(l))).toBe(true);
      // The double-width total keeps its amount on one line.
      expect(lines.find((l) => l.startsWith('TOTAL'))).toMatch(/\$14,814\.72$/);
    }
  });

  it('formats amounts in the receipt locale', () => {
    const { text } = printed(sampleReceipt({ locale: 'fr-CA' }));
    expect(text).toContain('13,56 $');
  });
});

describe('testPageDocument', () => {
  it('prints a ruler exactly as wide as the line', () => {
    const { lines } = decodeEscPos(
      renderEscPos(testPageDocument({ cpl: 32, storeName: 'Corner Market', at: new Date('2026-01-02T03:04:05Z') }), {
        cpl: 32,
        encoding: 'cp437',
      }),
    );
    expect(lines).toContain('12345678901234567890123456789012');
    expect(lines.some((l) => l.includes('2026-01-02T03:04:05.000Z'))).toBe(true);
    expect(lines.some((l) => l.includes('Corner Market'))).toBe(true);
  });
});

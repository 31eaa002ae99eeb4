import { describe, expect, it } from 'vitest';
import { renderEscPos } from '../../../../../src-main/devices/printer/escpos';
import { decodeEscPos } from '../../../../../src-main/devices/printer/escpos-text-decoder';
import { receiptDocument } from '../../../../../src-main/devices/printer/receipt-document';
import { iotpayWalletBlock } from '../../../../../src-main/payments/iotpay/iotpay-card-block';
import { buildReceipt, type Receipt } from '../../../../../src-shared/receipt';
import { STORE, cardSale, format } from '../../../shared/receipt-fixture';

function printed(receipt: Receipt, cpl: 32 | 42 | 48 = 42): { lines: string[]; text: string } {
  return decodeEscPos(renderEscPos(receiptDocument(receipt, { cpl }), { cpl, encoding: 'cp858' }));
}

const build = (order: ReturnType<typeof cardSale>) => buildReceipt(order, STORE, { copy: false, demo: false, format });

describe('receipt: total charged', () => {
  it('prints the sale part, the tip and the cash back each on a line, then the total charged', () => {
    const { lines } = printed(build(cardSale({ tip: 300, cashback: 4000 })));
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(lines[at('Visa')]).toMatch(/\$20\.00$/);
    expect(lines[at('  Tip')]).toMatch(/\$3\.00$/);
    expect(lines[at('  Cash back')]).toMatch(/\$40\.00$/);
    expect(lines[at('Total charged')]).toMatch(/\$63\.00$/);
    expect(at('Visa')).toBeLessThan(at('  Tip'));
    expect(at('  Tip')).toBeLessThan(at('  Cash back'));
    expect(at('  Cash back')).toBeLessThan(at('Total charged'));
    // The card's cash back is printed once, from the tender.
    expect(lines.filter((l) => l.includes('Cash back'))).toHaveLength(1);
  });

  it('prints the total charged for a tip alone, in the card language', () => {
    const receipt = build(
      cardSale({ tip: 250, card: { provider: 'iotpay-pax', method: 'card', brand: 'Visa', language: 'fr' } }),
    );
    const { lines } = printed(receipt);
    expect(lines.find((l) => l.startsWith('  Pourboire'))).toMatch(/\$2\.50$/);
    expect(lines.find((l) => l.startsWith('Total débité'))).toMatch(/\$22\.50$/);
  });

  it('prints no total charged for a plain card sale', () => {
    expect(printed(build(cardSale())).text).not.toContain('Total charged');
  });

  it('fits the total charged within 32 columns', () => {
    const { lines } = printed(build(cardSale({ tip: 300, cashback: 4000 })), 32);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(32);
    expect(lines.find((l) => l.startsWith('Total charged'))).toMatch(/\$63\.00$/);
  });
});

describe('receipt: one time format', () => {
  it("prints the sale's time in the store zone", () => {
    const { lines } = printed(build(cardSale()));
    // 15:04:57Z is 10:04 in Toronto.
    expect(lines.find((l) => l.startsWith('Order #12'))).toMatch(/2026-12-06$/);
    expect(lines.find((l) => l.startsWith('Cashier Casey'))).toMatch(/10:04$/);
  });

  it("prints an IOTPay wallet's paySuccTime as local time, never as a UTC ISO string", () => {
    const wallet = iotpayWalletBlock({
      channelId: 'WX_MICROPAY',
      payOrderId: 'P0001',
      paySuccTime: Date.parse('2026-12-06T15:04:57.123Z'),
    });
    expect(wallet.transactionTime).toBe('2026-12-06T15:04:57.123Z');
    const { lines, text } = printed(build(cardSale({ kind: 'wallet', card: wallet })));
    expect(lines.find((l) => l.startsWith('  Time'))).toMatch(/2026-12-06 10:04$/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(text).not.toContain('Z\n');
  });

  it("prints a terminal's own time as the terminal sent it", () => {
    const { lines } = printed(
      build(cardSale({ card: { provider: 'iotpay-pax', method: 'card', transactionTime: '2026-12-06 10:04:57' } })),
    );
    expect(lines.find((l) => l.startsWith('  Time'))).toMatch(/2026-12-06 10:04:57$/);
  });
});

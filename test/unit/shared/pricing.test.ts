import { describe, expect, it } from 'vitest';
import { priceOrder, type LineInput, type TaxRate } from '../../../src-shared/pricing';

const GST: TaxRate = { code: 'GST', label: 'GST 5%', ratePpm: 50_000, inclusive: false };
const PST: TaxRate = { code: 'PST', label: 'PST 7%', ratePpm: 70_000, inclusive: false };
const QST: TaxRate = { code: 'QST', label: 'QST 9.975%', ratePpm: 99_750, inclusive: false };
const VAT: TaxRate = { code: 'VAT', label: 'VAT 19%', ratePpm: 190_000, inclusive: true };
const line = (
  id: string,
  unitPrice: number,
  qtyMilli: number,
  taxCodes: string[],
  discount: LineInput['discount'] = null,
): LineInput => ({ id, unitPrice, qtyMilli, taxCodes, discount });

describe('priceOrder', () => {
  it('adds exclusive taxes per line, rounded half-up per line and per tax', () => {
    const totals = priceOrder([line('a', 199, 1000, ['GST', 'PST']), line('b', 349, 2000, ['GST'])], null, [GST, PST]);
    // a: GST 9.95 → 10, PST 13.93 → 14; b: 698 × 5 % = 34.9 → 35
    expect(totals.lines.map((l) => l.taxes.map((t) => t.amount))).toEqual([[10, 14], [35]]);
    expect(totals.subtotal).toBe(897);
    expect(totals.addedTax).toBe(59);
    expect(totals.total).toBe(956);
  });

  it('charges 9.975 % exactly (parts per million)', () => {
    expect(priceOrder([line('a', 1000, 1000, ['QST'])], null, [QST]).taxes[0].amount).toBe(100); // 99.75 → 100
    expect(priceOrder([line('a', 400, 1000, ['QST'])], null, [QST]).taxes[0].amount).toBe(40); // 39.9 → 40
  });

  it('extracts inclusive tax from the price and does not add it', () => {
    const totals = priceOrder([line('a', 1190, 1000, ['VAT'])], null, [VAT]);
    expect(totals.taxes[0]).toMatchObject({ amount: 190, base: 1000, inclusive: true });
    expect(totals.includedTax).toBe(190);
    expect(totals.total).toBe(1190);
  });

  it('prices weights in thousandths of a kilogram', () => {
    const totals = priceOrder([line('a', 899, 1250, [])], null, []);
    expect(totals.lines[0].gross).toBe(1124); // 11.2375 → 11.24
  });

  it('applies line discounts before tax and caps them at the line', () => {
    const percent = priceOrder([line('a', 1000, 1000, ['GST'], { kind: 'percent', basisPoints: 1500 })], null, [GST]);
    expect(percent.lines[0]).toMatchObject({ lineDiscount: 150, net: 850 });
    expect(percent.total).toBe(850 + 43); // 42.5 → 43
    const capped = priceOrder([line('a', 300, 1000, [], { kind: 'amount', amount: 500 })], null, []);
    expect(capped.lines[0].lineDiscount).toBe(300);
    expect(capped.total).toBe(0);
  });

  it('spreads an order discount over lines so the parts add up and tax follows', () => {
    const totals = priceOrder(
      [line('a', 1000, 1000, ['GST']), line('b', 2000, 1000, [])],
      { kind: 'amount', amount: 100 },
      [GST],
    );
    expect(totals.lines.map((l) => l.orderDiscount)).toEqual([33, 67]);
    expect(totals.discountTotal).toBe(100);
    expect(totals.lines[0].taxes[0].amount).toBe(48); // 967 × 5 % = 48.35
    expect(totals.total).toBe(2900 + 48);
  });

  it('refuses a tax code the store does not define', () => {
    expect(() => priceOrder([line('a', 100, 1000, ['HST'])], null, [GST])).toThrow(/Unknown tax code HST/);
  });
});

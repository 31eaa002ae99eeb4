import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  priceOrder,
  type Discount,
  type LineInput,
  type OrderTotals,
  type TaxRate,
  type TaxRounding,
} from '../../../src-shared/pricing';

// Issue 11, item 8: inclusive tax = round(price × r ÷ (1 + r)), base = price − tax.
// Every expectation here is computed independently with BigInt, never with the code under test.

const PPM = 1_000_000n;

/** round(n ÷ d), halves away from zero, d > 0. */
function roundDiv(n: bigint, d: bigint): bigint {
  const magnitude = ((n < 0n ? -n : n) * 2n + d) / (2n * d);
  return n < 0n ? -magnitude : magnitude;
}

/** The reference inclusive tax inside `price` for inclusive rates summing to `ppm`. */
const inclusiveTax = (price: number, ppm: number): number =>
  Number(roundDiv(BigInt(price) * BigInt(ppm), PPM + BigInt(ppm)));

const rate = (code: string, ratePpm: number, inclusive = true): TaxRate => ({ code, label: code, ratePpm, inclusive });
const line = (
  id: string,
  unitPrice: number,
  taxCodes: string[],
  qtyMilli = 1000,
  discount: Discount | null = null,
): LineInput => ({ id, unitPrice, qtyMilli, discount, taxCodes });
const one = (price: number, rates: TaxRate[], rounding: TaxRounding = 'line') =>
  priceOrder(
    [
      line(
        'a',
        price,
        rates.map((r) => r.code),
      ),
    ],
    null,
    rates,
    rounding,
  );
const taxOf = (totals: OrderTotals, code: string) => totals.taxes.find((t) => t.code === code)?.amount ?? 0;

const RATES: [string, number][] = [
  ['21 %', 210_000],
  ['20 %', 200_000],
  ['19 %', 190_000],
  ['10 %', 100_000],
  ['7.7 %', 77_000],
  ['5.5 %', 55_000],
  ['2.5 %', 25_000],
  ['9.975 %', 99_750],
  ['8 %', 80_000],
  ['0 %', 0],
];
const PRICES = [1, 2, 5, 6, 99, 100, 121, 999, 1000, 1210, 1299, 12_345, 99_999, 1_000_003];

describe('inclusive tax: round(price × r ÷ (1 + r)), base = price − tax', () => {
  it('takes 2.25 of VAT out of 12.99 at 21 % (the old formula gave 2.26)', () => {
    const totals = one(1299, [rate('VAT', 210_000)]);
    expect(totals.taxes[0]).toMatchObject({ amount: 225, base: 1074, inclusive: true });
    expect(totals.includedTax).toBe(225);
    expect(totals.total).toBe(1299);
  });

  it.each(RATES)('matches the BigInt reference at %s for every price in the table', (_name, ppm) => {
    for (const price of PRICES) {
      for (const rounding of ['line', 'order'] as const) {
        const [tax] = one(price, [rate('VAT', ppm)], rounding).lines[0].taxes;
        expect({ price, rounding, amount: tax.amount }).toEqual({ price, rounding, amount: inclusiveTax(price, ppm) });
        expect(tax.base + tax.amount).toBe(price);
      }
    }
  });

  it.each([
    ['20 % + 2.5 %', 200_000, 25_000],
    ['10 % + 7.7 %', 100_000, 77_000],
    ['19 % + 0 %', 190_000, 0],
    ['9.975 % + 5 %', 99_750, 50_000],
  ])('splits the inclusive tax of two rates on one line (%s) so the parts add up', (_name, a, b) => {
    const rates = [rate('A', a), rate('B', b)];
    for (const price of PRICES) {
      const [taxA, taxB] = one(price, rates).lines[0].taxes;
      const total = inclusiveTax(price, a + b);
      expect({ price, total: taxA.amount + taxB.amount }).toEqual({ price, total });
      expect(taxA.base).toBe(price - total);
      expect(taxB.base).toBe(price - total);
      // Each part is its exact share price × r ÷ (1 + Σr), give or take the cent the split moves.
      for (const [tax, ppm] of [
        [taxA, a],
        [taxB, b],
      ] as const) {
        const exactTimesDen = BigInt(price) * BigInt(ppm);
        const den = PPM + BigInt(a + b);
        const diff = BigInt(tax.amount) * den - exactTimesDen;
        expect((diff < 0n ? -diff : diff) < den).toBe(true);
      }
    }
  });

  it('charges an exclusive rate on a line with inclusive ones on the shared base', () => {
    const rates = [rate('VAT', 210_000), rate('LEVY', 50_000, false)];
    const totals = one(1299, rates);
    expect(totals.lines[0].taxes).toEqual([
      { code: 'VAT', label: 'VAT', inclusive: true, amount: 225, base: 1074 },
      { code: 'LEVY', label: 'LEVY', inclusive: false, amount: 54, base: 1074 }, // 53.7 → 54
    ]);
    expect(totals.total).toBe(1299 + 54);
  });

  it('is symmetric for a negative line (halves away from zero)', () => {
    for (const rounding of ['line', 'order'] as const) {
      const [tax] = one(-1299, [rate('VAT', 210_000)], rounding).lines[0].taxes;
      expect(tax).toMatchObject({ amount: -225, base: -1074 });
    }
  });

  it('keeps base + tax = price for every price from 0.01 to 1000.00 at 21 %, 20 % and 7.7 %', () => {
    for (const ppm of [210_000, 200_000, 77_000]) {
      const vat = [rate('VAT', ppm)];
      const den = PPM + BigInt(ppm);
      let failures = 0;
      for (let price = 1; price <= 100_000; price += 1) {
        const [tax] = one(price, vat).lines[0].taxes;
        // |tax − price·r/(1+r)| ≤ ½  ⇔  |2·tax·(1+r) − 2·price·r| ≤ 1 + r (in ppm).
        const diff = 2n * BigInt(tax.amount) * den - 2n * BigInt(price) * BigInt(ppm);
        if (tax.base + tax.amount !== price || (diff < 0n ? -diff : diff) > den) failures += 1;
      }
      expect({ ppm, failures }).toEqual({ ppm, failures: 0 });
    }
  });
});

describe("tax rounding 'line' vs 'order'", () => {
  const VAT = rate('VAT', 210_000);
  const GST = rate('GST', 50_000, false);

  it('rounds inclusive VAT once over the order: three lines of 0.99 at 21 %', () => {
    const lines = ['a', 'b', 'c'].map((id) => line(id, 99, ['VAT']));
    const perLine = priceOrder(lines, null, [VAT], 'line');
    const perOrder = priceOrder(lines, null, [VAT], 'order');
    expect(perLine.lines.map((l) => l.taxes[0].amount)).toEqual([17, 17, 17]); // 17.18 each
    expect(perLine.includedTax).toBe(51);
    expect(perOrder.includedTax).toBe(inclusiveTax(297, 210_000)); // 51.55 → 52
    expect(perOrder.includedTax).toBe(52);
    expect(perOrder.lines.map((l) => l.taxes[0].amount)).toEqual([18, 17, 17]);
    for (const l of perOrder.lines) expect(l.taxes[0].base + l.taxes[0].amount).toBe(l.net);
    expect(perOrder.taxes).toEqual([{ code: 'VAT', label: 'VAT', inclusive: true, amount: 52, base: 297 - 52 }]);
    expect(perOrder.total).toBe(297);
  });

  it('rounds exclusive tax once over the order: three lines of 0.10 at 5 %', () => {
    const lines = ['a', 'b', 'c'].map((id) => line(id, 10, ['GST']));
    const perLine = priceOrder(lines, null, [GST], 'line');
    const perOrder = priceOrder(lines, null, [GST], 'order');
    expect(perLine.addedTax).toBe(3); // 0.5 → 1 on each line
    expect(perOrder.addedTax).toBe(2); // 1.5 → 2 once
    expect(perOrder.lines.map((l) => l.taxes[0].amount)).toEqual([1, 1, 0]);
    expect(perOrder.total).toBe(32);
  });

  it('spreads an order discount before tax, then rounds once', () => {
    const lines = [line('a', 1000, ['VAT']), line('b', 2000, ['VAT']), line('c', 500, ['GST'])];
    const totals = priceOrder(lines, { kind: 'amount', amount: 100 }, [VAT, GST], 'order');
    expect(totals.lines.map((l) => l.orderDiscount)).toEqual([29, 57, 14]);
    const nets = totals.lines.map((l) => l.net);
    expect(nets).toEqual([971, 1943, 486]);
    expect(taxOf(totals, 'VAT')).toBe(inclusiveTax(971 + 1943, 210_000));
    expect(taxOf(totals, 'GST')).toBe(Number(roundDiv(486n * 50_000n, PPM))); // 24.3 → 24
    expect(totals.total).toBe(3500 - 100 + 24);
  });

  it('rounds once per roundingGroup when lines carry their own codes for one tax (order-view)', () => {
    const rates = ['a', 'b', 'c'].map((id) => ({ ...rate(`${id}:VAT`, 210_000), roundingGroup: 'VAT' }));
    const lines = ['a', 'b', 'c'].map((id) => line(id, 99, [`${id}:VAT`]));
    const totals = priceOrder(lines, null, rates, 'order');
    expect(totals.includedTax).toBe(52);
    expect(totals.lines.map((l) => l.taxes[0].amount)).toEqual([18, 17, 17]);
    // Without the group each per-line code is its own tax, i.e. line rounding.
    expect(
      priceOrder(
        lines,
        null,
        rates.map(({ roundingGroup: _, ...r }) => r),
        'order',
      ).includedTax,
    ).toBe(51);
  });

  it('defaults to line rounding', () => {
    const lines = ['a', 'b', 'c'].map((id) => line(id, 99, ['VAT']));
    expect(priceOrder(lines, null, [VAT]).includedTax).toBe(51);
  });
});

describe('priceOrder property: random orders in both rounding modes', () => {
  const TAXES: TaxRate[] = [
    rate('VAT21', 210_000),
    rate('VAT10', 100_000),
    rate('ECO', 25_000),
    rate('VAT77', 77_000),
    rate('GST', 50_000, false),
    rate('QST', 99_750, false),
    rate('PST', 70_000, false),
  ];
  const byCode = new Map(TAXES.map((t) => [t.code, t]));
  const discount: fc.Arbitrary<Discount | null> = fc.oneof(
    fc.constant(null),
    fc.integer({ min: 0, max: 10_000 }).map((basisPoints) => ({ kind: 'percent' as const, basisPoints })),
    fc.integer({ min: 0, max: 50_000 }).map((amount) => ({ kind: 'amount' as const, amount })),
  );
  const lineArb = fc.record({
    unitPrice: fc.integer({ min: 0, max: 200_000 }),
    qtyMilli: fc.integer({ min: 1, max: 5_000 }),
    discount,
    taxCodes: fc.subarray(TAXES.map((t) => t.code)),
  });
  const orderArb = fc.record({
    lines: fc.array(lineArb, { minLength: 1, maxLength: 20 }),
    orderDiscount: discount,
    rounding: fc.constantFrom<TaxRounding>('line', 'order'),
  });

  /** Exact Σ of num/den, rounded once: the reference for 'order' rounding. */
  function roundSum(parts: readonly { num: bigint; den: bigint }[]): number {
    const den = parts.reduce((acc, p) => acc * p.den, 1n);
    return Number(
      roundDiv(
        parts.reduce((acc, p) => acc + p.num * (den / p.den), 0n),
        den,
      ),
    );
  }

  it('keeps line taxes, order taxes and totals consistent', () => {
    fc.assert(
      fc.property(orderArb, ({ lines, orderDiscount, rounding }) => {
        const inputs = lines.map((l, i) => ({ id: `l${i}`, ...l }));
        const totals = priceOrder(inputs, orderDiscount, TAXES, rounding);

        for (const tax of TAXES) {
          const onLines = totals.lines.flatMap((l) => l.taxes.filter((t) => t.code === tax.code));
          expect(onLines.reduce((s, t) => s + t.amount, 0)).toBe(taxOf(totals, tax.code));
          if (rounding !== 'order' || onLines.length === 0) continue;
          // 'order': the order's tax is the exact sum over lines, rounded once.
          const exact = totals.lines.flatMap((l, i) => {
            if (!l.taxes.some((t) => t.code === tax.code)) return [];
            const inclusivePpm = inputs[i].taxCodes.reduce(
              (s, c) => s + (byCode.get(c)!.inclusive ? byCode.get(c)!.ratePpm : 0),
              0,
            );
            return tax.inclusive
              ? [{ num: BigInt(l.net) * BigInt(tax.ratePpm), den: PPM + BigInt(inclusivePpm) }]
              : [{ num: BigInt(l.taxes[0].base) * BigInt(tax.ratePpm), den: PPM }];
          });
          expect(taxOf(totals, tax.code)).toBe(roundSum(exact));
        }

        for (const [i, l] of totals.lines.entries()) {
          const inclusive = l.taxes.filter((t) => t.inclusive);
          const inclusiveSum = inclusive.reduce((s, t) => s + t.amount, 0);
          for (const t of l.taxes) expect(t.base + inclusiveSum).toBe(l.net);
          if (rounding === 'line') {
            const inclusivePpm = inclusive.reduce((s, t) => s + byCode.get(t.code)!.ratePpm, 0);
            expect(inclusiveSum).toBe(inclusiveTax(l.net, inclusivePpm));
            for (const t of l.taxes.filter((x) => !x.inclusive)) {
              expect(t.amount).toBe(Number(roundDiv(BigInt(t.base) * BigInt(byCode.get(t.code)!.ratePpm), PPM)));
            }
          }
          expect(l.net).toBe(l.gross - l.lineDiscount - l.orderDiscount);
          expect(l.taxes.map((t) => t.code)).toEqual(inputs[i].taxCodes);
        }

        const added = totals.lines
          .flatMap((l) => l.taxes)
          .filter((t) => !t.inclusive)
          .reduce((s, t) => s + t.amount, 0);
        expect(totals.addedTax).toBe(added);
        expect(totals.total).toBe(totals.subtotal - totals.discountTotal + totals.addedTax);
        expect(totals.lines.reduce((s, l) => s + l.net, 0)).toBe(totals.subtotal - totals.discountTotal);
      }),
      { seed: 20_110_008, numRuns: 500 },
    );
  });
});

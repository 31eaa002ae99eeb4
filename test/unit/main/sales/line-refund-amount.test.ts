import { describe, expect, it } from 'vitest';
import { lineRefundAmount } from '../../../../src-main/sales/refund-service';

describe('refundable arithmetic', () => {
  function refundInSteps(total: number, qtyMilli: number, steps: number[]): number[] {
    let left = { amount: total, qtyMilli };
    return steps.map((qty) => {
      const amount = lineRefundAmount({ total, qtyMilli }, left, qty);
      left = { amount: left.amount - amount, qtyMilli: left.qtyMilli - qty };
      return amount;
    });
  }

  it('partial refunds of a line add up to exactly its total', () => {
    // 3 items for 10.00 (with tax): 3.33 + 3.33 + 3.34.
    expect(refundInSteps(1000, 3000, [1000, 1000, 1000])).toEqual([333, 333, 334]);
    expect(refundInSteps(1000, 3000, [2000, 1000])).toEqual([667, 333]);
    for (const [total, qty] of [
      [999, 7000],
      [1, 3000],
      [123_457, 11_000],
      [5_000, 1250],
    ] as const) {
      const steps = qty === 1250 ? [250, 1000] : Array.from({ length: qty / 1000 }, () => 1000);
      expect(refundInSteps(total, qty, steps).reduce((a, b) => a + b, 0)).toBe(total);
    }
  });

  it('never gives back more than what is left', () => {
    expect(lineRefundAmount({ total: 1000, qtyMilli: 3000 }, { amount: 100, qtyMilli: 2000 }, 1000)).toBe(100);
  });
});

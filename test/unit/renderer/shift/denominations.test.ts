import { describe, expect, it } from 'vitest';
import { denominationsFor, parseCount, readCount, TOTAL_KEY } from '../../../../src-renderer/shift/denominations';

describe('drawer counts', () => {
  it('CAD: notes $100 to $5, coins $2 to 5¢ (no cent), largest first', () => {
    const cad = denominationsFor('CAD');
    expect(cad.map((d) => d.value)).toEqual([10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5]);
    expect(cad.map((d) => d.label)).toEqual([
      '$100 notes',
      '$50 notes',
      '$20 notes',
      '$10 notes',
      '$5 notes',
      '$2 coins',
      '$1 coins',
      '25¢ coins',
      '10¢ coins',
      '5¢ coins',
    ]);
  });

  it('reads typed counts: blanks are 0, zero counts are left out, the total adds up', () => {
    expect(readCount('CAD', { 2000: '2', 25: '3', 5: '0', 100: '' })).toEqual({
      counts: [
        { denomination: 2000, count: 2 },
        { denomination: 25, count: 3 },
      ],
      total: 4075,
    });
    expect(readCount('CAD', {})).toEqual({ counts: [], total: 0 });
  });

  it('a count that is not a whole number stops the counts but not the running total', () => {
    expect(readCount('CAD', { 2000: '1.5', 500: '1' })).toEqual({ counts: null, total: 500 });
    expect(parseCount('-1')).toBeNull();
    expect(parseCount('100001')).toBeNull();
    expect(parseCount(' 7 ')).toBe(7);
  });

  it('a currency with no table is counted as one typed total', () => {
    expect(denominationsFor('CHF')).toEqual([]);
    expect(readCount('CHF', { [TOTAL_KEY]: '123.45' })).toEqual({
      counts: [{ denomination: 12345, count: 1 }],
      total: 12345,
    });
    expect(readCount('JPY', { [TOTAL_KEY]: '5000' })).toEqual({
      counts: [{ denomination: 5000, count: 1 }],
      total: 5000,
    });
    expect(readCount('CHF', { [TOTAL_KEY]: 'abc' }).counts).toBeNull();
  });
});

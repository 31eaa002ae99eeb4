import { describe, expect, it } from 'vitest';
import {
  allocate,
  currencyExponent,
  formatMoney,
  mulDivRound,
  parseDecimalString,
  roundToStep,
  toDecimalString,
} from '../../../src-shared/money';

describe('decimal strings at provider edges', () => {
  it.each([
    [1250, 'CAD', '12.50'],
    [5, 'EUR', '0.05'],
    [0, 'USD', '0.00'],
    [-7, 'EUR', '-0.07'],
    [1999, 'JPY', '1999'],
    [12345, 'KWD', '12.345'],
  ])('%i %s → %s and back', (minor, currency, text) => {
    expect(toDecimalString(minor, currency)).toBe(text);
    expect(parseDecimalString(text, currency)).toBe(minor);
  });

  it('accepts fewer decimals than the exponent (YabandPay sends "12.5")', () => {
    expect(parseDecimalString('12.5', 'EUR')).toBe(1250);
    expect(parseDecimalString('12', 'CHF')).toBe(1200);
  });

  it.each(['12.345', '1e3', ' 12.00', '12,00', '', '.5', 'abc'])('refuses %j for EUR', (text) => {
    expect(() => parseDecimalString(text, 'EUR')).toThrow(RangeError);
  });

  it('refuses floats and unknown currencies', () => {
    expect(() => toDecimalString(12.5, 'CAD')).toThrow(RangeError);
    expect(() => currencyExponent('XYZ')).toThrow(/Unsupported currency/);
  });
});

describe('rounding', () => {
  it('rounds halves away from zero, exactly', () => {
    expect(mulDivRound(5, 1, 2)).toBe(3);
    expect(mulDivRound(-5, 1, 2)).toBe(-3);
    expect(mulDivRound(4, 1, 3)).toBe(1);
    expect(mulDivRound(Number.MAX_SAFE_INTEGER, 3, 3)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('rounds cash to the nickel like the Canadian rule (1–2 down, 3–4 up)', () => {
    expect([1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008].map((a) => roundToStep(a, 5))).toEqual([
      1000, 1000, 1005, 1005, 1005, 1005, 1005, 1010,
    ]);
    expect(roundToStep(1003, 1)).toBe(1003);
  });

  it('allocates without losing a cent, largest remainder first', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(10, [333, 667])).toEqual([3, 7]);
    expect(allocate(0, [5, 5])).toEqual([0, 0]);
    expect(allocate(7, [0, 0])).toEqual([0, 0]);
    const parts = allocate(9_999, [17, 23, 29, 31]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(9_999);
  });
});

describe('display', () => {
  it('formats with the locale', () => {
    expect(formatMoney(123456, 'CAD', 'en-CA')).toBe('$1,234.56');
    expect(formatMoney(500, 'JPY', 'en-US')).toBe('¥500');
  });
});

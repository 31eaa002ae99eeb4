import { describe, expect, it } from 'vitest';
import {
  fromIotpayCents,
  IOTPAY_CURRENCIES,
  isIotpayCurrency,
  replyCentsToMinor,
  toIotpayCents,
} from '../../../../src-main/payments/iotpay/iotpay-amounts';
import { iotpayOrderAmounts } from '../../../../src-main/payments/iotpay/iotpay-read-back';
import type { ProviderAttempt } from '../../../../src-main/payments/provider';

describe('IOTPay amounts: store minor units ↔ IOTPay cents, by the currency exponent', () => {
  it('takes CAD and USD only', () => {
    expect(IOTPAY_CURRENCIES).toEqual(['CAD', 'USD']);
    expect(isIotpayCurrency('CAD')).toBe(true);
    expect(isIotpayCurrency('USD')).toBe(true);
    for (const other of ['EUR', 'KWD', 'JPY', 'XYZ', 'cad']) expect(isIotpayCurrency(other)).toBe(false);
  });

  it('CAD and USD (exponent 2): cents are minor units, both ways', () => {
    expect(toIotpayCents(2865, 'CAD')).toBe(2865);
    expect(toIotpayCents(1, 'USD')).toBe(1);
    expect(toIotpayCents(0, 'CAD')).toBe(0);
    expect(fromIotpayCents(2865, 'CAD')).toBe(2865);
    expect(fromIotpayCents(999, 'USD')).toBe(999);
  });

  it('a 3-exponent currency (KWD 1.500) is refused, never sent as 1500', () => {
    expect(() => toIotpayCents(1500, 'KWD')).toThrow(/IOTPay does not take KWD/);
    expect(() => fromIotpayCents(1500, 'KWD')).toThrow(RangeError);
  });

  it('a 0-exponent currency (JPY) and an unknown code are refused too', () => {
    expect(() => toIotpayCents(500, 'JPY')).toThrow(/IOTPay does not take JPY/);
    expect(() => toIotpayCents(500, 'XYZ')).toThrow(RangeError);
  });

  it('refuses amounts that are not integers', () => {
    expect(() => toIotpayCents(12.5, 'CAD')).toThrow(RangeError);
    expect(() => fromIotpayCents(Number.NaN, 'CAD')).toThrow(RangeError);
  });

  it('a reply amount that cannot be converted reads as undefined, not as a guess', () => {
    expect(replyCentsToMinor(1234, 'CAD')).toBe(1234);
    expect(replyCentsToMinor(undefined, 'CAD')).toBeUndefined();
    expect(replyCentsToMinor(1500, 'KWD')).toBeUndefined();
  });
});

describe('iotpayOrderAmounts (the read-back the engine checks)', () => {
  const attempt = { amount: 1234, tip: 100, currency: 'CAD' } as ProviderAttempt;

  it('base amount without the tip, in the currency the gateway names', () => {
    expect(iotpayOrderAmounts({ status: 2, amount: 1234, tip: 100, currency: 'CAD' }, attempt)).toEqual({
      currency: 'CAD',
      amount: 1234,
      tip: 100,
      readBack: { amount: 1234, currency: 'CAD' },
    });
    expect(iotpayOrderAmounts({ status: 2, amount: 1234, currency: 'USD' }, attempt).readBack).toEqual({
      amount: 1234,
      currency: 'USD',
    });
  });

  it("no currency in the reply: the attempt's; no amount: no read-back", () => {
    expect(iotpayOrderAmounts({ status: 2, amount: 500 }, attempt).readBack).toEqual({ amount: 500, currency: 'CAD' });
    expect(iotpayOrderAmounts({ status: 1 }, attempt).readBack).toBeUndefined();
  });

  it('a currency the adapter cannot convert is read back as sent, so the engine flags it', () => {
    expect(iotpayOrderAmounts({ status: 2, amount: 1500, currency: 'KWD' }, attempt)).toMatchObject({
      amount: undefined,
      readBack: { amount: 1500, currency: 'KWD' },
    });
  });
});

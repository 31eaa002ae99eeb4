import { describe, expect, it } from 'vitest';
import { maskCardNumber, maskPansDeep, maskPansIn, passesLuhn } from '../../../src-shared/pan-mask';

describe('the one card-number masker', () => {
  it.each([
    ['4111111111111111', '**** 1111'],
    ['4111 1111 1111 1111', '**** 1111'],
    ['432567******2266', '**** 2266'],
    ['XXXXXXXXXXXX5454', '**** 5454'],
    [5454545454545454, '**** 5454'],
  ])('shows only the last four of %s', (raw, shown) => {
    expect(maskCardNumber(raw)).toBe(shown);
  });

  it('has nothing to show without four digits', () => {
    expect(maskCardNumber('***')).toBeUndefined();
    expect(maskCardNumber(null)).toBeUndefined();
  });

  it('checks Luhn', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
  });
});

describe('card numbers inside free text', () => {
  it.each([
    ['APPROVED 4111111111111111 THANK YOU', 'APPROVED **** 1111 THANK YOU'],
    ['card 5454-5454-5454-5454 declined', 'card **** 5454 declined'],
    ['card4111111111111111', 'card**** 1111'],
    ['pan=378282246310005;', 'pan=**** 0005;'],
    // A card number followed by a short group of digits (a response code, an expiry) is still found.
    ['Declined 4111111111111111 05 DO NOT HONOR', 'Declined **** 1111 05 DO NOT HONOR'],
    ['card 4111 1111 1111 1111 12/25 declined', 'card **** 1111 12/25 declined'],
    ['PAN 4111111111111111-01', 'PAN **** 1111-01'],
    ['05 4111111111111111 and 5454 5454 5454 5454 99', '05 **** 1111 and **** 5454 99'],
    ['AUTH 123 4111111111111111', 'AUTH 123 **** 1111'],
    ['Trace 0042 4111 1111 1111 1111', 'Trace 0042 **** 1111'],
    ['Trace 0042 4111 1111 1111 1111 0099 5454 5454 5454 5454', 'Trace 0042 **** 1111 0099 **** 5454'],
  ])('%s → %s', (text, masked) => {
    expect(maskPansIn(text)).toBe(masked);
  });

  it('leaves numbers that are not card numbers: too short, too long, failing Luhn', () => {
    for (const text of [
      'order 123456789012',
      'ref 41111111111111111111',
      'id 4111111111111112',
      'Sale 42 total 12.99',
    ]) {
      expect(maskPansIn(text)).toBe(text);
    }
  });

  it("leaves the attempt's own ids readable even when their digits pass Luhn, inside a longer id too", () => {
    const keep = new Set(['CP4111111111111111', '5454545454545454']);
    expect(maskPansIn('trans CP4111111111111111 order 5454545454545454 card 4012888888881881', keep)).toBe(
      'trans CP4111111111111111 order 5454545454545454 card **** 1881',
    );
  });

  it('masks every string and card-like integer of a nested value, and returns a copy', () => {
    const detail = {
      msg: 'PAN 4111111111111111',
      nested: [{ text: 'x 5454545454545454' }],
      number: 4111111111111111,
      amount: 1234,
    };
    const masked = maskPansDeep(detail);
    expect(masked).toEqual({
      msg: 'PAN **** 1111',
      nested: [{ text: 'x **** 5454' }],
      number: '**** 1111',
      amount: 1234,
    });
    expect(detail.msg).toBe('PAN 4111111111111111');
  });
});

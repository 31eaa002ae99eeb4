import { describe, expect, it } from 'vitest';
import {
  checkYabandpayResponse,
  verifyYabandpayResponse,
  yabandpaySign,
  yabandpaySignData,
  yabandpaySigningString,
} from '../../../../src-main/payments/yabandpay/yabandpay-sign';
import {
  cancelPaymentDeadline,
  gatewayDate,
  sameGatewayDay,
} from '../../../../src-main/payments/yabandpay/yabandpay-clock';
import {
  newYabandpayRequestId,
  orderIdProblem,
  requestIdProblem,
} from '../../../../src-main/payments/yabandpay/yabandpay-ids';
import { readPaymentState, readRefundState } from '../../../../src-main/payments/yabandpay/yabandpay-states';
import { readBackOf } from '../../../../src-main/payments/yabandpay/yabandpay-order-status';

// The vendor never publishes the secret behind its example signatures, so every expected
// HMAC below was computed independently in the shell with a test key, e.g.
//   printf '%s' '<signing string>' | openssl dgst -sha256 -hmac 'yb-test-secret-0123456789'
const KEY = 'yb-test-secret-0123456789';

/** The POS request of seed 004 as we send it (sub_pay_method=point_of_sales, not the example's POSPayment). */
const SEED_POS_DATA = {
  operation: '1',
  tid: 'T125119061',
  amount: '12.5',
  currency: 'EUR',
  tip_amount: '0.5',
  description: 'YabandPay test',
  notify_url: 'https://www.yabandpay.com/notify',
  order_id: '202586556498441613',
  pay_method: 'offline',
  sub_pay_method: 'point_of_sales',
  request_id: 'a7z1lox4l6z6mdx1udgn5gtezasze1x0',
};
const SEED_POS_STRING =
  'amount=12.5&currency=EUR&description=YabandPay test&method=v3.POS&notify_url=https://www.yabandpay.com/notify&operation=1' +
  '&order_id=202586556498441613&pay_method=offline&request_id=a7z1lox4l6z6mdx1udgn5gtezasze1x0&sub_pay_method=point_of_sales' +
  '&tid=T125119061&time=1555498137&tip_amount=0.5&user=T125119061';

describe('yabandpaySign', () => {
  it('signs the seed POS request exactly as sent, sorted', () => {
    expect(yabandpaySigningString({ ...SEED_POS_DATA, user: 'T125119061', method: 'v3.POS', time: '1555498137' })).toBe(
      SEED_POS_STRING,
    );
    // openssl over SEED_POS_STRING with KEY
    expect(yabandpaySign('T125119061', 'v3.POS', 1555498137, SEED_POS_DATA, KEY)).toBe(
      '5ff9ce4d65be6c171231c088969c7f3ca1f7e98a21d453b7c6efa7a61b01ef89',
    );
  });

  it('does not reproduce the vendor example that signs a different sub_pay_method than it sends', () => {
    const asDocumented = { ...SEED_POS_DATA, sub_pay_method: 'POSPayment' };
    expect(yabandpaySign('T125119061', 'v3.POS', 1555498137, asDocumented, KEY)).not.toBe(
      yabandpaySign('T125119061', 'v3.POS', 1555498137, SEED_POS_DATA, KEY),
    );
  });

  it('signs the v3.QueryOrder example string (docs: en/payments/others/query)', () => {
    // openssl over 'method=v3.QueryOrder&time=1728566835&trade_id=2eb629a8-96ad-d495-38f2-41f5bebf31cd&user=016683'
    expect(
      yabandpaySign('016683', 'v3.QueryOrder', '1728566835', { trade_id: '2eb629a8-96ad-d495-38f2-41f5bebf31cd' }, KEY),
    ).toBe('23adaaaa7268a6097b77fdaea808805b775897e5c081c04276380dbb29cd480f');
  });

  it('sorts keys by ASCII code, uppercase before lowercase', () => {
    expect(yabandpaySigningString({ alpha: '2', Zeta: '1', user: 'u', method: 'v3.X', time: '1' })).toBe(
      'Zeta=1&alpha=2&method=v3.X&time=1&user=u',
    );
    // openssl over 'Zeta=1&alpha=2&method=v3.X&time=1&user=u'
    expect(yabandpaySign('u', 'v3.X', 1, { alpha: '2', Zeta: '1' }, KEY)).toBe(
      'a46452776e5cc8b232c4ebcfdb9de5fed7155af2d1f256d19d6ff68cef521adb',
    );
  });

  it('signs UTF-8 text byte for byte', () => {
    // openssl over 'description=Café crème&method=v3.X&time=1&user=u' (UTF-8 shell)
    expect(yabandpaySign('u', 'v3.X', 1, { description: 'Café crème' }, KEY)).toBe(
      '519d5d26c4f33bd60a554a48d0433415599eb2a37eac168b5c04c0dd2acda893',
    );
  });

  it('refuses data that would shadow a top-level field', () => {
    expect(() => yabandpaySign('u', 'v3.X', 1, { user: 'someone-else' }, KEY)).toThrow(RangeError);
  });
});

describe('verifyYabandpayResponse', () => {
  const data = {
    order_id: '202586556498441613',
    trade_id: '4552eeea-1ae8-1e40-3b4b-802dc2f56458',
    amount: '12',
    currency: 'EUR',
    tip_amount: '0.5',
    state: 'processing',
  };
  // openssl over 'amount=12&currency=EUR&order_id=202586556498441613&state=processing&tip_amount=0.5&trade_id=4552eeea-1ae8-1e40-3b4b-802dc2f56458'
  const sign = 'd5561bae87b750ba6b0d263e6e109e883fd5bd856a43bffe0f189b9be6489b51';

  it('accepts the HMAC over the data fields only', () => {
    expect(yabandpaySignData(data, KEY)).toBe(sign);
    expect(verifyYabandpayResponse({ status: true, code: '200', data, message: '', sign }, KEY)).toBe(true);
  });

  it('refuses a changed field, a wrong key, a missing or short sign', () => {
    expect(verifyYabandpayResponse({ data: { ...data, state: 'paid' }, sign }, KEY)).toBe(false);
    expect(verifyYabandpayResponse({ data, sign }, 'another-key')).toBe(false);
    expect(verifyYabandpayResponse({ data }, KEY)).toBe(false);
    expect(verifyYabandpayResponse({ data, sign: sign.slice(0, 10) }, KEY)).toBe(false);
    expect(verifyYabandpayResponse(null, KEY)).toBe(false);
  });

  it('stringifies non-string values the way the vendor PHP SDK does', () => {
    // openssl over 'a=1&b=&c=1&d=' (number 1, '', true → "1", null → "")
    expect(
      verifyYabandpayResponse(
        {
          data: { c: true, a: 1, d: null, b: '' },
          sign: 'c1da231395315161337a75c77b4e2ac58fb642eba2a08c3bed93283e1eda9913',
        },
        KEY,
      ),
    ).toBe(true);
    // openssl over 'transaction_info=Array': PHP turns a nested array into "Array"
    expect(
      verifyYabandpayResponse(
        {
          data: { transaction_info: { state: '00' } },
          sign: '9356794193c08a03c9b3d5e5bc77df7ff5a33faa3c83eec5070e22f5d52de211',
        },
        KEY,
      ),
    ).toBe(true);
  });

  it('accepts a nested value signed either as the PHP SDK\'s "Array" or as compact JSON, and says which matched', () => {
    const nested = { code: '00', transaction_info: { trade_id: 't-1', state: '00', amount: '12.50' } };
    // openssl over 'code=00&transaction_info={"trade_id":"t-1","state":"00","amount":"12.50"}'
    const asJson = '84a3924936cf49a39bac760eda6a7eaac7e26e5e8749963181b77c6364473064';
    // openssl over 'code=00&transaction_info=Array'
    const asArray = '8758d887ec53f1bb60957715e7bfb5677f4b48d3fddd26c2a204e0400568c6c5';
    expect(yabandpaySignData(nested, KEY, 'compact-json')).toBe(asJson);
    expect(yabandpaySignData(nested, KEY)).toBe(asArray);
    expect(checkYabandpayResponse({ data: nested, sign: asJson }, KEY)).toEqual({ ok: true, form: 'compact-json' });
    expect(checkYabandpayResponse({ data: nested, sign: asArray }, KEY)).toEqual({ ok: true, form: 'php-array' });
    // JSON form covers the nested content: a changed nested field no longer verifies in that form.
    expect(
      checkYabandpayResponse(
        { data: { ...nested, transaction_info: { ...nested.transaction_info, state: '05' } }, sign: asJson },
        KEY,
      ),
    ).toEqual({ ok: false, tried: ['php-array', 'compact-json'] });
    expect(checkYabandpayResponse({ data: nested, sign: asJson }, 'another-key')).toEqual({
      ok: false,
      tried: ['php-array', 'compact-json'],
    });
  });

  it('a flat reply has one canonical form: a wrong key is reported as such', () => {
    expect(checkYabandpayResponse({ data, sign }, 'another-key')).toEqual({ ok: false, tried: ['flat'] });
    expect(checkYabandpayResponse({ data, sign }, KEY)).toEqual({ ok: true, form: 'flat' });
  });

  it('treats PHP empty data [] as no fields', () => {
    // openssl over the empty string
    expect(
      verifyYabandpayResponse(
        { data: [], sign: '158c475b04749fde5716153c6e7a3afbb2e8a13e3b5bc8f916c3f921e2fb4574' },
        KEY,
      ),
    ).toBe(true);
  });
});

describe('YabandPay ids, states and calendar', () => {
  it('accepts only digit order ids under 20 characters and long alphanumeric request ids', () => {
    expect(orderIdProblem('202586556498441613')).toBeNull();
    expect(orderIdProblem('12345678901234567890')).not.toBeNull();
    expect(orderIdProblem('A-1')).not.toBeNull();
    expect(requestIdProblem('a7z1lox4l6z6mdx1udgn5gtezasze1x0')).toBeNull();
    expect(requestIdProblem('short1')).not.toBeNull();
    expect(requestIdProblem('a7z1lox4l6z6mdx1udgn5gt-zasze1x0')).not.toBeNull();
    expect(requestIdProblem(newYabandpayRequestId())).toBeNull();
  });

  it('reads payment and refund states as codes or words', () => {
    expect(readPaymentState('00')).toMatchObject({ class: 'approved', authorisedOnly: false, code: '00' });
    expect(readPaymentState('authorized')).toMatchObject({ class: 'approved', authorisedOnly: true, code: '01' });
    expect(readPaymentState('04').class).toBe('open');
    expect(readPaymentState('06').class).toBe('declined');
    expect(readPaymentState('expired').class).toBe('cancelled');
    expect(readPaymentState('zz').class).toBe('unrecognised');
    expect(readRefundState('23').class).toBe('approved');
    expect(readRefundState('refund error').class).toBe('declined');
    expect(readRefundState('21').class).toBe('open');
  });

  it('reads back the order amount without the tip, in minor units', () => {
    expect(readBackOf({ amount: '12.50', tip_amount: '0.50', currency: 'EUR' }, { amount: 1200 })).toEqual({
      amount: 1200,
      currency: 'EUR',
    });
    // Seed 004's reply example: a request of 12.5 with tip 0.5 restated as amount "12" (the base itself).
    expect(readBackOf({ amount: '12', tip_amount: '0.5', currency: 'EUR' }, { amount: 1200 })).toEqual({
      amount: 1200,
      currency: 'EUR',
    });
    expect(readBackOf({ amount: '15.00', tip_amount: '0.50', currency: 'EUR' }, { amount: 1200 })).toEqual({
      amount: 1450,
      currency: 'EUR',
    });
    expect(readBackOf({ amount: '12.00', currency: 'CHF' }, { amount: 1200 })).toEqual({
      amount: 1200,
      currency: 'CHF',
    });
    expect(readBackOf({ amount: '12.00' }, { amount: 1200 })).toBeUndefined();
    expect(readBackOf({ amount: 'twelve', currency: 'EUR' }, { amount: 1200 })).toBeUndefined();
  });

  it('an unexpected state quoting a card number is shown masked', () => {
    expect(readPaymentState('refused for 4111 1111 1111 1111').sentence).toBe(
      'YabandPay reports an unexpected payment state "refused for **** 1111".',
    );
  });

  it('uses Amsterdam days and the 00:30 next-day deadline, across summer time', () => {
    const winterSale = Date.parse('2025-01-15T22:30:00Z'); // 23:30 CET on the 15th
    expect(gatewayDate(winterSale)).toBe('2025-01-15');
    expect(new Date(cancelPaymentDeadline(winterSale)).toISOString()).toBe('2025-01-15T23:30:00.000Z'); // 00:30 CET on the 16th
    const summerSale = Date.parse('2025-07-01T08:00:00Z');
    expect(new Date(cancelPaymentDeadline(summerSale)).toISOString()).toBe('2025-07-01T22:30:00.000Z'); // 00:30 CEST on 2 July
    expect(sameGatewayDay(Date.parse('2025-01-15T23:30:00Z'), winterSale)).toBe(false); // 00:30 on the 16th in Amsterdam
    expect(sameGatewayDay(Date.parse('2025-01-15T10:00:00Z'), winterSale)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { cardBlockSchema } from '../../../../src-shared/domain';
import {
  decodeCvmResults,
  iotpayCardBlock,
  iotpayWalletBlock,
  parseIotpayExtra,
} from '../../../../src-main/payments/iotpay/iotpay-card-block';

/** seed0's approved `extra`, verbatim. */
const SEED0_APPROVED =
  '{"cardType":"M","cardNum":"XXXXXXXXXXXX1166","expireDate":"1022","emvLabel":"MASTERCARD","emvAID":"A0000000041010","emvTVR":"0000008000","emvTSI":"0000","emvTC":"ARQC: 3D36ACBD44BE512B","termNum":"25957","bankTermNum":"40880013","termInvoiceNum":"724172","seqNum":"000001000061","authNum":"01046Z","batchNum":"0008","trxMethod":"T","accountType":"","receiptDisp":"000 Approved 00 Thank You","cashbackAmount":"","timeStamp":"20210120-19402057","surchargeAmount":"","langCode":"E","trxDate":"01202021","trxTime":"164033","cvmResults":"1F0302","trxCode":"00"}';
/** seed0's declined `extra`, verbatim. */
const SEED0_DECLINED =
  '{"cardType":" ","cardNum":"","expireDate":"    ","emvLabel":"","emvAID":"","emvTVR":"","emvTSI":"","emvTC":"","termNum":"25957","bankTermNum":"40880013","termInvoiceNum":"167339","seqNum":"000000000000","authNum":"","batchNum":"0000","trxMethod":"","accountType":"","receiptDisp":"Transaction Not Completed 05","cashbackAmount":"","timeStamp":"20210922-15231494","surchargeAmount":"","langCode":"E","trxDate":"","trxTime":"","cvmResults":"","trxCode":"00"}';

describe('iotpayCardBlock', () => {
  it('maps the seed0 approval to receipt fields, without the expiry date', () => {
    const block = iotpayCardBlock({
      payOrderId: 'CP20210922192314685200722249',
      extra: SEED0_APPROVED,
      tip: 0,
      currency: 'CAD',
    });
    expect(block).toEqual({
      provider: 'iotpay-pax',
      method: 'card',
      brand: 'Mastercard',
      maskedPan: '**** 1166',
      entryMode: 'Contactless',
      emvLabel: 'MASTERCARD',
      aid: 'A0000000041010',
      tvr: '0000008000',
      tsi: '0000',
      tc: 'ARQC: 3D36ACBD44BE512B',
      authCode: '01046Z',
      batch: '0008',
      sequence: '000001000061',
      invoice: '724172',
      terminalId: '25957',
      reference: 'CP20210922192314685200722249',
      transactionTime: '2021-01-20 16:40:33',
      cvm: 'none',
      responseText: '000 Approved 00 Thank You',
      language: 'en',
    });
    expect(cardBlockSchema.safeParse(block).success).toBe(true);
    expect(JSON.stringify(block)).not.toContain('1022');
  });

  it('keeps the decline text and drops blank fields', () => {
    const block = iotpayCardBlock({ payOrderId: 'CP1', extra: SEED0_DECLINED });
    expect(block.responseText).toBe('Transaction Not Completed 05');
    expect(block.brand).toBeUndefined();
    expect(block.maskedPan).toBeUndefined();
    expect(block.cvm).toBeUndefined();
    expect(block.invoice).toBe('167339');
  });

  it('never exposes a full PAN, even when the gateway sends one', () => {
    const extra = JSON.stringify({ cardType: 'V', cardNum: '4111 1111 1111 1111', expireDate: '1229', langCode: 'E' });
    const block = iotpayCardBlock({ extra });
    expect(block.maskedPan).toBe('**** 1111');
    expect(block.brand).toBe('Visa');
    expect(JSON.stringify(block)).not.toMatch(/4111/);
    expect(JSON.stringify(block)).not.toContain('1229');
  });

  it('reads a French card: language fr, French entry mode, signature CVM, tip and cashback', () => {
    const extra = JSON.stringify({
      cardType: 'P',
      cardNum: '************9876',
      trxMethod: 'C',
      langCode: 'F',
      cvmResults: '1E0300',
      cashbackAmount: '2000',
    });
    const block = iotpayCardBlock({ extra, tip: 150, currency: 'CAD' });
    expect(block).toMatchObject({
      brand: 'Interac',
      maskedPan: '**** 9876',
      entryMode: 'Puce',
      language: 'fr',
      cvm: 'signature',
      tip: 150,
      cashback: 2000,
    });
  });

  it('tolerates bad JSON in extra', () => {
    expect(parseIotpayExtra('{not json')).toEqual({});
    expect(parseIotpayExtra(42)).toEqual({});
    expect(iotpayCardBlock({ payOrderId: 'CP9', extra: '{oops' })).toEqual({
      provider: 'iotpay-pax',
      method: 'card',
      reference: 'CP9',
    });
  });

  it('removes the expiry date already when parsing extra', () => {
    expect(parseIotpayExtra(SEED0_APPROVED)).not.toHaveProperty('expireDate');
    expect(parseIotpayExtra(SEED0_APPROVED).authNum).toBe('01046Z');
  });
});

describe('card numbers in the block (one masker, src-shared/pan-mask)', () => {
  it('shows any card number the terminal sends as **** and its last four digits', () => {
    for (const cardNum of ['5454545454545454', '432567******2266', 'XXXXXXXXXXXX1166']) {
      expect(iotpayCardBlock({ extra: JSON.stringify({ cardNum }) }).maskedPan).toBe(`**** ${cardNum.slice(-4)}`);
    }
    expect(iotpayCardBlock({ extra: JSON.stringify({ cardNum: 'XXXX' }) }).maskedPan).toBeUndefined();
  });

  it("masks a full card number inside the terminal's free text, and keeps the attempt's own digit ids", () => {
    const extra = JSON.stringify({
      receiptDisp: 'DECLINED 4111111111111111 CALL BANK',
      emvLabel: 'VISA 4111 1111 1111 1111',
      emvAID: 'A0000000031010',
    });
    const block = iotpayCardBlock({ payOrderId: 'CP1', extra });
    expect(block.responseText).toBe('DECLINED **** 1111 CALL BANK');
    expect(block.emvLabel).toBe('VISA **** 1111');
    expect(block.aid).toBe('A0000000031010');
    expect(JSON.stringify(block)).not.toMatch(/4111\s?1111/);
    // 4000000000000002 passes Luhn: as the attempt's own reference it is not a card number.
    const own = iotpayCardBlock(
      { extra: JSON.stringify({ receiptDisp: 'ORDER 4000000000000002 OK' }) },
      'iotpay-pax',
      new Set(['4000000000000002']),
    );
    expect(own.responseText).toBe('ORDER 4000000000000002 OK');
  });

  it("reads tip and digit-only cash back as cents of the order's currency", () => {
    const block = iotpayCardBlock({ extra: JSON.stringify({ cashbackAmount: '2000' }), tip: 150, currency: 'USD' });
    expect(block).toMatchObject({ tip: 150, cashback: 2000 });
    // A currency IOTPay does not take cannot be converted: no amount rather than a wrong one.
    expect(
      iotpayCardBlock({ extra: JSON.stringify({ cashbackAmount: '2000' }), tip: 150, currency: 'KWD' }),
    ).not.toHaveProperty('tip');
  });
});

describe('decodeCvmResults (EMV 9F34 first byte)', () => {
  it.each([
    ['1E0300', 'signature'],
    ['5E0300', 'signature'],
    ['030000', 'signature'],
    ['010002', 'pin'],
    ['410002', 'pin'],
    ['420300', 'pin'],
    ['020000', 'pin'],
    ['440002', 'pin'],
    ['040002', 'pin'],
    ['1F0302', 'none'],
    ['3F0000', 'none'],
    ['420301', 'unknown'],
    ['000000', 'unknown'],
  ] as const)('%s → %s', (hex, cvm) => {
    expect(decodeCvmResults(hex)).toBe(cvm);
  });

  it('gives nothing for an empty or non-hex value', () => {
    expect(decodeCvmResults('')).toBeUndefined();
    expect(decodeCvmResults('zz')).toBeUndefined();
  });
});

describe('iotpayWalletBlock', () => {
  it('names the wallet and carries the wallet order number and IOTPay id', () => {
    const block = iotpayWalletBlock({
      payOrderId: 'AM20210727205735526962718926',
      channelId: 'ALIPAY_MICROPAY',
      channelOrderNo: '2021072722001',
      paySuccTime: 1505049094262,
    });
    expect(block).toEqual({
      provider: 'iotpay-wallet',
      method: 'wallet',
      brand: 'Alipay',
      reference: 'AM20210727205735526962718926',
      channelOrderNo: '2021072722001',
      transactionTime: '2017-09-10T13:11:34.262Z',
    });
    expect(iotpayWalletBlock({ channelId: 'WX_MICROPAY' }).brand).toBe('WeChat Pay');
    expect(iotpayWalletBlock({ channelId: 'UPI_MICROPAY' }).brand).toBe('UnionPay');
  });
});

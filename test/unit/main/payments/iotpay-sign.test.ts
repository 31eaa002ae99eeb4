import { describe, expect, it } from 'vitest';
import { iotpaySign, iotpaySignString, verifyIotpaySignature } from '../../../../src-main/payments/iotpay/iotpay-sign';

// Expected digests were computed outside this code, in a shell:
//   printf '%s' '<the k=v&...&key=... string>' | md5sum   (then upper-cased)
// with the string written out by hand from PAYMENTS.md §1.1.

describe('iotpaySign (PAYMENTS.md §1.1)', () => {
  it('signs the seed0 CC_PAX create_order field set (tip "0" kept, keys in ASCII order)', () => {
    const seed0 = {
      amount: '1',
      body: 'IOTPay',
      channelId: 'CC_PAX',
      clientIp: '192.168.50.186',
      currency: 'CAD',
      device: 'V1-B25',
      extra: '{"pos_flag":"yes","productId":"10000576_null"}',
      jobNo: 'testpax',
      mchId: '10000576',
      mchOrderNo: '1632349674730',
      notifyUrl: 'http://localhost',
      source: 'pos_2.1.54',
      subject: 'IOTPay',
      tip: '0',
      sign: 'AE51912B1FB627A1820BAF34DC89EF10',
    };
    expect(iotpaySignString(seed0, 'test-key-123')).toBe(
      'amount=1&body=IOTPay&channelId=CC_PAX&clientIp=192.168.50.186&currency=CAD&device=V1-B25' +
        '&extra={"pos_flag":"yes","productId":"10000576_null"}&jobNo=testpax&mchId=10000576&mchOrderNo=1632349674730' +
        '&notifyUrl=http://localhost&source=pos_2.1.54&subject=IOTPay&tip=0&key=test-key-123',
    );
    // printf '%s' 'amount=1&body=IOTPay&…&tip=0&key=test-key-123' | md5sum
    expect(iotpaySign(seed0, 'test-key-123')).toBe('1168C7CFD4A922B7548C8B618E9516AA');
  });

  it('drops empty values, as in the refund sample with device:"" (shuffled key order in)', () => {
    const refund = {
      refundAmount: '1',
      payOrderId: 'U00180918065500913991007022',
      device: '',
      mchRefundNo: '1537224899791',
      mchId: '10000576',
      loginName: 'vincent',
      clientIp: '24.80.45.254',
      channelId: 'WX_MICROPAY',
    };
    // printf '%s' 'channelId=WX_MICROPAY&clientIp=24.80.45.254&loginName=vincent&mchId=10000576&mchRefundNo=1537224899791&payOrderId=U00180918065500913991007022&refundAmount=1&key=test-key-123' | md5sum
    expect(iotpaySign(refund, 'test-key-123')).toBe('FB577B418B64818183E104753CC6E48C');
  });

  it('keeps "0" and numeric 0, drops null/undefined/"" and the sign field', () => {
    // printf '%s' 'a=1&b=0&key=k' | md5sum
    expect(iotpaySign({ b: '0', a: 1, c: '', d: null, e: undefined, sign: 'X' }, 'k')).toBe(
      'B3ECBCD1D91BA2F8A66C717DDD07384D',
    );
    expect(iotpaySign({ a: '1', b: 0 }, 'k')).toBe('B3ECBCD1D91BA2F8A66C717DDD07384D');
    expect(iotpaySign({ a: '1' }, 'k')).not.toBe('B3ECBCD1D91BA2F8A66C717DDD07384D');
  });

  it('sorts case-sensitively (ASCII: upper case first)', () => {
    expect(iotpaySignString({ beta: '3', alpha: '2', Zeta: '1' }, 'k')).toBe('Zeta=1&alpha=2&beta=3&key=k');
    // printf '%s' 'Zeta=1&alpha=2&beta=3&key=k' | md5sum
    expect(iotpaySign({ beta: '3', alpha: '2', Zeta: '1' }, 'k')).toBe('BC12CD365B54E9857A5763BFFC5628C9');
  });

  it('hashes UTF-8 text raw, not URL-encoded', () => {
    // printf '%s' 'subject=Café crème&key=k' | md5sum   (shell in UTF-8)
    expect(iotpaySign({ subject: 'Café crème' }, 'k')).toBe('3935182A88191F0A938FBDF121BA9598');
  });

  it('stringifies a nested object (payOrder) with JSON.stringify, inner empties kept', () => {
    const reply = {
      retCode: 'SUCCESS',
      amount: 100,
      retParams: '',
      payOrder: { status: 2, extra: '{"cardNum":""}', amount: 100 },
    };
    // printf '%s' 'amount=100&payOrder={"status":2,"extra":"{\"cardNum\":\"\"}","amount":100}&retCode=SUCCESS&key=k' | md5sum
    expect(iotpaySign(reply, 'k')).toBe('69639983A0451D994340400C5768FCFC');
  });
});

describe('verifyIotpaySignature', () => {
  const reply = {
    retCode: 'SUCCESS',
    resCode: 'SUCCESS',
    retDetail: '',
    unknownField: 'x',
    payOrder: { status: 2, payOrderId: 'CP1' },
  };
  const signedReply = { ...reply, sign: iotpaySign(reply, 'k') };

  it('accepts a reply signed over all its fields, unknown ones included', () => {
    expect(verifyIotpaySignature(signedReply, 'k')).toBe(true);
    expect(verifyIotpaySignature({ ...signedReply, sign: signedReply.sign.toLowerCase() }, 'k')).toBe(true);
  });

  it('rejects a wrong key, a changed field, an added field, a missing or malformed sign', () => {
    expect(verifyIotpaySignature(signedReply, 'other')).toBe(false);
    expect(verifyIotpaySignature({ ...signedReply, payOrder: { status: 3, payOrderId: 'CP1' } }, 'k')).toBe(false);
    expect(verifyIotpaySignature({ ...signedReply, extraAdded: '1' }, 'k')).toBe(false);
    expect(verifyIotpaySignature(reply, 'k')).toBe(false);
    expect(verifyIotpaySignature({ ...reply, sign: 'not-hex' }, 'k')).toBe(false);
  });
});

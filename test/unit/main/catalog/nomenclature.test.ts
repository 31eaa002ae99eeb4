import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  classifyCode,
  compileNomenclature,
  DEFAULT_NOMENCLATURE,
  maskCode,
  walletOf,
  type CodeClass,
} from '../../../../src-main/catalog/nomenclature';

const cad = compileNomenclature(DEFAULT_NOMENCLATURE, 'CAD');
const classify = (code: string): CodeClass => classifyCode(code, cad);

describe('wallet payment codes', () => {
  it.each([
    ['134567890123456789', 'wechat'],
    ['104567890123456789', 'wechat'],
    ['2856789012345678', 'alipay'],
    ['300000000000000000000001', 'alipay'],
    ['6212345678901234567', 'unionpay'],
  ])('routes %s to %s', (code, wallet) => {
    expect(walletOf(code)).toBe(wallet);
    expect(classify(code).kind).toBe('wallet');
  });

  it.each([
    '164567890123456789', // WeChat length, prefix 16
    '13456789012345678', // 17 digits
    '2456789012345678', // Alipay length, prefix 24
    '3156789012345678', // prefix 31
    '621234567890123456', // 18 digits starting 62
    '4006381333931',
  ])('leaves %s to product lookup', (code) => {
    expect(walletOf(code)).toBeNull();
    expect(classify(code).kind).toBe('product');
  });

  it('never exposes the full code by display, JSON, string or inspect', () => {
    const seen = classify('134567890123456789');
    if (seen.kind !== 'wallet') throw new Error('expected a wallet code');
    expect(seen.display).toBe('**************6789');
    expect(JSON.stringify(seen)).not.toContain('134567890123456789');
    expect(`${seen.wallet}`).toBe('**************6789');
    expect(inspect(seen, { depth: 5, showHidden: true })).not.toContain('134567890123456789');
    expect(seen.wallet.reveal()).toBe('134567890123456789');
  });
});

describe('cashier badges', () => {
  it('reads the badge prefix on the 13-digit form and masks the display', () => {
    expect(classify('0410000000120')).toEqual({ kind: 'badge', display: '041**********', badge: '0410000000120' });
    expect(classify('410000000120')).toMatchObject({ kind: 'badge', badge: '0410000000120' });
  });

  it('does not take a UPC-A of manufacturer 041… for a badge', () => {
    expect(classify('041234567890').kind).toBe('product');
  });

  it('can be switched off', () => {
    const none = compileNomenclature({ ...DEFAULT_NOMENCLATURE, badgePrefix: null }, 'CAD');
    expect(classifyCode('0410000000120', none).kind).toBe('product');
  });
});

describe('embedded price and weight labels', () => {
  it('reads a weight in grams and the item as a PLU', () => {
    expect(classify('2100123015009')).toEqual({
      kind: 'weight-embedded',
      display: '2100123015009',
      barcode: '2100123015009',
      plu: '123',
      neutralBarcode: '2100123000005',
      value: 1500,
    });
  });

  it('reads a price in minor units', () => {
    expect(classify('2300042012343')).toMatchObject({ kind: 'price-embedded', plu: '42', value: 1234 });
  });

  it('reads a UPC number-system-2 label, skipping its price check digit', () => {
    expect(classify('200042103992')).toMatchObject({
      kind: 'price-embedded',
      barcode: '0200042103992',
      plu: '42',
      value: 399,
    });
  });

  it('refuses a label with a wrong check digit instead of looking it up', () => {
    expect(classify('2100123015008')).toMatchObject({ kind: 'invalid' });
  });

  it('scales values by the rule decimals and the currency exponent', () => {
    const jpy = compileNomenclature(DEFAULT_NOMENCLATURE, 'JPY');
    expect(classifyCode('2300042012343', jpy)).toMatchObject({ value: 1234 });
    const tenths = compileNomenclature(
      { badgePrefix: null, embedded: [{ kind: 'price', pattern: '23IIIIIVVVVVC', decimals: 1 }] },
      'CAD',
    );
    expect(classifyCode('2300042012343', tenths)).toMatchObject({ value: 12340 });
    const kgTenths = compileNomenclature(
      { badgePrefix: null, embedded: [{ kind: 'weight', pattern: '21IIIIIVVVVVC', decimals: 1 }] },
      'CAD',
    );
    expect(classifyCode('2100123015009', kgTenths)).toMatchObject({ value: 150000 });
  });

  it('refuses rules finer than the currency or malformed patterns', () => {
    expect(() =>
      compileNomenclature(
        { badgePrefix: null, embedded: [{ kind: 'price', pattern: '23IIIIIVVVVVC', decimals: 2 }] },
        'JPY',
      ),
    ).toThrow(/finer/);
    expect(() =>
      compileNomenclature({ badgePrefix: null, embedded: [{ kind: 'price', pattern: '23IIIVVIIVVVC' }] }, 'CAD'),
    ).toThrow();
    expect(() =>
      compileNomenclature({ badgePrefix: null, embedded: [{ kind: 'price', pattern: '23IIIIIVVVVV' }] }, 'CAD'),
    ).toThrow();
  });
});

describe('product codes', () => {
  it('gives the canonical barcode and every stored form to try', () => {
    expect(classify('036000291452')).toEqual({
      kind: 'product',
      display: '036000291452',
      barcode: '0036000291452',
      keys: ['0036000291452', '036000291452'],
      badCheckDigit: false,
    });
  });

  it('flags a GTIN-shaped code with a wrong check digit', () => {
    expect(classify('4006381333932')).toMatchObject({ kind: 'product', badCheckDigit: true });
    expect(classify('ABC-1')).toMatchObject({ kind: 'product', badCheckDigit: false });
  });

  it('trims what a scanner or a keyboard left around the code', () => {
    expect(classify(' 4006381333931 ')).toMatchObject({ barcode: '4006381333931' });
  });
});

describe('maskCode', () => {
  it('stars everything but head and tail, and short codes entirely', () => {
    expect(maskCode('123456789', 2, 3)).toBe('12****789');
    expect(maskCode('1234', 2, 3)).toBe('****');
  });
});

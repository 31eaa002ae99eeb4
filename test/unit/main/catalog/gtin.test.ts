import { describe, expect, it } from 'vitest';
import {
  asGtin13,
  barcodeLookupKeys,
  canonicalBarcode,
  compressUpcA,
  expandUpcE,
  gtinCheckDigit,
  isMistypedGtin,
  isValidGtin,
} from '../../../../src-main/catalog/gtin';

describe('GTIN check digits', () => {
  it.each([
    ['4006381333931', 'EAN-13'],
    ['9780306406157', 'EAN-13 (ISBN)'],
    ['036000291452', 'UPC-A'],
    ['73513537', 'EAN-8'],
    ['10012345678902', 'GTIN-14'],
  ])('accepts %s (%s)', (code) => {
    expect(isValidGtin(code)).toBe(true);
    expect(gtinCheckDigit(code.slice(0, -1))).toBe(Number(code.at(-1)));
  });

  it.each(['4006381333932', '036000291453', '73513538', '400638133393', '40063813339a1', ''])('refuses %s', (code) => {
    expect(isValidGtin(code)).toBe(false);
  });
});

describe('UPC-E', () => {
  it.each([
    ['04252614', '042100005264'],
    ['01234565', '012345000065'],
    ['01234000', '012000003400'],
  ])('expands %s to %s and compresses back', (upcE, upcA) => {
    expect(expandUpcE(upcE)).toBe(upcA);
    expect(compressUpcA(upcA)).toContain(upcE);
  });

  it('refuses number systems other than 0 and 1, and wrong check digits', () => {
    expect(expandUpcE('24252614')).toBeNull();
    expect(expandUpcE('04252615')).toBeNull();
    expect(compressUpcA('036000291452')).toEqual([]);
  });
});

describe('canonical form and lookup keys', () => {
  it('stores UPC-A and indicator-0 GTIN-14 as GTIN-13', () => {
    expect(canonicalBarcode('036000291452')).toBe('0036000291452');
    expect(canonicalBarcode('00036000291452')).toBe('0036000291452');
    expect(canonicalBarcode('4006381333931')).toBe('4006381333931');
    expect(canonicalBarcode('10012345678902')).toBe('10012345678902');
  });

  it('keeps valid EAN-8 (even when also a UPC-E) and expands UPC-E-only codes', () => {
    expect(canonicalBarcode('73513537')).toBe('73513537');
    expect(canonicalBarcode('01234565')).toBe('01234565');
    expect(canonicalBarcode('04252614')).toBe('0042100005264');
  });

  it('leaves other codes alone', () => {
    expect(canonicalBarcode('SKU-12')).toBe('SKU-12');
    expect(canonicalBarcode('036000291453')).toBe('036000291453');
  });

  it('finds an ambiguous 8-digit code from its UPC-A, and the UPC-A from the 8 digits', () => {
    expect(barcodeLookupKeys('012345000065')).toContain('01234565');
    expect(barcodeLookupKeys('01234565')).toEqual(['01234565', '0012345000065']);
    expect(barcodeLookupKeys('0036000291452')[0]).toBe('0036000291452');
  });

  it('pads GTIN-shaped codes to 13 digits whatever their check digit', () => {
    expect(asGtin13('412345678900')).toBe('0412345678900');
    expect(asGtin13('ABC')).toBe('ABC');
  });

  it('calls a GTIN-shaped code mistyped only when no reading is valid', () => {
    expect(isMistypedGtin('4006381333932')).toBe(true);
    expect(isMistypedGtin('04252614')).toBe(false);
    expect(isMistypedGtin('1234567890')).toBe(false);
  });
});

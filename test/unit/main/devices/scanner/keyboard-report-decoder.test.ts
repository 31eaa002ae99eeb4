import { describe, expect, it } from 'vitest';
import { keyboardReportsFor } from '../../../../../src-main/demo/scanner-feed';
import {
  createKeyboardReportDecoder,
  decodeKeyboardReport,
  usageToChar,
} from '../../../../../src-main/devices/scanner/keyboard-report-decoder';

function hex(text: string): Uint8Array {
  return Uint8Array.from(
    text
      .trim()
      .split(/\s+/)
      .map((b) => Number.parseInt(b, 16)),
  );
}

function feed(decoder: ReturnType<typeof createKeyboardReportDecoder>, reports: readonly Uint8Array[]): string[] {
  return reports.flatMap((r) => decoder.push(r));
}

describe('decodeKeyboardReport', () => {
  it('reads the modifier byte at 0 for 8-byte reports', () => {
    // node-hid#323: "00 00 23 ..." is the key '6'.
    expect(decodeKeyboardReport(hex('00 00 23 00 00 00 00 00'))).toEqual({ modifiers: 0, keys: [0x23] });
    expect(decodeKeyboardReport(hex('02 00 04 00 00 00 00 00'))).toEqual({ modifiers: 2, keys: [0x04] });
  });

  it('finds the modifier byte at 1 when a report-ID byte leads (9 bytes, node-hid#228)', () => {
    expect(decodeKeyboardReport(hex('02 00 00 27 00 00 00 00 00'))).toEqual({ modifiers: 0, keys: [0x27] });
    expect(decodeKeyboardReport(hex('01 20 00 1e 00 00 00 00 00'))).toEqual({ modifiers: 0x20, keys: [0x1e] });
  });

  it('refuses other lengths', () => {
    expect(decodeKeyboardReport(new Uint8Array(7))).toBeNull();
    expect(decodeKeyboardReport(new Uint8Array(64))).toBeNull();
  });
});

describe('usageToChar (US positional table)', () => {
  it.each([
    [0x04, false, 'a'],
    [0x1d, true, 'Z'],
    [0x1e, false, '1'],
    [0x27, false, '0'],
    [0x1e, true, '!'],
    [0x1f, true, '@'],
    [0x27, true, ')'],
    [0x2c, false, ' '],
    [0x2d, false, '-'],
    [0x2d, true, '_'],
    [0x2e, true, '+'],
    [0x2f, true, '{'],
    [0x31, false, '\\'],
    [0x31, true, '|'],
    [0x33, true, ':'],
    [0x34, true, '"'],
    [0x35, false, '`'],
    [0x35, true, '~'],
    [0x36, true, '<'],
    [0x37, true, '>'],
    [0x38, true, '?'],
    [0x38, false, '/'],
    [0x54, false, '/'],
    [0x55, false, '*'],
    [0x56, false, '-'],
    [0x57, false, '+'],
    [0x59, false, '1'],
    [0x61, false, '9'],
    [0x62, false, '0'],
    [0x63, false, '.'],
  ])('usage 0x%s shifted=%s → %s', (usage, shifted, ch) => {
    expect(usageToChar(usage, shifted)).toBe(ch);
  });

  it('types nothing for Enter, Tab and function keys', () => {
    expect(usageToChar(0x28, false)).toBeNull();
    expect(usageToChar(0x2b, false)).toBeNull();
    expect(usageToChar(0x3a, false)).toBeNull();
  });
});

describe('createKeyboardReportDecoder', () => {
  it('decodes an EAN-13 sent as press/release pairs and ended by Enter', () => {
    const decoder = createKeyboardReportDecoder();
    expect(feed(decoder, keyboardReportsFor('4006381333931'))).toEqual(['4006381333931']);
    expect(decoder.pending()).toBe('');
  });

  it('decodes shifted symbols with left or right shift', () => {
    const decoder = createKeyboardReportDecoder();
    const reports = [
      hex('02 00 04 00 00 00 00 00'),
      hex('00 00 00 00 00 00 00 00'), // A (left shift)
      hex('20 00 1f 00 00 00 00 00'),
      hex('00 00 00 00 00 00 00 00'), // @ (right shift)
      hex('00 00 04 00 00 00 00 00'),
      hex('00 00 00 00 00 00 00 00'), // a
      hex('02 00 2d 00 00 00 00 00'),
      hex('00 00 00 00 00 00 00 00'), // _
      hex('00 00 28 00 00 00 00 00'),
      hex('00 00 00 00 00 00 00 00'), // Enter
    ];
    expect(feed(decoder, reports)).toEqual(['A@a_']);
  });

  it('round-trips every printable ASCII character from the feed encoder', () => {
    let ascii = '';
    for (let c = 0x20; c < 0x7f; c++) ascii += String.fromCharCode(c);
    const decoder = createKeyboardReportDecoder();
    expect(feed(decoder, keyboardReportsFor(ascii))).toEqual([ascii]);
  });

  it('works the same with 9-byte reports carrying a report ID', () => {
    const decoder = createKeyboardReportDecoder();
    expect(feed(decoder, keyboardReportsFor('Abc-123', { reportId: 1 }))).toEqual(['Abc-123']);
  });

  it('emits only newly-down keys when a scanner holds a key across reports', () => {
    const decoder = createKeyboardReportDecoder();
    expect(feed(decoder, keyboardReportsFor('112233', { holdKeys: true }))).toEqual(['112233']);
    // Two keys in one report, then one of them still held with a new one.
    const rolled = [
      hex('00 00 1e 1f 00 00 00 00'),
      hex('00 00 1f 20 00 00 00 00'),
      hex('00 00 00 00 00 00 00 00'),
      hex('00 00 28 00 00 00 00 00'),
    ];
    expect(feed(decoder, rolled)).toEqual(['123']);
  });

  it('ignores ErrorRollOver reports and keeps the previous key state', () => {
    const decoder = createKeyboardReportDecoder();
    const reports = [
      hex('00 00 1e 00 00 00 00 00'),
      hex('00 00 01 01 01 01 01 01'), // phantom state
      hex('00 00 1e 00 00 00 00 00'), // still the same key: not a new press
      hex('00 00 00 00 00 00 00 00'),
      hex('00 00 28 00 00 00 00 00'),
    ];
    expect(feed(decoder, reports)).toEqual(['1']);
  });

  it('ends codes on Tab and keypad Enter, and ignores empty codes', () => {
    const decoder = createKeyboardReportDecoder();
    expect(feed(decoder, keyboardReportsFor('A1', { terminator: 'tab' }))).toEqual(['A1']);
    expect(
      feed(decoder, [hex('00 00 59 00 00 00 00 00'), hex('00 00 58 00 00 00 00 00'), hex('00 00 00 00 00 00 00 00')]),
    ).toEqual(['1']);
    expect(feed(decoder, keyboardReportsFor('', { terminator: 'enter' }))).toEqual([]);
  });

  it('does not end codes on Tab when only Enter is configured', () => {
    const decoder = createKeyboardReportDecoder({ terminators: ['enter'] });
    expect(feed(decoder, keyboardReportsFor('12', { terminator: 'tab' }))).toEqual([]);
    expect(decoder.pending()).toBe('12');
  });

  it('strips a configured prefix and ends codes at a configured suffix', () => {
    const decoder = createKeyboardReportDecoder({ prefix: '~~', suffix: '##' });
    expect(feed(decoder, keyboardReportsFor('~~12345##', { terminator: null }))).toEqual(['12345']);
    expect(feed(decoder, keyboardReportsFor('~~ABC', { terminator: 'enter' }))).toEqual(['ABC']);
  });

  it('types GS1 separators sent as Ctrl+] or as Alt+029 (ALT mode)', () => {
    const gs1 = '0109501101530003\u001d10ABC';
    const decoder = createKeyboardReportDecoder();
    expect(feed(decoder, keyboardReportsFor(gs1, { controlCharacters: 'ctrl' }))).toEqual([gs1]);
    expect(feed(decoder, keyboardReportsFor(gs1, { controlCharacters: 'alt' }))).toEqual([gs1]);
  });

  it('reset() drops a half-typed code', () => {
    const decoder = createKeyboardReportDecoder();
    feed(decoder, keyboardReportsFor('999', { terminator: null }));
    decoder.reset();
    expect(feed(decoder, keyboardReportsFor('12'))).toEqual(['12']);
  });
});

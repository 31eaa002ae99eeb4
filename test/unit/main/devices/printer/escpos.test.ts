import { describe, expect, it } from 'vitest';
import {
  DRAWER_KICK,
  DRAWER_KICK_PIN5,
  describePrinterProblem,
  fitToCodePage,
  isRealTimeStatusByte,
  mergePrinterStatus,
  parsePrinterStatus,
  renderEscPos,
  STATUS_REQUESTS,
} from '../../../../../src-main/devices/printer/escpos';
import { decodeEscPos } from '../../../../../src-main/devices/printer/escpos-text-decoder';
import { statusReply } from '../../../../../src-main/demo/printer-sink';

describe('drawer kick', () => {
  it('is the full 5-byte ESC p m t1 t2', () => {
    expect([...DRAWER_KICK]).toEqual([0x1b, 0x70, 0x00, 0x19, 0xfa]);
    expect([...DRAWER_KICK_PIN5]).toEqual([0x1b, 0x70, 0x01, 0x19, 0xfa]);
  });

  it('is read back as a complete kick on pin 2 with 50 ms on / 500 ms off', () => {
    const { drawerKicks } = decodeEscPos(DRAWER_KICK);
    expect(drawerKicks).toHaveLength(1);
    expect(drawerKicks[0]).toMatchObject({ pin: 2, onMs: 50, offMs: 500, complete: true, command: 'ESC p' });
  });

  it('flags the 3-byte kick of other libraries, whose t1/t2 swallow the next command', () => {
    const threeByteKick = Buffer.from([0x1b, 0x70, 0x00, 0x1b, 0x40, 0x41, 0x0a]);
    const decoded = decodeEscPos(threeByteKick);
    expect(decoded.drawerKicks[0].complete).toBe(false);
    // The printer ate ESC @ as timing bytes: only "A" is left to print.
    expect(decoded.lines).toEqual(['A']);
    const truncated = decodeEscPos(Buffer.from([0x1b, 0x70, 0x00]));
    expect(truncated.drawerKicks).toHaveLength(1);
    expect(truncated.drawerKicks[0].complete).toBe(false);
  });
});

describe('status requests and replies', () => {
  it('are DLE EOT 1..4', () => {
    expect([...STATUS_REQUESTS.printer]).toEqual([0x10, 0x04, 0x01]);
    expect([...STATUS_REQUESTS.offline]).toEqual([0x10, 0x04, 0x02]);
    expect([...STATUS_REQUESTS.error]).toEqual([0x10, 0x04, 0x03]);
    expect([...STATUS_REQUESTS.paper]).toEqual([0x10, 0x04, 0x04]);
  });

  it('reads the printer status byte (n=1): drawer pin level and offline', () => {
    expect(parsePrinterStatus(1, 0x16)).toMatchObject({ drawerOpen: false, offline: false, paperOut: null });
    expect(parsePrinterStatus(1, 0x12)).toMatchObject({ drawerOpen: true, offline: false });
    expect(parsePrinterStatus(1, 0x1e)).toMatchObject({ drawerOpen: false, offline: true });
    expect(parsePrinterStatus(1, 0x16, { drawerOpenWhen: 'high' })?.drawerOpen).toBe(true);
  });

  it('reads offline causes (n=2), errors (n=3) and the paper sensor (n=4)', () => {
    expect(parsePrinterStatus(2, 0x16)).toMatchObject({ coverOpen: true, paperOut: false, error: false });
    expect(parsePrinterStatus(2, 0x32)).toMatchObject({ coverOpen: false, paperOut: true });
    expect(parsePrinterStatus(2, 0x52)).toMatchObject({ error: true });
    expect(parsePrinterStatus(3, 0x1a)).toMatchObject({ error: true });
    expect(parsePrinterStatus(3, 0x12)).toMatchObject({ error: false });
    expect(parsePrinterStatus(4, 0x1e)).toMatchObject({ paperNearEnd: true, paperOut: false });
    expect(parsePrinterStatus(4, 0x72)).toMatchObject({ paperOut: true });
    expect(parsePrinterStatus(4, 0x12)).toMatchObject({ paperNearEnd: false, paperOut: false });
  });

  it('refuses bytes whose fixed bits are wrong', () => {
    expect(isRealTimeStatusByte(0x12)).toBe(true);
    expect(parsePrinterStatus(1, 0x00)).toBeNull();
    expect(parsePrinterStatus(2, 0xff)).toBeNull();
    expect(parsePrinterStatus(4, 0x13)).toBeNull();
  });

  it('merges replies and names the problem for the cashier', () => {
    const merged = mergePrinterStatus(
      parsePrinterStatus(1, 0x16)!,
      parsePrinterStatus(2, 0x12)!,
      parsePrinterStatus(4, 0x72)!,
    );
    expect(merged).toEqual({
      paperOut: true,
      paperNearEnd: false,
      coverOpen: false,
      drawerOpen: false,
      error: false,
      offline: false,
    });
    expect(describePrinterProblem(merged)).toBe('The printer is out of paper.');
    expect(describePrinterProblem(mergePrinterStatus(parsePrinterStatus(2, 0x16)!))).toBe('The printer cover is open.');
    expect(describePrinterProblem(merged.paperOut ? { ...merged, paperOut: false } : merged)).toBeNull();
  });

  it('agrees with the virtual printer about what each status means', () => {
    const s = { paperOut: true, paperNearEnd: true, coverOpen: false, drawerOpen: true, offline: false, error: false };
    const flags = mergePrinterStatus(...([1, 2, 3, 4] as const).map((n) => parsePrinterStatus(n, statusReply(n, s))!));
    expect(flags).toEqual({
      paperOut: true,
      paperNearEnd: true,
      coverOpen: false,
      drawerOpen: true,
      error: false,
      offline: true,
    });
  });
});

describe('renderEscPos', () => {
  const doc = 'Corner Store\n---\n|Milk 2 × 3.49 | $6.98|\n|Café | €2.00|\n';

  it('starts with ESC @, cuts and asks for paper status at the end', () => {
    const bytes = renderEscPos(doc, { cpl: 42, encoding: 'cp437' });
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1b, 0x40]));
    expect(bytes.includes(Buffer.from([0x1d, 0x56, 0x42, 0x00]))).toBe(true);
    expect(bytes.subarray(-3)).toEqual(Buffer.from([0x1d, 0x72, 0x31]));
  });

  it('prints characters the code page lacks as ASCII stand-ins, and keeps the ones it has', () => {
    const cp437 = renderEscPos(doc, { cpl: 42, encoding: 'cp437' });
    expect(cp437.includes(Buffer.from('Milk 2 x 3.49'))).toBe(true);
    expect(cp437.includes(Buffer.from([0x43, 0x61, 0x66, 0x82]))).toBe(true); // "Caf" + é (0x82 in cp437)
    expect(cp437.includes(Buffer.from('EUR2.00'))).toBe(true);
    const cp858 = renderEscPos(doc, { cpl: 42, encoding: 'cp858' });
    expect(cp858.includes(Buffer.from([0x32, 0x20, 0x9e, 0x20, 0x33]))).toBe(true); // "2 × 3" with × = 0x9E
    expect(cp858.includes(Buffer.from([0xd5, 0x32, 0x2e]))).toBe(true); // € = 0xD5
    expect(fitToCodePage('a × b', 'cp1252')).toBe('a × b');
  });

  it('reads back as the lines that were laid out, at the requested width', () => {
    for (const cpl of [32, 42, 48] as const) {
      const { lines, cuts } = decodeEscPos(renderEscPos(doc, { cpl, encoding: 'cp858' }));
      expect(lines).toContain('Corner Store'.padStart(Math.floor((cpl - 12) / 2) + 12));
      const milk = lines.find((l) => l.startsWith('Milk'));
      expect(milk).toBe(`Milk 2 × 3.49${' '.repeat(cpl - 13 - 5)}$6.98`);
      expect(lines).toContain(`Café${' '.repeat(cpl - 4 - 5)}€2.00`);
      expect(lines).toContain('-'.repeat(cpl));
      expect(cuts).toBe(1);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { honeywellPacketsFor, newlandPacketsFor, zebraPacketFor } from '../../../../../src-main/demo/scanner-feed';
import {
  bytesToCode,
  createHidPosAssembler,
  parseHoneywellReport,
  parseNewlandReport,
  parseZebraReport,
} from '../../../../../src-main/devices/scanner/hid-pos-parsers';

/**
 * Frames captured from a Honeywell Voyager 1602g answering REVINF. over USB HID POS
 * (HenkVanAsselt/python_hon_usbhid README): report ID 2, length, AIM "]X0", data,
 * code ID 63 at byte 61, continuation bit in byte 63; the last frame (AIM "]Z6") is
 * the command echo with its ACK status byte, a message of its own.
 */
const HONEYWELL_CAPTURE = [
  [
    2, 56, 93, 88, 48, 80, 114, 111, 100, 117, 99, 116, 32, 78, 97, 109, 101, 58, 32, 86, 111, 121, 97, 103, 101, 114,
    32, 49, 54, 48, 50, 103, 13, 10, 66, 111, 111, 116, 32, 82, 101, 118, 105, 115, 105, 111, 110, 58, 32, 58, 32, 56,
    57, 57, 50, 13, 10, 83, 111, 102, 116, 63, 0, 1,
  ],
  [
    2, 56, 93, 88, 48, 119, 97, 114, 101, 32, 80, 97, 114, 116, 32, 78, 117, 109, 98, 101, 114, 58, 32, 67, 87, 48, 48,
    48, 48, 56, 50, 66, 66, 65, 13, 10, 83, 111, 102, 116, 119, 97, 114, 101, 32, 82, 101, 118, 105, 115, 105, 111, 110,
    58, 32, 36, 80, 114, 111, 106, 101, 63, 0, 1,
  ],
  [
    2, 56, 93, 88, 48, 99, 116, 82, 101, 118, 105, 115, 105, 111, 110, 58, 32, 49, 54, 51, 52, 53, 32, 13, 10, 83, 101,
    114, 105, 97, 108, 32, 78, 117, 109, 98, 101, 114, 58, 32, 49, 53, 50, 51, 50, 66, 49, 70, 48, 67, 13, 10, 83, 117,
    112, 112, 111, 114, 116, 101, 100, 63, 0, 1,
  ],
  [
    2, 56, 93, 88, 48, 32, 73, 70, 58, 32, 66, 108, 117, 101, 116, 111, 111, 116, 104, 13, 10, 80, 67, 66, 32, 65, 115,
    115, 101, 109, 98, 108, 121, 32, 73, 68, 58, 32, 48, 48, 48, 48, 48, 48, 13, 10, 69, 110, 103, 105, 110, 101, 32,
    70, 105, 114, 109, 119, 97, 114, 101, 63, 0, 1,
  ],
  [
    2, 56, 93, 88, 48, 32, 84, 121, 112, 101, 58, 32, 78, 47, 65, 32, 32, 32, 82, 101, 118, 105, 115, 105, 111, 110, 58,
    32, 78, 47, 65, 32, 32, 32, 83, 101, 114, 105, 97, 108, 32, 78, 117, 109, 98, 101, 114, 58, 32, 78, 47, 65, 32, 32,
    32, 67, 104, 101, 99, 107, 115, 63, 0, 1,
  ],
  [
    2, 9, 93, 88, 48, 117, 109, 58, 32, 78, 47, 65, 13, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 63, 0, 0,
  ],
  [
    2, 8, 93, 90, 54, 82, 69, 86, 73, 78, 70, 6, 46, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0,
  ],
].map((r) => Uint8Array.from(r));

describe('parseHoneywellReport', () => {
  it('reads length, AIM ID, data, code ID and the continuation bit from a captured frame', () => {
    const packet = parseHoneywellReport(HONEYWELL_CAPTURE[0]);
    expect(packet.aim).toBe(']X0');
    expect(packet.vendorSymbology).toBe('?');
    expect(packet.more).toBe(true);
    expect(packet.data).toHaveLength(56);
    expect(Buffer.from(packet.data).toString('latin1').startsWith('Product Name: Voyager 1602g\r\n')).toBe(true);
    const last = parseHoneywellReport(HONEYWELL_CAPTURE[5]);
    expect(last.more).toBe(false);
    expect(Buffer.from(last.data).toString('latin1')).toBe('um: N/A\r\n');
  });

  it('reads the same frame when the OS stripped the report-ID byte (63 bytes)', () => {
    const stripped = HONEYWELL_CAPTURE[5].slice(1);
    const packet = parseHoneywellReport(stripped);
    expect(Buffer.from(packet.data).toString('latin1')).toBe('um: N/A\r\n');
    expect(packet.aim).toBe(']X0');
    expect(packet.more).toBe(false);
  });

  it('refuses a report with another report ID or an impossible length', () => {
    const wrongId = Uint8Array.from(HONEYWELL_CAPTURE[5]);
    wrongId[0] = 0x04;
    expect(() => parseHoneywellReport(wrongId)).toThrow(/report ID 4/);
    const tooLong = Uint8Array.from(HONEYWELL_CAPTURE[5]);
    tooLong[1] = 57;
    expect(() => parseHoneywellReport(tooLong)).toThrow(/exceeds 56/);
    expect(() => parseHoneywellReport(new Uint8Array(20), true)).toThrow();
  });
});

describe('Honeywell assembler', () => {
  it('joins the captured multi-packet message into one code, then reads the next message', () => {
    const assembler = createHidPosAssembler('honeywell');
    for (const frame of HONEYWELL_CAPTURE.slice(0, 5)) expect(assembler.push(frame)).toBeNull();
    const scan = assembler.push(HONEYWELL_CAPTURE[5]);
    expect(scan?.packets).toBe(6);
    expect(scan?.aim).toBe(']X0');
    expect(scan?.code).toBe(
      'Product Name: Voyager 1602g\r\nBoot Revision: : 8992\r\nSoftware Part Number: CW000082BBA\r\n' +
        'Software Revision: $ProjectRevision: 16345 \r\nSerial Number: 15232B1F0C\r\nSupported IF: Bluetooth\r\n' +
        'PCB Assembly ID: 000000\r\nEngine Firmware Type: N/A   Revision: N/A   Serial Number: N/A   Checksum: N/A\r\n',
    );
    const status = assembler.push(HONEYWELL_CAPTURE[6]);
    expect(status).toMatchObject({ code: 'REVINF\u0006.', aim: ']Z6', vendorSymbology: '6', packets: 1 });
  });

  it('reports the AIM ID of a short EAN-13 separately from the code', () => {
    const assembler = createHidPosAssembler('honeywell');
    const [packet] = honeywellPacketsFor('4006381333931', { aim: ']E0' });
    expect(assembler.push(packet)).toMatchObject({
      code: '4006381333931',
      aim: ']E0',
      vendorSymbology: 'd',
      packets: 1,
    });
  });

  it('assembles a 150-byte GS1 DataMatrix over three packets, with and without report ID', () => {
    const code = `01095011015300031721123110AB${'\u001d'}21${'X'.repeat(120)}`;
    for (const reportId of [true, false]) {
      const assembler = createHidPosAssembler('honeywell', { reportId });
      const packets = honeywellPacketsFor(code, { aim: ']d2', reportId });
      expect(packets).toHaveLength(3);
      expect(packets[0]).toHaveLength(reportId ? 64 : 63);
      const results = packets.map((p) => assembler.push(p));
      expect(results.slice(0, 2)).toEqual([null, null]);
      expect(results[2]).toMatchObject({ code, aim: ']d2', packets: 3 });
    }
  });

  it('drops a partial code when a malformed report interrupts it, and says why', () => {
    const reasons: string[] = [];
    const assembler = createHidPosAssembler('honeywell', { onReject: (r) => reasons.push(r) });
    const long = honeywellPacketsFor('A'.repeat(80));
    assembler.push(long[0]);
    expect(assembler.push(new Uint8Array(64).fill(7))).toBeNull();
    expect(reasons).toHaveLength(1);
    // The tail of the interrupted code alone is not the code.
    expect(assembler.push(long[1])?.code).toBe('A'.repeat(24));
  });
});

describe('Newland', () => {
  it('reads data from byte 2 and the symbology ID from byte 62', () => {
    const [packet] = newlandPacketsFor('012345678905', { symbology: 'd' });
    expect(packet[2]).toBe(0x30);
    const parsed = parseNewlandReport(packet);
    expect(Buffer.from(parsed.data).toString()).toBe('012345678905');
    expect(parsed.vendorSymbology).toBe('d');
    expect(parsed.aim).toBeNull();
  });

  it('assembles multi-packet codes with and without the report-ID byte', () => {
    const code = 'https://example.com/' + 'q'.repeat(100);
    for (const reportId of [true, false]) {
      const assembler = createHidPosAssembler('newland');
      const packets = newlandPacketsFor(code, { reportId });
      expect(packets.length).toBe(3);
      const results = packets.map((p) => assembler.push(p)).filter(Boolean);
      expect(results).toEqual([expect.objectContaining({ code, packets: 3 })]);
    }
  });

  it('does not confuse Newland and Honeywell offsets', () => {
    const [packet] = newlandPacketsFor('ABCDEFGH');
    // Read as Honeywell, three data bytes would be taken for an AIM ID and the rest shifted.
    expect(Buffer.from(parseHoneywellReport(packet).data).toString()).not.toBe('ABCDEFGH');
  });
});

describe('Zebra (layout uncertain, single packet)', () => {
  it('reads data after the 5-byte header up to the first NUL', () => {
    expect(Buffer.from(parseZebraReport(zebraPacketFor('9780201379624')).data).toString()).toBe('9780201379624');
    expect(Buffer.from(parseZebraReport(zebraPacketFor('ABC', { reportId: false }), false).data).toString()).toBe(
      'ABC',
    );
    const assembler = createHidPosAssembler('zebra');
    expect(assembler.push(zebraPacketFor('12345670'))?.code).toBe('12345670');
  });
});

describe('bytesToCode', () => {
  it('decodes UTF-8 QR payloads and falls back to Latin-1', () => {
    expect(bytesToCode(Buffer.from('Crème brûlée', 'utf8'))).toBe('Crème brûlée');
    expect(bytesToCode(Uint8Array.from([0x41, 0xe9, 0x42]))).toBe('AéB');
  });
});

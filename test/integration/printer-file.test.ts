import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEscPos } from '../../src-main/devices/printer/escpos-text-decoder';
import { createFileTransport } from '../../src-main/devices/printer/file-transport';
import { createPrinterService } from '../../src-main/devices/printer/printer-service';
import { openJournal, type JournalHandle } from '../../src-main/journal/open-journal';

/** The /dev/usb/lp* path, played by a file that exists (the transport never creates one). */
let dir: string;
let journal: JournalHandle;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'countertop-printer-file-'));
  journal = openJournal(join(dir, 'journal.sqlite'));
});

afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('file (usblp) transport', () => {
  it('writes the test page and the drawer kick to the device file', async () => {
    const device = join(dir, 'lp0');
    writeFileSync(device, '');
    const printer = createPrinterService({ db: journal.db, config: { type: 'file', path: device, cpl: 48 } });
    expect((await printer.printTestPage()).state).toBe('done');
    expect((await printer.openDrawer({ kind: 'test', requestedBy: 'Maria' })).state).toBe('done');
    const written = readFileSync(device);
    const decoded = decodeEscPos(written);
    expect(decoded.text).toContain('TEST PAGE');
    expect(decoded.lines).toContain('123456789012345678901234567890123456789012345678');
    expect(decoded.drawerKicks).toEqual([expect.objectContaining({ complete: true })]);
    expect([...written.subarray(-5)]).toEqual([0x1b, 0x70, 0x00, 0x19, 0xfa]);
    await printer.close();
  });

  it('says the printer is not connected when the device node is missing, and creates nothing', async () => {
    const device = join(dir, 'lp9');
    const error = await createFileTransport({ path: device })
      .send(Buffer.from('x'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEVICE_ERROR', message: `The USB printer ${device} is not connected.` });
    expect(() => readFileSync(device)).toThrow(/ENOENT/);
  });
});

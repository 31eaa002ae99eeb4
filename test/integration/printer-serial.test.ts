import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusReply, type VirtualPrinterStatus } from '../../src-main/demo/printer-sink';
import { EscPosTextDecoder, type EscPosEvent } from '../../src-main/devices/printer/escpos-text-decoder';
import { createPrinterService, type PrinterService } from '../../src-main/devices/printer/printer-service';
import { openJournal, type JournalHandle } from '../../src-main/journal/open-journal';
import { receiptSchema } from '../../src-shared/receipt';

/**
 * A real serialport talks to a socat pty pair (HARDWARE-ELECTRON.md §2.2): the service
 * prints to end A; this test plays the printer on end B, decoding the bytes and
 * answering DLE EOT status requests.
 */
let dir: string;
let socat: ChildProcess;
let printerEnd: SerialPort;
let journal: JournalHandle;
let service: PrinterService;
let decoder = new EscPosTextDecoder();
const printerState: VirtualPrinterStatus = {
  paperOut: false,
  paperNearEnd: false,
  coverOpen: false,
  drawerOpen: false,
  offline: false,
  error: false,
};
let waiters: { type: EscPosEvent['type']; resolve: () => void }[] = [];

function nextEvent(type: EscPosEvent['type']): Promise<void> {
  return new Promise((resolve) => waiters.push({ type, resolve }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'countertop-serial-'));
  socat = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${join(dir, 'ttyA')}`, `pty,raw,echo=0,link=${join(dir, 'ttyB')}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // socat logs "starting data transfer loop" once both ptys and their links exist.
  let log = '';
  await new Promise<void>((resolve, reject) => {
    socat.once('exit', (code) => reject(new Error(`socat exited with ${code}: ${log}`)));
    socat.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('starting data transfer loop')) resolve();
    });
  });
  printerEnd = new SerialPort({ path: join(dir, 'ttyB'), baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => printerEnd.open((e) => (e ? reject(e) : resolve())));
  printerEnd.on('data', (chunk: Buffer) => {
    for (const event of decoder.push(chunk)) {
      if (event.type === 'status-request') printerEnd.write(Buffer.from([statusReply(event.n, printerState)]));
      waiters = waiters.filter((w) => (w.type === event.type ? (w.resolve(), false) : true));
    }
  });
  journal = openJournal(join(dir, 'journal.sqlite'));
  service = createPrinterService({
    db: journal.db,
    config: { type: 'serial', path: join(dir, 'ttyA'), baudRate: 9600 },
    cpl: 32,
  });
});

afterAll(async () => {
  await service?.close();
  journal?.close();
  if (printerEnd?.isOpen) await new Promise<void>((resolve) => printerEnd.close(() => resolve()));
  if (socat && socat.exitCode === null) {
    const exited = once(socat, 'exit');
    socat.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('printing over a serial port (socat pty pair)', () => {
  it('prints a receipt that reads back with its store name, lines and total', async () => {
    decoder = new EscPosTextDecoder();
    const cut = nextEvent('cut');
    const job = await service.printReceipt(
      receiptSchema.parse({
        storeName: 'Serial Shop',
        address: [],
        taxId: '',
        demo: false,
        copy: false,
        orderNumber: 12,
        cashierName: 'Bo',
        at: '2026-11-21T14:03:00Z',
        currency: 'CAD',
        locale: 'en-CA',
        lines: [
          { name: 'Soap', detail: '', amount: 325, discount: 0 },
          { name: 'Towel', detail: '', amount: 1250, discount: 0 },
        ],
        subtotal: 1575,
        discountTotal: 0,
        taxes: [],
        total: 1575,
        cashRounding: 0,
        tenders: [{ label: 'Cash', amount: 1575, tendered: 2000, change: 425, tip: 0, card: null }],
        footer: [],
      }),
    );
    await cut;
    expect(job).toMatchObject({ state: 'done', attempts: 1 });
    // The service asked for the status over the same line before printing.
    expect(decoder.statusRequests).toEqual([1, 2, 4]);
    expect(decoder.lines.some((l) => l.trim() === 'Serial Shop')).toBe(true);
    expect(decoder.lines).toContain(`Soap${' '.repeat(32 - 4 - 5)}$3.25`);
    expect(decoder.lines.find((l) => l.startsWith('TOTAL'))).toMatch(/\$15\.75$/);
  });

  it('sends the full 5-byte drawer kick', async () => {
    decoder = new EscPosTextDecoder();
    const kicked = nextEvent('drawer-kick');
    const job = await service.openDrawer({ kind: 'cash-tender', orderNumber: 12 });
    await kicked;
    expect(job.state).toBe('done');
    expect(decoder.drawerKicks).toHaveLength(1);
    expect(decoder.drawerKicks[0].complete).toBe(true);
    expect([...decoder.drawerKicks[0].bytes]).toEqual([0x1b, 0x70, 0x00, 0x19, 0xfa]);
  });

  it('keeps the receipt queued when the printer answers that its cover is open', async () => {
    decoder = new EscPosTextDecoder();
    printerState.coverOpen = true;
    const job = await service.printTestPage();
    printerState.coverOpen = false;
    expect(job).toMatchObject({ state: 'queued', lastError: 'The printer cover is open.' });
    expect(decoder.lines).toEqual([]);
  });
});

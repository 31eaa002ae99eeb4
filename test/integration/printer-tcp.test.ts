import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPrinterSink, type PrinterSink } from '../../src-main/demo/printer-sink';
import {
  createPrinterService,
  printerConfigSchema,
  type PrinterService,
} from '../../src-main/devices/printer/printer-service';
import { createTcpTransport } from '../../src-main/devices/printer/tcp-transport';
import { openJournal, type JournalHandle } from '../../src-main/journal/open-journal';
import { PosError } from '../../src-shared/errors';
import { receiptSchema, type Receipt } from '../../src-shared/receipt';

const receipt: Receipt = receiptSchema.parse({
  storeName: 'Corner Market',
  address: ['12 Main St'],
  taxId: '',
  demo: true,
  copy: false,
  orderNumber: 77,
  cashierName: 'Ann',
  at: '2026-11-21T14:03:00Z',
  currency: 'CAD',
  locale: 'en-CA',
  lines: [
    { name: 'Coffee beans 1kg', detail: '', amount: 1899, discount: 0 },
    { name: 'Croissant', detail: '3 × $2.25', amount: 675, discount: 0 },
  ],
  subtotal: 2574,
  discountTotal: 0,
  taxes: [{ label: 'GST 5%', amount: 34, inclusive: false }],
  total: 2608,
  cashRounding: 2,
  tenders: [{ label: 'Cash', amount: 2610, tendered: 3000, change: 390, tip: 0, card: null }],
  footer: ['Thank you'],
});

let dir: string;
let journal: JournalHandle;
let sink: PrinterSink;
let service: PrinterService;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'countertop-printer-tcp-'));
  journal = openJournal(join(dir, 'journal.sqlite'));
  sink = await startPrinterSink();
  service = createPrinterService({
    db: journal.db,
    config: printerConfigSchema.parse({ type: 'tcp', host: sink.host, port: sink.port }),
    storeName: 'Corner Market',
  });
});

afterEach(async () => {
  await service.close();
  await sink.close();
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('printing to the virtual TCP printer', () => {
  it('prints a receipt whose decoded text has the store, the lines and the total', async () => {
    const next = sink.nextPrint();
    const job = await service.printReceipt(receipt);
    const print = await next;
    expect(job).toMatchObject({ kind: 'receipt', state: 'done', attempts: 1, lastError: null, label: 'Receipt #77' });
    expect(print.lines.some((l) => l.trim() === 'Corner Market')).toBe(true);
    expect(print.lines.find((l) => l.startsWith('Coffee beans 1kg'))).toMatch(/\$18\.99$/);
    // Default code page cp437 has no ×: it prints as x.
    expect(print.lines).toContain('  3 x $2.25');
    expect(print.lines.find((l) => l.startsWith('TOTAL'))).toMatch(/\$26\.08$/);
    expect(print.lines.find((l) => l.startsWith('Change'))).toMatch(/\$3\.90$/);
    expect(print.text).toContain('DEMO / TRAINING');
    expect(print.cuts).toBe(1);
    expect(print.drawerKicks).toEqual([]);
    // The status was asked on its own connection before printing.
    expect(sink.prints().some((p) => p.statusRequests.join() === '1,2,4')).toBe(true);
    expect(service.status()).toMatchObject({ state: 'ready', queued: 0 });
  });

  it('kicks the drawer with the full 5 bytes and journals the reason', async () => {
    const next = sink.nextPrint();
    const job = await service.openDrawer({ kind: 'change', orderNumber: 77 });
    const print = await next;
    expect(job).toMatchObject({ kind: 'drawer', state: 'done', label: 'Drawer: change, order #77' });
    expect(print.bytes).toEqual(Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa]));
    expect(print.drawerKicks).toHaveLength(1);
    expect(print.drawerKicks[0]).toMatchObject({ complete: true, pin: 2, command: 'ESC p' });
    expect(print.drawerKicks[0].bytes).toHaveLength(5);
    // The virtual drawer is open now, and the printer says so when asked.
    expect(sink.status().drawerOpen).toBe(true);
    expect((await service.refreshStatus()).flags?.drawerOpen).toBe(true);
    sink.closeDrawer();
    expect((await service.refreshStatus()).flags?.drawerOpen).toBe(false);
    expect(service.jobs().map((j) => j.label)).toEqual(['Drawer: change, order #77']);
  });

  it('holds a receipt in the queue while the printer is out of paper, and prints it on retry', async () => {
    sink.setStatus({ paperOut: true });
    const job = await service.printReceipt(receipt);
    expect(job).toMatchObject({ state: 'queued', attempts: 0, lastError: 'The printer is out of paper.' });
    expect(sink.prints().every((p) => p.text.trim() === '')).toBe(true);
    expect(service.status()).toMatchObject({ state: 'attention', queued: 1 });
    expect(service.status().message).toContain('out of paper');

    sink.setStatus({ paperOut: false });
    const next = sink.nextPrint();
    const retried = await service.retry(job.id);
    expect(retried).toMatchObject({ id: job.id, state: 'done', attempts: 1, lastError: null });
    expect((await next).text).toContain('Coffee beans 1kg');
    expect(service.status()).toMatchObject({ state: 'ready', queued: 0 });
  });

  it('prints a test page', async () => {
    const next = sink.nextPrint();
    const job = await service.printTestPage();
    expect(job.state).toBe('done');
    const print = await next;
    expect(print.text).toContain('TEST PAGE');
    expect(print.lines).toContain('123456789012345678901234567890123456789012');
  });
});

describe('createTcpTransport', () => {
  it('rejects with a readable DEVICE_ERROR when the printer refuses the connection', async () => {
    const port = sink.port;
    await sink.setMode('refuse');
    const transport = createTcpTransport({ host: '127.0.0.1', port });
    const error = await transport.send(Buffer.from('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PosError);
    expect(error).toMatchObject({ code: 'DEVICE_ERROR' });
    expect((error as Error).message).toBe(
      `The printer at 127.0.0.1:${port} refused the connection; check that it is on and connected.`,
    );
    expect(await transport.queryStatus!()).toBeNull();
  });
});

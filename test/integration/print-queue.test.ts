import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPrinterSink, type PrinterSink } from '../../src-main/demo/printer-sink';
import { createPrintJobStore } from '../../src-main/journal/print-job-repository';
import { createPrintQueue } from '../../src-main/devices/printer/print-queue';
import { createPrinterService, type PrinterServiceStatus } from '../../src-main/devices/printer/printer-service';
import { createTcpTransport } from '../../src-main/devices/printer/tcp-transport';
import { openJournal, type JournalHandle } from '../../src-main/journal/open-journal';
import { receiptSchema } from '../../src-shared/receipt';

const receipt = receiptSchema.parse({
  storeName: 'Queue Test Store',
  address: [],
  taxId: '',
  demo: false,
  copy: false,
  orderNumber: 501,
  cashierName: 'Ann',
  at: '2026-11-21T14:03:00Z',
  currency: 'CAD',
  locale: 'en-CA',
  lines: [{ name: 'Tea', detail: '', amount: 450, discount: 0 }],
  subtotal: 450,
  discountTotal: 0,
  taxes: [],
  total: 450,
  cashRounding: 0,
  tenders: [{ label: 'Cash', amount: 450, tendered: 500, change: 50, tip: 0, card: null }],
  footer: [],
});

let dir: string;
let path: string;
let sink: PrinterSink;
const journals: JournalHandle[] = [];

function open(): JournalHandle {
  const handle = openJournal(path);
  journals.push(handle);
  return handle;
}

function service(db: JournalHandle['db'], onStatus?: (s: PrinterServiceStatus) => void) {
  return createPrinterService({ db, config: { type: 'tcp', host: sink.host, port: sink.port }, onStatus });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'countertop-print-queue-'));
  path = join(dir, 'journal.sqlite');
  sink = await startPrinterSink();
});

afterEach(async () => {
  await sink.close();
  for (const j of journals.splice(0)) j.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('journaled print queue', () => {
  it('keeps a failed print queued with its error, across a restart, and prints it on retry', async () => {
    await sink.setMode('refuse');
    const first = open();
    const statuses: PrinterServiceStatus[] = [];
    const printer = service(first.db, (s) => statuses.push(s));
    const job = await printer.printReceipt(receipt);
    expect(job).toMatchObject({ kind: 'receipt', state: 'queued', attempts: 1, label: 'Receipt #501' });
    expect(job.lastError).toMatch(/refused the connection/);
    expect(printer.status()).toMatchObject({ state: 'attention', queued: 1 });
    expect(printer.status().message).toContain('Receipt #501 did not print');
    expect(statuses.map((s) => s.state)).toContain('printing');
    expect(statuses.at(-1)?.state).toBe('attention');
    await printer.close();
    first.close();

    // The app restarts; the job and its error are still there.
    const second = open();
    const again = service(second.db);
    expect(again.jobs()).toEqual([
      expect.objectContaining({ id: job.id, state: 'queued', attempts: 1, lastError: job.lastError }),
    ]);
    expect(again.status()).toMatchObject({ state: 'attention', queued: 1 });

    // Still down: a retry fails again and counts the attempt.
    expect(await again.retry(job.id)).toMatchObject({ state: 'queued', attempts: 2 });

    await sink.setMode('accept');
    const next = sink.nextPrint();
    expect(await again.retry(job.id)).toMatchObject({ state: 'done', attempts: 3, lastError: null });
    expect((await next).text).toContain('Queue Test Store');
    expect(again.status()).toMatchObject({ state: 'ready', queued: 0 });
    await expect(again.retry(job.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await again.close();
  });

  it('treats a connection reset mid-job as a failed print', async () => {
    const handle = open();
    const printer = service(handle.db);
    await sink.setMode('drop');
    const job = await printer.printReceipt(receipt);
    expect(job.state).toBe('queued');
    expect(job.lastError).toMatch(/broke while printing \(read ECONNRESET\)/);
    await sink.setMode('accept');
    const [done] = await printer.retryAll();
    expect(done).toMatchObject({ id: job.id, state: 'done' });
    await printer.close();
  });

  it('never retries a drawer kick: it fails, and retry is refused', async () => {
    await sink.setMode('refuse');
    const handle = open();
    const printer = service(handle.db);
    const kick = await printer.openDrawer({ kind: 'no-sale', approvedBy: 'Maria', note: 'float check' });
    expect(kick).toMatchObject({
      kind: 'drawer',
      state: 'failed',
      label: 'Drawer: no-sale approved by Maria (float check)',
    });
    await expect(printer.retry(kick.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await sink.setMode('accept');
    expect(await printer.retryAll()).toEqual([]);
    expect(sink.prints().flatMap((p) => p.drawerKicks)).toEqual([]);
    await printer.close();
  });

  it('puts jobs left printing by a crash back in the queue, except drawer kicks', async () => {
    const handle = open();
    const store = createPrintJobStore(handle.db);
    const receiptJob = store.insert('receipt', 'Receipt #9', Buffer.from('hello\n'), '2026-11-21T10:00:00.000Z');
    const drawerJob = store.insert(
      'drawer',
      'Drawer: change, order #9',
      Buffer.from([0x1b, 0x70, 0x00, 0x19, 0xfa]),
      '2026-11-21T10:00:00.000Z',
    );
    expect(store.markPrinting(receiptJob.id, '2026-11-21T10:00:01.000Z')).toBe(true);
    expect(store.markPrinting(drawerJob.id, '2026-11-21T10:00:01.000Z')).toBe(true);
    handle.close();

    const reopened = open();
    const queue = createPrintQueue({
      db: reopened.db,
      transport: createTcpTransport({ host: sink.host, port: sink.port }),
    });
    expect(queue.get(receiptJob.id)).toMatchObject({ state: 'queued', attempts: 1 });
    expect(queue.get(receiptJob.id)?.lastError).toMatch(/Interrupted while printing/);
    expect(queue.get(drawerJob.id)).toMatchObject({ state: 'failed' });
    const next = sink.nextPrint();
    expect(await queue.retry(receiptJob.id)).toMatchObject({ state: 'done', attempts: 2 });
    expect((await next).lines).toEqual(['hello']);
  });

  it('prints jobs one at a time in the order they were submitted', async () => {
    const handle = open();
    const printer = service(handle.db);
    const jobs = await Promise.all([1, 2, 3].map((n) => printer.printReceipt({ ...receipt, orderNumber: n })));
    expect(jobs.map((j) => j.state)).toEqual(['done', 'done', 'done']);
    const printedOrders = sink
      .prints()
      .filter((p) => p.text.includes('Order #'))
      .map((p) => /Order #(\d+)/.exec(p.text)?.[1]);
    expect(printedOrders).toEqual(['1', '2', '3']);
    await printer.close();
  });
});

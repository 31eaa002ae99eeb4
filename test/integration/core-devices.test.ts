import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanSource } from '../../src-main/devices/scanner/scanner-source';
import { startDeviceHub } from '../../src-main/devices/device-hub';
import { createHidScanner } from '../../src-main/devices/scanner/hid-scanner';
import { startPrinterSink, type PrinterSink } from '../../src-main/demo/printer-sink';
import { demoCodes } from '../support/demo-codes';
import { quietLog, startHarness, type Harness } from '../support/core-harness';

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('devices in the running core', () => {
  let sink: PrinterSink;
  let h: Harness;
  beforeEach(async () => {
    sink = await startPrinterSink();
    h = await startHarness({
      devices: { printer: { type: 'tcp', host: sink.host, port: sink.port, statusCheck: false } },
    });
  });
  afterEach(async () => {
    await h.close();
    await sink.close();
  });

  it('a completed cash sale prints its receipt and kicks the drawer with the full 5 bytes, and the opening is audited', async () => {
    const order = await h.ringUp();
    await h.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue + 500 });
    await until(
      () => sink.prints().some((p) => p.drawerKicks.length > 0) && sink.prints().some((p) => p.text.includes('TOTAL')),
      'the receipt and the kick',
    );
    const receipt = sink.prints().find((p) => p.text.includes('TOTAL'))!;
    expect(receipt.text).toContain('Countertop Demo Market');
    expect(receipt.text).toMatch(/DEMO/);
    for (const line of order.lines) expect(receipt.text).toContain(line.name.slice(0, 20));
    const kick = sink.prints().flatMap((p) => p.drawerKicks)[0];
    expect(kick.complete).toBe(true);
    const audit = h.core.journal.db
      .prepare("SELECT detail FROM audit WHERE action = 'drawer.open'")
      .pluck()
      .all() as string[];
    expect(audit.map((d) => JSON.parse(d).reason)).toEqual(['change']);
  });

  it('a card sale completed on the (virtual) terminal prints its receipt with the card block, and opens no drawer', async () => {
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: 'iotpay-pax', amount: order.due });
    let waiting: { key: string }[] = [];
    await until(() => {
      waiting = h.core.demo!.waiting().filter((w) => w.provider === 'iotpay-pax');
      return waiting.length === 1;
    }, 'the virtual terminal to show the sale');
    await h.call('pos:demo.act', { provider: 'iotpay-pax', key: waiting[0].key, action: 'approve' });
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    await until(
      () => sink.prints().filter((p) => p.text.includes('TOTAL')).length === 2,
      'the merchant and customer copies',
    );
    const [merchant, customer] = sink.prints().filter((p) => p.text.includes('TOTAL'));
    expect(merchant.text).toContain('MERCHANT COPY');
    expect(customer.text).toContain('CUSTOMER COPY');
    for (const copy of [merchant, customer]) expect(copy.text).toMatch(/Auth #/);
    expect(sink.prints().flatMap((p) => p.drawerKicks)).toHaveLength(0);
  });

  it('a card sale never opens the drawer; a no-sale opening needs a manager and is audited with both names', async () => {
    await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    await expect(
      h.call('pos:drawer.noSale', { reason: 'float check', approval: { managerId: 'demo-cashier', pin: '1234' } }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    expect(sink.prints().flatMap((p) => p.drawerKicks)).toHaveLength(0);
    const job = await h.call('pos:drawer.noSale', {
      reason: 'float check',
      approval: { managerId: 'demo-manager', pin: '987654' },
    });
    expect(job.label).toContain('Morgan Manager');
    await until(() => sink.prints().flatMap((p) => p.drawerKicks).length === 1, 'the kick');
    const rows = h.core.journal.db
      .prepare("SELECT action, user_id, detail FROM audit WHERE action IN ('approval', 'drawer.open')")
      .all() as { action: string; user_id: string; detail: string }[];
    expect(rows.map((r) => [r.action, r.user_id])).toEqual([
      ['approval', 'demo-manager'],
      ['drawer.open', 'demo-cashier'],
    ]);
    expect(JSON.parse(rows[0].detail)).toMatchObject({
      requestedBy: 'demo-cashier',
      approvedBy: 'demo-manager',
      reason: 'float check',
    });
  });

  it('a failed print stays queued, shows in the device panel, and prints after the printer recovers', async () => {
    sink.setMode('refuse');
    const order = await h.ringUp();
    await h.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue });
    const queued = await h.call('pos:print.receipt', { orderId: order.id, copy: true });
    expect(queued.state).toBe('queued');
    const panel = await h.call('pos:devices.status', {});
    expect(panel.printer.queued).toBeGreaterThan(0);
    expect(panel.printer.jobs.find((j) => j.id === queued.id)?.lastError).toBeTruthy();
    sink.setMode('accept');
    const printed = await h.call('pos:print.retry', { jobId: queued.id });
    expect(printed.state).toBe('done');
    expect(sink.prints().some((p) => p.text.includes('COPY'))).toBe(true);
  });

  it('a HID scan read in main lands in the cart and tells the window (virtual scanner, real HID-POS frames)', async () => {
    const codes = demoCodes(h.core.journal.db);
    await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    const told: unknown[] = [];
    h.core.events.subscribe((event, payload) => {
      if (event === 'pos:scan.received') told.push(payload);
    });
    await h.call('pos:demo.scan', { code: codes.plain[0].barcode });
    await h.call('pos:demo.scan', { code: '4006381333931' });
    expect(told).toEqual([
      { kind: 'product', display: codes.plain[0].barcode, error: null },
      { kind: null, display: '4006381333931', error: expect.stringContaining('Nothing was added') },
    ]);
    expect((await h.call('pos:cart.current', {})).lines.map((l) => l.name)).toEqual([codes.plain[0].name]);
  });
});

describe('node-hid failing to load', () => {
  it('leaves the hub running with a clear scanner status, and printing still works', async () => {
    const sink = await startPrinterSink();
    const { openJournal } = await import('../../src-main/journal/open-journal');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync(`${(await import('node:os')).tmpdir()}/ct-hid-`);
    const journal = openJournal(`${dir}/journal.sqlite`);
    const scanner: ScanSource = createHidScanner({
      vendorId: 0x0c2e,
      productId: 0x0b81,
      loadHid: async () => {
        throw new Error('libusb-1.0.so.0: cannot open shared object file');
      },
    });
    const hub = await startDeviceHub({
      db: journal.db,
      printer: { type: 'tcp', host: sink.host, port: sink.port, statusCheck: false },
      scanner,
      storeName: 'X',
      log: quietLog,
      onScan: () => undefined,
      onChange: () => undefined,
    });
    const view = hub.view();
    expect(view.scanner.state).toBe('unavailable');
    expect(view.scanner.message).toMatch(/libusb|HID/);
    expect((await hub.printer.printTestPage()).state).toBe('done');
    await hub.close();
    journal.close();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPrinterService } from '../../src-main/devices/printer/printer-service';
import { receiptDocument } from '../../src-main/devices/printer/receipt-document';
import { openJournal, type JournalHandle } from '../../src-main/journal/open-journal';
import type { Receipt } from '../../src-shared/receipt';

const receipt: Receipt = {
  storeName: 'Corner Shop',
  address: ['1 Main St'],
  taxId: '',
  demo: false,
  copy: false,
  title: null,
  audience: null,
  orderNumber: 7,
  cashierName: 'Casey',
  at: '2026-11-21T10:00:00Z',
  currency: 'CAD',
  locale: 'en-CA',
  lines: [{ name: 'Sourdough loaf', detail: '', amount: 550, discount: 0 }],
  subtotal: 550,
  discountTotal: 0,
  taxes: [],
  total: 550,
  cashRounding: 0,
  tenders: [{ label: 'Cash', amount: 550, tendered: 1000, change: 450, tip: 0, card: null }],
  footer: ['Thanks'],
};

describe('the OS printer fallback', () => {
  let dir: string;
  let journal: JournalHandle;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-osprint-'));
    journal = openJournal(join(dir, 'j.sqlite'));
  });
  afterEach(() => {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the same receipt as text through the desktop app's print system", async () => {
    const printed: { text: string; deviceName: string | null; widthMicrons: number }[] = [];
    const printer = createPrinterService({
      db: journal.db,
      config: { type: 'os', deviceName: 'Kitchen laser', widthMicrons: 80_000 },
      osPrint: async (text, options) => {
        printed.push({ text, ...options });
      },
    });
    const job = await printer.printReceipt(receipt);
    expect(job.state).toBe('done');
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatchObject({ deviceName: 'Kitchen laser', widthMicrons: 80_000 });
    expect(printed[0].text).toContain('Corner Shop');
    expect(printed[0].text).toContain('Sourdough loaf');
    expect(printed[0].text).toMatch(/Change\s+\$4\.50/);
    expect(receiptDocument(receipt)).toContain('Corner Shop');
    await printer.close();
  });

  it('in the headless host (no OS printing) the job stays queued with a sentence, and the drawer is not faked', async () => {
    const printer = createPrinterService({
      db: journal.db,
      config: { type: 'os', deviceName: null, widthMicrons: 80_000 },
    });
    const job = await printer.printReceipt(receipt);
    expect(job.state).toBe('queued');
    expect(job.lastError).toMatch(/desktop app/);
    const kick = await printer.openDrawer({ kind: 'test', requestedBy: 'IT' });
    expect(kick.state).toBe('failed');
    await printer.close();
  });
});

/**
 * Issue 14: the till keeps scanning while a large catalogue imports. The import runs through the
 * real dispatcher and core (`pos:catalog.importFile`, a worker thread with its own connection);
 * meanwhile the cashier's scans go through `pos:cart.scan` and each must be answered with the
 * right product on the cart. Latencies are logged, not asserted (timings belong in bench/).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src-shared/contract';
import { withCheckDigit } from '../../src-main/catalog/gtin';
import { DEMO_USERS } from '../../src-main/config/demo-config';
import { startHarness, type Harness } from '../support/core-harness';
import { demoCodes } from '../support/demo-codes';

const ROWS = 60_000;
const manager = DEMO_USERS.find((user) => user.role === 'manager')!;

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({});
});
afterAll(() => harness.close());

describe('scanning while a catalogue imports', () => {
  it('answers every scan correctly while the import writes, and reports the import’s progress', async () => {
    const path = join(harness.dir, 'catalogue.csv');
    writeFileSync(
      path,
      [
        'sku,name,price,barcode,department',
        ...Array.from(
          { length: ROWS },
          (_, i) =>
            `BULK-${i},Bulk item ${i} sparkling water,1.25,${withCheckDigit(`40${String(i).padStart(10, '0')}`)},Bulk ${i % 50}`,
        ),
      ].join('\n'),
    );
    await harness.call('pos:session.login', { userId: manager.id, pin: manager.pin });
    const codes = demoCodes(harness.core.journal.db).plain;
    expect(codes).toHaveLength(5);

    const progress: EventPayload<'pos:catalog.importProgress'>[] = [];
    const off = harness.core.events.subscribe((event, payload) => {
      if (event === 'pos:catalog.importProgress') progress.push(payload as EventPayload<'pos:catalog.importProgress'>);
    });
    let finished = false;
    const imported = harness.call('pos:catalog.importFile', { path }).finally(() => {
      finished = true;
    });

    const latencies: number[] = [];
    let scansWhileWriting = 0;
    let quantity = (await harness.call('pos:cart.current', {})).lines.reduce((sum, line) => sum + line.qtyMilli, 0);
    for (let i = 0; !finished; i += 1) {
      const code = codes[i % codes.length]!;
      const writing = progress.at(-1)?.phase === 'writing';
      const started = performance.now();
      const { kind, order } = await harness.call('pos:cart.scan', { code: code.barcode, source: 'wedge' });
      latencies.push(performance.now() - started);
      expect(kind).toBe('product');
      const total = order.lines.reduce((sum, line) => sum + line.qtyMilli, 0);
      expect(total).toBe(quantity + 1000);
      expect(order.lines.some((line) => line.name === code.name)).toBe(true);
      quantity = total;
      if (writing && progress.at(-1)?.phase === 'writing') scansWhileWriting += 1;
      // Each round of the five codes ends with the sale voided (its audit entry), so the next round adds
      // new lines: a line's insert and the void's entry read, then write, while the import holds the lock.
      if (i % codes.length === codes.length - 1) {
        await harness.call('pos:cart.cancel', { reason: 'Scanning during the import' });
        quantity = (await harness.call('pos:cart.current', {})).lines.reduce((sum, line) => sum + line.qtyMilli, 0);
      }
      // A fast cashier's pace (and a line holds at most 9,999 items): the worker's messages come in between.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    off();

    expect(await imported).toMatchObject({ imported: ROWS, updated: 0, rejected: 0 });
    expect(scansWhileWriting).toBeGreaterThan(0);
    const phases = progress.map((p) => p.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(['reading', 'checking', 'writing', 'indexing', 'done']);
    expect(new Set(progress.map((p) => p.importId)).size).toBe(1);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', done: ROWS, total: ROWS });
    // The new products are there once it is done.
    const last = withCheckDigit(`40${String(ROWS - 1).padStart(10, '0')}`);
    expect((await harness.call('pos:cart.scan', { code: last, source: 'wedge' })).kind).toBe('product');

    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
    console.log(
      `scans during a ${ROWS}-row import: n=${latencies.length} (while writing: ${scansWhileWriting}), p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
    );
  }, 180_000);
});

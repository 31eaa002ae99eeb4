/**
 * A till that sells all day stays flat in memory (issue 14). Heap snapshots over 1,500 demo cash
 * sales showed one structure growing with every sale: the demo printer sink kept every receipt,
 * drawer kick and status connection it received (~10 KB a sale). It now keeps the newest
 * KEPT_PRINTS; the chain's record of the links it wrote but has not sealed yet is pruned by each seal.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { KEPT_PRINTS } from '../../src-main/demo/printer-sink';
import { startHarness, type Harness } from '../support/core-harness';
import { demoCodes } from '../support/demo-codes';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness({}, { journalCheckDelayMs: null });
});
afterEach(() => harness.close());

/** Resolves once the printer sink has received nothing new for a few milliseconds. */
async function printsSettled(): Promise<void> {
  const sink = harness.core.demo!.printer;
  let seen = -1;
  while (sink.printCount() !== seen) {
    seen = sink.printCount();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it('keeps the demo printer and the chain bounded over 250 cash sales', async () => {
  const sales = 250;
  await harness.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
  const codes = demoCodes(harness.core.journal.db);
  const sink = harness.core.demo!.printer;
  let mostUnsealed = 0;
  for (let i = 0; i < sales; i += 1) {
    await harness.call('pos:cart.scan', { code: codes.plain[i % 5].barcode, source: 'wedge' });
    const { order } = await harness.call('pos:cart.scan', { code: codes.plain[(i + 1) % 5].barcode, source: 'wedge' });
    await harness.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue });
    await printsSettled();
    mostUnsealed = Math.max(mostUnsealed, harness.core.chain.unsealedLinks);
  }
  // Every sale printed a receipt and kicked the drawer, but only the newest prints are kept.
  expect(sink.printCount()).toBeGreaterThanOrEqual(2 * sales);
  expect(sink.prints()).toHaveLength(KEPT_PRINTS);
  // Unsealed links: at most a few sales' worth at any time, and none once the last seal is in.
  expect(mostUnsealed).toBeLessThan(200);
  await harness.core.chain.settled();
  expect(harness.core.chain.unsealedLinks).toBeLessThanOrEqual(1);
});

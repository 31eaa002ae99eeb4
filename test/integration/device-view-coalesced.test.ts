/**
 * The Devices view is built once per turn of the event loop, however many changes that turn saw.
 * A cash sale journals a drawer kick and two receipts, each queued, printing and done: on every
 * change the hub used to read the printer's queue and newest jobs and send the whole view.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DevicesView } from '../../src-shared/domain';
import { startHarness, type Harness } from '../support/core-harness';

describe('device view after a cash sale', () => {
  let harness: Harness;
  afterEach(async () => harness?.close());

  it('is sent a few times, not once per print-job change, and ends with every job printed', async () => {
    harness = await startHarness({});
    const order = await harness.ringUp();
    const views: DevicesView[] = [];
    const off = harness.core.events.subscribe((event, payload) => {
      if (event === 'pos:devices.changed') views.push(payload as DevicesView);
    });
    const before = harness.core.devices.printer.jobs({ limit: 1 })[0]?.id ?? 0;
    await harness.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue });
    // The sale's print jobs are journaled after the reply; wait until the last view shows them all printed.
    const printed = (view: DevicesView | undefined) => {
      const own = (view?.printer.jobs ?? []).filter((job) => job.id > before);
      return own.length >= 2 && own.every((job) => job.state === 'done');
    };
    const deadline = Date.now() + 10_000;
    while (!printed(views.at(-1)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    off();
    expect(printed(views.at(-1))).toBe(true);
    const jobs = harness.core.devices.printer.jobs({ limit: 10 }).filter((job) => job.id > before);
    // Each job changes three times (queued, printing, done), each change in a turn of its own at worst;
    // the hub used to send two views per change (the job's, then the printer status's).
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(views.length).toBeLessThanOrEqual(jobs.length * 3);
  });
});

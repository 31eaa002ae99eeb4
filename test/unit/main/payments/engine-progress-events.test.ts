/**
 * What the screens are told while a card payment is under way (issue 14): a provider's progress
 * changes the attempt only, so it is told as `pos:payment.changed` and no order view is built and
 * sent for it; the approval that pays the order is told both ways. The IOTPay simulator runs in this
 * process on loopback; its PAX flow reports "waiting for the customer" before its first await.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptView, OrderView } from '../../../../src-shared/domain';
import { startIotpaySimulator, type IotpaySimulator } from '../../../../src-main/payments/iotpay/iotpay-simulator';
import { startHarness, type Harness } from '../../../support/core-harness';

let harness: Harness | undefined;
let sim: IotpaySimulator | undefined;
afterEach(async () => {
  await harness?.close();
  await sim?.close();
  harness = undefined;
  sim = undefined;
});

describe('events of a card payment', () => {
  it('tells a progress as the attempt alone, and the approval with the paid order', async () => {
    sim = await startIotpaySimulator({ defaultBehaviour: 'approve', defaultOptions: { cardMs: 0 } });
    harness = await startHarness({
      providers: { iotpay: { baseUrl: sim.url, mchId: sim.mchId, loginName: 'b', key: sim.key, device: 'B' } },
    });
    const order = await harness.ringUp();
    const told: string[] = [];
    harness.core.events.subscribe((event, payload) => {
      if (event === 'pos:payment.changed' && (payload as AttemptView).orderId === order.id)
        told.push(`payment ${(payload as AttemptView).state}`);
      if (event === 'pos:order.changed' && (payload as OrderView).id === order.id)
        told.push(`order ${(payload as OrderView).status}`);
    });
    const started = await harness.call('pos:tender.start', {
      orderId: order.id,
      provider: 'iotpay-pax',
      amount: order.due,
    });
    await harness.attempt(started.id, (a) => a.state === 'approved');
    expect(told).toEqual(['payment pending', 'payment approved', 'order completed']);
    // The progress was journaled all the same.
    expect(harness.events(started.id).map((e) => e.to_state)).toEqual(['created', 'sending', 'pending', 'approved']);
  });

  it('tells the approval before the receipts are built and journaled (two commits), which follow on the next turn', async () => {
    sim = await startIotpaySimulator({ defaultBehaviour: 'approve', defaultOptions: { cardMs: 0 } });
    harness = await startHarness({
      providers: { iotpay: { baseUrl: sim.url, mchId: sim.mchId, loginName: 'b', key: sim.key, device: 'B' } },
    });
    const h = harness;
    const order = await h.ringUp();
    const receipts = () => h.core.devices.printer.jobs({ limit: 50 }).filter((job) => job.kind === 'receipt').length;
    const before = receipts();
    let atApproval: number | null = null;
    h.core.events.subscribe((event, payload) => {
      const attempt = payload as AttemptView;
      // What a listener's own continuation (the host's socket write, a test's await) finds.
      if (event === 'pos:payment.changed' && attempt.orderId === order.id && attempt.state === 'approved')
        queueMicrotask(() => (atApproval = receipts()));
    });
    const started = await h.call('pos:tender.start', { orderId: order.id, provider: 'iotpay-pax', amount: order.due });
    await h.attempt(started.id, (a) => a.state === 'approved');
    expect(atApproval).toBe(before);
    // A card sale prints the merchant's copy and the customer's.
    await expect.poll(() => receipts() - before, { timeout: 5_000 }).toBe(2);
  });
});

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
});

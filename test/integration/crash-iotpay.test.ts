import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startIotpaySimulator,
  type IotpayBehaviour,
  type IotpayBehaviourOptions,
  type IotpaySimulator,
} from '../../src-main/payments/iotpay/iotpay-simulator';
import { createCrashTill, until, type CrashTill } from '../support/crash-helpers';

describe('crash tests: the host is SIGKILLed mid-payment (IOTPay CC_PAX)', () => {
  let sim: IotpaySimulator;
  let till: CrashTill;

  beforeEach(async () => {
    sim = await startIotpaySimulator();
    till = createCrashTill('ct-crash-pay-', {
      providers: { iotpay: { baseUrl: sim.url, mchId: sim.mchId, loginName: 'lane1', key: sim.key, device: 'PAX-1' } },
    });
  });
  afterEach(async () => {
    await till.close();
    await sim.close();
  });

  async function startCardSale(behaviour: IotpayBehaviour, options: IotpayBehaviourOptions) {
    const order = await till.ringUp();
    sim.setBehaviour(behaviour, options);
    const attempt = await till.client!.invoke('pos:tender.start', {
      orderId: order.id,
      provider: 'iotpay-pax',
      amount: order.due,
    });
    return { order, attempt, reference: till.reference(attempt.id) };
  }

  async function restartAndExpectCompleted(orderId: string, attemptId: string, reference: string) {
    const client = await till.start();
    await until(() => till.attemptState(attemptId) === 'approved', 'the attempt to be reconciled');
    const order = await client.invoke('pos:orders.get', { orderId });
    expect(order.status).toBe('completed');
    expect(order.tenders).toHaveLength(1);
    expect(order.tenders[0].card?.maskedPan).toMatch(/\d{4}$/);
    expect(till.events(attemptId).map((e) => e.cause)).toContain('reconciled at start');
    expect(sim.createOrderCalls(reference)).toBe(1);
    expect(sim.charges()).toBe(1);
  }

  it('(a) killed while the customer is at the terminal: on restart the sale is reconciled by query and completes, one charge', async () => {
    const { order, attempt, reference } = await startCardSale('slow-card', { cardMs: 1_500 });
    await until(() => sim.order(reference) !== null, 'the gateway to receive create_order');
    expect(till.attemptState(attempt.id)).toMatch(/sending|pending/);
    await till.host!.kill();
    await until(() => (sim.order(reference)?.status ?? 0) >= 2, 'the terminal to approve');
    await restartAndExpectCompleted(order.id, attempt.id, reference);
  });

  it('(b) killed after the gateway approved but before its reply arrived: reconciled once, no second create_order', async () => {
    const { order, attempt, reference } = await startCardSale('timeout-then-success', { lateMs: 150, paidAtQuery: 1 });
    await until(() => (sim.order(reference)?.status ?? 0) >= 2, 'the gateway to approve');
    expect(till.attemptState(attempt.id)).toMatch(/sending|pending/);
    await till.host!.kill();
    await restartAndExpectCompleted(order.id, attempt.id, reference);
  });
});

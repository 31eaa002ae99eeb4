/**
 * The cashier stops waiting while IOTPay still has the sale live (issue 10, item 1 and 2),
 * through the core and its payment engine, over real HTTP against the simulator: the order
 * takes no cash and no other card or wallet payment meanwhile, and when the customer pays
 * after all, the order is paid exactly once and the gateway counts exactly one charge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startIotpaySimulator, type IotpaySimulator } from '../../src-main/payments/iotpay/iotpay-simulator';
import { startHarness, type Harness } from '../support/core-harness';
import { until } from '../support/wait';

const PAX = 'iotpay-pax';
const WECHAT = '134567890123456789';
const ALIPAY = '2812345678901234';
const TIMINGS = {
  iotpay: {
    // The card sale blocks while the customer is at the (virtual) terminal.
    pax: { createTimeoutMs: 8_000, queryIntervalMs: 20, queryWindowMs: 300, queryTimeoutMs: 300 },
    wallet: { createTimeoutMs: 400, pollIntervalMs: 20, maxPolls: 6, queryTimeoutMs: 300, refundTimeoutMs: 400 },
  },
};

describe('IOTPay walk-away through the payment engine', () => {
  let sim: IotpaySimulator;
  let h: Harness;

  async function open(interactive: boolean): Promise<void> {
    sim = await startIotpaySimulator({ interactive, walkAwayExpireMs: 60_000 });
    h = await startHarness(
      {
        providers: {
          iotpay: {
            baseUrl: sim.url,
            mchId: sim.mchId,
            loginName: 'lane1',
            key: sim.key,
            device: 'PAX-1',
            card: true,
            wallet: true,
          },
        },
      },
      { providerTimings: TIMINGS },
    );
  }
  afterEach(async () => {
    await h?.close();
    await sim?.close();
  });

  /** Every way to take another payment for the order is refused while the first is live. */
  async function expectOrderBlocked(orderId: string, cashDue: number, due: number): Promise<void> {
    await expect(h.call('pos:tender.cash', { orderId, tendered: cashDue })).rejects.toMatchObject({
      code: 'PAYMENT_IN_PROGRESS',
    });
    await expect(h.call('pos:tender.start', { orderId, provider: PAX, amount: due })).rejects.toMatchObject({
      code: 'PAYMENT_IN_PROGRESS',
    });
    await expect(h.call('pos:cart.scan', { code: ALIPAY, source: 'wedge' })).rejects.toMatchObject({
      code: 'PAYMENT_IN_PROGRESS',
    });
  }

  async function expectPaidOnceBy(orderId: string, attemptId: string, reference: string): Promise<void> {
    const paid = await h.call('pos:orders.get', { orderId });
    expect(paid.status).toBe('completed');
    expect(paid.tenders).toHaveLength(1);
    expect(paid.tenders[0].attemptId).toBe(attemptId);
    expect(sim.charges()).toBe(1);
    expect(sim.createOrderCalls(reference)).toBe(1);
    const attempts = h.core.journal.db
      .prepare('SELECT id, state FROM payment_attempts WHERE order_id = ?')
      .all(orderId) as { id: string; state: string }[];
    expect(attempts).toEqual([{ id: attemptId, state: 'approved' }]);
  }

  it('card: the cashier stops waiting, the order takes no cash nor other payment, the late tap pays it once', async () => {
    await open(true);
    const order = await h.ringUp();
    const started = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    const reference = h.reference(started.id);
    await until(() => sim.pendingCardSales().some((s) => s.mchOrderNo === reference), 'the sale on the terminal');

    const stopped = await h.call('pos:tender.cancel', { attemptId: started.id });
    expect(['cancelling', 'unknown', 'pending']).toContain(stopped.state);
    // The gateway still has the sale live on the terminal.
    expect(sim.order(reference)).toMatchObject({ status: 1, awaitingTerminal: true });
    await expectOrderBlocked(order.id, order.cashDue, order.due);
    expect(sim.charges()).toBe(0);

    expect(sim.act(reference, 'tap-approve')).toBe(true);
    await h.attempt(started.id, (a) => a.state === 'approved');
    await expectPaidOnceBy(order.id, started.id, reference);
  });

  it('card: an approval that lands while the cashier cancels pays the sale', async () => {
    await open(true);
    const order = await h.ringUp();
    const started = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    const reference = h.reference(started.id);
    await until(() => sim.pendingCardSales().some((s) => s.mchOrderNo === reference), 'the sale on the terminal');

    const cancelling = h.call('pos:tender.cancel', { attemptId: started.id });
    expect(sim.act(reference, 'tap-approve')).toBe(true);
    await cancelling;
    await h.attempt(started.id, (a) => a.state === 'approved');
    await expectPaidOnceBy(order.id, started.id, reference);
    expect((await h.call('pos:payments.attention', {})).flagged.map((a) => a.id)).not.toContain(started.id);
  });

  it('wallet: the cashier stops waiting, the order takes no cash nor other payment, the late confirmation pays it once', async () => {
    await open(false);
    sim.setBehaviour('stuck-pending');
    const order = await h.ringUp();
    await h.call('pos:cart.scan', { code: WECHAT, source: 'wedge' });
    const attempt = h.core.engine.viewsFor(order.id)[0];
    const reference = h.reference(attempt.id);
    // The customer is entering the wallet password: the gateway has the order, unpaid.
    await until(() => (sim.order(reference)?.queries ?? 0) >= 2, 'the wallet order to be polled');

    const stopped = await h.call('pos:tender.cancel', { attemptId: attempt.id });
    expect(['cancelling', 'unknown', 'pending']).toContain(stopped.state);
    expect(sim.order(reference)!.status).toBe(1);
    await expectOrderBlocked(order.id, order.cashDue, order.due);
    expect(sim.charges()).toBe(0);

    expect(sim.payNow(reference)).toBe(true);
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    await expectPaidOnceBy(order.id, attempt.id, reference);
  });

  it('wallet: a confirmation that lands while the cashier cancels pays the sale', async () => {
    await open(false);
    sim.setBehaviour('stuck-pending');
    const order = await h.ringUp();
    await h.call('pos:cart.scan', { code: WECHAT, source: 'wedge' });
    const attempt = h.core.engine.viewsFor(order.id)[0];
    const reference = h.reference(attempt.id);
    await until(() => (sim.order(reference)?.queries ?? 0) >= 1, 'the wallet order to be polled');

    const cancelling = h.call('pos:tender.cancel', { attemptId: attempt.id });
    expect(sim.payNow(reference)).toBe(true);
    await cancelling;
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    await expectPaidOnceBy(order.id, attempt.id, reference);
  });
});

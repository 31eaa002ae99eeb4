/**
 * The whole YabandPay path: core → payment engine → YabandPay provider → simulated
 * gateway and cloud terminal over real HTTP on 127.0.0.1, in a EUR store. Every test
 * ends with the simulator's own books: one charge for a paid sale, none otherwise, one
 * gateway order per order_id (a lost reply is re-sent with the SAME request_id a bounded
 * few times, never as a new sale), refunds never above the sale.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startYabandpaySimulator,
  type YabandpaySimOutcome,
  type YabandpaySimulator,
} from '../../src-main/payments/yabandpay/yabandpay-simulator';
import { startHarness, type Harness } from '../support/core-harness';
import { until } from '../support/crash-helpers';

const KEY = 'yabandpay-test-secret';
const TID = 'T125119061';
const MANAGER = { managerId: 'demo-manager', pin: '987654' };
const TIMINGS = {
  yabandpay: { pollIntervalMs: 10, pollWindowMs: 3_000, refundPollWindowMs: 3_000, requestTimeoutMs: 2_000 },
};

describe('payment engine with a YabandPay cloud terminal over real HTTP', () => {
  let sim: YabandpaySimulator;
  let h: Harness;

  beforeEach(async () => {
    sim = await startYabandpaySimulator({ secretKey: KEY, stepMs: 10 });
    h = await startHarness(
      {
        store: { name: 'Café', currency: 'EUR' },
        providers: {
          yabandpay: {
            baseUrl: sim.url,
            user: TID,
            secretKey: KEY,
            notifyUrl: 'https://pos.example.test/yabandpay/notify',
            currency: 'EUR',
          },
        },
      },
      { providerTimings: TIMINGS },
    );
  });
  afterEach(async () => {
    await h.close();
    await sim.close();
  });

  const pay = async (amount?: number) => {
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', {
      orderId: order.id,
      provider: 'yabandpay',
      amount: amount ?? order.due,
    });
    return { order, attempt, reference: h.reference(attempt.id) };
  };
  const orderOf = (orderId: string) => h.call('pos:orders.get', { orderId });
  const journaled = (attemptId: string) =>
    h.core.journal.db.prepare('SELECT request_id, provider_ref FROM payment_attempts WHERE id = ?').get(attemptId) as {
      request_id: string;
      provider_ref: string | null;
    };
  const paidSale = async () => {
    const sale = await pay();
    await h.attempt(sale.attempt.id, (a) => a.state === 'approved');
    const tradeId = journaled(sale.attempt.id).provider_ref!;
    expect(sim.order(tradeId)?.orderId).toBe(sale.reference);
    return { ...sale, tradeId };
  };

  it('sale approved: the order completes with the card block, the trade id is journaled, one gateway order, one charge', async () => {
    const { order, attempt, reference } = await pay();
    expect(attempt).toMatchObject({
      state: expect.stringMatching(/^(sending|pending)$/),
      provider: 'yabandpay',
      currency: 'EUR',
    });
    const approved = await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect(approved.card).toMatchObject({
      provider: 'yabandpay',
      brand: 'VISA',
      maskedPan: '**** 4242',
      authCode: '0A1B2C',
      terminalId: TID,
    });
    const [gatewayOrder] = sim.ordersFor(reference);
    expect(gatewayOrder).toMatchObject({ state: '00', amount: order.due, currency: 'EUR' });
    expect(journaled(attempt.id).provider_ref).toBe(gatewayOrder.tradeId);
    expect(h.events(attempt.id).filter((e) => e.to_state === 'approved')).toHaveLength(1);
    const completed = await orderOf(order.id);
    expect(completed.status).toBe('completed');
    expect(completed.tenders[0]).toMatchObject({
      kind: 'card',
      amount: order.due,
      attemptId: attempt.id,
      card: { maskedPan: '**** 4242' },
    });
    expect(sim.posCallsFor(reference)).toBe(1);
    expect(sim.ordersFor(reference)).toHaveLength(1);
    expect(sim.stats().charges).toBe(1);
  });

  it.each<[YabandpaySimOutcome, 'declined' | 'cancelled', RegExp]>([
    ['declined', 'declined', /declined/],
    ['failed', 'declined', /failed/],
    ['expired', 'cancelled', /timed out/],
  ])(
    'the terminal ends %s: the attempt is %s, the order stays open, nothing charged',
    async (outcome, state, message) => {
      sim.setOutcome(outcome);
      const { order, attempt, reference } = await pay();
      const final = await h.attempt(attempt.id, (a) => a.state === state);
      expect(final.message).toMatch(message);
      expect((await orderOf(order.id)).status).toBe('open');
      expect(sim.posCallsFor(reference)).toBe(1);
      expect(sim.stats().charges).toBe(0);
      sim.setOutcome('paid');
      const retry = await h.call('pos:tender.start', { orderId: order.id, provider: 'yabandpay', amount: order.due });
      await h.attempt(retry.id, (a) => a.state === 'approved');
      expect((await orderOf(order.id)).status).toBe('completed');
      expect(sim.stats().charges).toBe(1);
    },
  );

  it('the cashier cancels an unpaid sale: v3.POSCancel closes the terminal screen, nothing charged', async () => {
    sim.setOutcome('interactive');
    const { order, attempt, reference } = await pay();
    await until(() => sim.waitingOrders().some((o) => o.orderId === reference), 'the terminal to show the sale');
    await h.attempt(attempt.id, (a) => a.state === 'pending');
    const stopped = await h.call('pos:tender.cancel', { attemptId: attempt.id });
    expect(stopped.state).toBe('cancelled');
    const [gatewayOrder] = sim.ordersFor(reference);
    expect(gatewayOrder.state).toBe('08');
    expect(sim.stats().calls['v3.POSCancel']).toBe(1);
    expect(sim.act(gatewayOrder.tradeId, 'approve')).toBe(false);
    expect(h.events(attempt.id).filter((e) => e.to_state === 'cancelled')).toHaveLength(1);
    expect((await orderOf(order.id)).status).toBe('open');
    expect(sim.posCallsFor(reference)).toBe(1);
    expect(sim.stats().charges).toBe(0);
  });

  it('lost v3.POS reply: unknown, re-checked by re-sending the SAME request_id (-3002, no second order, no further re-send), then a manager settles it with the slip, audited', async () => {
    sim.injectFault('v3.POS', 'drop');
    const { order, attempt, reference } = await pay();
    const unknown = await h.attempt(attempt.id, (a) => a.state === 'unknown');
    expect(unknown.message).toMatch(/checked/);
    await until(() => sim.ordersFor(reference)[0]?.state === '00', 'the customer to pay on the terminal');
    const checking = await h.attempt(attempt.id, (a) => /merchant portal/.test(a.message));
    expect(checking.state).toBe('unknown');
    expect(checking.message).toContain(`order id ${reference}`);
    expect(checking.message).toContain('EUR');
    // -3002 proves the gateway has the order; asking again cannot tell more, so the engine's re-checks send nothing.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sim.posCallsFor(reference)).toBe(2);
    const { request_id: requestId, provider_ref: providerRef } = journaled(attempt.id);
    expect(providerRef).toBeNull();
    expect(new Set(sim.posRequestIdsFor(reference))).toEqual(new Set([requestId]));
    expect(sim.ordersFor(reference)).toHaveLength(1);
    // Nothing else is taken for this sale while its outcome is unknown.
    await expect(
      h.call('pos:tender.start', { orderId: order.id, provider: 'yabandpay', amount: order.due }),
    ).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
    await expect(h.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue })).rejects.toMatchObject({
      code: 'PAYMENT_IN_PROGRESS',
    });
    expect((await h.call('pos:payments.attention', {})).unresolved.map((a) => a.id)).toContain(attempt.id);

    const evidence = 'terminal slip 0042: VISA **** 4242 approved';
    const reason = 'gateway reply lost; slip shows the sale paid';
    await expect(
      h.call('pos:payments.settle', {
        attemptId: attempt.id,
        outcome: 'approved',
        evidence,
        reason,
        approval: { managerId: 'demo-cashier', pin: '1234' },
      }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    const settled = await h.call('pos:payments.settle', {
      attemptId: attempt.id,
      outcome: 'approved',
      evidence,
      reason,
      approval: MANAGER,
    });
    expect(settled.state).toBe('approved');
    expect(settled.message).toContain('slip 0042');
    const audit = h.core.journal.db
      .prepare(
        "SELECT action, user_id, detail FROM audit WHERE action IN ('approval', 'approval.refused', 'payment.settled') ORDER BY seq",
      )
      .all() as { action: string; user_id: string; detail: string }[];
    expect(audit.map((a) => [a.action, a.user_id])).toEqual([
      ['approval.refused', 'demo-cashier'],
      ['approval', 'demo-manager'],
      ['payment.settled', 'demo-manager'],
    ]);
    expect(JSON.parse(audit[2].detail)).toMatchObject({ outcome: 'approved', evidence, reason });
    expect((await orderOf(order.id)).status).toBe('completed');
    const calls = sim.posCallsFor(reference);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sim.posCallsFor(reference)).toBe(calls); // settled: no more re-checks
    expect(sim.ordersFor(reference)).toHaveLength(1);
    expect(sim.stats().charges).toBe(1);
  });

  it('void on the day of the sale: v3.POSReversal of the full amount, the sale ends voided, once', async () => {
    const { attempt, tradeId } = await paidSale();
    const voiding = await h.call('pos:payments.void', {
      attemptId: attempt.id,
      reason: 'customer changed their mind',
      approval: MANAGER,
    });
    await h.attempt(voiding.id, (a) => a.state === 'approved');
    await h.attempt(attempt.id, (a) => a.state === 'voided');
    expect(sim.order(tradeId)?.state).toBe('08');
    expect(sim.stats()).toMatchObject({ charges: 1, reversals: 1 });
    expect(sim.stats().calls['v3.POSReversal']).toBe(1);
    expect(sim.stats().calls['v3.CancelPayment']).toBeUndefined();
    await expect(
      h.call('pos:payments.void', { attemptId: attempt.id, reason: 'again', approval: MANAGER }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(sim.stats().reversals).toBe(1);
  });

  it('partial refunds add up to at most the sale; each is created once', async () => {
    const { order, attempt, tradeId } = await paidSale();
    const first = await h.call('pos:payments.refund', {
      attemptId: attempt.id,
      amount: 100,
      reason: 'bruised apple',
      approval: MANAGER,
    });
    await h.attempt(first.id, (a) => a.state === 'approved');
    await h.attempt(attempt.id, (a) => a.state === 'partially_refunded' && a.refundable === order.due - 100);
    await expect(
      h.call('pos:payments.refund', {
        attemptId: attempt.id,
        amount: order.due,
        reason: 'too much',
        approval: MANAGER,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    const rest = await h.call('pos:payments.refund', {
      attemptId: attempt.id,
      amount: order.due - 100,
      reason: 'returned the rest',
      approval: MANAGER,
    });
    await h.attempt(rest.id, (a) => a.state === 'approved');
    await h.attempt(attempt.id, (a) => a.state === 'refunded' && a.refundable === 0);
    // All of it went back: the ledger refuses any more as a conflict with the payment's state (issue 11).
    await expect(
      h.call('pos:payments.refund', { attemptId: attempt.id, amount: 1, reason: 'one more', approval: MANAGER }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const refunds = sim.refundsFor(tradeId);
    expect(refunds.map((r) => [r.mRefundId, r.amount, r.state])).toEqual([
      [h.reference(first.id), 100, '23'],
      [h.reference(rest.id), order.due - 100, '23'],
    ]);
    expect(sim.stats()).toMatchObject({ charges: 1, refunds: 2, refundedMinor: order.due });
    expect(sim.stats().calls['v3.CreateRefund']).toBe(2);
  });

  describe('walk-away: the cashier stops waiting while v3.POS is still unanswered', () => {
    /** The gateway has the sale on the terminal but its v3.POS reply never comes; the cashier cancels. */
    async function cancelWhileUnanswered() {
      sim.setOutcome('interactive');
      sim.injectFault('v3.POS', 'hang');
      const sale = await pay();
      await until(() => sim.waitingOrders().some((o) => o.orderId === sale.reference), 'the terminal to show the sale');
      const cancelling = h.call('pos:tender.cancel', { attemptId: sale.attempt.id });
      await h.attempt(sale.attempt.id, (a) => a.state === 'cancelling');
      const refused = async () => {
        await expect(
          h.call('pos:tender.cash', { orderId: sale.order.id, tendered: sale.order.cashDue }),
        ).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
        await expect(
          h.call('pos:tender.start', { orderId: sale.order.id, provider: 'yabandpay', amount: sale.order.due }),
        ).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
      };
      await refused();
      // Nothing proves the sale was not taken: the cancel ends unknown, never cancelled.
      expect((await cancelling).state).toBe('unknown');
      await refused();
      const [gatewayOrder] = sim.ordersFor(sale.reference);
      return { ...sale, tradeId: gatewayOrder.tradeId, refused };
    }

    function expectPaidOnce(reference: string, attemptId: string) {
      expect(sim.ordersFor(reference)).toHaveLength(1);
      expect(new Set(sim.posRequestIdsFor(reference))).toEqual(new Set([journaled(attemptId).request_id]));
      expect(sim.posCallsFor(reference)).toBeLessThanOrEqual(3); // the sale and at most two re-sends
      expect(sim.stats().charges).toBe(1);
    }

    it('the customer then pays: the re-send learns the trade id, the approval pays the order exactly once', async () => {
      sim.setDuplicateRevealsTradeId(true);
      const { order, attempt, reference, tradeId } = await cancelWhileUnanswered();
      expect(sim.act(tradeId, 'approve')).toBe(true);
      const approved = await h.attempt(attempt.id, (a) => a.state === 'approved');
      expect(approved.card).toMatchObject({ maskedPan: '**** 4242' });
      const paid = await orderOf(order.id);
      expect(paid.status).toBe('completed');
      expect(paid.tenders).toHaveLength(1);
      expect(paid.tenders[0]).toMatchObject({ attemptId: attempt.id, amount: order.due });
      expect(journaled(attempt.id).provider_ref).toBe(tradeId);
      expect(h.events(attempt.id).map((e) => e.to_state)).toContain('cancelling');
      expect(h.events(attempt.id).filter((e) => e.to_state === 'approved')).toHaveLength(1);
      expectPaidOnce(reference, attempt.id);
    });

    it('the customer then pays but the gateway never names the order: the attempt keeps blocking, the manager settles it from the portal, paid once', async () => {
      const { order, attempt, reference, tradeId, refused } = await cancelWhileUnanswered();
      expect(sim.act(tradeId, 'approve')).toBe(true);
      await until(() => sim.order(tradeId)?.state === '00', 'the customer to pay');
      const handed = await h.attempt(attempt.id, (a) => /merchant portal/.test(a.message));
      expect(handed.state).toBe('unknown');
      await refused();
      const settled = await h.call('pos:payments.settle', {
        attemptId: attempt.id,
        outcome: 'approved',
        evidence: `portal order ${reference}: paid`,
        reason: 'reply lost after the cashier stopped waiting',
        approval: MANAGER,
      });
      expect(settled.state).toBe('approved');
      const paid = await orderOf(order.id);
      expect(paid.status).toBe('completed');
      expect(paid.tenders).toHaveLength(1);
      expectPaidOnce(reference, attempt.id);
    });
  });

  // The engine has no capture operation (authorisations are not taken at the till), so
  // v3.Capture is proved at provider level only: test/integration/provider-yabandpay.test.ts.
});

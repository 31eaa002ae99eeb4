/**
 * Crash tests for YabandPay: the host (the built headless till, a child process) is
 * SIGKILLed while the customer is at the cloud terminal; the customer pays meanwhile; on
 * restart the attempt is reconciled before new tenders, the gateway never creates a
 * second order (any resend carries the SAME order_id and request_id), and the sale is
 * charged once. Runs against out/main/host.js: `npm run build` first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  startYabandpaySimulator,
  type YabandpaySimulator,
} from '../../src-main/payments/yabandpay/yabandpay-simulator';
import { createCrashTill, until, type CrashTill } from '../support/crash-helpers';

const KEY = 'yabandpay-crash-secret';
const TID = 'T125119061';
const MANAGER = { managerId: 'demo-manager', pin: '987654' };

describe('crash tests: the host is SIGKILLed mid-payment (YabandPay)', () => {
  let sim: YabandpaySimulator;
  let till: CrashTill;

  async function setUp(duplicateRevealsTradeId: boolean) {
    sim = await startYabandpaySimulator({
      secretKey: KEY,
      stepMs: 50,
      outcome: 'interactive',
      duplicateRevealsTradeId,
    });
    till = createCrashTill('ct-crash-yabandpay-', {
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
    });
  }
  afterEach(async () => {
    await till.close();
    await sim.close();
  });

  /** The terminal shows the sale; the host dies; the customer then pays. */
  async function killedWhileCustomerPays() {
    const order = await till.ringUp();
    const attempt = await till.client!.invoke('pos:tender.start', {
      orderId: order.id,
      provider: 'yabandpay',
      amount: order.due,
    });
    const reference = till.reference(attempt.id);
    await until(() => sim.waitingOrders().some((o) => o.orderId === reference), 'the terminal to show the sale');
    expect(till.attemptState(attempt.id)).toMatch(/sending|pending|unknown/);
    await till.host!.kill();
    const [gatewayOrder] = sim.ordersFor(reference);
    expect(sim.act(gatewayOrder.tradeId, 'approve')).toBe(true);
    await until(() => sim.order(gatewayOrder.tradeId)?.state === '00', 'the customer to pay');
    const { request_id: requestId } = till.row('SELECT request_id FROM payment_attempts WHERE id = ?', attempt.id) as {
      request_id: string;
    };
    return { order, attempt, reference, requestId, tradeId: gatewayOrder.tradeId };
  }

  function expectOneGatewayOrder(reference: string, requestId: string) {
    expect(sim.ordersFor(reference)).toHaveLength(1);
    expect(new Set(sim.posRequestIdsFor(reference))).toEqual(new Set([requestId]));
    expect(sim.stats().charges).toBe(1);
  }

  it('(a) killed while the customer is at the terminal: reconciled at start, the sale completes once, no second gateway order', async () => {
    // The trade_id is journaled from progress as soon as v3.POS answers (crash test c), so the
    // restart normally needs one v3.QueryOrder; had the kill come first, the restart re-sends the
    // SAME v3.POS and this gateway names the trade in its -3002.
    await setUp(true);
    const { order, attempt, reference, requestId, tradeId } = await killedWhileCustomerPays();
    const client = await till.start();
    await until(() => till.attemptState(attempt.id) === 'approved', 'the attempt to be reconciled');
    const completed = await client.invoke('pos:orders.get', { orderId: order.id });
    expect(completed.status).toBe('completed');
    expect(completed.tenders).toHaveLength(1);
    expect(completed.tenders[0].card?.maskedPan).toBe('**** 4242');
    expect(till.events(attempt.id).filter((e) => e.to_state === 'approved')).toEqual([
      expect.objectContaining({ cause: 'reconciled at start' }),
    ]);
    expect(till.row('SELECT provider_ref FROM payment_attempts WHERE id = ?', attempt.id)?.provider_ref).toBe(tradeId);
    expect(sim.posCallsFor(reference)).toBeLessThanOrEqual(2);
    expectOneGatewayOrder(reference, requestId);
  });

  it('(b) the v3.POS reply was lost, then the host killed; the gateway only answers -3002: unknown, blocking the sale until a manager settles it from the portal', async () => {
    await setUp(false);
    sim.injectFault('v3.POS', 'drop');
    const { order, attempt, reference, requestId } = await killedWhileCustomerPays();
    const client = await till.start();
    await until(
      () =>
        /merchant portal/.test(
          String(till.row('SELECT message FROM payment_attempts WHERE id = ?', attempt.id)?.message),
        ),
      'the till to hand it to the manager',
    );
    expect(till.attemptState(attempt.id)).toBe('unknown');
    expect(till.events(attempt.id).map((e) => e.cause)).toContain('reconciled at start');
    await expect(
      client.invoke('pos:tender.cash', { orderId: order.id, tendered: order.cashDue }),
    ).rejects.toMatchObject({ error: { code: 'PAYMENT_IN_PROGRESS' } });
    const settled = await client.invoke('pos:payments.settle', {
      attemptId: attempt.id,
      outcome: 'approved',
      evidence: 'terminal slip 0007: approved, VISA **** 4242',
      reason: 'till crashed mid-sale; slip shows it paid',
      approval: MANAGER,
    });
    expect(settled.state).toBe('approved');
    expect((await client.invoke('pos:orders.get', { orderId: order.id })).status).toBe('completed');
    expect(
      till.row("SELECT user_id FROM audit WHERE action = 'payment.settled' AND object = ?", `attempt:${attempt.id}`),
    ).toEqual({ user_id: 'demo-manager' });
    expect(sim.posCallsFor(reference)).toBe(2); // the sale, and one re-send that proved the gateway has it
    expectOneGatewayOrder(reference, requestId);
  });

  // The engine journals a provider reference reported while the sale is still pending, so a
  // restart queries v3.QueryOrder by trade_id and never has to re-send v3.POS or depend on
  // what the gateway says about a repeated request_id.
  it('(c) the trade id is journaled while the customer is at the terminal, so a restart needs no resend', async () => {
    await setUp(false);
    const order = await till.ringUp();
    const attempt = await till.client!.invoke('pos:tender.start', {
      orderId: order.id,
      provider: 'yabandpay',
      amount: order.due,
    });
    const reference = till.reference(attempt.id);
    await until(() => sim.waitingOrders().some((o) => o.orderId === reference), 'the terminal to show the sale');
    await until(
      () => till.row('SELECT provider_ref FROM payment_attempts WHERE id = ?', attempt.id)?.provider_ref != null,
      'the trade id to be journaled',
      3_000,
    );
    await till.host!.kill();
    sim.act(sim.ordersFor(reference)[0].tradeId, 'approve');
    await till.start();
    await until(() => till.attemptState(attempt.id) === 'approved', 'the attempt to be reconciled');
    expect(sim.posCallsFor(reference)).toBe(1);
  });
});

/**
 * Crash tests for CodePay: the host (the built headless till, a child process) is
 * SIGKILLed while the customer is at the terminal; the terminal finishes meanwhile; on
 * restart the outcome is recovered by the terminal's re-delivery or by ecrhub.pay.query,
 * applied once, and the terminal never receives a second ecrhub.pay.order.
 * Runs against out/main/host.js: `npm run build` first.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  startCodepayTerminalSimulator,
  type CodepayTerminalSimulator,
} from '../../src-main/payments/codepay/codepay-simulator';
import { createCrashTill, until, type CrashTill } from '../support/crash-helpers';

const APP_ID = 'countertop-crash-app';

describe('crash tests: the host is SIGKILLed mid-payment (CodePay)', () => {
  let sim: CodepayTerminalSimulator;
  let till: CrashTill;

  beforeEach(async () => {
    sim = await startCodepayTerminalSimulator({ appId: APP_ID });
    till = createCrashTill('ct-crash-codepay-', {
      providers: { codepay: { appId: APP_ID, terminals: [{ name: 'Lane 1', url: sim.url }] } },
    });
  });
  afterEach(async () => {
    await till.close();
    await sim.close();
  });

  /** Starts a sale the terminal holds (customer at the terminal), then kills the host. */
  async function killedMidSale() {
    const order = await till.ringUp();
    await until(() => sim.openConnections() === 1, 'the till to connect to the terminal');
    sim.next({ kind: 'hold' });
    const attempt = await till.client!.invoke('pos:tender.start', {
      orderId: order.id,
      provider: 'codepay',
      amount: order.due,
    });
    const reference = till.reference(attempt.id);
    await until(() => sim.pending().some((o) => o.merchantOrderNo === reference), 'the terminal to show the sale');
    expect(till.attemptState(attempt.id)).toMatch(/sending|pending/);
    await till.host!.kill();
    await until(() => sim.openConnections() === 0, 'the terminal to notice the till is gone');
    return { order, attempt, reference };
  }

  function expectOneOrderMessage(reference: string) {
    expect(sim.counts().orderMessages).toEqual({ [reference]: 1 });
  }

  it('(a) the terminal approves while the till is down and re-delivers on reconnect: applied once, the order completes', async () => {
    const { order, attempt, reference } = await killedMidSale();
    expect(sim.act(reference, 'approve')).toBe(true);
    const client = await till.start();
    await until(() => till.attemptState(attempt.id) === 'approved', 'the attempt to be recovered');
    const completed = await client.invoke('pos:orders.get', { orderId: order.id });
    expect(completed.status).toBe('completed');
    expect(completed.tenders).toHaveLength(1);
    expect(completed.tenders[0]).toMatchObject({
      amount: order.due,
      attemptId: attempt.id,
      card: { maskedPan: expect.stringMatching(/0010$/) },
    });
    const approvals = till.events(attempt.id).filter((e) => e.to_state === 'approved');
    expect(approvals).toHaveLength(1);
    expect(['result re-delivered by the provider', 'reconciled at start']).toContain(approvals[0].cause);
    expectOneOrderMessage(reference);
    expect(sim.counts().charges).toBe(1);
  });

  it('(b) the terminal approves but does not re-deliver: on restart ecrhub.pay.query finds it, once', async () => {
    const { order, attempt, reference } = await killedMidSale();
    expect(sim.act(reference, 'approve', { redeliver: false })).toBe(true);
    const queriesBefore = sim.counts().queries;
    const client = await till.start();
    await until(() => till.attemptState(attempt.id) === 'approved', 'the attempt to be reconciled');
    expect((await client.invoke('pos:orders.get', { orderId: order.id })).status).toBe('completed');
    expect(till.events(attempt.id).filter((e) => e.to_state === 'approved')).toEqual([
      expect.objectContaining({ cause: 'reconciled at start' }),
    ]);
    expect(sim.counts().queries).toBeGreaterThan(queriesBefore);
    expectOneOrderMessage(reference);
    expect(sim.counts().charges).toBe(1);
  });

  it('(c) the card is declined while the till is down: declined on restart, nothing charged, the order can still be paid', async () => {
    const { order, attempt, reference } = await killedMidSale();
    expect(sim.act(reference, 'decline')).toBe(true);
    const client = await till.start();
    await until(() => till.attemptState(attempt.id) === 'declined', 'the attempt to be recovered');
    expect((await client.invoke('pos:orders.get', { orderId: order.id })).status).toBe('open');
    expect(sim.counts().charges).toBe(0);
    const retry = await client.invoke('pos:tender.start', {
      orderId: order.id,
      provider: 'codepay',
      amount: order.due,
    });
    await until(() => till.attemptState(retry.id) === 'approved', 'the second attempt to be approved');
    expect((await client.invoke('pos:orders.get', { orderId: order.id })).status).toBe('completed');
    expect(sim.counts().orderMessages).toEqual({ [reference]: 1, [till.reference(retry.id)]: 1 });
    expect(sim.counts().charges).toBe(1);
  });
});

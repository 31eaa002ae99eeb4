import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIotpaySimulator, type IotpaySimulator } from '../../src-main/payments/iotpay/iotpay-simulator';
import { startHarness, type Harness } from '../support/core-harness';

const WECHAT = '134567890123456789';
const ALIPAY = '2812345678901234';
const MANAGER = { managerId: 'demo-manager', pin: '987654' };
const TIMINGS = {
  iotpay: {
    wallet: { createTimeoutMs: 400, pollIntervalMs: 20, maxPolls: 6, queryTimeoutMs: 300, refundTimeoutMs: 400 },
  },
};

describe('customer wallet codes (IOTPay micropay) through the payment engine', () => {
  let sim: IotpaySimulator;
  let h: Harness;
  const attemptOf = (orderId: string) => h.core.engine.viewsFor(orderId)[0];

  beforeEach(async () => {
    sim = await startIotpaySimulator();
    h = await startHarness(
      {
        providers: {
          iotpay: {
            baseUrl: sim.url,
            mchId: sim.mchId,
            loginName: 'lane1',
            key: sim.key,
            device: 'LANE-1',
            card: false,
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

  it('a scanned WeChat code starts the payment by itself; the order completes; the code is never journaled in full', async () => {
    sim.setBehaviour('approve', { walletSteps: 2 });
    const order = await h.ringUp();
    const scanned = await h.call('pos:cart.scan', { code: WECHAT, source: 'wedge' });
    expect(scanned.kind).toBe('wallet');
    const attempt = attemptOf(order.id);
    expect(attempt).toMatchObject({ method: 'wallet', provider: 'iotpay-wallet', amount: order.due });
    const approved = await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect(approved.card).toMatchObject({ method: 'wallet', brand: expect.stringMatching(/WeChat/) });
    expect((await h.call('pos:orders.get', { orderId: order.id })).status).toBe('completed');
    expect(sim.charges()).toBe(1);

    const masked = h.core.journal.db
      .prepare('SELECT wallet_code_masked FROM payment_attempts WHERE id = ?')
      .get(attempt.id) as { wallet_code_masked: string };
    expect(masked.wallet_code_masked).not.toContain(WECHAT.slice(2, 14));
    expect(masked.wallet_code_masked.slice(-4)).toBe(WECHAT.slice(-4));
    // Nothing on disk holds the full code: not the database, not its write-ahead log.
    const dataDir = join(h.dir, 'data');
    for (const file of readdirSync(dataDir))
      expect(readFileSync(join(dataDir, file)).includes(WECHAT), file).toBe(false);
  });

  it('a wallet code is never looked up as a product, even with an empty cart', async () => {
    await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    await expect(h.call('pos:cart.scan', { code: ALIPAY, source: 'wedge' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect((await h.call('pos:cart.current', {})).lines).toHaveLength(0);
    expect(h.core.journal.db.prepare('SELECT COUNT(*) AS n FROM payment_attempts').get()).toEqual({ n: 0 });
  });

  it('the cashier gives up: the attempt keeps blocking the sale (no cash), and the late success pays it once', async () => {
    sim.setBehaviour('approve', { walletSteps: 12 });
    const order = await h.ringUp();
    await h.call('pos:cart.scan', { code: ALIPAY, source: 'wedge' });
    const attempt = attemptOf(order.id);
    // The customer is entering the wallet password: the gateway has the order, unpaid.
    const reference = h.reference(attempt.id);
    for (let i = 0; i < 100 && (sim.order(reference)?.queries ?? 0) < 2; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    expect(sim.order(reference)!.status).toBeLessThan(2);
    const stopped = await h.call('pos:tender.cancel', { attemptId: attempt.id });
    expect(['cancelling', 'pending', 'unknown']).toContain(stopped.state);
    // DESIGN §6 rules 2 and 5: an attempt the gateway may still approve blocks cash and other codes.
    await expect(h.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue })).rejects.toMatchObject({
      code: 'PAYMENT_IN_PROGRESS',
    });
    await expect(h.call('pos:cart.scan', { code: WECHAT, source: 'wedge' })).rejects.toMatchObject({
      code: 'PAYMENT_IN_PROGRESS',
    });

    const late = await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect(late.state).toBe('approved');
    const paid = await h.call('pos:orders.get', { orderId: order.id });
    expect(paid.status).toBe('completed');
    expect(paid.tenders).toHaveLength(1);
    expect(paid.tenders[0].attemptId).toBe(attempt.id);
    expect((await h.call('pos:payments.attention', {})).flagged.map((a) => a.id)).not.toContain(attempt.id);
    expect(sim.charges()).toBe(1);
    expect(sim.refunds()).toBe(0);
  });

  it('a manager releases the abandoned attempt (customer gone), cash pays, and its late success is refunded by itself', async () => {
    sim.setBehaviour('approve', { walletSteps: 12 });
    const order = await h.ringUp();
    await h.call('pos:cart.scan', { code: ALIPAY, source: 'wedge' });
    const attempt = attemptOf(order.id);
    const reference = h.reference(attempt.id);
    for (let i = 0; i < 100 && (sim.order(reference)?.queries ?? 0) < 2; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    await h.call('pos:tender.cancel', { attemptId: attempt.id });
    await expect(
      h.call('pos:payments.release', {
        attemptId: attempt.id,
        reason: 'customer walked away',
        approval: { managerId: 'demo-manager', pin: '0000' },
      }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    await h.call('pos:payments.release', { attemptId: attempt.id, reason: 'customer walked away', approval: MANAGER });
    const cash = await h.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue });
    expect(cash.completed).toBe(true);

    // The wallet payment still went through: it cannot pay a paid order, so it goes back.
    for (let i = 0; i < 500 && h.core.engine.attempt(attempt.id)?.state !== 'refunded'; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    expect(h.core.engine.attempt(attempt.id)).toMatchObject({ state: 'refunded', refundable: 0 });
    expect((await h.call('pos:orders.get', { orderId: order.id })).tenders).toHaveLength(1);
    expect(sim.charges()).toBe(1);
    expect(sim.refunds()).toBe(1);
    expect(sim.order(reference)!.refundable).toBe(0);
  });

  it('partial refunds: bounded by what is left, each refund id used once, never refunded twice', async () => {
    sim.setBehaviour('approve', { walletSteps: 1 });
    const order = await h.ringUp();
    await h.call('pos:cart.scan', { code: WECHAT, source: 'wedge' });
    const sale = await h.attempt(attemptOf(order.id).id, (a) => a.state === 'approved');
    const first = await h.call('pos:payments.refund', {
      attemptId: sale.id,
      amount: 100,
      reason: 'one item returned',
      approval: MANAGER,
    });
    await h.attempt(first.id, (a) => a.state === 'approved');
    let original = h.core.engine.viewsFor(order.id).find((a) => a.id === sale.id)!;
    expect(original).toMatchObject({ state: 'partially_refunded', refundable: sale.refundable - 100 });
    await expect(
      h.call('pos:payments.refund', {
        attemptId: sale.id,
        amount: original.refundable + 1,
        reason: 'too much',
        approval: MANAGER,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    const rest = await h.call('pos:payments.refund', {
      attemptId: sale.id,
      amount: original.refundable,
      reason: 'rest returned',
      approval: MANAGER,
    });
    await h.attempt(rest.id, (a) => a.state === 'approved');
    original = h.core.engine.viewsFor(order.id).find((a) => a.id === sale.id)!;
    expect(original).toMatchObject({ state: 'refunded', refundable: 0 });
    // All of it went back: the ledger refuses any more as a conflict with the payment's state (issue 11).
    await expect(
      h.call('pos:payments.refund', { attemptId: sale.id, amount: 1, reason: 'again', approval: MANAGER }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const refs = h.core.journal.db.prepare("SELECT reference FROM payment_attempts WHERE kind = 'refund'").all() as {
      reference: string;
    }[];
    expect(new Set(refs.map((r) => r.reference)).size).toBe(2);
    for (const { reference } of refs) expect(sim.refundCalls(reference)).toBe(1);
    expect(sim.refunds()).toBe(2);
  });

  it('a declined wallet payment (customer cancelled) leaves the order open for another tender', async () => {
    sim.setBehaviour('decline', { walletSteps: 1 });
    const order = await h.ringUp();
    await h.call('pos:cart.scan', { code: WECHAT, source: 'wedge' });
    const declined = await h.attempt(attemptOf(order.id).id, (a) => a.state === 'declined' || a.state === 'cancelled');
    expect(declined.message.length).toBeGreaterThan(0);
    expect((await h.call('pos:orders.get', { orderId: order.id })).status).toBe('open');
    expect(sim.charges()).toBe(0);
  });
});

/**
 * The whole CodePay path: core → payment engine → CodePay provider → simulated terminal
 * over a real WebSocket on 127.0.0.1. Every test ends with the simulator's own books:
 * one charge for an approval, none for a decline or cancel, and exactly one
 * `ecrhub.pay.order` per merchant_order_no (a lost answer is queried, never resent).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  startCodepayTerminalSimulator,
  type CodepayTerminalSimulator,
} from '../../src-main/payments/codepay/codepay-simulator';
import { createCodepayProvider, type CodepayTiming } from '../../src-main/payments/codepay/codepay-provider';
import type { CoreOptions } from '../../src-main/core';
import { startHarness, type Harness } from '../support/core-harness';
import { until } from '../support/crash-helpers';
import { FAST_CODEPAY as FAST } from '../support/codepay-timing';

const APP_ID = 'countertop-test-app';
const MANAGER = { managerId: 'demo-manager', pin: '987654' };

describe('payment engine with a CodePay terminal over a real WebSocket', () => {
  let sim: CodepayTerminalSimulator;
  let h: Harness;
  const cleanups: (() => Promise<void>)[] = [];

  async function till(timing: Partial<CodepayTiming> = {}, options: Partial<CoreOptions> = {}): Promise<void> {
    sim = await startCodepayTerminalSimulator({ appId: APP_ID });
    cleanups.push(() => sim.close());
    h = await startHarness(
      { providers: { codepay: { appId: APP_ID, terminals: [{ name: 'Lane 1', url: sim.url }] } } },
      { providerTimings: { codepay: { ...FAST, ...timing } }, ...options },
    );
    cleanups.push(() => h.close());
    await until(() => sim.openConnections() === 1, 'the till to connect to the terminal');
  }
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const pay = async (amount?: number, extra: { onScreenTip?: boolean; tip?: number } = {}) => {
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', {
      orderId: order.id,
      provider: 'codepay',
      amount: amount ?? order.due,
      ...extra,
    });
    return { order, attempt, reference: h.reference(attempt.id) };
  };
  const orderMessages = (reference: string) => sim.counts().orderMessages[reference] ?? 0;
  const states = (attemptId: string) => h.events(attemptId).map((e) => e.to_state);
  const orderOf = (orderId: string) => h.call('pos:orders.get', { orderId });

  it.each(['000', '0'] as const)(
    'approve (success code "%s"): journaled before sending, the order completes with the card block, one charge',
    async (successCode) => {
      await till();
      sim.next({ kind: 'approve', successCode });
      const { order, attempt, reference } = await pay();
      expect(attempt).toMatchObject({
        state: expect.stringMatching(/^(sending|pending)$/),
        provider: 'codepay',
        terminal: 'Lane 1',
      });
      const approved = await h.attempt(attempt.id, (a) => a.state === 'approved');
      expect(approved.card).toMatchObject({
        provider: 'codepay',
        brand: 'Visa',
        maskedPan: expect.stringMatching(/^[*X]+.*0010$/),
        authCode: expect.any(String),
      });
      expect(states(attempt.id).slice(0, 2)).toEqual(['created', 'sending']);
      expect(states(attempt.id).filter((s) => s === 'approved')).toHaveLength(1);
      const completed = await orderOf(order.id);
      expect(completed.status).toBe('completed');
      expect(completed.tenders).toHaveLength(1);
      expect(completed.tenders[0]).toMatchObject({ kind: 'card', amount: order.due, tip: 0, attemptId: attempt.id });
      const receipt = await h.call('pos:orders.receipt', { orderId: order.id, copy: false });
      expect(receipt.tenders[0].card?.maskedPan).toBe(approved.card?.maskedPan);
      expect(sim.order(reference)).toMatchObject({ transType: '1', status: '2', amount: order.due });
      expect(sim.counts().charges).toBe(1);
      expect(orderMessages(reference)).toBe(1);
    },
  );

  it('approve with an on-screen tip: the tip is on the tender and in the card block, the goods amount unchanged', async () => {
    await till();
    sim.next({ kind: 'approve', tip: 300 });
    const { order, attempt, reference } = await pay(undefined, { onScreenTip: true });
    const approved = await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect(sim.order(reference)?.onScreenTip).toBe(true);
    expect(approved).toMatchObject({ amount: order.due, tip: 300, card: { tip: 300 } });
    const completed = await orderOf(order.id);
    expect(completed.status).toBe('completed');
    expect(completed.tenders[0]).toMatchObject({ amount: order.due, tip: 300, card: { tip: 300 } });
    const receipt = await h.call('pos:orders.receipt', { orderId: order.id, copy: false });
    expect(receipt.tenders[0].card?.tip).toBe(300);
    expect(sim.order(reference)).toMatchObject({ amount: order.due, tip: 300 });
    expect(sim.counts().charges).toBe(1);
    expect(orderMessages(reference)).toBe(1);
  });

  it('decline: final, the reason is shown, the order stays open, and a second card attempt pays it', async () => {
    await till();
    sim.next({ kind: 'decline' }, { kind: 'approve' });
    const { order, attempt, reference } = await pay();
    const declined = await h.attempt(attempt.id, (a) => a.state === 'declined');
    expect(declined.message).toMatch(/insufficient funds/);
    expect((await orderOf(order.id)).status).toBe('open');
    expect(sim.counts().charges).toBe(0);
    const second = await h.call('pos:tender.start', { orderId: order.id, provider: 'codepay', amount: order.due });
    await h.attempt(second.id, (a) => a.state === 'approved');
    expect((await orderOf(order.id)).status).toBe('completed');
    expect(sim.counts().charges).toBe(1);
    expect(orderMessages(reference)).toBe(1);
    expect(orderMessages(h.reference(second.id))).toBe(1);
  });

  it('operator cancel on the terminal (110): cancelled, nothing charged, the order stays open', async () => {
    await till();
    sim.next({ kind: 'operator-cancel' });
    const { order, attempt, reference } = await pay();
    const cancelled = await h.attempt(attempt.id, (a) => a.state === 'cancelled');
    expect(cancelled.message).toMatch(/manual cancel/);
    expect((await orderOf(order.id)).status).toBe('open');
    expect(sim.counts().charges).toBe(0);
    expect(orderMessages(reference)).toBe(1);
  });

  it("a stranger's APPROVED frame during the sale is kept for the manager, never applied; the terminal's real decline decides", async () => {
    await till();
    sim.next({ kind: 'foreign-answer', then: 'decline', gapMs: 300 });
    const { order, attempt, reference } = await pay();
    const declined = await h.attempt(attempt.id, (a) => a.state === 'declined');
    expect(declined.message).toMatch(/insufficient funds/);
    expect(states(attempt.id)).not.toContain('approved');
    expect((await orderOf(order.id)).status).toBe('open');
    const { foreign } = await h.call('pos:payments.attention', {});
    expect(foreign).toEqual([
      expect.objectContaining({
        provider: 'codepay',
        terminal: 'Lane 1',
        reason: expect.stringMatching(/merchant_order_no/),
      }),
    ]);
    expect(sim.counts().charges).toBe(0);
    expect(orderMessages(reference)).toBe(1);
  });

  it.each([
    [true, 'approved', 1],
    [false, 'declined', 0],
  ] as const)(
    'timeout (112), card charged=%s: resolved by ecrhub.pay.query → %s, never resent',
    async (charged, state, charges) => {
      await till();
      sim.next({ kind: 'timeout', charged });
      const { order, attempt, reference } = await pay();
      await h.attempt(attempt.id, (a) => a.state === state);
      expect(sim.counts().queries).toBeGreaterThanOrEqual(1);
      expect(sim.counts().charges).toBe(charges);
      expect(orderMessages(reference)).toBe(1);
      expect((await orderOf(order.id)).status).toBe(charges ? 'completed' : 'open');
    },
  );

  it('socket dropped mid-sale, the result re-delivered (twice) after the reconnect: applied once', async () => {
    await till();
    sim.next({ kind: 'drop', redeliver: true, redeliverTimes: 2 });
    const { order, attempt, reference } = await pay();
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect(sim.counts().connections).toBeGreaterThanOrEqual(2);
    // The second copy follows the first on the same socket; give it a moment to be seen and dropped.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(states(attempt.id).filter((s) => s === 'approved')).toHaveLength(1);
    const completed = await orderOf(order.id);
    expect(completed.status).toBe('completed');
    expect(completed.tenders).toHaveLength(1);
    expect(sim.counts().charges).toBe(1);
    expect(orderMessages(reference)).toBe(1);
  });

  it('socket dropped, the provider gives up, the terminal re-delivers on reconnect: onLateResult → engine.lateResult, applied once', async () => {
    // The till reconnects only after 2.5 s, long after the provider answered `unknown`; the
    // engine's own re-query waits longer still, so only the re-delivery can settle it.
    await till(
      { redeliveryWindowMs: 30, recoveryMs: 60, reconnectInitialMs: 2_500, reconnectMaxMs: 2_500 },
      { backoffMs: [30_000] },
    );
    sim.next({ kind: 'drop', redeliver: true, redeliverTimes: 2 });
    const { order, attempt, reference } = await pay();
    await h.attempt(attempt.id, (a) => a.state === 'unknown');
    expect(sim.order(reference)?.status).toBe('2');
    expect(sim.openConnections()).toBe(0);
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    const events = h.events(attempt.id);
    expect(events.filter((e) => e.to_state === 'approved')).toEqual([
      { from_state: 'unknown', to_state: 'approved', cause: 'result re-delivered by the provider' },
    ]);
    expect((await orderOf(order.id)).status).toBe('completed');
    expect(sim.counts().charges).toBe(1);
    expect(orderMessages(reference)).toBe(1);
  });

  it('socket dropped, the provider gives up, the terminal does not re-deliver: the link coming back makes the engine query at once', async () => {
    // The engine's own re-query is 30 s away and nothing is pushed: only onLinkRestored → query can settle it.
    await till(
      { redeliveryWindowMs: 30, recoveryMs: 60, reconnectInitialMs: 1_500, reconnectMaxMs: 1_500 },
      { backoffMs: [30_000] },
    );
    sim.next({ kind: 'drop', redeliver: false });
    const { order, attempt, reference } = await pay();
    await h.attempt(attempt.id, (a) => a.state === 'unknown');
    expect(sim.openConnections()).toBe(0);
    const queriesBefore = sim.counts().queries;
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect(sim.counts().queries).toBeGreaterThan(queriesBefore);
    expect(h.events(attempt.id).filter((e) => e.to_state === 'approved')).toEqual([
      expect.objectContaining({ from_state: 'unknown', cause: expect.stringMatching(/link to Lane 1 came back/) }),
    ]);
    expect((await orderOf(order.id)).status).toBe('completed');
    expect(sim.counts().charges).toBe(1);
    expect(orderMessages(reference)).toBe(1);
  });

  it('socket dropped without re-delivery: the result is found with ecrhub.pay.query', async () => {
    await till({ redeliveryWindowMs: 100 });
    sim.next({ kind: 'drop', redeliver: false });
    const { order, attempt, reference } = await pay();
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect(sim.counts().queries).toBeGreaterThanOrEqual(1);
    expect((await orderOf(order.id)).status).toBe('completed');
    expect(sim.counts().charges).toBe(1);
    expect(orderMessages(reference)).toBe(1);
  });

  it('busy terminal: the engine holds a second attempt on the same lane before sending it', async () => {
    await till();
    sim.next({ kind: 'hold' });
    const { order, attempt, reference } = await pay(100);
    await until(() => sim.pending().length === 1, 'the terminal to show the sale');
    await expect(
      h.call('pos:tender.start', { orderId: order.id, provider: 'codepay', amount: 100 }),
    ).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
    expect(Object.keys(sim.counts().orderMessages)).toEqual([reference]);
    expect(sim.act(reference, 'approve')).toBe(true);
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect((await orderOf(order.id)).due).toBe(order.due - 100);
    expect(sim.counts().charges).toBe(1);
  });

  it('busy terminal: a lane another till is using refuses our sale; declined, nothing charged, the next attempt pays', async () => {
    await till();
    const otherTill = createCodepayProvider(
      { appId: APP_ID, currency: 'CAD', terminals: [{ name: 'Lane 1', url: sim.url }] },
      FAST,
    );
    cleanups.push(() => otherTill.close());
    sim.next({ kind: 'hold' });
    const theirs = {
      id: 'other',
      orderId: 'other',
      kind: 'sale' as const,
      method: 'card' as const,
      amount: 999,
      tip: 0,
      currency: 'CAD',
      reference: 'OTHERTILL1',
      requestId: 'OTHERTILL1',
      providerRef: null,
      terminal: 'Lane 1',
      description: 'Other till',
    };
    const running = otherTill.start(theirs, new AbortController().signal, () => undefined);
    await until(() => sim.pending().length === 1, 'the other till to hold the terminal');
    const { order, attempt, reference } = await pay();
    const declined = await h.attempt(attempt.id, (a) => a.state === 'declined');
    expect(declined.message).toMatch(/busy/i);
    expect((await orderOf(order.id)).status).toBe('open');
    sim.act(theirs.reference, 'approve');
    expect((await running).state).toBe('approved');
    const retry = await h.call('pos:tender.start', { orderId: order.id, provider: 'codepay', amount: order.due });
    await h.attempt(retry.id, (a) => a.state === 'approved');
    expect((await orderOf(order.id)).status).toBe('completed');
    expect(sim.counts().charges).toBe(2); // theirs and our retry; never the refused one
    expect(orderMessages(reference)).toBe(1);
    expect(orderMessages(h.reference(retry.id))).toBe(1);
    expect(sim.order(reference)).toBeUndefined();
  });

  it('void: a manager approves at the till, the terminal voids the sale in full, once', async () => {
    await till();
    const { order, attempt, reference } = await pay();
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    await expect(
      h.call('pos:payments.void', {
        attemptId: attempt.id,
        reason: 'wrong card',
        approval: { managerId: 'demo-cashier', pin: '1234' },
      }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    const voiding = await h.call('pos:payments.void', {
      attemptId: attempt.id,
      reason: 'wrong card',
      approval: MANAGER,
    });
    expect(voiding).toMatchObject({ kind: 'void', amount: order.due });
    await h.attempt(voiding.id, (a) => a.state === 'approved');
    await h.attempt(attempt.id, (a) => a.state === 'voided');
    const voidRef = h.reference(voiding.id);
    expect(sim.order(voidRef)).toMatchObject({ transType: '2', status: '2', origMerchantOrderNo: reference });
    expect(sim.counts()).toMatchObject({ charges: 1, voids: 1 });
    expect(orderMessages(voidRef)).toBe(1);
    await expect(
      h.call('pos:payments.void', { attemptId: attempt.id, reason: 'again', approval: MANAGER }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(sim.counts().voids).toBe(1);
  });

  it('void with terminal authentication: the manager also authorises on the terminal', async () => {
    await till();
    const { attempt } = await pay();
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    const voiding = await h.call('pos:payments.void', {
      attemptId: attempt.id,
      reason: 'wrong card',
      approval: MANAGER,
      terminalAuthentication: true,
    });
    await h.attempt(voiding.id, (a) => a.state === 'approved');
    expect(sim.counts()).toMatchObject({ voids: 1, authorisations: 1 });
  });

  it('partial refunds: each one sent once, the sale ends refunded, never more than the original', async () => {
    await till();
    const { order, attempt, reference } = await pay();
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    const first = await h.call('pos:payments.refund', {
      attemptId: attempt.id,
      amount: 100,
      reason: 'bruised apple',
      approval: MANAGER,
    });
    await h.attempt(first.id, (a) => a.state === 'approved');
    const partly = await h.attempt(attempt.id, (a) => a.state === 'partially_refunded');
    expect(partly.refundable).toBe(order.due - 100);
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
      reason: 'returned all',
      approval: MANAGER,
    });
    await h.attempt(rest.id, (a) => a.state === 'approved');
    await h.attempt(attempt.id, (a) => a.state === 'refunded' && a.refundable === 0);
    expect(sim.order(h.reference(first.id))).toMatchObject({
      transType: '3',
      amount: 100,
      origMerchantOrderNo: reference,
    });
    expect(sim.order(h.reference(rest.id))).toMatchObject({ transType: '3', amount: order.due - 100 });
    expect(sim.counts()).toMatchObject({ charges: 1, refunds: 2 });
    expect(orderMessages(h.reference(first.id))).toBe(1);
    expect(orderMessages(h.reference(rest.id))).toBe(1);
    expect(Object.keys(sim.counts().orderMessages)).toHaveLength(3);
  });

  it('the cashier stops waiting: ecrhub.pay.close closes the terminal screen, nothing charged, the lane is free again', async () => {
    await till();
    sim.next({ kind: 'hold' });
    const { order, attempt, reference } = await pay();
    await until(() => sim.pending().length === 1, 'the terminal to show the sale');
    const stopped = await h.call('pos:tender.cancel', { attemptId: attempt.id });
    expect(stopped.state).toBe('cancelled');
    expect(sim.order(reference)?.status).toBe('3');
    expect(sim.counts().closes).toBe(1);
    expect(sim.act(reference, 'approve')).toBe(false);
    expect(
      h.core.journal.db.prepare("SELECT COUNT(*) FROM audit WHERE action = 'payment.cancelRequested'").pluck().get(),
    ).toBe(1);
    expect(states(attempt.id).filter((s) => s === 'cancelled')).toHaveLength(1);
    sim.next({ kind: 'approve' });
    const retry = await h.call('pos:tender.start', { orderId: order.id, provider: 'codepay', amount: order.due });
    await h.attempt(retry.id, (a) => a.state === 'approved');
    expect((await orderOf(order.id)).status).toBe('completed');
    expect(sim.counts().charges).toBe(1);
    expect(orderMessages(reference)).toBe(1);
  });

  it('the cashier stops waiting just after the card went through: the approval is never dropped, it pays the order (DESIGN §6 rule 6)', async () => {
    await till();
    sim.next({ kind: 'hold' });
    const { order, attempt, reference } = await pay();
    await until(() => sim.pending().length === 1, 'the terminal to show the sale');
    // Approved on the terminal, its push lost: only the close's refusal and the query reveal it.
    expect(sim.act(reference, 'approve', { redeliver: false })).toBe(true);
    await h.call('pos:tender.cancel', { attemptId: attempt.id });
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    const paid = await orderOf(order.id);
    expect(paid.status).toBe('completed');
    expect(paid.tenders).toHaveLength(1);
    expect(paid.tenders[0]).toMatchObject({ attemptId: attempt.id, amount: order.due });
    expect((await h.call('pos:payments.attention', {})).flagged.map((a) => a.id)).not.toContain(attempt.id);
    expect(sim.counts()).toMatchObject({ charges: 1, voids: 0, closes: 1 });
    expect(orderMessages(reference)).toBe(1);
  });
});

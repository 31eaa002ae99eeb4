/**
 * Pre-authorisation and capture through the engine (CodePay pre-auth + completion,
 * YabandPay authorisation + capture), and what a card sale can still change afterwards:
 * the tip (CodePay tip adjustment) and the terminal's end-of-day batch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  startCodepayTerminalSimulator,
  type CodepayTerminalSimulator,
} from '../../src-main/payments/codepay/codepay-simulator';
import {
  startYabandpaySimulator,
  type YabandpaySimulator,
} from '../../src-main/payments/yabandpay/yabandpay-simulator';
import { startHarness, type Harness } from '../support/core-harness';
import { until } from '../support/crash-helpers';

const APP_ID = 'countertop-test-app';
const CODEPAY_FAST = {
  pingIntervalMs: 50,
  reconnectInitialMs: 10,
  reconnectMaxMs: 40,
  queryIntervalMs: 20,
  saleTimeoutMs: 15_000,
};

describe('CodePay pre-auth, completion, tip adjustment and batch close', () => {
  let sim: CodepayTerminalSimulator;
  let h: Harness;
  afterEach(async () => {
    await h?.close();
    await sim?.close();
  });

  async function till() {
    sim = await startCodepayTerminalSimulator({ appId: APP_ID });
    h = await startHarness(
      { providers: { codepay: { appId: APP_ID, terminals: [{ name: 'Lane 1', url: sim.url }] } } },
      { providerTimings: { codepay: CODEPAY_FAST } },
    );
    await until(() => sim.openConnections() === 1, 'the till to connect');
  }

  it('a pre-auth holds the amount without paying the order; its completion pays it, once', async () => {
    await till();
    sim.next({ kind: 'approve' }, { kind: 'approve' });
    const order = await h.ringUp();
    const held = await h.call('pos:tender.start', {
      orderId: order.id,
      provider: 'codepay',
      amount: order.due + 500,
      preauth: true,
    });
    await h.attempt(held.id, (a) => a.state === 'approved');
    expect(sim.order(h.reference(held.id))).toMatchObject({ transType: '4' });
    const stillOpen = await h.call('pos:orders.get', { orderId: order.id });
    expect(stillOpen).toMatchObject({ status: 'open', due: order.due, tenders: [] });
    expect(stillOpen.attempts.find((a) => a.id === held.id)?.refundable).toBe(0);

    // Every capture takes money on a held card: without a manager it is refused, and it stays within the hold.
    await expect(h.call('pos:payments.capture', { attemptId: held.id, amount: order.due })).rejects.toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    await expect(
      h.call('pos:payments.capture', {
        attemptId: held.id,
        amount: order.due,
        tip: 501,
        approval: { managerId: 'demo-manager', pin: '987654' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(
      h.call('pos:payments.capture', {
        attemptId: held.id,
        amount: order.due + 500,
        approval: { managerId: 'demo-manager', pin: '987654' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    const capture = await h.call('pos:payments.capture', {
      attemptId: held.id,
      amount: order.due,
      approval: { managerId: 'demo-manager', pin: '987654' },
    });
    await h.attempt(capture.id, (a) => a.state === 'approved');
    expect(sim.order(h.reference(capture.id))).toMatchObject({
      transType: '6',
      origMerchantOrderNo: h.reference(held.id),
    });
    const paid = await h.call('pos:orders.get', { orderId: order.id });
    expect(paid.status).toBe('completed');
    expect(paid.tenders).toEqual([expect.objectContaining({ attemptId: capture.id, amount: order.due })]);
    await expect(
      h.call('pos:payments.capture', {
        attemptId: held.id,
        amount: 1,
        approval: { managerId: 'demo-manager', pin: '987654' },
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(sim.counts()).toMatchObject({ preauths: 1, completions: 1, charges: 0 });
  });

  it('voiding a held pre-auth cancels it on the terminal (trans_type 5)', async () => {
    await till();
    sim.next({ kind: 'approve' }, { kind: 'approve' });
    const order = await h.ringUp();
    const held = await h.call('pos:tender.start', {
      orderId: order.id,
      provider: 'codepay',
      amount: order.due,
      preauth: true,
    });
    await h.attempt(held.id, (a) => a.state === 'approved');
    const cancel = await h.call('pos:payments.void', {
      attemptId: held.id,
      reason: 'guest left',
      approval: { managerId: 'demo-manager', pin: '987654' },
      terminalAuthentication: false,
    });
    await h.attempt(cancel.id, (a) => a.state === 'approved');
    expect(sim.order(h.reference(cancel.id))).toMatchObject({ transType: '5' });
    expect((await h.call('pos:orders.get', { orderId: order.id })).attempts.find((a) => a.id === held.id)?.state).toBe(
      'voided',
    );
  });

  it('a tip is adjusted after the sale on the terminal and in the journal; the batch closes', async () => {
    await till();
    sim.next({ kind: 'approve' });
    const order = await h.ringUp();
    const sale = await h.call('pos:tender.start', { orderId: order.id, provider: 'codepay', amount: order.due });
    await h.attempt(sale.id, (a) => a.state === 'approved');
    // Within the store's limit (25 % of the sale) the cashier changes it; above, a manager approves; never more than the sale.
    const small = Math.floor(order.due / 10);
    expect((await h.call('pos:payments.adjustTip', { attemptId: sale.id, tip: small })).tip).toBe(small);
    const big = Math.floor(order.due / 2);
    await expect(h.call('pos:payments.adjustTip', { attemptId: sale.id, tip: big })).rejects.toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    await expect(
      h.call('pos:payments.adjustTip', {
        attemptId: sale.id,
        tip: order.due + 1,
        approval: { managerId: 'demo-manager', pin: '987654' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    const adjusted = await h.call('pos:payments.adjustTip', {
      attemptId: sale.id,
      tip: big,
      approval: { managerId: 'demo-manager', pin: '987654' },
    });
    expect(adjusted.tip).toBe(big);
    expect(sim.order(h.reference(sale.id))?.tip).toBe(big);
    expect((await h.call('pos:orders.get', { orderId: order.id })).tenders[0].tip).toBe(big);
    expect(h.events(sale.id).at(-1)?.cause).toMatch(new RegExp(`tip adjusted from ${small} to ${big}`));

    await expect(h.call('pos:terminals.batchClose', { name: 'Lane 1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
    const closed = await h.call('pos:terminals.batchClose', { name: 'Lane 1' });
    expect(closed.ok).toBe(true);
    // After the batch the terminal refuses tip changes, and the till says so.
    await expect(h.call('pos:payments.adjustTip', { attemptId: sale.id, tip: 300 })).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
    });
  });
});

describe('YabandPay authorisation and capture', () => {
  let sim: YabandpaySimulator;
  let h: Harness;
  afterEach(async () => {
    await h?.close();
    await sim?.close();
  });

  it('an authorisation holds the amount; its capture pays the order and counts one charge', async () => {
    sim = await startYabandpaySimulator({ secretKey: 'k', stepMs: 10 });
    h = await startHarness(
      {
        store: { name: 'Café', currency: 'EUR' },
        providers: {
          yabandpay: {
            baseUrl: sim.url,
            user: 'T1',
            secretKey: 'k',
            notifyUrl: 'https://pos.example.test/n',
            currency: 'EUR',
          },
        },
      },
      { providerTimings: { yabandpay: { pollIntervalMs: 10, pollWindowMs: 3_000, requestTimeoutMs: 2_000 } } },
    );
    sim.setOutcome('authorized');
    const order = await h.ringUp();
    const held = await h.call('pos:tender.start', {
      orderId: order.id,
      provider: 'yabandpay',
      amount: order.due,
      preauth: true,
    });
    await h.attempt(held.id, (a) => a.state === 'approved');
    expect((await h.call('pos:orders.get', { orderId: order.id })).status).toBe('open');
    expect(sim.stats().charges).toBe(0);
    const capture = await h.call('pos:payments.capture', {
      attemptId: held.id,
      amount: order.due,
      approval: { managerId: 'demo-manager', pin: '987654' },
    });
    await h.attempt(capture.id, (a) => a.state === 'approved');
    expect((await h.call('pos:orders.get', { orderId: order.id })).status).toBe('completed');
    expect(sim.stats()).toMatchObject({ charges: 1, captures: 1 });
  });
});

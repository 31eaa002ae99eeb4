/**
 * One ledger for money going back (issue 11), through the real core over real sockets: a
 * CodePay terminal simulator (WebSocket) and the IOTPay gateway simulator (HTTP, wallet codes).
 * Whatever screen a refund starts from, the money goes back once; a refund that never left
 * leaves nothing behind and a declined one releases what it held; tips and cash back are
 * money the ledger and the reports count; tip changes and captures need the right people.
 * Every test ends on amounts — the order's, the drawer's, and the simulator's own books.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderView } from '../../src-shared/domain';
import type { CoreOptions } from '../../src-main/core';
import {
  startCodepayTerminalSimulator,
  type CodepayTerminalSimulator,
} from '../../src-main/payments/codepay/codepay-simulator';
import { startIotpaySimulator, type IotpaySimulator } from '../../src-main/payments/iotpay/iotpay-simulator';
import { FAST_CODEPAY } from '../support/codepay-timing';
import { startHarness, type Harness } from '../support/core-harness';
import { demoCodes } from '../support/demo-codes';
import { until } from '../support/wait';

const APP_ID = 'countertop-ledger-app';
const MANAGER = { managerId: 'demo-manager', pin: '987654' };
const WECHAT = '134567890123456789';
/** Refused as money that is no longer there (whichever of the two the ledger names it), never sent. */
const NOTHING_LEFT = { code: expect.stringMatching(/^(CONFLICT|INVALID_PAYLOAD)$/) };
const IOTPAY_TIMINGS = {
  createTimeoutMs: 400,
  pollIntervalMs: 20,
  maxPolls: 6,
  queryTimeoutMs: 300,
  refundTimeoutMs: 400,
};

describe('the refund ledger through the core, a CodePay terminal and the IOTPay gateway', () => {
  let codepay: CodepayTerminalSimulator;
  let iotpay: IotpaySimulator;
  let h: Harness;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A till with CodePay "Lane 1" and IOTPay wallet codes, each against its simulator; the cashier's shift is open with 100.00. */
  async function till(options: Partial<CoreOptions> = {}): Promise<void> {
    codepay = await startCodepayTerminalSimulator({ appId: APP_ID });
    cleanups.push(() => codepay.close());
    iotpay = await startIotpaySimulator();
    cleanups.push(() => iotpay.close());
    h = await startHarness(
      {
        providers: {
          codepay: { appId: APP_ID, terminals: [{ name: 'Lane 1', url: codepay.url }] },
          iotpay: {
            baseUrl: iotpay.url,
            mchId: iotpay.mchId,
            loginName: 'lane1',
            key: iotpay.key,
            device: 'LANE-1',
            card: false,
          },
        },
      },
      { providerTimings: { codepay: FAST_CODEPAY, iotpay: { wallet: IOTPAY_TIMINGS } }, ...options },
    );
    cleanups.push(() => h.close());
    await until(() => codepay.openConnections() === 1, 'the till to connect to the terminal');
    await cashierIn();
    await h.call('pos:shift.open', { float: [{ denomination: 2000, count: 5 }] });
  }
  const cashierIn = () => h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });

  const orderOf = (orderId: string) => h.call('pos:orders.get', { orderId });
  const refundable = (orderId: string) => h.call('pos:refunds.refundable', { orderId });
  const refundsOf = (orderId: string) => h.call('pos:refunds.forOrder', { orderId });
  const expectedCash = async () => (await h.call('pos:shift.current', {}))!.expectedCash;
  const allLines = (order: OrderView) => order.lines.map((l) => ({ lineId: l.id, qtyMilli: l.qtyMilli }));
  const lineOf = (order: OrderView, index: number) => [
    { lineId: order.lines[index].id, qtyMilli: order.lines[index].qtyMilli },
  ];
  /** A line costs its net plus the taxes added on top. */
  const lineTotal = (order: OrderView, index: number) =>
    order.lines[index].net + order.lines[index].taxes.filter((t) => !t.inclusive).reduce((s, t) => s + t.amount, 0);

  /** The two demo items (5.34: water 1.29 + GST, orange juice 3.99) paid on the CodePay terminal. */
  async function payByCard(extra: { onScreenTip?: boolean; tip?: number } = {}) {
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', {
      orderId: order.id,
      provider: 'codepay',
      amount: order.due,
      ...extra,
    });
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    return { order: await orderOf(order.id), attempt, reference: h.reference(attempt.id) };
  }

  /** The same two items paid with a WeChat code through IOTPay. */
  async function payByWallet() {
    iotpay.setBehaviour('approve', { walletSteps: 1 });
    const order = await h.ringUp();
    await h.call('pos:cart.scan', { code: WECHAT, source: 'wedge' });
    const attempt = h.core.engine.viewsFor(order.id)[0];
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    return { order: await orderOf(order.id), attempt, reference: h.reference(attempt.id) };
  }

  it("1. a sale refunded twice: what went back from a payment's screen is not refundable from history, and the other way round", async () => {
    await till();
    const drawer = await expectedCash();

    // A CodePay sale voided from its payment screen, then the whole sale "refunded to cash" from history.
    const card = await payByCard();
    expect(card.order).toMatchObject({ status: 'completed', total: 534, due: 0 });
    const voiding = await h.call('pos:payments.void', {
      attemptId: card.attempt.id,
      reason: 'wrong card',
      approval: MANAGER,
    });
    await h.attempt(voiding.id, (a) => a.state === 'approved');
    expect(codepay.order(h.reference(voiding.id))).toMatchObject({
      transType: '2',
      status: '2',
      origMerchantOrderNo: card.reference,
    });
    await expect(
      h.call('pos:refunds.create', {
        orderId: card.order.id,
        lines: allLines(card.order),
        to: 'cash',
        reason: 'returned both',
        approval: MANAGER,
      }),
    ).rejects.toMatchObject(NOTHING_LEFT);
    expect(await refundable(card.order.id)).toMatchObject({ total: 0, tips: 0, reserved: 0, tenders: [] });
    expect((await orderOf(card.order.id)).refunded).toBe(534);
    expect((await refundsOf(card.order.id)).map((r) => [r.kind, r.amount, r.givenBack, r.status])).toEqual([
      ['void', 534, 534, 'completed'],
    ]);
    expect(await expectedCash()).toBe(drawer);
    expect(codepay.counts()).toMatchObject({ charges: 1, voids: 1, refunds: 0 });

    // A wallet sale refunded in full from its payment screen, then refunded to cash from history.
    const wallet = await payByWallet();
    const refunding = await h.call('pos:payments.refund', {
      attemptId: wallet.attempt.id,
      amount: 534,
      reason: 'returned both',
      approval: MANAGER,
    });
    await h.attempt(refunding.id, (a) => a.state === 'approved');
    await expect(
      h.call('pos:refunds.create', {
        orderId: wallet.order.id,
        lines: allLines(wallet.order),
        to: 'cash',
        reason: 'returned both',
        approval: MANAGER,
      }),
    ).rejects.toMatchObject(NOTHING_LEFT);
    await expect(
      h.call('pos:refunds.create', {
        orderId: wallet.order.id,
        amount: 100,
        lines: [],
        to: 'cash',
        reason: 'goodwill',
        approval: MANAGER,
      }),
    ).rejects.toMatchObject(NOTHING_LEFT);
    expect(await refundable(wallet.order.id)).toMatchObject({ total: 0, tips: 0, reserved: 0, tenders: [] });
    expect((await orderOf(wallet.order.id)).refunded).toBe(534);
    expect(await expectedCash()).toBe(drawer);
    expect(iotpay.refunds()).toBe(1);
    expect(iotpay.order(wallet.reference)?.refundable).toBe(0);

    // The other way round: a sourdough loaf (5.50, no tax: exact in nickels) paid by card, refunded
    // to cash from history; the card payment's own refund and void are then refused.
    await cashierIn();
    const loaf = demoCodes(h.core.journal.db).plain.find((p) => p.name === 'Sourdough loaf')!;
    const bread = (await h.call('pos:cart.scan', { code: loaf.barcode, source: 'wedge' })).order;
    expect(bread.due).toBe(550);
    const sale = await h.call('pos:tender.start', { orderId: bread.id, provider: 'codepay', amount: 550 });
    await h.attempt(sale.id, (a) => a.state === 'approved');
    const paid = await orderOf(bread.id);
    const cashRefund = await h.call('pos:refunds.create', {
      orderId: bread.id,
      lines: allLines(paid),
      to: 'cash',
      reason: 'returned the loaf',
      approval: MANAGER,
    });
    expect(cashRefund).toMatchObject({
      kind: 'refund',
      amount: 550,
      givenBack: 550,
      status: 'completed',
      tenders: [expect.objectContaining({ kind: 'cash', via: 'drawer', amount: 550 })],
    });
    expect(await expectedCash()).toBe(drawer - 550);
    await expect(
      h.call('pos:payments.refund', {
        attemptId: sale.id,
        amount: 550,
        reason: 'returned the loaf',
        approval: MANAGER,
      }),
    ).rejects.toMatchObject(NOTHING_LEFT);
    await expect(
      h.call('pos:payments.refund', { attemptId: sale.id, amount: 1, reason: 'one cent more', approval: MANAGER }),
    ).rejects.toMatchObject(NOTHING_LEFT);
    await expect(
      h.call('pos:payments.void', { attemptId: sale.id, reason: 'wrong card', approval: MANAGER }),
    ).rejects.toMatchObject(NOTHING_LEFT);
    expect(await refundable(bread.id)).toMatchObject({ total: 0, tips: 0, tenders: [] });
    expect((await orderOf(bread.id)).refunded).toBe(550);
    expect(await expectedCash()).toBe(drawer - 550);
    expect(codepay.counts()).toMatchObject({ charges: 2, voids: 1, refunds: 0 });
  });

  it('2. no orphan: a refund refused before it is sent leaves no record; a declined one releases what it held and a retry goes through', async () => {
    // The engine re-checks a lost reply only after 30 s: until the restart below, the first refund stays in flight.
    await till({ backoffMs: [30_000] });
    const { order, attempt, reference } = await payByWallet();
    const water = lineTotal(order, 0);
    const juice = lineTotal(order, 1);
    expect(water + juice).toBe(534);

    // A first refund from the payment screen: IOTPay refunds it but the reply is lost, so the till does not know yet.
    iotpay.setRefundFault('drop-connection');
    const first = await h.call('pos:payments.refund', {
      attemptId: attempt.id,
      amount: water,
      reason: 'water returned',
      approval: MANAGER,
    });
    await h.attempt(first.id, (a) => a.state === 'unknown');
    const inFlight = await refundable(order.id);
    expect(inFlight).toMatchObject({ total: juice, reserved: water });
    const records = await refundsOf(order.id);
    expect(records.map((r) => [r.amount, r.status])).toEqual([[water, 'pending']]);

    // A history refund of the same payment meanwhile is refused before anything is written or sent.
    await expect(
      h.call('pos:refunds.create', {
        orderId: order.id,
        lines: lineOf(order, 1),
        to: 'original',
        reason: 'juice returned',
        approval: MANAGER,
      }),
    ).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
    expect(await refundsOf(order.id)).toEqual(records);
    expect(await refundable(order.id)).toEqual(inFlight);
    expect((await orderOf(order.id)).refunded).toBe(0);
    expect(iotpay.refunds()).toBe(1);

    // The till restarts and checks the lost reply: the first refund went through, once.
    await h.reopen();
    await cashierIn();
    await h.attempt(first.id, (a) => a.state === 'approved');
    const before = await refundable(order.id);
    expect(before).toMatchObject({ total: juice, reserved: 0 });
    expect((await orderOf(order.id)).refunded).toBe(water);

    // IOTPay refuses the next refund (the gateway's key changed): declined, and what it held is released.
    const key = iotpay.key;
    iotpay.setMerchantKey('rotated-at-the-gateway');
    const refused = await h.call('pos:refunds.create', {
      orderId: order.id,
      lines: lineOf(order, 1),
      to: 'original',
      reason: 'juice returned',
      approval: MANAGER,
    });
    expect(refused).toMatchObject({
      amount: juice,
      tenders: [expect.objectContaining({ via: 'provider', amount: juice })],
    });
    await h.attempt(refused.tenders[0].attemptId!, (a) => a.state === 'declined');
    expect((await refundsOf(order.id)).find((r) => r.id === refused.id)).toMatchObject({
      status: 'failed',
      givenBack: 0,
    });
    expect(await refundable(order.id)).toEqual(before);
    expect((await orderOf(order.id)).refunded).toBe(water);
    expect(iotpay.refunds()).toBe(1);

    // The key is right again: the same refund is accepted and approved.
    iotpay.setMerchantKey(key);
    const retry = await h.call('pos:refunds.create', {
      orderId: order.id,
      lines: lineOf(order, 1),
      to: 'original',
      reason: 'juice returned',
      approval: MANAGER,
    });
    await h.attempt(retry.tenders[0].attemptId!, (a) => a.state === 'approved');
    expect((await refundsOf(order.id)).find((r) => r.id === retry.id)).toMatchObject({
      status: 'completed',
      givenBack: juice,
    });
    expect(await refundable(order.id)).toMatchObject({ total: 0, reserved: 0, tenders: [] });
    expect((await orderOf(order.id)).refunded).toBe(534);
    expect(iotpay.refunds()).toBe(2);
    expect(iotpay.order(reference)?.refundable).toBe(0);
  });

  it('3. tips are refundable: all lines plus the tip go back to the card, the terminal refunds goods + tip', async () => {
    await till();
    codepay.next({ kind: 'approve', tip: 300 });
    const { order, attempt, reference } = await payByCard({ onScreenTip: true });
    expect(order.tenders).toEqual([
      expect.objectContaining({ kind: 'card', amount: 534, tip: 300, attemptId: attempt.id }),
    ]);
    expect(await refundable(order.id)).toMatchObject({
      total: 534,
      tips: 300,
      reserved: 0,
      tenders: [expect.objectContaining({ attemptId: attempt.id, refundable: 834, tip: 300, viaProvider: true })],
    });
    await expect(
      h.call('pos:refunds.create', {
        orderId: order.id,
        lines: allLines(order),
        tip: 301,
        to: 'original',
        reason: 'too much tip',
        approval: MANAGER,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });

    const refund = await h.call('pos:refunds.create', {
      orderId: order.id,
      lines: allLines(order),
      tip: 300,
      to: 'original',
      reason: 'all returned',
      approval: MANAGER,
    });
    expect(refund).toMatchObject({
      kind: 'refund',
      amount: 834,
      tip: 300,
      tenders: [expect.objectContaining({ kind: 'card', via: 'provider', amount: 834, tip: 300 })],
    });
    const refundAttempt = refund.tenders[0].attemptId!;
    await h.attempt(refundAttempt, (a) => a.state === 'approved');
    expect(codepay.order(h.reference(refundAttempt))).toMatchObject({
      transType: '3',
      status: '2',
      amount: 834,
      origMerchantOrderNo: reference,
    });
    await h.attempt(attempt.id, (a) => a.state === 'refunded');

    const after = await orderOf(order.id);
    expect(after.refunded).toBe(after.tenders[0].amount + after.tenders[0].tip);
    expect(after.refunded).toBe(834);
    expect(await refundable(order.id)).toMatchObject({ total: 0, tips: 0, reserved: 0, tenders: [] });
    expect((await refundsOf(order.id)).map((r) => [r.amount, r.tip, r.givenBack, r.status])).toEqual([
      [834, 300, 834, 'completed'],
    ]);
    const x = await h.call('pos:reports.x', {});
    expect(x.sales).toMatchObject({ tips: 300, tipsRefunded: 300, refunds: 534 });
    expect(codepay.counts()).toMatchObject({ charges: 1, refunds: 1 });
  });

  it('4. CodePay cash back: over the limit a manager approves; the card takes goods + tip + cash back, the drawer hands it out', async () => {
    await till();
    const order = await h.ringUp();
    const drawer = await expectedCash();
    expect(drawer).toBe(10_000);
    const asked = { orderId: order.id, provider: 'codepay', amount: order.due, tip: 100, cashback: 6000 };

    // 60.00 is over the store's 50.00 limit: without a manager nothing reaches the terminal.
    await expect(h.call('pos:tender.start', asked)).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    expect(codepay.counts().orderMessages).toEqual({});
    const attempt = await h.call('pos:tender.start', {
      ...asked,
      reason: 'customer asked for cash',
      approval: MANAGER,
    });
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    const reference = h.reference(attempt.id);
    expect(codepay.order(reference)).toMatchObject({ transType: '11', status: '2', amount: 534, tip: 100 });

    const paid = await orderOf(order.id);
    expect(paid.status).toBe('completed');
    expect(paid.tenders).toEqual([
      expect.objectContaining({ kind: 'card', amount: 534 + 6000, tip: 100, cashback: 6000, attemptId: attempt.id }),
      expect.objectContaining({ kind: 'cash', label: 'Cash back', amount: -6000 }),
    ]);
    expect(await expectedCash()).toBe(drawer - 6000);
    // The drawer opened to hand the cash out, and that opening is audited.
    const kicks = () =>
      (
        h.core.journal.db.prepare("SELECT detail FROM audit WHERE action = 'drawer.open'").pluck().all() as string[]
      ).map((d) => JSON.parse(d) as { reason: string; amount?: number });
    await until(() => kicks().some((k) => k.reason === 'cashback'), 'the drawer kick for the cash back');
    expect(kicks().filter((k) => k.reason === 'cashback')).toEqual([
      expect.objectContaining({ reason: 'cashback', amount: 6000 }),
    ]);

    const x = await h.call('pos:reports.x', {});
    expect(x.cash).toMatchObject({ float: 10_000, cashback: 6000, expected: drawer - 6000 });
    expect(x.sales).toMatchObject({ tips: 100, cashback: 6000 });
    const group = x.tenders.find((t) => /CodePay/.test(t.label))!;
    expect(group).toMatchObject({
      count: 1,
      amount: 534 + 100 + 6000,
      tips: 100,
      cashback: 6000,
      refunded: 0,
      net: 6634,
    });

    // The terminal's own books: its batch total is what the card was charged, goods + tip + cash back.
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
    const batch = await h.call('pos:terminals.batchClose', { name: 'Lane 1' });
    expect(batch).toMatchObject({ ok: true, message: 'Batch closed: 1 transaction, net 66.34 CAD' });
    expect(group.amount).toBe(6634);
  });

  it('5. tip changes and captures are protected: bounded by the sale, over 25 % a manager, every capture a manager', async () => {
    await till();
    const { order, attempt, reference } = await payByCard();
    expect(order.tenders[0]).toMatchObject({ amount: 534, tip: 0 });

    // 500.00 of tip on a 5.34 sale: refused for the cashier, and still refused with a manager (more than the sale).
    await expect(h.call('pos:payments.adjustTip', { attemptId: attempt.id, tip: 50_000 })).rejects.toMatchObject({
      code: expect.stringMatching(/^(APPROVAL_REQUIRED|INVALID_PAYLOAD)$/),
    });
    await expect(
      h.call('pos:payments.adjustTip', { attemptId: attempt.id, tip: 50_000, approval: MANAGER }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(codepay.order(reference)?.tip).toBe(0);
    // Up to 25 % of the sale (1.33) the cashier changes it; 2.00 needs a manager.
    expect((await h.call('pos:payments.adjustTip', { attemptId: attempt.id, tip: 100 })).tip).toBe(100);
    await expect(h.call('pos:payments.adjustTip', { attemptId: attempt.id, tip: 200 })).rejects.toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    expect(codepay.order(reference)?.tip).toBe(100);
    expect(
      (
        await h.call('pos:payments.adjustTip', {
          attemptId: attempt.id,
          tip: 200,
          reason: 'generous',
          approval: MANAGER,
        })
      ).tip,
    ).toBe(200);
    expect(codepay.order(reference)?.tip).toBe(200);
    expect((await orderOf(order.id)).tenders[0]).toMatchObject({ amount: 534, tip: 200 });

    // A pre-authorisation holds 10.34; every capture needs a manager, and capture + tip stay within the hold.
    codepay.next({ kind: 'approve' }, { kind: 'approve' });
    const second = await h.ringUp();
    const held = await h.call('pos:tender.start', {
      orderId: second.id,
      provider: 'codepay',
      amount: second.due + 500,
      preauth: true,
    });
    await h.attempt(held.id, (a) => a.state === 'approved');
    expect(codepay.order(h.reference(held.id))).toMatchObject({ transType: '4', amount: 1034 });
    const messages = () => Object.keys(codepay.counts().orderMessages).length;
    const sent = messages();
    await expect(h.call('pos:payments.capture', { attemptId: held.id, amount: second.due })).rejects.toMatchObject({
      code: 'APPROVAL_REQUIRED',
    });
    await expect(
      h.call('pos:payments.capture', { attemptId: held.id, amount: second.due, tip: 501, approval: MANAGER }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(messages()).toBe(sent);
    expect((await orderOf(second.id)).tenders).toEqual([]);
    const capture = await h.call('pos:payments.capture', {
      attemptId: held.id,
      amount: second.due,
      tip: 500,
      reason: 'table 4',
      approval: MANAGER,
    });
    await h.attempt(capture.id, (a) => a.state === 'approved');
    expect(codepay.order(h.reference(capture.id))).toMatchObject({
      transType: '6',
      amount: 534,
      tip: 500,
      origMerchantOrderNo: h.reference(held.id),
    });
    const captured = await orderOf(second.id);
    expect(captured.status).toBe('completed');
    expect(captured.tenders).toEqual([expect.objectContaining({ attemptId: capture.id, amount: 534, tip: 500 })]);
    expect(codepay.counts()).toMatchObject({ charges: 1, preauths: 1, completions: 1 });

    // A tip keyed when the payment starts follows the same rules: never more than the sale, a manager above 25 %.
    const third = await h.ringUp();
    const before = Object.keys(codepay.counts().orderMessages).length;
    await expect(
      h.call('pos:tender.start', {
        orderId: third.id,
        provider: 'codepay',
        amount: third.due,
        tip: 50_000,
        approval: MANAGER,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(
      h.call('pos:tender.start', {
        orderId: third.id,
        provider: 'codepay',
        amount: third.due,
        tip: Math.ceil(third.due / 2),
      }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    expect(Object.keys(codepay.counts().orderMessages).length).toBe(before);
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startIotpaySimulator, type IotpaySimulator } from '../../src-main/payments/iotpay/iotpay-simulator';
import { startHarness, type Harness } from '../support/core-harness';
import { demoCodes } from '../support/demo-codes';

const PAX = 'iotpay-pax';
const TIMINGS = {
  iotpay: {
    pax: { createTimeoutMs: 400, queryIntervalMs: 20, queryWindowMs: 300, queryTimeoutMs: 300 },
    wallet: { createTimeoutMs: 400, pollIntervalMs: 20, maxPolls: 10, queryTimeoutMs: 300, refundTimeoutMs: 400 },
  },
};

describe('payment engine with IOTPay CC_PAX over real HTTP', () => {
  let sim: IotpaySimulator;
  let h: Harness;

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
            device: 'PAX-1',
            wallet: true,
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

  it('approve: the attempt is journaled before sending, the order completes, the receipt has the card block', async () => {
    sim.setBehaviour('approve', { cardMs: 30 });
    const order = await h.ringUp();
    const started = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    // The attempt as it is when the call returns: sent, or already waiting for the card.
    expect(['sending', 'pending']).toContain(started.state);
    const approved = await h.attempt(started.id, (a) => a.state === 'approved');
    expect(approved.card).toMatchObject({ maskedPan: '**** 1166', authCode: expect.any(String) });
    const states = h.events(started.id).map((e) => e.to_state);
    expect(states.slice(0, 2)).toEqual(['created', 'sending']);
    expect(states.at(-1)).toBe('approved');
    expect(states.filter((s) => s === 'approved')).toHaveLength(1);
    const completed = await h.call('pos:orders.get', { orderId: order.id });
    expect(completed.status).toBe('completed');
    expect(completed.tenders[0]).toMatchObject({ kind: 'card', amount: order.due, attemptId: started.id });
    const receipt = await h.call('pos:orders.receipt', { orderId: order.id, copy: false });
    expect(receipt.tenders[0].card?.maskedPan).toBe(approved.card?.maskedPan);
    expect(JSON.stringify(receipt)).not.toMatch(/expire/i);
    expect(sim.charges()).toBe(1);
    expect(sim.createOrderCalls(h.reference(started.id))).toBe(1);
  });

  it("a full card number in the terminal's free text never reaches the outcome, the journal files or the receipt", async () => {
    const pan = '4111111111111111';
    sim.setBehaviour('decline', { cardMs: 10, receiptDisp: `DECLINED CARD ${pan} CALL ISSUER`, cardNum: pan });
    sim.setBehaviour('approve', { cardMs: 10, receiptDisp: `APPROVED 4111 1111 1111 1111 THANK YOU`, cardNum: pan });
    const order = await h.ringUp();
    const first = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    const declined = await h.attempt(first.id, (a) => a.state === 'declined');
    expect(declined.message).toContain('DECLINED CARD **** 1111 CALL ISSUER');
    const second = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    const approved = await h.attempt(second.id, (a) => a.state === 'approved');
    expect(approved.card).toMatchObject({ maskedPan: '**** 1111', responseText: 'APPROVED **** 1111 THANK YOU' });
    const receipt = await h.call('pos:orders.receipt', { orderId: order.id, copy: false });
    for (const shown of [declined, approved, receipt])
      expect(JSON.stringify(shown)).not.toMatch(/4111 ?1111 ?1111 ?1111/);
    // Nothing on disk holds the full number: not the database, not its write-ahead log.
    const dataDir = join(h.dir, 'data');
    for (const file of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, file));
      expect(bytes.includes(pan), file).toBe(false);
      expect(bytes.includes('4111 1111 1111 1111'), file).toBe(false);
    }
  });

  it('refuses an on-screen tip or cash back the terminal cannot do, before anything is journaled or sent', async () => {
    const order = await h.ringUp();
    await expect(
      h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due, onScreenTip: true }),
    ).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
      field: 'onScreenTip',
      message: 'Card (IOTPay terminal) cannot let the customer choose a tip on its terminal.',
    });
    await expect(
      h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due, cashback: 500 }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', field: 'cashback' });
    // With a tip that needs a manager too, the refusal still comes first: no PIN is asked for a payment that cannot be.
    const bigTip = Math.ceil(order.due / 2);
    await expect(
      h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due, tip: bigTip, cashback: 500 }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', field: 'cashback' });
    await expect(
      h.call('pos:tender.start', {
        orderId: order.id,
        provider: PAX,
        amount: order.due,
        tip: bigTip,
        onScreenTip: true,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', field: 'onScreenTip' });
    expect((await h.call('pos:orders.get', { orderId: order.id })).attempts).toEqual([]);
    expect(sim.charges()).toBe(0);
  });

  it('decline: the reason is shown, the order stays open, and a second card attempt can pay it', async () => {
    sim.setBehaviour('decline', { cardMs: 10 });
    sim.setBehaviour('approve', { cardMs: 10 });
    const order = await h.ringUp();
    const first = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    const declined = await h.attempt(first.id, (a) => a.state === 'declined');
    expect(declined.message).toContain('Not Completed');
    expect((await h.call('pos:orders.get', { orderId: order.id })).status).toBe('open');
    const second = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    await h.attempt(second.id, (a) => a.state === 'approved');
    expect((await h.call('pos:orders.get', { orderId: order.id })).status).toBe('completed');
    expect(sim.charges()).toBe(1);
    expect(sim.createOrderCalls(h.reference(first.id))).toBe(1);
    expect(sim.createOrderCalls(h.reference(second.id))).toBe(1);
  });

  it('timeout then late success: resolved by query, never a second create_order', async () => {
    sim.setBehaviour('timeout-then-success', { paidAtQuery: 3 });
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect(sim.createOrderCalls(h.reference(attempt.id))).toBe(1);
    expect(sim.queryCalls(h.reference(attempt.id))).toBeGreaterThanOrEqual(3);
    expect(sim.charges()).toBe(1);
    expect((await h.call('pos:orders.get', { orderId: order.id })).status).toBe('completed');
  });

  it.each(['bad-signature', 'server-error', 'malformed-json', 'drop-connection', 'already-paid'] as const)(
    '%s reply: the attempt is not trusted, queried, and approved once',
    async (fault) => {
      sim.setBehaviour(fault, { cardMs: 10 });
      const order = await h.ringUp();
      const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
      const approved = await h.attempt(attempt.id, (a) => a.state === 'approved');
      expect(approved.state).toBe('approved');
      expect(h.events(attempt.id).some((e) => e.to_state === 'approved')).toBe(true);
      expect(sim.createOrderCalls(h.reference(attempt.id))).toBe(1);
      expect(sim.charges()).toBe(1);
    },
  );

  it('0113 "already paid" for another amount (another till\'s charge under the same key) is flagged, never taken as this sale', async () => {
    const order = await h.ringUp();
    sim.setBehaviour('already-paid', { paidAmount: order.due + 500 });
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    const reference = h.reference(attempt.id);
    for (
      let i = 0;
      i < 200 && !(await h.call('pos:payments.attention', {})).flagged.some((a) => a.id === attempt.id);
      i += 1
    )
      await new Promise((r) => setTimeout(r, 10));
    expect((await h.call('pos:payments.attention', {})).flagged.map((a) => a.id)).toContain(attempt.id);
    expect(h.core.engine.attempt(attempt.id)?.state).not.toBe('approved');
    const still = await h.call('pos:orders.get', { orderId: order.id });
    expect(still).toMatchObject({ status: 'open', due: order.due });
    expect(still.tenders).toHaveLength(0);
    expect(sim.createOrderCalls(reference)).toBe(1);
  });

  it('0113 "already paid" read back by queries that do not state the amount is never taken as this sale, not even by later checks', async () => {
    const order = await h.ringUp();
    // The vendor's query_order reply lists status, channelOrderNo and paySuccTime, not the amount.
    sim.setBehaviour('already-paid', { queryWithoutAmount: true });
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    const reference = h.reference(attempt.id);
    for (
      let i = 0;
      i < 200 && !(await h.call('pos:payments.attention', {})).flagged.some((a) => a.id === attempt.id);
      i += 1
    )
      await new Promise((r) => setTimeout(r, 10));
    expect(h.core.engine.attempt(attempt.id)).toMatchObject({ state: 'unknown', needsAttention: 'readback-mismatch' });
    // The engine's own re-checks (no 0113 in sight any more) still refuse it.
    const queries = sim.queryCalls(reference);
    for (let i = 0; i < 300 && sim.queryCalls(reference) < queries + 2; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    expect(sim.queryCalls(reference)).toBeGreaterThanOrEqual(queries + 2);
    expect(h.core.engine.attempt(attempt.id)?.state).toBe('unknown');
    const still = await h.call('pos:orders.get', { orderId: order.id });
    expect(still).toMatchObject({ status: 'open', due: order.due });
    expect(still.tenders).toHaveLength(0);
    expect(sim.createOrderCalls(reference)).toBe(1);
  });

  it('stuck pending: the attempt stays unknown, keeps being queried, blocks cash and new cards, and only a manager with evidence settles it', async () => {
    sim.setBehaviour('stuck-pending');
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    const unknown = await h.attempt(attempt.id, (a) => a.state === 'unknown');
    expect(unknown.nextCheckAt).not.toBeNull();
    const reference = h.reference(attempt.id);
    const queriesBefore = sim.queryCalls(reference);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(sim.queryCalls(reference)).toBeGreaterThan(queriesBefore);
    await expect(h.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue })).rejects.toMatchObject({
      code: 'PAYMENT_IN_PROGRESS',
    });
    await expect(
      h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due }),
    ).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
    expect((await h.call('pos:payments.attention', {})).unresolved.map((a) => a.id)).toContain(attempt.id);

    await expect(
      h.call('pos:payments.settle', {
        attemptId: attempt.id,
        outcome: 'declined',
        evidence: 'terminal slip 0042 says NOT COMPLETED',
        reason: 'customer card declined on slip',
        approval: { managerId: 'demo-cashier', pin: '1234' },
      }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    const settled = await h.call('pos:payments.settle', {
      attemptId: attempt.id,
      outcome: 'declined',
      evidence: 'terminal slip 0042 says NOT COMPLETED',
      reason: 'customer card declined on slip',
      approval: { managerId: 'demo-manager', pin: '987654' },
    });
    expect(settled.state).toBe('declined');
    const audit = h.core.journal.db
      .prepare(
        "SELECT action, user_id FROM audit WHERE action IN ('approval', 'approval.refused', 'payment.settled') ORDER BY seq",
      )
      .all();
    expect(audit).toEqual([
      { action: 'approval.refused', user_id: 'demo-cashier' },
      { action: 'approval', user_id: 'demo-manager' },
      { action: 'payment.settled', user_id: 'demo-manager' },
    ]);
    expect(sim.createOrderCalls(reference)).toBe(1);
    expect(sim.charges()).toBe(0);
    const paid = await h.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue });
    expect(paid.completed).toBe(true);
  });

  it('while the card is at the terminal the items cannot change under it', async () => {
    sim.setBehaviour('slow-card', { cardMs: 400 });
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    const codes = demoCodes(h.core.journal.db);
    await expect(h.call('pos:cart.scan', { code: codes.plain[3].barcode, source: 'wedge' })).rejects.toMatchObject({
      code: 'PAYMENT_IN_PROGRESS',
    });
    await expect(h.call('pos:cart.setQuantity', { lineId: order.lines[0].id, qtyMilli: 5000 })).rejects.toMatchObject({
      code: 'PAYMENT_IN_PROGRESS',
    });
    await expect(
      h.call('pos:cart.cancel', { reason: 'changed mind', approval: { managerId: 'demo-manager', pin: '987654' } }),
    ).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    const paid = await h.call('pos:orders.get', { orderId: order.id });
    expect(paid).toMatchObject({ status: 'completed', total: order.total });
    expect(paid.lines.map((l) => l.qtyMilli)).toEqual(order.lines.map((l) => l.qtyMilli));
  });

  it('one attempt in flight per terminal', async () => {
    sim.setBehaviour('slow-card', { cardMs: 300 });
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: 100 });
    await expect(h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: 100 })).rejects.toMatchObject({
      code: 'PAYMENT_IN_PROGRESS',
    });
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    const rest = await h.call('pos:orders.get', { orderId: order.id });
    expect(rest.due).toBe(order.due - 100);
    expect(sim.charges()).toBe(1);
  });

  it('after a restart, an attempt left unknown is reconciled by query before new tenders, and the order completes', async () => {
    sim.setBehaviour('timeout-then-success', { lateMs: 1_200, paidAtQuery: 10_000 });
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    await h.attempt(attempt.id, (a) => a.state === 'unknown');
    const reference = h.reference(attempt.id);
    await h.core.close();
    // The gateway records the payment while the till is closed.
    for (let i = 0; i < 100 && (sim.order(reference)?.status ?? 0) < 2; i += 1)
      await new Promise((r) => setTimeout(r, 50));
    expect(sim.order(reference)!.status).toBeGreaterThanOrEqual(2);
    await h.reopen();
    expect(h.core.engine.reconciled).toBe(true);
    const row = h.core.journal.db.prepare('SELECT state FROM payment_attempts WHERE id = ?').get(attempt.id) as {
      state: string;
    };
    expect(row.state).toBe('approved');
    expect(h.events(attempt.id).map((e) => e.cause)).toContain('reconciled at start');
    await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    expect((await h.call('pos:orders.get', { orderId: order.id })).status).toBe('completed');
    expect(sim.createOrderCalls(reference)).toBe(1);
    expect(sim.charges()).toBe(1);
  });
});

describe('an IOTPay till set up wrong, through the payment engine', () => {
  let sim: IotpaySimulator;
  let h: Harness;
  afterEach(async () => {
    await h.close();
    await sim.close();
  });

  it('the wrong merchant key: the cashier reads it in one sentence, nothing is charged, the order stays open', async () => {
    sim = await startIotpaySimulator({ key: 'the-gateway-key' });
    const lines: string[] = [];
    h = await startHarness(
      {
        providers: {
          iotpay: {
            baseUrl: sim.url,
            mchId: sim.mchId,
            loginName: 'lane1',
            key: 'an-old-key',
            device: 'PAX-1',
            wallet: false,
          },
        },
      },
      { providerTimings: TIMINGS, log: { info: (line: string) => lines.push(line), error: () => undefined } },
    );
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: PAX, amount: order.due });
    const declined = await h.attempt(attempt.id, (a) => a.state === 'declined');
    expect(declined.message).toContain(
      'The IOTPay merchant key set on this till is wrong: IOTPay refused the signature. Nothing was charged.',
    );
    expect(sim.order(h.reference(attempt.id))).toBeNull();
    expect(sim.charges()).toBe(0);
    expect((await h.call('pos:orders.get', { orderId: order.id })).status).toBe('open');
    expect(lines.join('\n')).not.toContain('an-old-key');
  });
});

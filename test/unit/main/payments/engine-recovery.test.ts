/**
 * Issue 10 items 5 and 7 on the engine side: back-off counts real queries only, the first
 * re-check of an unknown attempt comes after backoffMs[0], timers are relative (a wall clock
 * stepped back does not stretch them), a link that comes back re-queries at once, strangers'
 * answers are kept and never applied, and a crash is recovered by querying, never by a second
 * start (DESIGN.md §6 rules 2, 3, 7 and 8).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { oneProvider, startEngineHarness, type EngineHarness } from '../../../support/engine-harness';
import { CAPABILITY_SETS, answer } from '../../../support/scripted-provider';

let h: EngineHarness;
afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
});

/** Only the engine's timers are faked: promises and setImmediate (flush) stay real. */
function fakeEngineTimers(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
}

async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await h.flush();
}

describe('back-off', () => {
  it('progress reports never push the next check out', async () => {
    h = startEngineHarness({
      providers: oneProvider({ id: 'yabandpay', capabilities: CAPABILITY_SETS.yabandpay }),
      backoffMs: [40, 60_000],
    });
    await h.engine.reconcile();
    const provider = h.provider('yabandpay');
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'yabandpay');
    for (const step of [
      'Scan the code',
      'Customer confirming',
      'Customer confirming',
      'Waiting for the bank',
      'Still waiting',
    ])
      provider.progress(sale.call, step);
    await h.flush();
    provider.release(sale.call, answer.unknown({ message: 'Reply lost' }));
    await h.flush();
    await vi.waitFor(() => expect(provider.calls('query')).toHaveLength(1), { timeout: 2_000, interval: 5 });
  });

  it('the first re-check of an unknown attempt comes after backoffMs[0], and each later one after the next delay, counted in real queries', async () => {
    fakeEngineTimers();
    h = startEngineHarness({
      providers: oneProvider({ id: 'iotpay-pax', capabilities: CAPABILITY_SETS.iotpayPax }),
      backoffMs: [1_000, 5_000, 20_000],
    });
    await h.engine.reconcile();
    const provider = h.provider('iotpay-pax');
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'iotpay-pax');
    provider.progress(sale.call, 'Present card');
    provider.progress(sale.call, 'PIN entry');
    provider.release(sale.call, answer.unknown());
    await h.flush();

    for (const delay of [1_000, 5_000, 20_000, 20_000]) {
      await advance(delay - 1);
      expect(provider.calls('query')).toHaveLength(0);
      await advance(1);
      expect(provider.calls('query')).toHaveLength(1);
      provider.release(provider.calls('query')[0], answer.pending());
      await h.flush();
    }
    expect(provider.history('query')).toHaveLength(4);
  });

  it('an injected wall clock stepped back an hour does not delay the re-check', async () => {
    fakeEngineTimers();
    let wall = Date.parse('2026-03-29T10:00:00Z');
    h = startEngineHarness({
      providers: oneProvider({ id: 'iotpay-pax', capabilities: CAPABILITY_SETS.iotpayPax }),
      backoffMs: [2_000, 5_000],
      now: () => new Date(wall),
    });
    await h.engine.reconcile();
    const provider = h.provider('iotpay-pax');
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'iotpay-pax');
    provider.release(sale.call, answer.unknown());
    await h.flush();
    wall -= 3_600_000;
    await advance(2_000);
    expect(provider.calls('query')).toHaveLength(1);
    provider.release(provider.calls('query')[0], answer.unknown());
    await h.flush();
    wall -= 3_600_000;
    await advance(5_000);
    expect(provider.calls('query')).toHaveLength(1);
    // And a settle is not refused meanwhile (item 7: "settle refused throughout").
    await h.engine.settle({
      attemptId: sale.id,
      outcome: 'declined',
      evidence: 'no slip',
      reason: 'terminal shows nothing',
      managerId: 'manager-1',
    });
    expect(h.row(sale.id).state).toBe('declined');
  });
});

describe('provider events', () => {
  it('a link that comes back re-queries at once every unresolved attempt of that terminal, and only of that terminal', async () => {
    h = startEngineHarness({
      providers: oneProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay }),
      backoffMs: [60_000],
    });
    await h.engine.reconcile();
    const provider = h.provider('codepay');
    const onLane1 = h.startSale(h.openOrder(1_000), 'codepay', { terminal: 'lane-1' });
    const onLane2 = h.startSale(h.openOrder(2_000), 'codepay', { terminal: 'lane-2' });
    provider.release(onLane1.call, answer.unknown({ message: 'Link lost' }));
    provider.release(onLane2.call, answer.unknown({ message: 'Link lost' }));
    await h.flush();
    expect(provider.calls('query')).toHaveLength(0);

    h.engine.eventsFor('codepay').linkRestored('lane-1');
    await h.flush();
    expect(provider.calls('query').map((c) => c.attempt.id)).toEqual([onLane1.id]);
    provider.release(provider.calls('query')[0], answer.approved(onLane1.call.attempt));
    await h.flush();
    expect(h.row(onLane1.id).state).toBe('approved');
    expect(h.row(onLane2.id).state).toBe('unknown');
  });

  it("an answer with someone else's keys is kept, audited and listed, and never touches an attempt", async () => {
    h = startEngineHarness({
      providers: oneProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay }),
      backoffMs: [60_000],
    });
    await h.engine.reconcile();
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'codepay', { terminal: 'lane-1' });
    h.provider('codepay').progress(sale.call, 'Present card');
    await h.flush();
    const before = h.row(sale.id);
    const auditsBefore = h.audits().length;

    h.engine.eventsFor('codepay').foreignAnswer({
      terminal: 'lane-1',
      reason: 'no merchant_order_no and a request_id we never sent',
      detail: { request_id: 'someone-else', trans_status: 'approved', response_msg: 'Approved' },
    });
    await h.flush();
    expect(h.engine.foreignAnswers()).toHaveLength(1);
    expect(JSON.stringify(h.engine.foreignAnswers())).toContain('someone-else');
    expect(h.audits().length).toBe(auditsBefore + 1);
    expect(h.row(sale.id)).toEqual(before);
    expect(h.orders.tenders(order)).toHaveLength(0);
  });
});

describe('crash and restart', () => {
  it('reconcile queries the attempt a crash left in flight and never starts it again', async () => {
    h = startEngineHarness({
      providers: oneProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay }),
      backoffMs: [60_000],
    });
    await h.engine.reconcile();
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'codepay', { terminal: 'lane-1' });
    h.provider('codepay').progress(sale.call, 'Present card');
    await h.flush();

    h.crash();
    const reconciling = h.engine.reconcile();
    await h.flush();
    const provider = h.provider('codepay');
    expect(provider.history('start')).toHaveLength(0);
    expect(provider.calls('query').map((c) => c.attempt.reference)).toEqual([sale.call.attempt.reference]);
    provider.release(provider.calls('query')[0], answer.approved(sale.call.attempt));
    await reconciling;
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    expect(h.order(order).status).toBe('completed');
    expect(provider.history('start')).toHaveLength(0);
  });
});

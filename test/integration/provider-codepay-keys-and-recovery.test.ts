/**
 * Issue 10 against the CodePay provider and the simulated terminal over real sockets:
 * routing by our own keys only (item 4), recovery when the link comes back (item 5),
 * deadlines on the monotonic clock (item 7), read-backs (item 8), card numbers masked in
 * every text (item 10), and the cashier's sentence taken from the transaction (item 11).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  startCodepayTerminalSimulator,
  type CodepayTerminalSimulator,
  type CodepayTerminalSimulatorOptions,
} from '../../src-main/payments/codepay/codepay-simulator';
import {
  createCodepayProvider,
  type CodepayLateResult,
  type CodepayProvider,
  type CodepayProviderHooks,
  type CodepayTiming,
} from '../../src-main/payments/codepay/codepay-provider';
import type { ProviderAttempt } from '../../src-main/payments/provider';
import { until } from '../support/wait';
import { FAST_CODEPAY } from '../support/codepay-timing';

/** The shared test timings, with a quicker ping and longer windows for the provider on its own. */
const FAST: Partial<CodepayTiming> = {
  ...FAST_CODEPAY,
  pingIntervalMs: 25,
  recoveryMs: 15_000,
  requestTimeoutMs: 5_000,
};

/** Luhn-valid test card numbers, as a terminal might leak them into its texts. */
const PAN = '4111111111111111';
const PAN_SPACED = '4111 1111 1111 1111';

type ForeignReport = Parameters<NonNullable<CodepayProviderHooks['onForeignAnswer']>>[0];

interface Rig {
  sim: CodepayTerminalSimulator;
  provider: CodepayProvider;
  late: CodepayLateResult[];
  foreign: ForeignReport[];
  restored: string[];
  logs: string[];
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(
  simOptions: CodepayTerminalSimulatorOptions = {},
  timing: Partial<CodepayTiming> = {},
  onLinkRestored?: (terminal: string) => void,
): Promise<Rig> {
  const sim = await startCodepayTerminalSimulator({ appId: 'app1', ...simOptions });
  cleanups.push(() => sim.close());
  const late: CodepayLateResult[] = [];
  const foreign: ForeignReport[] = [];
  const restored: string[] = [];
  const logs: string[] = [];
  const provider = createCodepayProvider(
    { appId: 'app1', currency: 'CAD', terminals: [{ name: 'Lane 1', url: sim.url }] },
    { ...FAST, ...timing },
    {
      log: (line) => logs.push(line),
      onLateResult: (result) => late.push(result),
      onForeignAnswer: (report) => foreign.push(report),
      onLinkRestored: (terminal) => {
        restored.push(terminal);
        onLinkRestored?.(terminal);
      },
    },
  );
  cleanups.push(() => provider.close());
  await until(() => provider.terminals()[0]?.state === 'open');
  return { sim, provider, late, foreign, restored, logs };
}

let counter = 0;
/** The engine's keys: a digits-only reference (≤ 18) and a request id, used as given. */
function attempt(overrides: Partial<ProviderAttempt> = {}): ProviderAttempt {
  counter += 1;
  const reference = `7${String(process.pid).padStart(7, '0')}${String(counter).padStart(6, '0')}`;
  return {
    id: `att-${counter}`,
    orderId: 'ord-1',
    kind: 'sale',
    method: 'card',
    amount: 1250,
    tip: 0,
    currency: 'CAD',
    reference,
    requestId: `T1S${reference}`,
    providerRef: null,
    terminal: 'Lane 1',
    description: 'Order 1',
    ...overrides,
  };
}

function run(provider: CodepayProvider, a: ProviderAttempt, signal = new AbortController().signal) {
  const progress: string[] = [];
  const outcome = provider.start(a, signal, (message) => progress.push(message));
  return { outcome, progress };
}

describe('routing: only our own keys reach an attempt (item 4)', () => {
  it("a stranger's APPROVED frame (no merchant_order_no, another request_id) is reported, never applied; the real decline 300 ms later decides", async () => {
    const { sim, provider, foreign, late, logs } = await rig();
    sim.next({ kind: 'foreign-answer', then: 'decline', gapMs: 300 });
    const a = attempt();
    const outcome = await run(provider, a).outcome;
    expect(outcome).toMatchObject({ state: 'declined', message: 'Declined (51 insufficient funds)' });
    expect(foreign).toHaveLength(1);
    expect(foreign[0]).toMatchObject({
      terminal: 'Lane 1',
      reason: expect.stringMatching(/no merchant_order_no and a request_id we never sent/),
    });
    expect(foreign[0].detail).toMatchObject({
      request_id: 'STRANGER1',
      biz_data: { trans_status: '2', card_no: '**** 1111' },
    });
    expect(late).toEqual([]);
    expect(logs.some((line) => /stranger's answer, not applied/.test(line))).toBe(true);
    expect(sim.counts().charges).toBe(0);
    expect(sim.counts().orderMessages).toEqual({ [a.reference]: 1 });
  });

  it('a frame without merchant_order_no still reaches the sale by the request_id we sent for it', async () => {
    const { sim, provider, foreign } = await rig();
    sim.next({ kind: 'hold' });
    const a = attempt();
    const running = run(provider, a);
    await until(() => sim.pending().length === 1);
    // A terminal that answers by request id only (no order number): it is ours.
    sim.sendRaw(
      JSON.stringify({
        topic: 'ecrhub.pay.order',
        request_id: a.requestId,
        response_code: '110',
        response_msg: '[K026] manual cancel',
      }),
    );
    expect(await running.outcome).toMatchObject({ state: 'cancelled', message: '[K026] manual cancel' });
    expect(foreign).toEqual([]);
  });

  it("an answer about another till's order with a request_id we never sent is reported, not taken", async () => {
    const { sim, provider, foreign } = await rig();
    sim.next({ kind: 'hold' });
    const a = attempt();
    const running = run(provider, a);
    await until(() => sim.pending().length === 1);
    sim.sendRaw(
      JSON.stringify({
        topic: 'ecrhub.pay.query',
        request_id: 'OTHERTILLq1',
        response_code: '000',
        biz_data: { merchant_order_no: 'OTHER1', trans_status: '2', order_amount: '12.50' },
      }),
    );
    await until(() => foreign.length === 1);
    expect(foreign[0].reason).toMatch(/OTHER1 is not one this till asked about/);
    sim.act(a.reference, 'approve');
    expect((await running.outcome).state).toBe('approved');
    expect(sim.counts().charges).toBe(1);
  });
});

describe('read-back of the order the terminal names (item 8)', () => {
  it('sets readBack (goods amount, no tip or cash back) on the sale reply, a query and a decline', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'approve', tip: 300 }, { kind: 'approve' }, { kind: 'decline' });
    const tipped = attempt({ options: { onScreenTip: true } });
    expect(await run(provider, tipped).outcome).toMatchObject({
      state: 'approved',
      tip: 300,
      readBack: { amount: 1250, currency: 'CAD' },
    });
    expect(await provider.query(tipped)).toMatchObject({
      state: 'approved',
      readBack: { amount: 1250, currency: 'CAD' },
    });
    const withCashback = attempt({ amount: 2000, options: { cashback: 4000 } });
    expect(await run(provider, withCashback).outcome).toMatchObject({
      state: 'approved',
      readBack: { amount: 2000, currency: 'CAD' },
    });
    const declined = attempt({ amount: 999 });
    expect(await run(provider, declined).outcome).toMatchObject({
      state: 'declined',
      readBack: { amount: 999, currency: 'CAD' },
    });
  });

  it("the sale and its queries go out with the engine's keys: merchant_order_no = reference, request ids derived from requestId", async () => {
    const { sim, provider, logs } = await rig();
    sim.next({ kind: 'hold' });
    const a = attempt();
    const running = run(provider, a);
    await until(() => sim.pending().length === 1);
    expect(sim.pending()[0].merchantOrderNo).toBe(a.reference);
    expect((await provider.query(a)).state).toBe('pending');
    sim.act(a.reference, 'approve');
    expect((await running.outcome).state).toBe('approved');
    expect(logs.some((line) => line.includes(`merchant_order_no=${a.reference}`))).toBe(true);
  });
});

describe('card numbers in free text (item 10)', () => {
  it('a response_msg with a full card number never reaches the outcome, its detail, the card block or a log line', async () => {
    const { sim, provider, logs } = await rig({ transportReplies: true });
    sim.next(
      { kind: 'decline', message: `Card ${PAN_SPACED} declined (51)` },
      { kind: 'approve', message: `Approved ${PAN}` },
    );
    const declined = await run(provider, attempt()).outcome;
    expect(declined).toMatchObject({ state: 'declined', message: 'Card **** 1111 declined (51)' });
    const paid = attempt();
    const approved = await run(provider, paid).outcome;
    expect(approved).toMatchObject({
      state: 'approved',
      message: 'Approved **** 1111',
      card: { responseText: 'Approved **** 1111', maskedPan: '**** 0010' },
    });
    // Read back by query: the text now comes in biz_data.msg.
    const queried = await provider.query(paid);
    expect(queried).toMatchObject({ state: 'approved', message: 'Approved **** 1111' });
    for (const outcome of [declined, approved, queried]) {
      const text = JSON.stringify(outcome);
      expect(text).not.toContain(PAN);
      expect(text).not.toContain(PAN_SPACED);
    }
    expect(logs.join('\n')).not.toMatch(/4111 ?1111 ?1111 ?1111/);
  });

  it('keeps our own digits-only references readable even when they pass the Luhn check', async () => {
    const { provider } = await rig();
    const reference = '177700000000000009'; // 18 digits, Luhn-valid
    const outcome = await run(provider, attempt({ reference, requestId: `T1S${reference}` })).outcome;
    expect(outcome.detail).toMatchObject({ biz_data: { merchant_order_no: reference } });
  });
});

describe('cashier text from the transaction, not the transport (item 11)', () => {
  it('a decline read by query is never "Success"', async () => {
    const { sim, provider } = await rig({ transportReplies: true });
    sim.next({ kind: 'timeout', charged: false });
    const a = attempt();
    const outcome = await run(provider, a).outcome;
    expect(sim.counts().queries).toBeGreaterThanOrEqual(1);
    expect(outcome).toMatchObject({ state: 'declined', message: 'Transaction timeout' });
  });

  it('a cancel confirmed by the close, and the same order queried afterwards, never say "Success"', async () => {
    const { sim, provider } = await rig({ transportReplies: true });
    sim.next({ kind: 'hold' });
    const a = attempt();
    const running = run(provider, a);
    await until(() => sim.pending().length === 1);
    const closed = await provider.cancel(a);
    expect(closed.state).toBe('cancelled');
    expect(closed.message).not.toMatch(/^success$/i);
    expect((await running.outcome).state).toBe('cancelled');
    const queried = await provider.query(a);
    expect(queried).toMatchObject({ state: 'cancelled', message: 'Order closed by the POS' });
  });
});

describe('an approval that lands while a close is refused', () => {
  it('cancel() during online authorisation reports pending (not cancelled); the approval then arrives, once', async () => {
    const { sim, provider, late } = await rig();
    sim.next({ kind: 'online-auth', authoriseMs: 400 });
    const a = attempt();
    const controller = new AbortController();
    const running = run(provider, a, controller.signal);
    await until(() => sim.pending().some((o) => o.authorising));
    controller.abort();
    expect((await running.outcome).state).toBe('unknown');
    const cancelled = await provider.cancel(a);
    expect(cancelled.state).toBe('pending');
    await until(() => late.length === 1);
    expect(late[0]).toMatchObject({
      merchantOrderNo: a.reference,
      outcome: { state: 'approved', readBack: { amount: 1250, currency: 'CAD' } },
    });
    expect(await provider.query(a)).toMatchObject({ state: 'approved' });
    expect(sim.counts()).toMatchObject({ charges: 1, closes: 1 });
    expect(sim.counts().orderMessages).toEqual({ [a.reference]: 1 });
  });
});

describe('a terminal timeout is not a refusal', () => {
  it('an order frame "112 Transaction timeout" without trans_status keeps the lane held while the terminal may still take the card', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'hold' });
    const a = attempt();
    const running = run(provider, a);
    await until(() => sim.pending().some((o) => o.merchantOrderNo === a.reference));
    expect(provider.terminals()[0].inFlight).toBe(a.reference);
    const queriesBefore = sim.counts().queries;
    sim.sendRaw(
      JSON.stringify({
        topic: 'ecrhub.pay.order',
        response_code: '112',
        response_msg: 'Transaction timeout',
        biz_data: { merchant_order_no: a.reference, trans_type: '1' },
      }),
    );
    // The sale now checks by query; the terminal says it is still paying.
    await until(() => sim.counts().queries >= queriesBefore + 2);
    expect(provider.terminals()[0].inFlight).toBe(a.reference);
    await expect(run(provider, attempt()).outcome).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
    expect(sim.act(a.reference, 'approve')).toBe(true);
    expect(await running.outcome).toMatchObject({ state: 'approved' });
    await until(() => provider.terminals()[0].inFlight === null);
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages).toEqual({ [a.reference]: 1 });
  });
});

describe('recovery when the link comes back (item 5)', () => {
  it('calls onLinkRestored when a terminal link is up again, and query() already works inside it', async () => {
    const answers: Promise<string>[] = [];
    let provider: CodepayProvider | null = null;
    let watched: ProviderAttempt | null = null;
    const r = await rig({}, {}, () => {
      if (provider && watched) answers.push(provider.query(watched).then((outcome) => outcome.state));
    });
    provider = r.provider;
    const { sim } = r;
    sim.next({ kind: 'hold' });
    const a = attempt();
    const controller = new AbortController();
    const running = run(r.provider, a, controller.signal);
    await until(() => sim.pending().length === 1);
    controller.abort();
    expect((await running.outcome).state).toBe('unknown');
    const restoredBefore = r.restored.length;
    watched = a;
    // The customer pays while the link is down and the terminal pushes nothing: only a query can tell.
    sim.dropConnections();
    await until(() => r.provider.terminals()[0].state !== 'open');
    expect(sim.act(a.reference, 'approve', { redeliver: false })).toBe(true);
    await until(() => answers.length > 0);
    expect(r.restored.slice(restoredBefore)).toEqual(['Lane 1']);
    expect(await answers[0]).toBe('approved');
    expect(r.provider.terminals()[0].inFlight).toBeNull();
    expect(sim.counts().charges).toBe(1);
  });
  it('reconnects quickly while the terminal holds our payment, whatever the idle back-off', async () => {
    // An idle link would wait a minute before retrying; a lane with a payment on it must not.
    const { sim, provider } = await rig(
      {},
      { reconnectInitialMs: 60_000, reconnectMaxMs: 60_000, reconnectBusyMaxMs: 20 },
    );
    sim.next({ kind: 'hold' });
    const a = attempt();
    const running = run(provider, a);
    await until(() => sim.pending().length === 1);
    sim.dropConnections();
    await until(() => sim.counts().connections === 2 && provider.terminals()[0].state === 'open');
    expect(sim.act(a.reference, 'approve')).toBe(true);
    expect((await running.outcome).state).toBe('approved');
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages).toEqual({ [a.reference]: 1 });
  });
});

describe('deadlines on the monotonic clock (item 7)', () => {
  it('stepping the wall clock back an hour does not keep a sale polling', async () => {
    const { sim, provider } = await rig({}, { saleTimeoutMs: 50, recoveryMs: 400, queryIntervalMs: 20 });
    sim.next({ kind: 'hold' });
    const a = attempt();
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    let stepped = false;
    const outcome = provider.start(a, new AbortController().signal, (line) => {
      // Once a query said "still paying", the wall clock jumps back an hour (NTP, a user, a dead RTC battery).
      if (!stepped && /Waiting for the customer/.test(line)) {
        stepped = true;
        vi.setSystemTime(Date.now() - 3_600_000);
      }
    });
    expect(await outcome).toMatchObject({ state: 'unknown' });
    expect(stepped).toBe(true);
    expect(sim.counts().queries).toBeGreaterThanOrEqual(1);
    expect(sim.counts().orderMessages).toEqual({ [a.reference]: 1 });
  });

  it('stepping the wall clock forward an hour does not make a live link look dead', async () => {
    const { sim, provider } = await rig({}, { pingIntervalMs: 10, lostTimeoutMs: 2_000 });
    expect(sim.counts().connections).toBe(1);
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 3_600_000);
    // Many ping rounds later the link is the same one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(provider.terminals()[0].state).toBe('open');
    expect(sim.counts().connections).toBe(1);
  });
});

/**
 * The YabandPay provider against the YabandPay simulator over real HTTP on 127.0.0.1.
 * Every scenario checks the simulator's own counts: one charge for an approved sale
 * (zero for a decline), never a second order for the same order_id / request_id, refunds
 * never above the sale, and captures once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderAttempt, ProviderOutcome } from '../../src-main/payments/provider';
import {
  createYabandpayProvider,
  type YabandpayProvider,
  type YabandpayTiming,
} from '../../src-main/payments/yabandpay/yabandpay-provider';
import { createYabandpayClient } from '../../src-main/payments/yabandpay/yabandpay-client';
import { newYabandpayRequestId } from '../../src-main/payments/yabandpay/yabandpay-ids';
import {
  startYabandpaySimulator,
  YABANDPAY_SIM_QUOTED_PAN,
  type YabandpaySimFault,
  type YabandpaySimOutcome,
  type YabandpaySimulator,
  type YabandpaySimulatorOptions,
} from '../../src-main/payments/yabandpay/yabandpay-simulator';

const KEY = 'sim-secret-key-0123456789';
const TID = 'T125119061';
const DAY = 86_400_000;
// A fake wall clock shared by the gateway and the provider, for the calendar rules only.
let clock = Date.parse('2025-03-10T10:00:00Z');
const now = () => clock;

let orderSeq = 0;
/** A fresh order_id the way the engine makes references: digits, under 20 characters. */
const newOrderId = () => `${Date.now()}${String((orderSeq += 1) % 1000).padStart(3, '0')}`;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
  clock = Date.parse('2025-03-10T10:00:00Z');
});

async function setup(
  simOptions: Partial<YabandpaySimulatorOptions> = {},
  timing: Partial<YabandpayTiming> = {},
  secretKey = KEY,
) {
  const sim = await startYabandpaySimulator({ secretKey: KEY, stepMs: 5, now, ...simOptions });
  closers.push(() => sim.close());
  const log: string[] = [];
  const provider = providerFor(sim, timing, secretKey, log);
  return { sim, provider, log };
}

/** A provider talking to `sim`: a fresh one is what a restarted till has (no memory of earlier sends). */
function providerFor(
  sim: YabandpaySimulator,
  timing: Partial<YabandpayTiming> = {},
  secretKey = KEY,
  log: string[] = [],
): YabandpayProvider {
  const provider = createYabandpayProvider(
    {
      baseUrl: sim.url,
      user: TID,
      secretKey,
      tid: TID,
      notifyUrl: 'https://pos.example.test/yabandpay/notify',
      currency: 'EUR',
    },
    { pollIntervalMs: 5, pollWindowMs: 3_000, refundPollWindowMs: 3_000, requestTimeoutMs: 2_000, now, ...timing },
    { log: (line) => log.push(line) },
  );
  closers.push(() => provider.close());
  return provider;
}

function sale(over: Partial<ProviderAttempt> = {}): ProviderAttempt {
  return {
    id: newYabandpayRequestId(),
    orderId: 'order-1',
    kind: 'sale',
    method: 'card',
    amount: 1250,
    tip: 0,
    currency: 'EUR',
    reference: newOrderId(),
    requestId: newYabandpayRequestId(),
    providerRef: null,
    terminal: null,
    description: 'Countertop test sale',
    ...over,
  };
}

function followUp(
  kind: 'void' | 'refund',
  original: ProviderAttempt,
  approved: ProviderOutcome,
  over: Partial<ProviderAttempt> = {},
): ProviderAttempt {
  return sale({
    kind,
    amount: original.amount,
    tip: original.tip,
    original: {
      reference: original.reference,
      providerRef: approved.providerRef ?? null,
      amount: original.amount,
      tip: original.tip,
    },
    ...over,
  });
}

const run = (
  provider: YabandpayProvider,
  attempt: ProviderAttempt,
  signal = new AbortController().signal,
  progress: string[] = [],
) => provider.start(attempt, signal, (message) => progress.push(message));

/** Waits (bounded) for the simulator to reach a state; not a timing assertion. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2_500; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function paidSale(provider: YabandpayProvider, over: Partial<ProviderAttempt> = {}) {
  const attempt = sale(over);
  const result = await run(provider, attempt);
  expect(result.state).toBe('approved');
  return { attempt, result };
}

describe('YabandPay sale', () => {
  it('pays on the terminal: approved, masked card, exactly one order and one charge', async () => {
    const { sim, provider } = await setup();
    const progress: string[] = [];
    const attempt = sale({ amount: 1200, tip: 50 });
    const result = await run(provider, attempt, undefined, progress);
    expect(result.state).toBe('approved');
    expect(result.card).toMatchObject({
      provider: 'yabandpay',
      maskedPan: '**** 4242',
      terminalId: TID,
      reference: result.providerRef,
    });
    expect(JSON.stringify(result)).not.toMatch(/\d{6,}\*+|4242424242/);
    // What the gateway says the order is: amount without the tip, in minor units.
    expect(result.readBack).toEqual({ amount: 1200, currency: 'EUR' });
    expect(progress.length).toBeGreaterThan(0);
    const [order] = sim.ordersFor(attempt.reference);
    expect(order).toMatchObject({
      tradeId: result.providerRef,
      amount: 1200,
      tip: 50,
      currency: 'EUR',
      operation: '1',
      requestId: attempt.requestId,
    });
    expect(sim.ordersFor(attempt.reference)).toHaveLength(1);
    expect(sim.posCallsFor(attempt.reference)).toBe(1);
    expect(sim.stats().charges).toBe(1);
  });

  it.each<[YabandpaySimOutcome, ProviderOutcome['state'], number]>([
    ['declined', 'declined', 0],
    ['failed', 'declined', 0],
    ['cancelled', 'cancelled', 0],
    ['expired', 'cancelled', 0],
    ['verify-paid', 'approved', 1],
  ])('terminal outcome %s → %s with %i charge(s)', async (simOutcome, state, charges) => {
    const { sim, provider } = await setup({ outcome: simOutcome });
    const attempt = sale();
    const result = await run(provider, attempt);
    expect(result.state).toBe(state);
    expect(result.providerRef).toBe(sim.ordersFor(attempt.reference)[0].tradeId);
    expect(sim.ordersFor(attempt.reference)).toHaveLength(1);
    expect(sim.stats().charges).toBe(charges);
  });

  it('reads states given as words ("paid") as well as codes', async () => {
    const { sim, provider } = await setup({ stateFormat: 'word' });
    await paidSale(provider);
    expect(sim.stats().charges).toBe(1);
  });

  it('answers unknown (with the trade id) when the terminal does not finish within the poll window', async () => {
    const { sim, provider } = await setup({ outcome: 'stuck' }, { pollWindowMs: 60 });
    const attempt = sale();
    const result = await run(provider, attempt);
    expect(result.state).toBe('unknown');
    expect(result.providerRef).toBe(sim.ordersFor(attempt.reference)[0].tradeId);
    expect((await provider.query({ ...attempt, providerRef: result.providerRef! })).state).toBe('pending');
    expect(sim.stats().charges).toBe(0);
  });

  it('refuses ids YabandPay cannot take, and a foreign currency, without sending anything', async () => {
    const { sim, provider } = await setup();
    for (const attempt of [
      sale({ reference: 'ORD-1' }),
      sale({ reference: '12345678901234567890' }),
      sale({ requestId: 'short' }),
      sale({ currency: 'CHF' }),
      sale({ amount: 5 }),
    ]) {
      const result = await run(provider, attempt);
      expect(result.state).toBe('declined');
      expect(result.message).toMatch(/nothing was sent/);
    }
    expect(sim.stats().calls['v3.POS']).toBeUndefined();
    expect(sim.stats().charges).toBe(0);
  });

  it('declines with a clear sentence when the terminal is offline, and creates no order', async () => {
    const { sim, provider } = await setup();
    sim.setTerminalOffline(true);
    const attempt = sale();
    const result = await run(provider, attempt);
    expect(result.state).toBe('declined');
    expect(result.message).toMatch(/offline/i);
    expect(sim.ordersFor(attempt.reference)).toHaveLength(0);
    expect(sim.stats().charges).toBe(0);
  });

  it('declines with a settings hint and a config fault when the secret key is wrong (-403), and logs it', async () => {
    const { sim, provider, log } = await setup({}, {}, 'not-the-merchant-key');
    const attempt = sale();
    const result = await run(provider, attempt);
    expect(result.state).toBe('declined');
    expect(result.message).toMatch(/secret key/);
    expect(result.configFault).toMatch(/secret key in the till's settings is wrong/);
    expect(log.join('\n')).toMatch(/YabandPay v3\.POS: the gateway refused our request signature \(-403\)/);
    expect(sim.ordersFor(attempt.reference)).toHaveLength(0);
    expect(sim.stats().charges).toBe(0);
  });
});

describe('YabandPay free text and signatures', () => {
  it('a reply whose message carries a full card number never shows it in the outcome', async () => {
    const { sim, provider } = await setup();
    sim.setTerminalOffline(true);
    sim.injectFault('v3.POS', 'card-in-message');
    const attempt = sale();
    const result = await run(provider, attempt);
    expect(result.state).toBe('declined');
    expect(result.message).toContain('**** 1111');
    expect(JSON.stringify(result)).not.toContain(YABANDPAY_SIM_QUOTED_PAN);
    expect(sim.stats().charges).toBe(0);
  });

  it.each([
    ['php-array', /"Array"/],
    ['compact-json', /compact JSON/],
  ] as const)(
    'accepts order replies whose nested transaction_info is signed as %s, and logs which form matched',
    async (nestedSigning, logged) => {
      const { sim, provider, log } = await setup({ nestedSigning });
      const { result } = await paidSale(provider);
      expect(result.card?.maskedPan).toBe('**** 4242');
      expect(log.filter((line) => /v3\.QueryOrder: reply signature verified/.test(line))).toEqual([
        expect.stringMatching(logged),
      ]);
      expect(sim.stats().charges).toBe(1);
    },
  );

  it('an order reply whose signature matches neither nested form ends the wait at once, says so plainly and logs the forms tried', async () => {
    // A 60 s window: only a prompt answer lets this test finish.
    const { sim, provider, log } = await setup({ outcome: 'interactive' }, { pollWindowMs: 60_000 });
    const attempt = sale();
    const pending = run(provider, attempt);
    await until(() => (sim.stats().calls['v3.QueryOrder'] ?? 0) >= 1, 'the till to poll the order');
    sim.setCorruptSignatures(true);
    const result = await pending;
    expect(result.state).toBe('unknown');
    expect(result.providerRef).toBe(sim.ordersFor(attempt.reference)[0].tradeId);
    expect(result.message).toMatch(/failed the signature check/);
    expect(log.join('\n')).toMatch(
      /YabandPay v3\.QueryOrder: reply signature did not verify; tried nested values as the PHP SDK's "Array", then nested values as compact JSON/,
    );
    expect(sim.stats().charges).toBe(0);
  });

  it('a flat reply that fails the signature check says the secret key does not match (config fault)', async () => {
    const { sim, provider, log } = await setup();
    sim.setCorruptSignatures(true);
    const result = await run(provider, sale());
    expect(result.state).toBe('unknown');
    expect(result.configFault).toMatch(/secret key .* does not match/);
    expect(log.join('\n')).toMatch(/v3\.POS: reply signature did not verify; tried flat fields/);
  });

  it('a wrong base URL (HTTP 404) is a config fault, and nothing reached the terminal', async () => {
    const { sim } = await setup();
    const provider = createYabandpayProvider(
      {
        baseUrl: `${sim.url}/v1`,
        user: TID,
        secretKey: KEY,
        tid: TID,
        notifyUrl: 'https://pos.example.test/n',
        currency: 'EUR',
      },
      { pollIntervalMs: 5, requestTimeoutMs: 2_000, now },
    );
    closers.push(() => provider.close());
    const result = await run(provider, sale());
    expect(result.state).toBe('declined');
    expect(result.configFault).toMatch(/address \(baseUrl\).* is wrong/);
    expect(sim.stats().calls['v3.POS']).toBeUndefined();
  });
});

describe('YabandPay lost replies', () => {
  it('a dropped v3.POS reply is unknown; the query re-sends the SAME request, gets -3002 and hands it to the manager without re-sending again', async () => {
    const { sim, provider } = await setup();
    sim.injectFault('v3.POS', 'drop');
    const attempt = sale();
    const first = await run(provider, attempt);
    expect(first.state).toBe('unknown');
    expect(first.providerRef).toBeUndefined();
    await until(() => sim.ordersFor(attempt.reference)[0]?.state === '00', 'the customer to pay');
    const checked = await provider.query(attempt);
    expect(checked.state).toBe('unknown');
    expect(checked.message).toMatch(/last transaction/);
    expect(checked.message).toContain(`order id ${attempt.reference} in the YabandPay merchant portal`);
    expect(checked.message).toContain('EUR 12.50');
    expect(checked.detail).toMatchObject({ code: '-3002', needsSlip: true });
    // The gateway has the order but will not name it: asking again cannot tell more.
    expect((await provider.query(attempt)).detail).toMatchObject({ needsSlip: true });
    expect(sim.posCallsFor(attempt.reference)).toBe(2);
    expect(sim.posRequestIdsFor(attempt.reference)).toEqual([attempt.requestId, attempt.requestId]);
    expect(sim.ordersFor(attempt.reference)).toHaveLength(1);
    expect(sim.stats().charges).toBe(1);
  });

  it.each<YabandpaySimFault>(['drop', 'http500', 'malformed', 'bad-signature', 'hang'])(
    'after a lost reply (%s) the query recovers through the trade id a -3002 reply reveals',
    async (fault) => {
      const { sim, provider } = await setup({ duplicateRevealsTradeId: true }, { requestTimeoutMs: 300 });
      sim.injectFault('v3.POS', fault);
      const attempt = sale();
      expect((await run(provider, attempt)).state).toBe('unknown');
      await until(() => sim.ordersFor(attempt.reference)[0]?.state === '00', 'the customer to pay');
      const checked = await provider.query(attempt);
      expect(checked.state).toBe('approved');
      expect(checked.providerRef).toBe(sim.ordersFor(attempt.reference)[0].tradeId);
      expect(sim.ordersFor(attempt.reference)).toHaveLength(1);
      expect(sim.stats().charges).toBe(1);
    },
  );

  it('a reply with a corrupted signature is no answer, even though the order exists', async () => {
    const { sim, provider } = await setup({ duplicateRevealsTradeId: true });
    sim.setCorruptSignatures(true);
    const attempt = sale();
    expect((await run(provider, attempt)).state).toBe('unknown');
    await until(() => sim.ordersFor(attempt.reference)[0]?.state === '00', 'the customer to pay');
    expect((await provider.query(attempt)).state).toBe('unknown'); // still corrupted: still no answer
    sim.setCorruptSignatures(false);
    expect((await provider.query(attempt)).state).toBe('approved');
    expect(sim.ordersFor(attempt.reference)).toHaveLength(1);
    expect(sim.stats().charges).toBe(1);
  });

  it('re-sends a lost v3.POS at most maxPosResends times, then hands the attempt to the manager with the portal look-up', async () => {
    const { sim, provider } = await setup({}, { maxPosResends: 2 });
    sim.injectFault('v3.POS', 'drop', 10);
    const attempt = sale();
    expect((await run(provider, attempt)).state).toBe('unknown');
    const first = await provider.query(attempt);
    expect(first.state).toBe('unknown');
    expect(first.message).toMatch(/checked again/);
    const second = await provider.query(attempt);
    expect(second.state).toBe('unknown');
    expect(second.message).toContain(`looks up order id ${attempt.reference} in the YabandPay merchant portal`);
    expect(second.detail).toMatchObject({ needsSlip: true, resends: 2 });
    for (let i = 0; i < 5; i += 1) expect((await provider.query(attempt)).detail).toMatchObject({ needsSlip: true });
    expect(sim.posCallsFor(attempt.reference)).toBe(3); // the sale and two re-sends, never more
    expect(sim.posRequestIdsFor(attempt.reference)).toEqual([attempt.requestId, attempt.requestId, attempt.requestId]);
    expect(sim.ordersFor(attempt.reference)).toHaveLength(1);
  });

  it('the re-send budget survives restarts: whatever the number of restarts, at most maxPosResends re-sends in all (the engine journals queriesSent)', async () => {
    const { sim, provider } = await setup({}, { maxPosResends: 2 });
    sim.injectFault('v3.POS', 'drop', 50);
    const attempt = sale();
    expect((await run(provider, attempt)).state).toBe('unknown');
    await provider.close();
    // A restart before every query: a new provider each time, the engine's count going up.
    const answers: ProviderOutcome[] = [];
    for (let queriesSent = 1; queriesSent <= 8; queriesSent += 1) {
      const restarted = providerFor(sim, { maxPosResends: 2 });
      answers.push(await restarted.query({ ...attempt, queriesSent }));
      await restarted.close();
    }
    expect(sim.posCallsFor(attempt.reference)).toBe(3); // the sale and 2 re-sends, never more
    expect(sim.posRequestIdsFor(attempt.reference)).toEqual([attempt.requestId, attempt.requestId, attempt.requestId]);
    expect(answers.map((a) => a.state)).toEqual(Array(8).fill('unknown'));
    // The second (last) re-send failed: from then on, the manager with the portal look-up.
    for (const handed of answers.slice(1)) {
      expect(handed.message).toContain(`looks up order id ${attempt.reference} in the YabandPay merchant portal`);
      expect(handed.detail).toMatchObject({ needsSlip: true });
    }
    expect(sim.ordersFor(attempt.reference)).toHaveLength(1);
  });

  it('a restart after the budget was spent in an earlier process never re-sends, even in a provider with no memory of it', async () => {
    const { sim, provider } = await setup({}, { maxPosResends: 2 });
    sim.injectFault('v3.POS', 'drop', 50);
    const attempt = sale();
    expect((await run(provider, attempt)).state).toBe('unknown');
    expect((await provider.query({ ...attempt, queriesSent: 1 })).state).toBe('unknown');
    expect((await provider.query({ ...attempt, queriesSent: 2 })).detail).toMatchObject({ needsSlip: true });
    expect(sim.posCallsFor(attempt.reference)).toBe(3);
    const restarted = providerFor(sim, { maxPosResends: 2 });
    expect((await restarted.query({ ...attempt, queriesSent: 3 })).detail).toMatchObject({
      needsSlip: true,
      reason: 're-send budget spent',
    });
    expect(sim.posCallsFor(attempt.reference)).toBe(3);
  });

  it('an accepted re-send is read by query, never taken as "nothing charged": the first request was still at the terminal and the customer pays it', async () => {
    const { sim, provider } = await setup({ outcome: 'interactive', replayDuplicatePos: true });
    sim.injectFault('v3.POS', 'drop');
    const attempt = sale();
    expect((await run(provider, attempt)).state).toBe('unknown');
    const [order] = sim.ordersFor(attempt.reference);
    const checked = await provider.query(attempt);
    expect(checked.state).toBe('pending');
    expect(checked.providerRef).toBe(order.tradeId);
    expect(checked.message).not.toMatch(/nothing was charged/);
    expect(sim.stats().calls['v3.POSCancel']).toBeUndefined();
    expect(sim.act(order.tradeId, 'approve')).toBe(true);
    await until(() => sim.order(order.tradeId)?.state === '00', 'the customer to pay');
    const paid = await provider.query(attempt);
    expect(paid).toMatchObject({
      state: 'approved',
      providerRef: order.tradeId,
      readBack: { amount: 1250, currency: 'EUR' },
    });
    expect(sim.posCallsFor(attempt.reference)).toBe(2); // the trade id is known now: queried, not re-sent
    expect(sim.ordersFor(attempt.reference)).toHaveLength(1);
    expect(sim.stats().charges).toBe(1);
  });

  it('an accepted re-send when the first request never arrived: the order it names is read by query (pending), not closed', async () => {
    const { sim, provider } = await setup({ outcome: 'interactive' });
    sim.injectFault('v3.POS', 'internal-error');
    const attempt = sale();
    expect((await run(provider, attempt)).state).toBe('unknown');
    expect(sim.ordersFor(attempt.reference)).toHaveLength(0);
    const checked = await provider.query(attempt);
    expect(checked.state).toBe('pending');
    expect(checked.providerRef).toBe(sim.ordersFor(attempt.reference)[0].tradeId);
    expect(sim.stats().calls['v3.POSCancel']).toBeUndefined();
    expect(sim.ordersFor(attempt.reference)).toHaveLength(1);
    expect(sim.stats().charges).toBe(0);
  });

  it('a v3.POS reply naming another order is unknown: its trade_id is never reported, polled, queried or closed', async () => {
    const { sim, provider } = await setup({ duplicateRevealsTradeId: true });
    const { result: stranger } = await paidSale(provider); // the other order: paid, its trade_id real
    const queriesBefore = sim.stats().calls['v3.QueryOrder'] ?? 0;
    sim.injectFault('v3.POS', 'foreign-order');
    const attempt = sale();
    const refs: (string | undefined)[] = [];
    const answer = await provider.start(attempt, new AbortController().signal, (_message, extra) =>
      refs.push(extra?.providerRef),
    );
    expect(answer.state).toBe('unknown');
    expect(answer.providerRef).toBeUndefined();
    expect(answer.detail).toMatchObject({ reason: 'reply names another order_id' });
    expect(refs).not.toContain(stranger.providerRef);
    expect(sim.stats().calls['v3.QueryOrder'] ?? 0).toBe(queriesBefore); // the stranger's order was not polled
    // Cancel cannot close the screen with the stranger's trade_id.
    expect((await provider.cancel(attempt)).state).toBe('unknown');
    expect(sim.stats().calls['v3.POSCancel']).toBeUndefined();
    // The query learns this order's own trade_id (the -3002 reply names it) and reads it.
    const [own] = sim.ordersFor(attempt.reference);
    await until(() => sim.order(own.tradeId)?.state === '00', 'the customer to pay');
    const checked = await provider.query({ ...attempt, queriesSent: 1 });
    expect(checked).toMatchObject({ state: 'approved', providerRef: own.tradeId });
    expect(sim.order(stranger.providerRef!)?.state).toBe('00');
    expect(sim.stats().charges).toBe(2);
  });

  it('poll windows run on the monotonic clock: the wall clock stepped back an hour does not keep a sale polling', async () => {
    let monotonic = 0;
    const { sim, provider } = await setup(
      { outcome: 'stuck' },
      { pollWindowMs: 60_000, clock: { now: () => (monotonic += 1_000) } },
    );
    const attempt = sale();
    const pending = run(provider, attempt);
    await until(() => (sim.stats().calls['v3.QueryOrder'] ?? 0) >= 1, 'the till to poll the order');
    clock -= 3_600_000;
    const result = await pending;
    expect(result.state).toBe('unknown');
    expect(result.providerRef).toBe(sim.ordersFor(attempt.reference)[0].tradeId);
  });
});

describe('YabandPay virtual terminal, cancel and abort', () => {
  /** The terminal shows the order and the till knows its trade id (it has polled QueryOrder once). */
  async function waitingOrder(sim: YabandpaySimulator, reference: string) {
    await until(() => sim.waitingOrders().some((o) => o.orderId === reference), 'the terminal to show the order');
    await until(() => (sim.stats().calls['v3.QueryOrder'] ?? 0) >= 1, 'the till to poll the order');
    return sim.waitingOrders().find((o) => o.orderId === reference)!;
  }

  it.each<['approve' | 'decline' | 'walk-away' | 'cancel', ProviderOutcome['state'], number]>([
    ['approve', 'approved', 1],
    ['decline', 'declined', 0],
    ['walk-away', 'cancelled', 0],
    ['cancel', 'cancelled', 0],
  ])('the customer acts (%s) → %s', async (action, state, charges) => {
    const { sim, provider } = await setup({ outcome: 'interactive' });
    const attempt = sale();
    const pending = run(provider, attempt);
    const order = await waitingOrder(sim, attempt.reference);
    expect(order.amount).toBe(1250);
    expect(sim.act(order.tradeId, action)).toBe(true);
    expect((await pending).state).toBe(state);
    expect(sim.act(order.tradeId, 'approve')).toBe(false);
    expect(sim.stats().charges).toBe(charges);
  });

  it('cancel() closes the waiting terminal screen (v3.POSCancel); start() then ends cancelled', async () => {
    const { sim, provider } = await setup({ outcome: 'interactive' });
    const attempt = sale();
    const pending = run(provider, attempt);
    const order = await waitingOrder(sim, attempt.reference);
    const cancelled = await provider.cancel({ ...attempt, providerRef: order.tradeId });
    expect(cancelled.state).toBe('cancelled');
    expect((await pending).state).toBe('cancelled');
    expect(sim.stats().calls['v3.POSCancel']).toBe(1);
    expect(sim.stats().charges).toBe(0);
  });

  it('cancel() of an order already paid reports the payment, never hides it', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    const late = await provider.cancel({ ...attempt, providerRef: result.providerRef! });
    expect(late.state).toBe('approved');
    expect(sim.order(result.providerRef!)?.state).toBe('00');
    expect(sim.stats().charges).toBe(1);
  });

  it('the cashier stops waiting before v3.POS answered: start() says unknown at once, cancel() waits for the reply and closes the terminal screen', async () => {
    const { sim, provider } = await setup({ outcome: 'interactive', stepMs: 20 });
    sim.injectFault('v3.POS', 'slow'); // the reply comes 400 ms late
    const attempt = sale();
    const controller = new AbortController();
    const pending = run(provider, attempt, controller.signal);
    await until(
      () => sim.waitingOrders().some((o) => o.orderId === attempt.reference),
      'the terminal to show the order',
    );
    controller.abort();
    const stopped = await pending;
    expect(stopped.state).toBe('unknown'); // never a guessed cancelled: nothing says the sale was not taken
    const cancelled = await provider.cancel(attempt);
    expect(cancelled.state).toBe('cancelled');
    const [order] = sim.ordersFor(attempt.reference);
    expect(cancelled.providerRef).toBe(order.tradeId);
    expect(order.state).toBe('08');
    expect(sim.posCallsFor(attempt.reference)).toBe(1); // learned from the late reply, not by re-sending
    expect(sim.stats().charges).toBe(0);
  });

  it('when the cashier stops waiting, start() answers pending with the trade id; a later query sees the payment', async () => {
    const { sim, provider } = await setup({ outcome: 'interactive' });
    const attempt = sale();
    const controller = new AbortController();
    const pending = run(provider, attempt, controller.signal);
    const order = await waitingOrder(sim, attempt.reference);
    controller.abort();
    const stopped = await pending;
    expect(stopped.state).toBe('pending');
    expect(stopped.providerRef).toBe(order.tradeId);
    sim.act(order.tradeId, 'approve');
    await until(() => sim.order(order.tradeId)?.state === '00', 'the approval');
    expect((await provider.query({ ...attempt, providerRef: order.tradeId })).state).toBe('approved');
    expect(sim.stats().charges).toBe(1);
  });
});

describe('YabandPay void', () => {
  it('same day: v3.POSReversal of the full amount', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    const voided = await run(provider, followUp('void', attempt, result));
    expect(voided.state).toBe('approved');
    expect(voided.detail).toMatchObject({ via: 'v3.POSReversal' });
    expect(sim.order(result.providerRef!)?.state).toBe('08');
    expect((await provider.query(followUp('void', attempt, result))).state).toBe('approved');
    expect(sim.stats()).toMatchObject({ charges: 1, reversals: 1 });
  });

  it('the next day before 00:30 CET: v3.CancelPayment', async () => {
    clock = Date.parse('2025-03-10T22:00:00Z'); // 23:00 CET
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    clock = Date.parse('2025-03-10T23:15:00Z'); // 00:15 CET on the 11th
    const voided = await run(provider, followUp('void', attempt, result));
    expect(voided.state).toBe('approved');
    expect(voided.detail).toMatchObject({ via: 'v3.CancelPayment' });
    expect(sim.stats().calls['v3.POSReversal']).toBeUndefined();
    expect(sim.stats()).toMatchObject({ charges: 1, reversals: 1 });
  });

  it('after 00:30 CET the next day: refused without calling, "refund it instead"', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    clock += DAY;
    const voided = await run(provider, followUp('void', attempt, result));
    expect(voided.state).toBe('declined');
    expect(voided.message).toMatch(/Refund it instead/);
    expect(sim.stats().calls['v3.POSReversal']).toBeUndefined();
    expect(sim.stats().calls['v3.CancelPayment']).toBeUndefined();
    expect(sim.order(result.providerRef!)?.state).toBe('00');
    expect(sim.stats()).toMatchObject({ charges: 1, reversals: 0 });
  });

  it('after a refund: both reversals refused by the gateway, declined', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    expect((await run(provider, followUp('refund', attempt, result, { amount: 200 }))).state).toBe('approved');
    const voided = await run(provider, followUp('void', attempt, result));
    expect(voided.state).toBe('declined');
    expect(sim.stats().calls['v3.POSReversal']).toBe(1);
    expect(sim.stats().calls['v3.CancelPayment']).toBe(1);
    expect(sim.order(result.providerRef!)?.state).toBe('00');
    expect(sim.stats()).toMatchObject({ charges: 1, reversals: 0, refundedMinor: 200 });
  });

  it('a lost reversal reply is unknown; the query finds the sale reversed', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    sim.injectFault('v3.POSReversal', 'drop');
    const voidAttempt = followUp('void', attempt, result);
    const lost = await run(provider, voidAttempt);
    expect(lost.state).toBe('unknown');
    expect(lost.providerRef).toBe(result.providerRef);
    expect((await provider.query(voidAttempt)).state).toBe('approved');
    expect(sim.stats().calls['v3.POSReversal']).toBe(1);
    expect(sim.stats()).toMatchObject({ charges: 1, reversals: 1 });
  });

  it('only the full amount: a partial void is refused without calling', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    const voided = await run(provider, followUp('void', attempt, result, { amount: 1000 }));
    expect(voided.state).toBe('declined');
    expect(sim.stats().calls['v3.POSReversal']).toBeUndefined();
    expect(sim.stats()).toMatchObject({ charges: 1, reversals: 0 });
  });
});

describe('YabandPay refund', () => {
  it('partial refunds add up to at most the sale', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    const first = await run(provider, followUp('refund', attempt, result, { amount: 500 }));
    const second = await run(provider, followUp('refund', attempt, result, { amount: 700 }));
    const third = await run(provider, followUp('refund', attempt, result, { amount: 100 }));
    expect([first.state, second.state, third.state]).toEqual(['approved', 'approved', 'declined']);
    expect(third.message).toMatch(/exceeds/);
    expect(first.providerRef).not.toBe(second.providerRef);
    expect(sim.stats()).toMatchObject({ charges: 1, refunds: 2, refundedMinor: 1200 });
    expect(sim.refundsFor(result.providerRef!).reduce((sum, r) => sum + r.amount, 0)).toBeLessThanOrEqual(1250);
  });

  it('a repeated m_refund_id never refunds twice', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    const refund = followUp('refund', attempt, result, { amount: 500 });
    const once = await run(provider, refund);
    const again = await run(provider, refund);
    expect(once.state).toBe('approved');
    expect(again.state).toBe('approved');
    expect(again.providerRef).toBe(once.providerRef);
    expect(sim.refundsFor(result.providerRef!)).toHaveLength(1);
    expect(sim.stats()).toMatchObject({ charges: 1, refunds: 1, refundedMinor: 500 });
  });

  it.each([
    ['failed', 'declined'],
    ['error', 'declined'],
  ] as const)('refund state %s → %s, nothing refunded', async (mode, state) => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    sim.setRefundOutcome(mode);
    expect((await run(provider, followUp('refund', attempt, result, { amount: 300 }))).state).toBe(state);
    expect(sim.stats()).toMatchObject({ charges: 1, refunds: 0, refundedMinor: 0 });
  });

  it('a refund waiting for balance (21) is unknown after the window, pending when queried', async () => {
    const { sim, provider } = await setup({}, { refundPollWindowMs: 40 });
    const { attempt, result } = await paidSale(provider);
    sim.setRefundOutcome('balance-pending');
    const refund = followUp('refund', attempt, result, { amount: 300 });
    const waited = await run(provider, refund);
    expect(waited.state).toBe('unknown');
    expect(waited.providerRef).toBe(sim.refundsFor(result.providerRef!)[0].refundId);
    expect((await provider.query({ ...refund, providerRef: waited.providerRef! })).state).toBe('pending');
    expect(sim.stats()).toMatchObject({ charges: 1, refunds: 0, refundedMinor: 0 });
  });

  it('refuses a refund above the sale locally, and a foreign currency at the gateway', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    expect((await run(provider, followUp('refund', attempt, result, { amount: 1300 }))).state).toBe('declined');
    expect(sim.stats().calls['v3.CreateRefund']).toBeUndefined();
    const foreign = await run(provider, followUp('refund', attempt, result, { amount: 100, currency: 'CHF' }));
    expect(foreign.state).toBe('declined');
    expect(sim.stats()).toMatchObject({ charges: 1, refunds: 0, refundedMinor: 0 });
  });

  it('fewer than 30 refunds per order', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    for (let i = 0; i < 29; i += 1)
      expect((await run(provider, followUp('refund', attempt, result, { amount: 10 }))).state).toBe('approved');
    expect((await run(provider, followUp('refund', attempt, result, { amount: 10 }))).state).toBe('declined');
    expect(sim.stats()).toMatchObject({ charges: 1, refunds: 29, refundedMinor: 290 });
  });

  it('a lost refund reply is unknown and is NOT resent by query', async () => {
    const { sim, provider } = await setup();
    const { attempt, result } = await paidSale(provider);
    sim.injectFault('v3.CreateRefund', 'drop');
    const refund = followUp('refund', attempt, result, { amount: 400 });
    expect((await run(provider, refund)).state).toBe('unknown');
    const checked = await provider.query(refund);
    expect(checked.state).toBe('unknown');
    expect(checked.message).toMatch(/portal/);
    expect(sim.stats().calls['v3.CreateRefund']).toBe(1);
    expect(sim.refundsFor(result.providerRef!)).toHaveLength(1);
  });
});

describe('YabandPay authorisation and capture', () => {
  it('authorises (no charge), captures once (one charge); a second capture does not charge again', async () => {
    const { sim, provider } = await setup();
    const attempt = sale({ amount: 1200, tip: 50, options: { preauth: true } });
    const authorised = await run(provider, attempt);
    expect(authorised.state).toBe('approved');
    expect(authorised.detail).toMatchObject({ authorisedOnly: true });
    expect(sim.ordersFor(attempt.reference)[0]).toMatchObject({ operation: '2', state: '01' });
    expect(sim.stats().charges).toBe(0);
    const approved = { ...attempt, providerRef: authorised.providerRef! };
    expect(await provider.capture(approved, 1300)).toMatchObject({ state: 'declined' });
    const captured = await provider.capture(approved, 1000);
    expect(captured).toMatchObject({ state: 'approved', approvedAmount: 1000, tip: 50 });
    expect(sim.order(authorised.providerRef!)?.captured).toBe(1050); // YabandPay's amount includes the tip
    const again = await provider.capture(approved);
    expect(again.state).toBe('approved');
    expect(again.message).toMatch(/already captured/);
    expect(sim.stats()).toMatchObject({ charges: 1, captures: 1 });
    expect(sim.stats().calls['v3.Capture']).toBe(2);
  });

  it('refuses a capture after 30 days', async () => {
    const { sim, provider } = await setup();
    const attempt = sale({ options: { preauth: true } });
    const authorised = await run(provider, attempt);
    clock += 31 * DAY;
    expect((await provider.capture({ ...attempt, providerRef: authorised.providerRef! })).state).toBe('declined');
    expect(sim.stats()).toMatchObject({ charges: 0, captures: 0 });
  });
});

describe('YabandPay provider lifecycle', () => {
  it('sends nothing when the cashier already stopped waiting', async () => {
    const { sim, provider } = await setup();
    const controller = new AbortController();
    controller.abort();
    expect((await run(provider, sale(), controller.signal)).state).toBe('declined');
    expect(sim.stats().calls['v3.POS']).toBeUndefined();
  });

  it('close() ends a waiting start() with what is known, and nothing is sent afterwards', async () => {
    const { sim, provider } = await setup({ outcome: 'interactive' });
    const attempt = sale();
    const pending = run(provider, attempt);
    await until(() => sim.waitingOrders().length === 1, 'the terminal to show the order');
    // The provider has the trade_id once it polls QueryOrder; before that, close() can only say unknown.
    await until(() => (sim.stats().calls['v3.QueryOrder'] ?? 0) >= 1, 'the provider to poll the order');
    await provider.close();
    const ended = await pending;
    expect(ended.state).toBe('pending');
    expect(ended.providerRef).toBe(sim.waitingOrders()[0].tradeId);
    expect((await run(provider, sale())).state).toBe('declined');
    expect(sim.stats().calls['v3.POS']).toBe(1);
    expect(sim.stats().charges).toBe(0);
  });
});

describe('YabandPay gateway rules (simulator, through the client)', () => {
  it('answers -4011, -3001, -3002 and refuses POSCancel / POSReversal / CancelPayment out of their rules', async () => {
    const { sim, provider } = await setup();
    const client = createYabandpayClient({ baseUrl: sim.url, user: TID, secretKey: KEY, timeoutMs: 2_000, now });
    expect(await client.call('v3.Nope', { trade_id: 'x' })).toMatchObject({ kind: 'error', code: '-4011' });
    expect(await client.call('v3.QueryOrder', {})).toMatchObject({ kind: 'error', code: '-3001' });
    const pos = {
      pay_method: 'offline',
      sub_pay_method: 'point_of_sales',
      operation: '1',
      tid: TID,
      order_id: newOrderId(),
      amount: '3.00',
      currency: 'EUR',
      description: 'direct',
      notify_url: 'https://pos.example.test/n',
      request_id: newYabandpayRequestId(),
    };
    expect((await client.call('v3.POS', pos)).kind).toBe('ok');
    expect(await client.call('v3.POS', pos)).toMatchObject({ kind: 'error', code: '-3002', data: null });
    expect(await client.call('v3.POS', { ...pos, request_id: newYabandpayRequestId() })).toMatchObject({
      kind: 'error',
      code: '-3002',
    });
    expect(sim.ordersFor(pos.order_id)).toHaveLength(1);
    expect(sim.posCallsFor(pos.order_id)).toBe(3);

    const { result } = await paidSale(provider);
    const tradeId = result.providerRef!;
    expect(
      (await client.call('v3.POSCancel', { tid: TID, trade_id: tradeId, request_id: newYabandpayRequestId() })).kind,
    ).toBe('error');
    clock += DAY;
    expect(
      (await client.call('v3.POSReversal', { tid: TID, trade_id: tradeId, request_id: newYabandpayRequestId() })).kind,
    ).toBe('error');
    expect((await client.call('v3.CancelPayment', { trade_id: tradeId })).kind).toBe('error');
    expect(sim.order(tradeId)?.state).toBe('00');
    expect(sim.stats()).toMatchObject({ reversals: 0 });
  });
});

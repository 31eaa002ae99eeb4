/**
 * The CodePay provider against the simulated terminal over real sockets on 127.0.0.1.
 * Every behaviour checks the simulator's own books: exactly one charge for approvals,
 * none for declines and cancels, and one order message per merchant_order_no.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  startCodepayTerminalSimulator,
  type CodepayTerminalSimulator,
  type CodepayTerminalSimulatorOptions,
} from '../../src-main/payments/codepay/codepay-simulator';
import { PosError } from '../../src-shared/errors';
import {
  createCodepayProvider,
  type CodepayLateResult,
  type CodepayProvider,
  type CodepayTiming,
} from '../../src-main/payments/codepay/codepay-provider';
import type { CodepayOrderSettings } from '../../src-main/payments/codepay/codepay-order-request';
import type { ProviderAttempt } from '../../src-main/payments/provider';
import { FAST_CODEPAY } from '../support/codepay-timing';

/** The shared test timings, with a quicker ping and longer windows for the provider on its own. */
const FAST: Partial<CodepayTiming> = {
  ...FAST_CODEPAY,
  pingIntervalMs: 25,
  recoveryMs: 15_000,
  requestTimeoutMs: 5_000,
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Rig {
  sim: CodepayTerminalSimulator;
  provider: CodepayProvider;
  late: CodepayLateResult[];
}

async function rig(
  simOptions: CodepayTerminalSimulatorOptions = {},
  timing: Partial<CodepayTiming> = {},
  order?: CodepayOrderSettings,
): Promise<Rig> {
  const sim = await startCodepayTerminalSimulator({ appId: 'app1', ...simOptions });
  cleanups.push(() => sim.close());
  const late: CodepayLateResult[] = [];
  const provider = createCodepayProvider(
    { appId: 'app1', currency: 'CAD', terminals: [{ name: 'Lane 1', url: sim.url }], ...(order ? { order } : {}) },
    { ...FAST, ...timing },
    { onLateResult: (result) => late.push(result) },
  );
  cleanups.push(() => provider.close());
  return { sim, provider, late };
}

let counter = 0;
function attempt(overrides: Partial<ProviderAttempt> = {}): ProviderAttempt {
  counter += 1;
  const reference = overrides.reference ?? `CT${Date.now().toString(36)}${counter}`.toUpperCase();
  return {
    id: `att-${counter}`,
    orderId: 'ord-1',
    kind: 'sale',
    method: 'card',
    amount: 1250,
    tip: 0,
    currency: 'CAD',
    reference,
    requestId: `req-${reference}`,
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

/** Wait for a condition the simulator reaches over the socket (no timing asserted). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function refOf(a: ProviderAttempt): string {
  return a.reference;
}

describe('sales', () => {
  it('approves once, with a masked card block and the terminal ids', async () => {
    const { sim, provider } = await rig();
    const a = attempt();
    const outcome = await run(provider, a).outcome;
    expect(outcome).toMatchObject({
      state: 'approved',
      approvedAmount: 1250,
      card: { provider: 'codepay', method: 'card', brand: 'Visa', maskedPan: '**** 0010', entryMode: 'Contactless' },
    });
    expect(outcome.card?.authCode).toMatch(/^\d{6}$/);
    expect(outcome.card?.reference).toMatch(/^R/);
    expect(outcome.card?.channelOrderNo).toMatch(/^C/);
    expect(outcome.card?.transactionTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(outcome.providerRef).toMatch(/^5021/);
    expect(outcome.tip).toBeUndefined();
    expect(JSON.stringify(outcome)).not.toContain('476173');
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages).toEqual({ [refOf(a)]: 1 });
  });

  it('accepts "0" as the success code', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'approve', successCode: '0' });
    const a = attempt();
    expect((await run(provider, a).outcome).state).toBe('approved');
    // Taken as success straight away, not treated as doubtful and queried.
    expect(sim.counts().queries).toBe(0);
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });

  it('reports a tip the customer chose on screen, in minor units', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'approve', tip: 250 });
    const a = attempt({ options: { onScreenTip: true } });
    const outcome = await run(provider, a).outcome;
    expect(outcome).toMatchObject({ state: 'approved', approvedAmount: 1250, tip: 250, card: { tip: 250 } });
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });

  it('passes a decline through as final, without charging', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'decline', message: 'Do not honour' });
    const a = attempt();
    expect(await run(provider, a).outcome).toMatchObject({ state: 'declined', message: 'Do not honour' });
    expect(sim.counts().charges).toBe(0);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });

  it('maps an operator cancel (110) to cancelled', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'operator-cancel' });
    const a = attempt();
    expect(await run(provider, a).outcome).toMatchObject({ state: 'cancelled', message: '[K026] manual cancel' });
    expect(sim.counts().charges).toBe(0);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });

  it('resolves a timeout (112) by query: not charged ⇒ declined', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'timeout', charged: false });
    const a = attempt();
    const { outcome, progress } = run(provider, a);
    expect(await outcome).toMatchObject({ state: 'declined' });
    expect(progress.some((line) => /checking with the terminal/.test(line))).toBe(true);
    expect(sim.counts().queries).toBeGreaterThanOrEqual(1);
    expect(sim.counts().charges).toBe(0);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });

  it('resolves a timeout (112) by query: charged anyway ⇒ approved, never resent', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'timeout', charged: true });
    const a = attempt();
    expect(await run(provider, a).outcome).toMatchObject({ state: 'approved', approvedAmount: 1250 });
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });

  it("survives malformed frames and heartbeats, and never takes another order's result", async () => {
    const { sim, provider, late } = await rig();
    await until(() => provider.terminals()[0]?.state === 'open');
    sim.sendRaw('not json at all');
    sim.sendRaw('{"topic":""}');
    sim.sendRaw('[1,2,3]');
    sim.sendRaw('{"topic":"ecrhub.heartbeat","response_code":"000"}');
    sim.sendRaw(
      '{"topic":"ecrhub.pay.order","response_code":"000","biz_data":{"merchant_order_no":"SOMEONEELSE","trans_type":"1","trans_status":"2"}}',
    );
    const a = attempt();
    const outcome = await run(provider, a).outcome;
    expect(outcome.state).toBe('approved');
    expect(outcome.providerRef).toMatch(/^5021/);
    // The stray result for another order went to the late-result hook, not to this sale.
    expect(late).toEqual([expect.objectContaining({ merchantOrderNo: 'SOMEONEELSE' })]);
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });
});

describe('socket drops mid-sale', () => {
  it('applies a result re-delivered (twice) after reconnect exactly once', async () => {
    const { sim, provider, late } = await rig();
    sim.next({ kind: 'drop', redeliver: true, redeliverTimes: 2 });
    const a = attempt();
    const { outcome, progress } = run(provider, a);
    expect(await outcome).toMatchObject({ state: 'approved', approvedAmount: 1250 });
    expect(progress.some((line) => /Connection to the terminal lost/.test(line))).toBe(true);
    // A query round trip on the same socket guarantees the second copy has arrived.
    expect((await provider.query(a)).state).toBe('approved');
    expect(late).toEqual([]);
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
    expect(sim.counts().connections).toBeGreaterThanOrEqual(2);
  });

  it('queries as soon as the link is back, without sitting out the re-delivery window, when the terminal does not re-deliver', async () => {
    // A window far longer than the test may run: only the query on reconnect can answer in time.
    const { sim, provider } = await rig({}, { redeliveryWindowMs: 600_000, saleTimeoutMs: 600_000 });
    sim.next({ kind: 'drop', redeliver: false });
    const a = attempt();
    const { outcome, progress } = run(provider, a);
    expect(await outcome).toMatchObject({ state: 'approved', readBack: { amount: 1250, currency: 'CAD' } });
    expect(progress.some((line) => /Reconnected; checking with the terminal/.test(line))).toBe(true);
    expect(sim.counts().queries).toBeGreaterThanOrEqual(1);
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });

  it('hands a late result for an abandoned attempt to onLateResult exactly once', async () => {
    const { sim, provider, late } = await rig();
    sim.next({ kind: 'drop', redeliver: true, redeliverTimes: 2 });
    const a = attempt();
    const controller = new AbortController();
    const progress: string[] = [];
    const outcome = await provider.start(a, controller.signal, (line) => {
      progress.push(line);
      if (/lost/.test(line)) controller.abort();
    });
    expect(outcome.state).toBe('unknown');
    await until(() => late.length > 0);
    expect((await provider.query(a)).state).toBe('approved');
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ terminal: 'Lane 1', merchantOrderNo: a.reference, outcome: { state: 'approved' } });
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });

  it('reconnects when the terminal stops answering pings', async () => {
    const { sim, provider } = await rig({}, { pingIntervalMs: 10, lostTimeoutMs: 150 });
    await until(() => provider.terminals()[0]?.state === 'open');
    sim.setAnswerPings(false);
    await until(() => sim.counts().connections >= 2);
    sim.setAnswerPings(true);
    const a = attempt();
    expect((await run(provider, a).outcome).state).toBe('approved');
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });
});

describe('one transaction per terminal', () => {
  it('refuses a second sale on the same terminal before sending it', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'hold' });
    const first = attempt();
    const running = run(provider, first);
    await until(() => sim.pending().length === 1);
    const second = attempt();
    await expect(run(provider, second).outcome).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
    expect(sim.counts().orderMessages[refOf(second)]).toBeUndefined();
    expect(sim.act(first.reference, 'approve')).toBe(true);
    expect((await running.outcome).state).toBe('approved');
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages[refOf(first)]).toBe(1);
  });

  it('declines when the terminal itself is busy with another POS', async () => {
    const { sim, provider } = await rig();
    const other = createCodepayProvider(
      { appId: 'app1', currency: 'CAD', terminals: [{ name: 'Lane 1', url: sim.url }] },
      FAST,
    );
    cleanups.push(() => other.close());
    sim.next({ kind: 'hold' });
    const first = attempt();
    const running = run(provider, first);
    await until(() => sim.pending().length === 1);
    const second = attempt();
    expect(await run(other, second).outcome).toMatchObject({
      state: 'declined',
      message: 'Terminal busy with another transaction',
    });
    sim.act(first.reference, 'approve');
    expect((await running.outcome).state).toBe('approved');
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages).toEqual({ [refOf(first)]: 1, [refOf(second)]: 1 });
  });

  it('never charges twice when a merchant_order_no is reused', async () => {
    const { sim, provider } = await rig();
    const a = attempt();
    expect((await run(provider, a).outcome).state).toBe('approved');
    // The same reference again (an engine bug): the terminal refuses it and the provider
    // reports what the terminal holds for that number.
    const again = await run(provider, { ...a, id: 'att-again' }).outcome;
    expect(again.state).toBe('approved');
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(2);
  });
});

describe('query and cancel', () => {
  it('queries an order in every state', async () => {
    const { sim, provider } = await rig();
    const unknownOrder = attempt();
    expect((await provider.query(unknownOrder)).state).toBe('unknown');

    sim.next({ kind: 'hold' }, { kind: 'hold' }, { kind: 'hold' });
    const paid = attempt();
    const paying = run(provider, paid);
    await until(() => sim.pending().length === 1);
    expect(await provider.query(paid)).toMatchObject({ state: 'pending' });
    sim.act(paid.reference, 'approve');
    expect((await paying.outcome).state).toBe('approved');
    expect(await provider.query(paid)).toMatchObject({ state: 'approved', card: { maskedPan: '**** 0010' } });

    const refused = attempt();
    const refusing = run(provider, refused);
    await until(() => sim.pending().length === 1);
    sim.act(refused.reference, 'decline');
    expect((await refusing.outcome).state).toBe('declined');
    expect((await provider.query(refused)).state).toBe('declined');

    const walked = attempt();
    const walking = run(provider, walked);
    await until(() => sim.pending().length === 1);
    sim.act(walked.reference, 'cancel');
    expect((await walking.outcome).state).toBe('cancelled');
    expect((await provider.query(walked)).state).toBe('cancelled');

    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages).toEqual({ [refOf(paid)]: 1, [refOf(refused)]: 1, [refOf(walked)]: 1 });
  });

  it('cancel() closes the waiting order (status 3) and frees the terminal', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'hold' });
    const a = attempt();
    const running = run(provider, a);
    await until(() => sim.pending().length === 1);
    expect((await provider.cancel(a)).state).toBe('cancelled');
    expect((await running.outcome).state).toBe('cancelled');
    expect(sim.order(a.reference)?.status).toBe('3');
    expect(provider.terminals()[0].inFlight).toBeNull();
    // Closing a finished order is refused; cancel() then reports the real state.
    expect((await provider.cancel(a)).state).toBe('cancelled');
    expect(sim.counts().charges).toBe(0);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });

  it('an aborted wait returns unknown, never a guess', async () => {
    const { sim, provider } = await rig();
    sim.next({ kind: 'hold' });
    const a = attempt();
    const controller = new AbortController();
    const running = run(provider, a, controller.signal);
    await until(() => sim.pending().length === 1);
    controller.abort();
    expect((await running.outcome).state).toBe('unknown');
    expect((await provider.cancel(a)).state).toBe('cancelled');
    expect(sim.counts().charges).toBe(0);
    expect(sim.counts().orderMessages[refOf(a)]).toBe(1);
  });
});

describe('voids and refunds', () => {
  it('voids with on-terminal manager authentication', async () => {
    const { sim, provider } = await rig();
    const sale = attempt();
    const approved = await run(provider, sale).outcome;
    const voidAttempt = attempt({
      kind: 'void',
      original: { reference: sale.reference, providerRef: approved.providerRef ?? null, amount: 1250, tip: 0 },
      options: { terminalAuthentication: true },
    });
    expect((await run(provider, voidAttempt).outcome).state).toBe('approved');
    expect(sim.counts()).toMatchObject({ charges: 1, voids: 1, authorisations: 1 });
    expect(sim.counts().orderMessages).toEqual({ [refOf(sale)]: 1, [refOf(voidAttempt)]: 1 });
  });

  it('refuses a void after batch close, allows a refund within the original', async () => {
    const { sim, provider } = await rig();
    const sale = attempt();
    await run(provider, sale).outcome;
    expect(await provider.batchClose('Lane 1')).toMatchObject({ ok: true });
    const original = { reference: sale.reference, providerRef: null, amount: 1250, tip: 0 };
    const voidAttempt = attempt({ kind: 'void', original });
    expect(await run(provider, voidAttempt).outcome).toMatchObject({
      state: 'declined',
      message: 'Void not allowed after batch close; refund instead',
    });
    const tooMuch = attempt({ kind: 'refund', amount: 1251, original });
    expect(await run(provider, tooMuch).outcome).toMatchObject({
      state: 'declined',
      message: 'Refund amount exceeds the original transaction',
    });
    const refund = attempt({ kind: 'refund', amount: 500, original });
    expect((await run(provider, refund).outcome).state).toBe('approved');
    expect(sim.counts()).toMatchObject({ charges: 1, voids: 0, refunds: 1 });
    expect(sim.counts().orderMessages[refOf(refund)]).toBe(1);
  });
});

describe('pre-auth, completion, tip adjustment', () => {
  it('pre-authorises, completes, and cancels another pre-auth', async () => {
    const { sim, provider } = await rig();
    const hold = attempt({ options: { preauth: true } });
    expect((await run(provider, hold).outcome).state).toBe('approved');
    const original = { reference: hold.reference, providerRef: null, amount: 1250, tip: 0 };
    const completion = attempt({ amount: 1100, original });
    expect(await provider.completion(completion, new AbortController().signal, () => undefined)).toMatchObject({
      state: 'approved',
      approvedAmount: 1100,
    });
    const hold2 = attempt({ options: { preauth: true } });
    await run(provider, hold2).outcome;
    const release = attempt({ original: { ...original, reference: hold2.reference } });
    expect((await provider.preauthCancel(release, new AbortController().signal, () => undefined)).state).toBe(
      'approved',
    );
    expect(sim.counts()).toMatchObject({ charges: 0, preauths: 2, completions: 1 });
  });

  it('adjusts the tip before batch close only', async () => {
    const { sim, provider } = await rig();
    const sale = attempt();
    await run(provider, sale).outcome;
    expect(await provider.tipAdjust(sale, 300)).toMatchObject({ state: 'approved', tip: 300 });
    expect(sim.order(sale.reference)?.tip).toBe(300);
    await provider.batchClose('Lane 1');
    expect((await provider.tipAdjust(sale, 400)).state).toBe('declined');
    expect(sim.order(sale.reference)?.tip).toBe(300);
    expect(sim.counts().charges).toBe(1);
  });
});

describe('confirm on terminal', () => {
  it('is refused by the provider without a request id, before anything is sent', async () => {
    const { sim, provider } = await rig({}, {}, { confirmOnTerminal: true });
    const a = attempt({ requestId: '' });
    await expect(run(provider, a).outcome).rejects.toBeInstanceOf(PosError);
    expect(sim.counts().orderMessages[refOf(a)]).toBeUndefined();
    const withId = attempt();
    expect((await run(provider, withId).outcome).state).toBe('approved');
    expect(sim.counts().charges).toBe(1);
  });

  it('the terminal refuses an order with confirm_on_terminal and no request_id', async () => {
    const { sim } = await rig();
    const ws = new WebSocket(sim.url);
    cleanups.push(async () => ws.terminate());
    await new Promise<void>((resolve) => ws.once('open', () => resolve()));
    const reply = new Promise<Record<string, unknown>>((resolve) =>
      ws.once('message', (data) => resolve(JSON.parse(String(data)))),
    );
    ws.send(
      JSON.stringify({
        topic: 'ecrhub.pay.order',
        app_id: 'app1',
        biz_data: { merchant_order_no: 'NOREQ1', trans_type: '1', order_amount: '1.00', confirm_on_terminal: true },
      }),
    );
    expect(await reply).toMatchObject({ topic: 'ecrhub.pay.order', response_code: '306' });
    expect(sim.counts().charges).toBe(0);
  });
});

describe('demo virtual terminal', () => {
  it('waits for the trainee, who approves with a tip on screen', async () => {
    const events: string[] = [];
    const { sim, provider } = await rig({
      interactive: true,
      onEvent: (event) => events.push(`${event.kind}:${event.order.merchantOrderNo}`),
    });
    const a = attempt({ amount: 2000, options: { onScreenTip: true } });
    const running = run(provider, a);
    await until(() => sim.pending().length === 1);
    expect(sim.pending()[0]).toMatchObject({ merchantOrderNo: a.reference, amount: 2000, onScreenTip: true });
    expect(sim.act(a.reference, 'approve-with-tip')).toBe(true);
    expect(await running.outcome).toMatchObject({ state: 'approved', approvedAmount: 2000, tip: 300 });
    expect(events).toEqual([`waiting:${a.reference}`, `finished:${a.reference}`]);
    expect(sim.act(a.reference, 'approve')).toBe(false);
    expect(sim.counts().charges).toBe(1);
  });
});

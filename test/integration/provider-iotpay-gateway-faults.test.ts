/**
 * IOTPay providers against the simulator over real HTTP: deadlines on the monotonic clock,
 * read-backs, currencies, card numbers in free text, and configuration faults said in a
 * sentence (issue 10 items 7–11).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderAttempt } from '../../src-main/payments/provider';
import type { MonotonicClock } from '../../src-main/payments/polling';
import {
  createIotpayPaxProvider,
  type IotpayConfig,
  type IotpayPaxTiming,
} from '../../src-main/payments/iotpay/iotpay-pax-provider';
import {
  createIotpayWalletProvider,
  type IotpayWalletTiming,
} from '../../src-main/payments/iotpay/iotpay-wallet-provider';
import { startIotpaySimulator, type IotpaySimulator } from '../../src-main/payments/iotpay/iotpay-simulator';
import { until } from '../support/wait';

const PAX_FAST: Partial<IotpayPaxTiming> = {
  createTimeoutMs: 10_000,
  queryIntervalMs: 10,
  queryWindowMs: 10_000,
  queryTimeoutMs: 5_000,
};
const WALLET_FAST: Partial<IotpayWalletTiming> = {
  createTimeoutMs: 10_000,
  pollIntervalMs: 10,
  maxPolls: 30,
  queryTimeoutMs: 5_000,
  refundTimeoutMs: 10_000,
};
const WECHAT = '134567890123456789';
/** Luhn-valid test PANs, as a terminal might echo them in its free text. */
const VISA = '4111111111111111';
const VISA_SPACED = '4111 1111 1111 1111';

let counter = 0;
function attemptOf(method: 'card' | 'wallet', overrides: Partial<ProviderAttempt> = {}): ProviderAttempt {
  counter += 1;
  const reference = `GF${process.pid}T${Date.now() % 1e7}N${counter}`;
  return {
    id: `att-${counter}`,
    orderId: 'order-1',
    kind: 'sale',
    method,
    amount: 1234,
    tip: 0,
    currency: 'CAD',
    reference,
    requestId: `req-${reference}`,
    providerRef: null,
    terminal: null,
    description: 'Groceries',
    ...(method === 'wallet' ? { walletCode: WECHAT } : {}),
    ...overrides,
  };
}

function configFor(sim: IotpaySimulator, overrides: Partial<IotpayConfig> = {}): IotpayConfig {
  return { baseUrl: sim.url, mchId: sim.mchId, loginName: 'cashier1', key: sim.key, device: 'V1-B25', ...overrides };
}

const never = new AbortController().signal;
const noProgress = (): void => {};

/** A monotonic clock the test moves by hand. */
function manualClock(): MonotonicClock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => performance.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

describe('IOTPay deadlines run on the monotonic clock (item 7)', () => {
  let sim: IotpaySimulator;
  const realNow = Date.now;
  beforeAll(async () => {
    sim = await startIotpaySimulator({ key: 'clock-key' });
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(() => {
    Date.now = realNow;
  });

  it('CC_PAX: stepping the wall clock back 1 h mid-poll does not stretch the query window', async () => {
    sim.setBehaviour('stuck-pending');
    const provider = createIotpayPaxProvider(configFor(sim), { ...PAX_FAST, createTimeoutMs: 150, queryWindowMs: 400 });
    const attempt = attemptOf('card');
    const started = performance.now();
    const running = provider.start(attempt, never, noProgress);
    await until(() => sim.queryCalls(attempt.reference) >= 1, 'the first query');
    Date.now = () => realNow() - 3_600_000;
    const outcome = await running;
    Date.now = realNow;
    await provider.close();
    expect(outcome.state).toBe('unknown');
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
  });

  it('CC_PAX: the window is measured on the injected clock (a 60 s window ends when that clock says so)', async () => {
    sim.setBehaviour('stuck-pending');
    const clock = manualClock();
    const provider = createIotpayPaxProvider(configFor(sim), {
      ...PAX_FAST,
      createTimeoutMs: 150,
      queryWindowMs: 60_000,
      clock,
    });
    const attempt = attemptOf('card');
    const running = provider.start(attempt, never, noProgress);
    await until(() => sim.queryCalls(attempt.reference) >= 2, 'two queries');
    clock.advance(60_001);
    const outcome = await running;
    await provider.close();
    expect(outcome.state).toBe('unknown');
    expect(outcome.message).toMatch(/not finished/);
  });

  it('wallet: the polling bound is measured on the injected clock too', async () => {
    sim.setBehaviour('stuck-pending');
    const clock = manualClock();
    const provider = createIotpayWalletProvider(configFor(sim), { ...WALLET_FAST, maxPolls: 100_000, clock });
    const attempt = attemptOf('wallet');
    const running = provider.start(attempt, never, noProgress);
    await until(() => sim.queryCalls(attempt.reference) >= 2, 'two queries');
    clock.advance(100_000 * 6_000);
    const outcome = await running;
    await provider.close();
    expect(outcome.state).toBe('unknown');
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
  });
});

describe('IOTPay read-backs, currencies and amounts (items 8, 9)', () => {
  let sim: IotpaySimulator;
  beforeAll(async () => {
    sim = await startIotpaySimulator({ key: 'readback-key' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('CC_PAX create_order reply: the read-back is the base amount without the tip', async () => {
    sim.setBehaviour('approve');
    const provider = createIotpayPaxProvider(configFor(sim), PAX_FAST);
    const attempt = attemptOf('card', { amount: 2865, tip: 300 });
    const outcome = await provider.start(attempt, never, noProgress);
    const queried = await provider.query(attempt);
    await provider.close();
    expect(outcome).toMatchObject({
      state: 'approved',
      approvedAmount: 2865,
      tip: 300,
      readBack: { amount: 2865, currency: 'CAD' },
    });
    expect(queried).toMatchObject({ state: 'approved', readBack: { amount: 2865, currency: 'CAD' } });
    expect(sim.order(attempt.reference)).toMatchObject({ amount: 2865, tip: 300, currency: 'CAD' });
  });

  it('0113 "already paid" for another amount: reported faithfully in the read-back, for the engine to flag', async () => {
    // Another till (or an earlier run) already paid this mchOrderNo for 999.
    sim.setBehaviour('approve', { walletSteps: 0 });
    const earlier = attemptOf('wallet', { amount: 999 });
    const wallet = createIotpayWalletProvider(configFor(sim), WALLET_FAST);
    expect((await wallet.start(earlier, never, noProgress)).state).toBe('approved');
    const same = { ...earlier, id: 'att-other', amount: 1234 };
    const outcome = await wallet.start(same, never, noProgress);
    await wallet.close();
    expect(outcome.detail?.after).toMatchObject({ endpoint: 'create_order', errCode: '0113' });
    expect(outcome.readBack).toEqual({ amount: 999, currency: 'CAD' });
    expect(sim.createOrderCalls(earlier.reference)).toBe(2);
  });

  it('CC_PAX 0113 path: queried at once, the read-back says what was paid', async () => {
    sim.setBehaviour('already-paid');
    const provider = createIotpayPaxProvider(configFor(sim), { ...PAX_FAST, queryIntervalMs: 5_000 });
    const attempt = attemptOf('card', { amount: 4321 });
    const started = performance.now();
    const outcome = await provider.start(attempt, never, noProgress);
    await provider.close();
    expect(outcome).toMatchObject({ state: 'approved', readBack: { amount: 4321, currency: 'CAD' } });
    expect(performance.now() - started).toBeLessThan(4_000); // not after a 5 s pause
  });

  it('wallet query replies carry the read-back; USD is sent and read as cents', async () => {
    sim.setBehaviour('approve', { walletSteps: 2 });
    const provider = createIotpayWalletProvider(configFor(sim), WALLET_FAST);
    const attempt = attemptOf('wallet', { amount: 1999, currency: 'USD' });
    const outcome = await provider.start(attempt, never, noProgress);
    await provider.close();
    expect(outcome).toMatchObject({
      state: 'approved',
      approvedAmount: 1999,
      readBack: { amount: 1999, currency: 'USD' },
    });
    expect(sim.order(attempt.reference)).toMatchObject({ amount: 1999, currency: 'USD' });
  });

  it.each(['card', 'wallet'] as const)(
    '%s: a store currency IOTPay does not take (KWD 1.500) is refused, nothing sent',
    async (method) => {
      const provider =
        method === 'card'
          ? createIotpayPaxProvider(configFor(sim), PAX_FAST)
          : createIotpayWalletProvider(configFor(sim), WALLET_FAST);
      const attempt = attemptOf(method, { amount: 1500, currency: 'KWD' });
      const outcome = await provider.start(attempt, never, noProgress);
      await provider.close();
      expect(outcome.state).toBe('declined');
      expect(outcome.message).toMatch(/IOTPay does not take KWD.*Nothing was sent/);
      expect(sim.createOrderCalls(attempt.reference)).toBe(0);
    },
  );
});

describe("card numbers in the gateway's free text (item 10)", () => {
  let sim: IotpaySimulator;
  beforeAll(async () => {
    sim = await startIotpaySimulator({ key: 'pan-key' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each([
    ['approve', 'approved'],
    ['decline', 'declined'],
  ] as const)('%s: a full PAN in receiptDisp never shows in the outcome', async (behaviour, state) => {
    sim.setBehaviour(behaviour, { receiptDisp: `CARD ${VISA_SPACED} RESP 00`, cardNum: VISA });
    const provider = createIotpayPaxProvider(configFor(sim), PAX_FAST);
    const attempt = attemptOf('card');
    const outcome = await provider.start(attempt, never, noProgress);
    const queried = await provider.query(attempt);
    await provider.close();
    expect(outcome.state).toBe(state);
    expect(outcome.card?.responseText).toBe('CARD **** 1111 RESP 00');
    expect(outcome.message).toContain('CARD **** 1111 RESP 00');
    for (const seen of [outcome, queried]) {
      const text = JSON.stringify(seen);
      expect(text).not.toContain(VISA);
      expect(text).not.toContain(VISA_SPACED);
    }
  });
});

describe('gateway configuration faults said in a sentence (item 11)', () => {
  let sim: IotpaySimulator;
  beforeAll(async () => {
    sim = await startIotpaySimulator({ key: 'right-key', mchId: '10000576' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it.each(['card', 'wallet'] as const)(
    '%s: the till has the wrong merchant key → declined, configFault about the key, nothing created',
    async (method) => {
      const config = configFor(sim, { key: 'a-different-key' });
      const provider =
        method === 'card' ? createIotpayPaxProvider(config, PAX_FAST) : createIotpayWalletProvider(config, WALLET_FAST);
      const attempt = attemptOf(method);
      const outcome = await provider.start(attempt, never, noProgress);
      await provider.close();
      expect(outcome.state).toBe('declined');
      expect(outcome.configFault).toBe(
        'The IOTPay merchant key set on this till is wrong: IOTPay refused the signature. Nothing was charged.',
      );
      expect(sim.order(attempt.reference)).toBeNull();
    },
  );

  it.each(['card', 'wallet'] as const)(
    '%s: the key stops working after the order exists → unknown with the configFault at once, not "still waiting"',
    async (method) => {
      sim.setBehaviour('stuck-pending');
      const provider =
        method === 'card'
          ? createIotpayPaxProvider(configFor(sim), { ...PAX_FAST, createTimeoutMs: 150, queryWindowMs: 30_000 })
          : createIotpayWalletProvider(configFor(sim), { ...WALLET_FAST, maxPolls: 10_000 });
      const attempt = attemptOf(method);
      const started = performance.now();
      const running = provider.start(attempt, never, noProgress);
      await until(() => sim.order(attempt.reference) !== null, 'the order to exist');
      sim.setMerchantKey('rotated-key');
      try {
        const outcome = await running;
        expect(outcome.state).toBe('unknown');
        expect(outcome.configFault).toMatch(/merchant key set on this till is wrong/);
        expect(outcome.configFault).not.toMatch(/Nothing was charged/);
        expect(outcome.message).toMatch(/cannot be checked until the settings are fixed/);
        expect(performance.now() - started).toBeLessThan(5_000);
        const queried = await provider.query(attempt);
        expect(queried).toMatchObject({ state: 'unknown', configFault: expect.stringMatching(/merchant key/) });
        const cancelled = await provider.cancel(attempt);
        expect(cancelled.configFault).toMatch(/merchant key/);
      } finally {
        sim.setMerchantKey('right-key');
        await provider.close();
      }
      expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    },
  );

  it.each(['card', 'wallet'] as const)(
    '%s: a base URL ending in /v1 (HTTP 404) → declined, configFault about the address',
    async (method) => {
      const config = configFor(sim, { baseUrl: `${sim.url}/v1` });
      const provider =
        method === 'card' ? createIotpayPaxProvider(config, PAX_FAST) : createIotpayWalletProvider(config, WALLET_FAST);
      const attempt = attemptOf(method);
      const outcome = await provider.start(attempt, never, noProgress);
      const queried = await provider.query(attempt);
      await provider.close();
      expect(outcome.state).toBe('declined');
      expect(outcome.configFault).toMatch(/IOTPay address set on this till .*\/v1\) is wrong.*HTTP 404.*without \/v1/);
      expect(queried).toMatchObject({
        state: 'unknown',
        configFault: expect.stringMatching(/IOTPay address set on this till/),
      });
      expect(sim.order(attempt.reference)).toBeNull();
    },
  );

  it('an unknown merchant ID → declined, configFault naming the ID', async () => {
    const provider = createIotpayPaxProvider(configFor(sim, { mchId: '999999' }), PAX_FAST);
    const outcome = await provider.start(attemptOf('card'), never, noProgress);
    await provider.close();
    expect(outcome).toMatchObject({
      state: 'declined',
      configFault: 'The IOTPay merchant ID set on this till (999999) is not known to IOTPay. Nothing was charged.',
    });
  });

  it('a reply signature mismatch is logged (which form was tried), never the key', async () => {
    sim.setBehaviour('bad-signature');
    const lines: string[] = [];
    const provider = createIotpayPaxProvider(configFor(sim), PAX_FAST, (line) => lines.push(line));
    const outcome = await provider.start(attemptOf('card'), never, noProgress);
    await provider.close();
    expect(outcome.state).toBe('approved');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/IOTPay create_order reply signature did not verify.*compact JSON/);
    expect(lines[0]).not.toContain('right-key');
  });
});

describe('a base URL that answers with a web page', () => {
  let sim: IotpaySimulator;
  beforeAll(async () => {
    sim = await startIotpaySimulator({ webPageForOtherPaths: true });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('unknown (a web page proves nothing), with the configFault, and no query window spent waiting', async () => {
    const provider = createIotpayPaxProvider(configFor(sim, { baseUrl: `${sim.url}/portal` }), {
      ...PAX_FAST,
      queryWindowMs: 30_000,
    });
    const started = performance.now();
    const outcome = await provider.start(attemptOf('card'), never, noProgress);
    await provider.close();
    expect(outcome.state).toBe('unknown');
    expect(outcome.configFault).toMatch(/IOTPay address set on this till .* is wrong: it answered with a web page/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

/**
 * IOTPay CC_PAX provider against the IOTPay simulator over real HTTP on 127.0.0.1.
 * Every sale must end in the right outcome with at most one create_order per mchOrderNo
 * and exactly one charge (zero for declines), whatever happens to the replies.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardBlockSchema } from '../../src-shared/domain';
import type { ProviderAttempt } from '../../src-main/payments/provider';
import {
  createIotpayPaxProvider,
  type IotpayConfig,
  type IotpayPaxTiming,
} from '../../src-main/payments/iotpay/iotpay-pax-provider';
import { startIotpaySimulator, type IotpaySimulator } from '../../src-main/payments/iotpay/iotpay-simulator';

/** Replies arrive fast in tests; generous create timeouts keep loaded machines from timing out early. */
const FAST: Partial<IotpayPaxTiming> = {
  createTimeoutMs: 10_000,
  queryIntervalMs: 10,
  queryWindowMs: 10_000,
  queryTimeoutMs: 5_000,
};
/** For behaviours where the simulator never answers create_order: the client must give up. */
const GIVE_UP: Partial<IotpayPaxTiming> = { ...FAST, createTimeoutMs: 150 };

let counter = 0;
function sale(overrides: Partial<ProviderAttempt> = {}): ProviderAttempt {
  counter += 1;
  const reference = `PAX${process.pid}T${Date.now() % 1e7}N${counter}`;
  return {
    id: `att-${counter}`,
    orderId: 'order-1',
    kind: 'sale',
    method: 'card',
    amount: 1234,
    tip: 0,
    currency: 'CAD',
    reference,
    requestId: `req-${reference}`,
    providerRef: null,
    terminal: null,
    description: 'Groceries',
    ...overrides,
  };
}

function configFor(sim: IotpaySimulator, overrides: Partial<IotpayConfig> = {}): IotpayConfig {
  return {
    baseUrl: sim.url,
    mchId: sim.mchId,
    loginName: 'cashier1',
    key: sim.key,
    device: 'V1-B25',
    currency: 'CAD',
    ...overrides,
  };
}

function waitForTerminal(sim: IotpaySimulator, mchOrderNo: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (sim.pendingCardSales().some((s) => s.mchOrderNo === mchOrderNo)) {
        off();
        resolve();
      }
    };
    const off = sim.onChange(check);
    check();
  });
}

const never = new AbortController().signal;
const progress: string[] = [];
const onProgress = (m: string): void => {
  progress.push(m);
};

describe('IOTPay CC_PAX provider ↔ simulator', () => {
  let sim: IotpaySimulator;
  beforeAll(async () => {
    sim = await startIotpaySimulator({ key: 'pax-test-key' });
  });
  afterAll(async () => {
    await sim.close();
  });

  async function run(timing: Partial<IotpayPaxTiming>, attempt = sale()) {
    const provider = createIotpayPaxProvider(configFor(sim), timing);
    try {
      return { attempt, outcome: await provider.start(attempt, never, onProgress) };
    } finally {
      await provider.close();
    }
  }

  it('declares what IOTPay can and cannot do for terminal sales', () => {
    const provider = createIotpayPaxProvider(configFor(sim));
    expect(provider.id).toBe('iotpay-pax');
    expect(provider.method).toBe('card');
    expect(provider.capabilities).toEqual({
      cancel: false,
      void: false,
      refund: false,
      partialRefund: false,
      tip: false,
      preauth: false,
      cashback: false,
      onScreenTip: false,
      lanes: false,
      pushResults: false,
      hostedForm: false,
      terminalAuthentication: false,
    });
  });

  it('approve: approved from the create_order reply, card block masked and valid', async () => {
    sim.setBehaviour('approve');
    const { attempt, outcome } = await run(FAST);
    expect(outcome.state).toBe('approved');
    expect(outcome.approvedAmount).toBe(1234);
    expect(outcome.providerRef).toBe(sim.order(attempt.reference)?.payOrderId);
    expect(outcome.card?.maskedPan).toBe('**** 1166');
    expect(outcome.card?.responseText).toBe('000 Approved 00 Thank You');
    expect(cardBlockSchema.safeParse(outcome.card).success).toBe(true);
    expect(JSON.stringify(outcome)).not.toContain('1022'); // the simulator sends expireDate 1022
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.queryCalls(attempt.reference)).toBe(0);
    expect(sim.order(attempt.reference)?.status).toBe(2);
  });

  it('approve with a full PAN, French card and signature CVM: masked, fr, signature', async () => {
    const before = sim.charges();
    sim.setBehaviour('approve', { cardNum: '5454545454545454', langCode: 'F', cvmResults: '1E0300', trxMethod: 'C' });
    const { outcome } = await run(FAST);
    expect(outcome.state).toBe('approved');
    expect(outcome.card).toMatchObject({ maskedPan: '**** 5454', language: 'fr', cvm: 'signature', entryMode: 'Puce' });
    expect(JSON.stringify(outcome)).not.toContain('5454545454545454');
    expect(sim.charges()).toBe(before + 1);
  });

  it('decline: status 9 with the terminal text, nothing charged', async () => {
    const before = sim.charges();
    sim.setBehaviour('decline');
    const { attempt, outcome } = await run(FAST);
    expect(outcome.state).toBe('declined');
    expect(outcome.message).toContain('Transaction Not Completed 05');
    expect(sim.charges()).toBe(before);
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
  });

  it('slow card: create_order blocks, then approves without any query', async () => {
    const before = sim.charges();
    sim.setBehaviour('slow-card', { cardMs: 200 });
    const { attempt, outcome } = await run(FAST);
    expect(outcome.state).toBe('approved');
    expect(sim.queryCalls(attempt.reference)).toBe(0);
    expect(sim.charges()).toBe(before + 1);
  });

  it('HTTP timeout then late success: queries (never resends) and approves', async () => {
    const before = sim.charges();
    sim.setBehaviour('timeout-then-success', { paidAtQuery: 3 });
    const { attempt, outcome } = await run(GIVE_UP);
    expect(outcome.state).toBe('approved');
    expect(outcome.card?.authCode).toBeTruthy();
    expect(sim.queryCalls(attempt.reference)).toBe(3);
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(before + 1);
  });

  it('stuck pending: after the query window the outcome is unknown, not declined', async () => {
    const before = sim.charges();
    sim.setBehaviour('stuck-pending');
    const { attempt, outcome } = await run({ ...GIVE_UP, queryWindowMs: 200 });
    expect(outcome.state).toBe('unknown');
    expect(outcome.message).toMatch(/not finished/);
    expect(sim.queryCalls(attempt.reference)).toBeGreaterThan(0);
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(before);
  });

  it('walk-away: the order expires to status 4 → cancelled, nothing charged', async () => {
    const before = sim.charges();
    sim.setBehaviour('walk-away', { expireAtQuery: 2 });
    const { attempt, outcome } = await run(GIVE_UP);
    expect(outcome.state).toBe('cancelled');
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(before);
  });

  it('system cancel from the terminal: cancelled', async () => {
    sim.setBehaviour('system-cancel');
    const { outcome } = await run(FAST);
    expect(outcome.state).toBe('cancelled');
  });

  it.each(['bad-signature', 'server-error', 'malformed-json', 'drop-connection'] as const)(
    '%s on create_order (order charged): resolved by query, approved once',
    async (fault) => {
      const before = sim.charges();
      sim.setBehaviour(fault);
      const { attempt, outcome } = await run(FAST);
      expect(outcome.state).toBe('approved');
      expect(outcome.detail?.after).toMatchObject({ endpoint: 'create_order' });
      expect(sim.queryCalls(attempt.reference)).toBeGreaterThanOrEqual(1);
      expect(sim.createOrderCalls(attempt.reference)).toBe(1);
      expect(sim.charges()).toBe(before + 1);
    },
  );

  it('a reply whose signature never verifies is never approved: unknown', async () => {
    sim.setBehaviour('bad-signature');
    sim.setQueryFault('bad-signature', 10_000);
    try {
      const { attempt, outcome } = await run({ ...FAST, queryWindowMs: 150 });
      expect(outcome.state).toBe('unknown');
      expect(sim.order(attempt.reference)?.status).toBe(2); // the gateway did charge: the engine must keep checking
      expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    } finally {
      sim.setQueryFault('bad-signature', 0);
    }
  });

  it('5xx before the gateway recorded the order: unknown after the window, nothing charged', async () => {
    const before = sim.charges();
    sim.setBehaviour('server-error', { charge: false });
    const { attempt, outcome } = await run({ ...FAST, queryWindowMs: 150 });
    expect(outcome.state).toBe('unknown');
    expect(outcome.message).toMatch(/not confirmed/);
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(before);
  });

  it('0113 already paid on create: queries and reports approved, one charge', async () => {
    const before = sim.charges();
    sim.setBehaviour('already-paid');
    const { attempt, outcome } = await run(FAST);
    expect(outcome.state).toBe('approved');
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(before + 1);
  });

  it('a wrong merchant key: declined with a sentence about the key, nothing charged', async () => {
    const before = sim.charges();
    const provider = createIotpayPaxProvider(configFor(sim, { key: 'wrong-key' }), FAST);
    const attempt = sale();
    const outcome = await provider.start(attempt, never, onProgress);
    await provider.close();
    expect(outcome.state).toBe('declined');
    expect(outcome.message).toMatch(/merchant key/);
    expect(sim.order(attempt.reference)).toBeNull();
    expect(sim.charges()).toBe(before);
  });

  it('gateway unreachable (connection refused): declined, nothing sent', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const provider = createIotpayPaxProvider(configFor(sim, { baseUrl: `http://127.0.0.1:${port}` }), FAST);
    const outcome = await provider.start(sale(), never, onProgress);
    await provider.close();
    expect(outcome.state).toBe('declined');
    expect(outcome.message).toMatch(/Could not reach IOTPay/);
    expect(outcome.detail).toMatchObject({ failure: 'unreachable', delivered: false });
  });

  it('refunds and voids are not sent from the register', async () => {
    const provider = createIotpayPaxProvider(configFor(sim), FAST);
    const refund = sale({ kind: 'refund', original: { reference: 'X', providerRef: 'CP1', amount: 1234, tip: 0 } });
    const outcome = await provider.start(refund, never, onProgress);
    await provider.close();
    expect(outcome.state).toBe('declined');
    expect(outcome.message).toMatch(/on the PAX terminal/);
    expect(sim.createOrderCalls(refund.reference)).toBe(0);
  });

  it('query() reads one status; cancel() says to cancel on the terminal', async () => {
    sim.setBehaviour('stuck-pending');
    const provider = createIotpayPaxProvider(configFor(sim), { ...GIVE_UP, queryWindowMs: 50 });
    const attempt = sale();
    expect((await provider.start(attempt, never, onProgress)).state).toBe('unknown');
    const queriesBefore = sim.queryCalls(attempt.reference);
    const queried = await provider.query(attempt);
    expect(queried.state).toBe('pending');
    expect(sim.queryCalls(attempt.reference)).toBe(queriesBefore + 1);
    const cancelled = await provider.cancel(attempt);
    expect(cancelled.state).toBe('pending');
    expect(cancelled.message).toMatch(/press Cancel on the terminal/);
    await provider.close();
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
  });

  it('query() of an order IOTPay never saw stays unknown (0112 is not proof for CC_PAX)', async () => {
    const provider = createIotpayPaxProvider(configFor(sim), FAST);
    const outcome = await provider.query(sale());
    await provider.close();
    expect(outcome.state).toBe('unknown');
    expect(outcome.detail).toMatchObject({ errCode: '0112' });
  });
});

describe('IOTPay virtual terminal (interactive simulator)', () => {
  let sim: IotpaySimulator;
  beforeAll(async () => {
    sim = await startIotpaySimulator({
      interactive: true,
      defaultOptions: { expireAtQuery: 2 },
      walkAwayExpireMs: 60_000,
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('tap-approve: the blocked create_order returns approved', async () => {
    const provider = createIotpayPaxProvider(configFor(sim), FAST);
    const attempt = sale({ amount: 2599 });
    const pending = provider.start(attempt, never, onProgress);
    await waitForTerminal(sim, attempt.reference);
    expect(sim.pendingCardSales()).toContainEqual({ mchOrderNo: attempt.reference, amount: 2599, currency: 'CAD' });
    expect(sim.act(attempt.reference, 'tap-approve')).toBe(true);
    const outcome = await pending;
    await provider.close();
    expect(outcome.state).toBe('approved');
    expect(sim.pendingCardSales()).toEqual([]);
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(1);
  });

  it('decline: declined, no charge', async () => {
    const provider = createIotpayPaxProvider(configFor(sim), FAST);
    const attempt = sale();
    const pending = provider.start(attempt, never, onProgress);
    await waitForTerminal(sim, attempt.reference);
    sim.act(attempt.reference, 'decline');
    const outcome = await pending;
    await provider.close();
    expect(outcome.state).toBe('declined');
    expect(sim.charges()).toBe(1);
  });

  it('walk-away: create_order times out, queries see 1 then 4 → cancelled', async () => {
    const provider = createIotpayPaxProvider(configFor(sim), { ...FAST, createTimeoutMs: 300 });
    const attempt = sale();
    const pending = provider.start(attempt, never, onProgress);
    await waitForTerminal(sim, attempt.reference);
    sim.act(attempt.reference, 'walk-away');
    const outcome = await pending;
    await provider.close();
    expect(outcome.state).toBe('cancelled');
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(1);
  });

  it('the cashier stops waiting: pending (never a guess); a late tap is found by query, charged once', async () => {
    const provider = createIotpayPaxProvider(configFor(sim), FAST);
    const attempt = sale();
    const cashier = new AbortController();
    const pending = provider.start(attempt, cashier.signal, onProgress);
    await waitForTerminal(sim, attempt.reference);
    cashier.abort();
    const outcome = await pending;
    expect(outcome.state).toBe('pending');
    expect(outcome.message).toMatch(/cancel the sale there/);
    expect(sim.act(attempt.reference, 'tap-approve')).toBe(true);
    const later = await provider.query(attempt);
    await provider.close();
    expect(later.state).toBe('approved');
    expect(sim.createOrderCalls(attempt.reference)).toBe(1);
    expect(sim.charges()).toBe(2);
  });

  it('close() while the terminal waits returns at once and sends nothing more', async () => {
    const provider = createIotpayPaxProvider(configFor(sim), FAST);
    const attempt = sale();
    const pending = provider.start(attempt, never, onProgress);
    await waitForTerminal(sim, attempt.reference);
    const queriesBefore = sim.queryCalls(attempt.reference);
    await provider.close();
    const outcome = await pending;
    expect(outcome.state).toBe('pending');
    expect(sim.queryCalls(attempt.reference)).toBe(queriesBefore);
    expect(sim.act(attempt.reference, 'decline')).toBe(true);
  });
});

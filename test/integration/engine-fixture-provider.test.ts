/**
 * A provider the build does not know, added the way every provider is: its module and its
 * simulator (test/support/fixture-provider/) plus one line in the module list. The real core
 * runs it like the built-in ones: the tender and its capabilities in app.info, sales, a lost
 * reply resolved by query, refunds and voids through the ledger, a decline. Every test ends
 * with the simulator's books: what it charged equals what the till took less what it gave back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appConfigSchemaFor } from '../../src-main/config/config-schema';
import { ConfigError, parseConfig } from '../../src-main/config/load-config';
import { PROVIDER_MODULES } from '../../src-main/payments/provider-list';
import { createProviders } from '../../src-main/payments/provider-registry';
import { ACME_CAPABILITIES, acmeModule } from '../support/fixture-provider/acme-module';
import { startAcmeSimulator, type AcmeSimulator } from '../support/fixture-provider/acme-simulator';
import { startHarness, type Harness } from '../support/core-harness';
import { until } from '../support/wait';

const MANAGER = { managerId: 'demo-manager', pin: '987654' };
/** The one line that adds the provider: the build's modules, then Acme's. */
const MODULES = [...PROVIDER_MODULES, acmeModule];

describe('the config file and a module list', () => {
  const raw = {
    store: { name: 'Corner Shop', currency: 'CAD' },
    dataDir: '/tmp/ct',
    providers: { acme: { baseUrl: 'http://127.0.0.1:9', apiKey: 'k' } },
  };

  it('a provider block the build does not know is a config error naming it; the extended list reads it', () => {
    let error: unknown;
    try {
      parseConfig(raw, 'acme.json', '/tmp');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('providers');
    expect((error as ConfigError).message).toContain('acme');
    const config = appConfigSchemaFor(MODULES).parse(raw);
    expect(config.providers.acme?.apiKey).toBe('k');
    expect(() =>
      appConfigSchemaFor(MODULES).parse({
        ...raw,
        providers: { acme: { baseUrl: 'http://x.test', apiKey: 'k', extra: 1 } },
      }),
    ).toThrow(/extra/);
  });

  it('two modules offering the same provider id are refused when the till starts, never one silently replacing the other', () => {
    const config = appConfigSchemaFor(MODULES).parse(raw);
    const twice = [acmeModule, { ...acmeModule, key: 'acme2' }] as const;
    expect(() =>
      createProviders({
        modules: twice,
        config: { store: config.store, providers: { acme: config.providers.acme, acme2: config.providers.acme } },
        demo: null,
        log: { info: () => undefined, error: () => undefined },
        events: () => ({ lateResult: () => undefined, foreignAnswer: () => undefined, linkRestored: () => undefined }),
      }),
    ).toThrow("Two payment provider modules both offer the provider id 'acme'.");
  });
});

describe('a provider added as a module: Acme Pay through the real core', () => {
  let sim: AcmeSimulator;
  let h: Harness;
  const orderIds: string[] = [];

  beforeEach(async () => {
    sim = await startAcmeSimulator();
    orderIds.length = 0;
    h = await startHarness(
      { providers: { acme: { baseUrl: sim.url, apiKey: sim.apiKey } } },
      { providerModules: MODULES },
    );
  });
  afterEach(async () => {
    await h.close();
    await sim.close();
  });

  const orderOf = (orderId: string) => h.call('pos:orders.get', { orderId });
  const pay = async () => {
    const order = await h.ringUp();
    orderIds.push(order.id);
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: 'acme', amount: order.due });
    return { order, attempt, reference: h.reference(attempt.id) };
  };
  const paidSale = async () => {
    const sale = await pay();
    await h.attempt(sale.attempt.id, (a) => a.state === 'approved');
    return sale;
  };

  /** Taken at the till (the orders' Acme tenders) less given back (approved refunds and voids), in minor units. */
  const tillNet = async (): Promise<number> => {
    let taken = 0;
    for (const id of orderIds) {
      for (const tender of (await orderOf(id)).tenders) {
        if (tender.attemptId && h.core.engine.attempt(tender.attemptId)?.provider === 'acme')
          taken += tender.amount + tender.tip;
      }
    }
    const givenBack = h.core.journal.db
      .prepare(
        'SELECT COALESCE(SUM(amount + tip), 0) FROM payment_attempts' +
          " WHERE provider = 'acme' AND kind IN ('refund', 'void') AND state = 'approved'",
      )
      .pluck()
      .get() as number;
    return taken - givenBack;
  };
  const booksBalance = async () => expect(sim.netCharged()).toBe(await tillNet());

  it('app.info offers the Acme tender with the capabilities its module declares', async () => {
    const info = await h.call('pos:app.info', {});
    const acme = info.tenders.filter((t) => t.provider === 'acme');
    expect(acme).toEqual([
      {
        provider: 'acme',
        label: 'Card (Acme Pay terminal)',
        method: 'card',
        terminal: null,
        capabilities: ACME_CAPABILITIES,
      },
    ]);
    // The built-in providers are still there, before it.
    expect(info.tenders.findIndex((t) => t.provider === 'acme')).toBe(info.tenders.length - 1);
  });

  it('a sale approved: the order completes, one operation and one charge at Acme, the books balance', async () => {
    const { order, attempt, reference } = await pay();
    const approved = await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect(approved).toMatchObject({ provider: 'acme', amount: order.due });
    const providerRef = h.core.journal.db
      .prepare('SELECT provider_ref FROM payment_attempts WHERE id = ?')
      .pluck()
      .get(attempt.id);
    expect(providerRef).toBe(sim.operation(reference)?.id);
    expect((await orderOf(order.id)).status).toBe('completed');
    expect(sim.postsFor(reference)).toBe(1);
    expect(sim.charges()).toBe(1);
    expect(sim.netCharged()).toBe(order.due);
    await booksBalance();
  });

  it('the reply to the sale is lost: unknown, resolved by query to exactly one charge, never sent again', async () => {
    sim.next('lose-reply');
    const { order, attempt, reference } = await pay();
    await h.attempt(attempt.id, (a) => a.state === 'unknown');
    const approved = await h.attempt(attempt.id, (a) => a.state === 'approved');
    expect(approved.amount).toBe(order.due);
    expect(h.events(attempt.id).map((e) => e.to_state)).toEqual(
      expect.arrayContaining(['sending', 'unknown', 'approved']),
    );
    expect((await orderOf(order.id)).status).toBe('completed');
    expect(sim.postsFor(reference)).toBe(1);
    expect(sim.charges()).toBe(1);
    expect(sim.netCharged()).toBe(order.due);
    await booksBalance();
  });

  it('a partial refund and a void go through the ledger with a manager, each sent once', async () => {
    const refunded = await paidSale();
    await expect(
      h.call('pos:payments.refund', {
        attemptId: refunded.attempt.id,
        amount: 100,
        reason: 'bruised apple',
        approval: { managerId: 'demo-cashier', pin: '1234' },
      }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    const refund = await h.call('pos:payments.refund', {
      attemptId: refunded.attempt.id,
      amount: 100,
      reason: 'bruised apple',
      approval: MANAGER,
    });
    expect(refund).toMatchObject({ kind: 'refund', provider: 'acme', amount: 100 });
    await h.attempt(refund.id, (a) => a.state === 'approved');
    const partly = await h.attempt(refunded.attempt.id, (a) => a.state === 'partially_refunded');
    expect(partly.refundable).toBe(refunded.order.due - 100);
    expect(sim.operation(h.reference(refund.id))).toMatchObject({
      kind: 'refund',
      status: 'approved',
      amount: 100,
      original: refunded.reference,
    });
    expect(sim.postsFor(h.reference(refund.id))).toBe(1);
    expect(h.core.journal.db.prepare('SELECT COUNT(*) FROM refunds').pluck().get()).toBe(1);

    const voided = await paidSale();
    const voiding = await h.call('pos:payments.void', {
      attemptId: voided.attempt.id,
      reason: 'wrong card',
      approval: MANAGER,
    });
    expect(voiding).toMatchObject({ kind: 'void', provider: 'acme', amount: voided.order.due });
    await h.attempt(voiding.id, (a) => a.state === 'approved');
    await h.attempt(voided.attempt.id, (a) => a.state === 'voided');
    expect(sim.operation(h.reference(voiding.id))).toMatchObject({
      kind: 'void',
      status: 'approved',
      original: voided.reference,
    });
    expect(sim.postsFor(h.reference(voiding.id))).toBe(1);
    await expect(
      h.call('pos:payments.void', { attemptId: voided.attempt.id, reason: 'again', approval: MANAGER }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });

    expect(sim.charges()).toBe(2);
    expect(sim.netCharged()).toBe(refunded.order.due - 100);
    await booksBalance();
  });

  it('a declined sale leaves the order open and charges nothing; the next card pays it', async () => {
    sim.next('decline');
    const { order, attempt, reference } = await pay();
    const declined = await h.attempt(attempt.id, (a) => a.state === 'declined');
    expect(declined.message).toMatch(/Declined/);
    expect((await orderOf(order.id)).status).toBe('open');
    expect(sim.postsFor(reference)).toBe(1);
    expect(sim.charges()).toBe(0);
    await booksBalance();

    const retry = await h.call('pos:tender.start', { orderId: order.id, provider: 'acme', amount: order.due });
    await h.attempt(retry.id, (a) => a.state === 'approved');
    expect((await orderOf(order.id)).status).toBe('completed');
    expect(sim.charges()).toBe(1);
    await booksBalance();
  });

  it('held on the terminal, the cashier stops waiting: the sale is cancelled there, nothing charged', async () => {
    sim.next('hold');
    const { order, attempt, reference } = await pay();
    await until(() => sim.held().some((op) => op.reference === reference), 'the terminal to show the sale');
    await h.attempt(attempt.id, (a) => a.state === 'pending');
    const stopped = await h.call('pos:tender.cancel', { attemptId: attempt.id });
    expect(stopped.state).toBe('cancelled');
    expect(sim.operation(reference)?.status).toBe('cancelled');
    expect(sim.act(reference, 'approve')).toBe(false);
    expect((await orderOf(order.id)).status).toBe('open');
    expect(sim.charges()).toBe(0);
    await booksBalance();
  });
});

describe('the fixture provider in demo mode: its own simulator behind the virtual terminal', () => {
  it('with no config block, demo mode points the module at its simulator and the trainee approves on it', async () => {
    const h = await startHarness({}, { providerModules: MODULES });
    try {
      const order = await h.ringUp();
      const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: 'acme', amount: order.due });
      let waiting: { provider: string; key: string; amount: number }[] = [];
      await until(() => {
        waiting = h.core.demo!.waiting().filter((w) => w.provider === 'acme');
        return waiting.length === 1;
      }, 'the virtual terminal to show the sale');
      expect(waiting[0]).toMatchObject({ key: h.reference(attempt.id), amount: order.due });
      await h.call('pos:demo.act', { provider: 'acme', key: waiting[0].key, action: 'approve' });
      await h.attempt(attempt.id, (a) => a.state === 'approved');
      expect((await h.call('pos:orders.get', { orderId: order.id })).status).toBe('completed');
      await expect(
        h.call('pos:demo.act', { provider: 'acme', key: waiting[0].key, action: 'approve' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await h.close();
    }
  });
});

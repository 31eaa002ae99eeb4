/**
 * Issue 10 items 2 and 3, and a manager's settlement: an approval pays the order whenever it
 * arrives (during cancel, after unknown, after cancelled) if the order still owes it, else it
 * needs a reversal that the engine starts itself where the provider can; a contradicting final
 * answer is applied or flagged, and always audited; a read-back that is not this attempt's is
 * never applied (DESIGN.md §6 rules 4, 6 and 7).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CASHIER, MANAGER, oneProvider, startEngineHarness, type EngineHarness } from '../../../support/engine-harness';
import { CAPABILITY_SETS, answer, type ScriptedCall, type ScriptedProvider } from '../../../support/scripted-provider';

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

const QUICK = { timeout: 2_000, interval: 5 };

async function harnessWith(
  id: string,
  capabilities: (typeof CAPABILITY_SETS)[keyof typeof CAPABILITY_SETS],
): Promise<EngineHarness> {
  h = startEngineHarness({ providers: oneProvider({ id, capabilities }), backoffMs: [20, 60_000] });
  await h.engine.reconcile();
  return h;
}

async function nextQuery(provider: ScriptedProvider, attemptId: string): Promise<ScriptedCall> {
  await vi.waitFor(
    () => expect(provider.calls('query').filter((c) => c.attempt.id === attemptId)).toHaveLength(1),
    QUICK,
  );
  return provider.calls('query').find((c) => c.attempt.id === attemptId)!;
}

/** Starts a sale, stops waiting, and lets the aborted request come back without a final answer. */
async function cancelledWithoutAnswer(
  orderId: string,
  providerId: string,
): Promise<{ id: string; call: ScriptedCall; cancelling: Promise<unknown> }> {
  const sale = h.startSale(orderId, providerId);
  const cancelling = h.engine.cancel(sale.id, CASHIER);
  await h.flush();
  h.provider(providerId).release(sale.call, answer.unknown({ message: 'Stopped waiting' }));
  await h.flush();
  return { ...sale, cancelling };
}

const contradictions = (attemptId: string) => h.audits(attemptId).filter((a) => a.action === 'payment.contradiction');

describe('an approval during or after a cancel pays the sale', () => {
  it("the aborted request's own approval, arriving while cancelling, pays the order", async () => {
    await harnessWith('codepay', CAPABILITY_SETS.codepay);
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'codepay');
    const cancelling = h.engine.cancel(sale.id, CASHIER);
    await h.flush();
    expect(h.row(sale.id).state).toBe('cancelling');
    h.provider('codepay').release(sale.call, answer.approved(sale.call.attempt));
    await cancelling;
    await h.flush();

    expect(h.row(sale.id).state).toBe('approved');
    expect(h.order(order).status).toBe('completed');
    expect(h.orders.tenders(order).map((t) => t.attempt_id)).toEqual([sale.id]);
    expect(h.row(sale.id).needs_attention).toBeNull();
  });

  it('close refused, then the query says approved: the order is paid, not invited to a second charge (CodePay)', async () => {
    await harnessWith('codepay', CAPABILITY_SETS.codepay);
    const provider = h.provider('codepay');
    const order = h.openOrder(1_000);
    const sale = await cancelledWithoutAnswer(order, 'codepay');
    provider.release(provider.calls('cancel')[0], answer.unknown({ message: 'Cannot close: authorising online' }));
    await sale.cancelling;
    await h.flush();
    expect(h.row(sale.id).state).toBe('unknown');

    provider.release(await nextQuery(provider, sale.id), answer.approved(sale.call.attempt));
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    expect(h.order(order).status).toBe('completed');
    expect(h.order(order).due).toBe(0);
  });

  it('an approval re-delivered after the attempt was cancelled pays the order and is audited as a contradiction', async () => {
    await harnessWith('codepay', CAPABILITY_SETS.codepay);
    const provider = h.provider('codepay');
    const order = h.openOrder(1_000);
    const sale = await cancelledWithoutAnswer(order, 'codepay');
    provider.release(provider.calls('cancel')[0], answer.cancelled());
    await sale.cancelling;
    await h.flush();
    expect(h.row(sale.id).state).toBe('cancelled');

    h.engine.eventsFor('codepay').lateResult(sale.call.attempt.reference, answer.approved(sale.call.attempt));
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    expect(h.order(order).status).toBe('completed');
    expect(contradictions(sale.id)).toHaveLength(1);
  });

  it('a manager settling a cancelling attempt as approved pays the order; the provider\'s later "cancelled" is flagged, not applied', async () => {
    await harnessWith('yabandpay', CAPABILITY_SETS.yabandpay);
    const provider = h.provider('yabandpay');
    const order = h.openOrder(1_000);
    const sale = await cancelledWithoutAnswer(order, 'yabandpay');
    const cancelCall = provider.calls('cancel')[0];
    expect(h.row(sale.id).state).toBe('cancelling');

    await h.engine.settle({
      attemptId: sale.id,
      outcome: 'approved',
      evidence: 'slip 0042',
      reason: 'customer shows the receipt',
      managerId: MANAGER,
    });
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    expect(h.order(order).status).toBe('completed');
    expect(h.audits(sale.id).some((a) => a.action === 'payment.settled' && a.user_id === MANAGER)).toBe(true);

    provider.release(cancelCall, answer.cancelled());
    await sale.cancelling;
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    expect(h.row(sale.id).needs_attention).toBe('contradiction');
    expect(contradictions(sale.id)).toHaveLength(1);
    expect(h.orders.tenders(order)).toHaveLength(1);
  });
});

describe('settle', () => {
  it('an unknown attempt settled as approved pays the order', async () => {
    await harnessWith('iotpay-pax', CAPABILITY_SETS.iotpayPax);
    const order = h.openOrder(1_000);
    const sale = await cancelledWithoutAnswer(order, 'iotpay-pax');
    await sale.cancelling;
    expect(h.row(sale.id).state).toBe('unknown');
    await h.engine.settle({
      attemptId: sale.id,
      outcome: 'approved',
      evidence: 'slip 7',
      reason: 'terminal slip shows approval',
      managerId: MANAGER,
    });
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    expect(h.order(order).status).toBe('completed');
  });

  it('works while cancelling with the aborted request still out, and the request\'s late "cancelled" is then flagged', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await harnessWith('codepay', CAPABILITY_SETS.codepay);
      const order = h.openOrder(1_000);
      const sale = h.startSale(order, 'codepay');
      void h.engine.cancel(sale.id, CASHIER);
      await h.flush();
      expect(h.row(sale.id).state).toBe('cancelling');
      const settling = h.engine.settle({
        attemptId: sale.id,
        outcome: 'approved',
        evidence: 'slip 0042',
        reason: 'terminal printed an approval',
        managerId: MANAGER,
      });
      // However long the engine lets an aborted request come back, the manager's settlement ends it.
      await vi.advanceTimersByTimeAsync(60_000);
      await settling;
      await h.flush();
      expect(h.row(sale.id).state).toBe('approved');
      expect(h.order(order).status).toBe('completed');

      h.provider('codepay').release(sale.call, answer.cancelled());
      await h.flush();
      expect(h.row(sale.id).state).toBe('approved');
      expect(contradictions(sale.id)).toHaveLength(1);
      expect(h.orders.tenders(order)).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('settled declined while a query is out, then the query says approved: the approval pays the order and is audited', async () => {
    await harnessWith('iotpay-pax', CAPABILITY_SETS.iotpayPax);
    const provider = h.provider('iotpay-pax');
    const order = h.openOrder(1_000);
    const sale = await cancelledWithoutAnswer(order, 'iotpay-pax');
    await sale.cancelling;
    const query = await nextQuery(provider, sale.id);
    await h.engine.settle({
      attemptId: sale.id,
      outcome: 'declined',
      evidence: 'no slip',
      reason: 'terminal shows declined',
      managerId: MANAGER,
    });
    expect(h.row(sale.id).state).toBe('declined');

    provider.release(query, answer.approved(sale.call.attempt));
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    expect(h.order(order).status).toBe('completed');
    expect(contradictions(sale.id)).toHaveLength(1);
  });
});

describe('an approval the order no longer owes needs a reversal', () => {
  /** A walk-away the manager released, the sale paid in cash, then the first attempt turns out approved. */
  async function paidTwice(providerId: string): Promise<{ order: string; first: { id: string; call: ScriptedCall } }> {
    const provider = h.provider(providerId);
    const order = h.openOrder(1_000);
    const first = await cancelledWithoutAnswer(order, providerId);
    const cancelCall = provider.calls('cancel')[0];
    if (cancelCall) provider.release(cancelCall, answer.unknown({ message: 'Cannot close' }));
    await first.cancelling;
    await h.flush();
    h.engine.release({ attemptId: first.id, managerId: MANAGER, reason: 'customer paid cash instead' });
    h.checkout.takeCash(order, 1_000);
    expect(h.order(order).status).toBe('completed');
    provider.release(await nextQuery(provider, first.id), answer.approved(first.call.attempt));
    await h.flush();
    return { order, first };
  }

  it('is voided automatically where the provider can void (CodePay)', async () => {
    await harnessWith('codepay', CAPABILITY_SETS.codepay);
    const provider = h.provider('codepay');
    const { order, first } = await paidTwice('codepay');
    expect(h.row(first.id).state).toBe('needs_reversal');
    expect(h.row(first.id).needs_attention).toBe('needs-reversal');
    expect(h.audits(first.id).length).toBeGreaterThan(0);

    const reversal = provider.calls('start').find((c) => c.attempt.kind === 'void');
    expect(reversal?.attempt.original?.reference).toBe(first.call.attempt.reference);
    provider.release(reversal!, answer.approved(reversal!.attempt));
    await h.flush();
    expect(h.row(first.id).state).toBe('voided');
    expect(h.ledger.netFor(order)).toBe(0);
    expect(h.orders.tenders(order).map((t) => t.kind)).toEqual(['cash']);
  });

  it('is refunded in full automatically where the provider can only refund (IOTPay wallet)', async () => {
    h = startEngineHarness({
      providers: oneProvider({ id: 'iotpay-wallet', method: 'wallet', capabilities: CAPABILITY_SETS.iotpayWallet }),
      backoffMs: [20, 60_000],
    });
    await h.engine.reconcile();
    const provider = h.provider('iotpay-wallet');
    const { order, first } = await paidTwice('iotpay-wallet');
    expect(h.row(first.id).state).toBe('needs_reversal');
    const reversal = provider.calls('start').find((c) => c.attempt.kind === 'refund');
    expect(reversal?.attempt.amount).toBe(1_000);
    expect(reversal?.attempt.original?.reference).toBe(first.call.attempt.reference);
    provider.release(reversal!, answer.approved(reversal!.attempt));
    await h.flush();
    expect(h.row(first.id).state).toBe('refunded');
    expect(h.ledger.netFor(order)).toBe(0);
  });

  it('stays needs_reversal and is listed for the manager where the provider can neither void nor refund (IOTPay card)', async () => {
    await harnessWith('iotpay-pax', CAPABILITY_SETS.iotpayPax);
    const { first } = await paidTwice('iotpay-pax');
    expect(h.row(first.id).state).toBe('needs_reversal');
    expect(h.provider('iotpay-pax').calls('start')).toHaveLength(0);
    expect(h.engine.needingAttention().map((a) => a.id)).toContain(first.id);
    expect(h.audits(first.id).some((a) => /reversal/i.test(a.action))).toBe(true);
  });

  it('a manager records a refund done on the terminal (IOTPay card has no refund from the till): refunded in full, flag closed, audited with the evidence', async () => {
    await harnessWith('iotpay-pax', CAPABILITY_SETS.iotpayPax);
    const { first } = await paidTwice('iotpay-pax');
    expect(() =>
      h.engine.resolve({
        attemptId: first.id,
        resolution: 'acknowledged',
        evidence: 'x',
        reason: 'seen',
        managerId: MANAGER,
      }),
    ).toThrow(/must still get this money back/);
    const resolved = h.engine.resolve({
      attemptId: first.id,
      resolution: 'refunded-elsewhere',
      evidence: 'terminal slip 0042',
      reason: 'refunded on the PAX',
      managerId: MANAGER,
    });
    expect(resolved).toMatchObject({ state: 'refunded', needsAttention: null, refundable: 0 });
    expect(h.engine.needingAttention().map((a) => a.id)).not.toContain(first.id);
    const entry = h.audits(first.id).find((a) => a.action === 'payment.refundedElsewhere');
    expect(entry).toMatchObject({ user_id: MANAGER });
    expect(entry!.detail).toContain('terminal slip 0042');
  });
});

describe('closing what the engine flagged', () => {
  it('an approval to give back keeps its tip refundable through partial refunds, and stays flagged until all of it went back', async () => {
    h = startEngineHarness({
      providers: oneProvider({
        id: 'iotpay-wallet',
        method: 'wallet',
        capabilities: { ...CAPABILITY_SETS.iotpayWallet, partialRefund: true },
      }),
      backoffMs: [60_000],
    });
    await h.engine.reconcile();
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'iotpay-wallet');
    const provider = h.provider('iotpay-wallet');
    provider.release(sale.call, answer.unknown());
    await h.flush();
    h.engine.release({ attemptId: sale.id, managerId: MANAGER, reason: 'customer paid cash instead' });
    h.checkout.takeCash(order, 1_000);
    // The gateway had charged 1,000 plus a 100 tip: all of it goes back.
    h.engine
      .eventsFor('iotpay-wallet')
      .lateResult(h.row(sale.id).reference, answer.approved(sale.call.attempt, { tip: 100 }));
    await h.flush();
    expect(h.row(sale.id)).toMatchObject({ state: 'needs_reversal', tip: 100 });
    const automatic = provider.calls('start').find((c) => c.attempt.kind === 'refund')!;
    expect(automatic.attempt.amount).toBe(1_100);
    provider.release(automatic, answer.declined());
    await h.flush();
    expect(h.engine.attempt(sale.id)!.refundable).toBe(1_100);

    for (const amount of [400, 700]) {
      const refund = h.refunds.refundPayment({
        attemptId: sale.id,
        amount,
        reason: 'give it back',
        userId: MANAGER,
        approvedBy: MANAGER,
      });
      provider.release(
        provider.calls('start').find((c) => c.attempt.id === refund.id)!,
        answer.approved({ amount, currency: h.row(refund.id).currency }),
      );
      await h.flush();
      expect(h.row(refund.id).state, h.log.join('\n')).toBe('approved');
    }
    expect(h.row(sale.id)).toMatchObject({ state: 'refunded', refunded: 1_100, needs_attention: null });
    expect(h.audits(sale.id).map((a) => a.action)).toContain('payment.reversed');
  });
});

describe('a second reversal of the same approval', () => {
  /** A wallet approval to give back whose automatic refund was reported "cancelled" (wrongly: the gateway refunded). */
  async function refundReportedCancelled() {
    h = startEngineHarness({
      providers: oneProvider({ id: 'iotpay-wallet', method: 'wallet', capabilities: CAPABILITY_SETS.iotpayWallet }),
      backoffMs: [60_000],
    });
    await h.engine.reconcile();
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'iotpay-wallet');
    h.provider('iotpay-wallet').release(sale.call, answer.unknown());
    await h.flush();
    h.engine.release({ attemptId: sale.id, managerId: MANAGER, reason: 'customer paid cash instead' });
    h.checkout.takeCash(order, 1_000);
    await h.engine.settle({
      attemptId: sale.id,
      outcome: 'approved',
      evidence: 'wallet app shows paid',
      reason: 'paid twice',
      managerId: MANAGER,
    });
    await h.flush();
    expect(h.row(sale.id).state).toBe('needs_reversal');
    const firstRefund = h
      .provider('iotpay-wallet')
      .calls('start')
      .find((c) => c.attempt.kind === 'refund')!;
    h.engine.eventsFor('iotpay-wallet').lateResult(firstRefund.attempt.reference, answer.cancelled());
    await h.flush();
    expect(h.row(firstRefund.attempt.id).state).toBe('cancelled');
    return { sale, firstRefund };
  }

  it("is never sent automatically: after a restart the manager decides, and the first refund's real approval still lands", async () => {
    const { sale, firstRefund } = await refundReportedCancelled();
    h.crash();
    await h.engine.reconcile();
    await h.flush();
    expect(h.rows().filter((r) => r.original_attempt_id === sale.id)).toHaveLength(1);
    expect(h.provider('iotpay-wallet').history('start')).toHaveLength(0);
    expect(h.engine.needingAttention().map((a) => a.id)).toContain(sale.id);

    h.engine.eventsFor('iotpay-wallet').lateResult(firstRefund.attempt.reference, answer.approved(firstRefund.attempt));
    await h.flush();
    expect(h.row(sale.id)).toMatchObject({ state: 'refunded', needs_attention: null });
    expect(h.audits(firstRefund.attempt.id).map((a) => a.action)).toContain('payment.contradiction');
  });

  it('when a manager refunds again and both refunds were real, the second approval is kept, flagged over-reversal and audited', async () => {
    const { sale, firstRefund } = await refundReportedCancelled();
    const again = h.refunds.refundPayment({
      attemptId: sale.id,
      amount: 1_000,
      reason: 'give it back',
      userId: MANAGER,
      approvedBy: MANAGER,
    });
    const againCall = h
      .provider('iotpay-wallet')
      .calls('start')
      .find((c) => c.attempt.id === again.id)!;
    h.provider('iotpay-wallet').release(againCall, answer.approved(againCall.attempt));
    await h.flush();
    expect(h.row(sale.id)).toMatchObject({ state: 'refunded', needs_attention: null });

    h.engine.eventsFor('iotpay-wallet').lateResult(firstRefund.attempt.reference, answer.approved(firstRefund.attempt));
    await h.flush();
    const first = h.row(firstRefund.attempt.id);
    expect(first).toMatchObject({ state: 'approved', needs_attention: 'over-reversal' });
    expect(h.audits(first.id).map((a) => a.action)).toEqual(
      expect.arrayContaining(['payment.contradiction', 'payment.overReversal']),
    );
    expect(h.engine.needingAttention().map((a) => a.id)).toContain(first.id);
  });
});

describe('contradicting and repeated final answers', () => {
  async function approvedSale(): Promise<{ order: string; sale: { id: string; call: ScriptedCall } }> {
    await harnessWith('codepay', CAPABILITY_SETS.codepay);
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'codepay');
    h.provider('codepay').release(sale.call, answer.approved(sale.call.attempt));
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    return { order, sale };
  }

  it('a decline after approved keeps approved, flags the contradiction and audits it', async () => {
    const { order, sale } = await approvedSale();
    h.engine.eventsFor('codepay').lateResult(sale.call.attempt.reference, answer.declined());
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    expect(h.row(sale.id).needs_attention).toBe('contradiction');
    expect(contradictions(sale.id)).toHaveLength(1);
    expect(h.engine.needingAttention().map((a) => a.id)).toContain(sale.id);
    expect(h.orders.tenders(order)).toHaveLength(1);
  });

  it('a re-delivered approval changes nothing', async () => {
    const { order, sale } = await approvedSale();
    const eventsBefore = h.attempts.events(sale.id).length;
    h.engine.eventsFor('codepay').lateResult(sale.call.attempt.reference, answer.approved(sale.call.attempt));
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    expect(h.row(sale.id).needs_attention).toBeNull();
    expect(contradictions(sale.id)).toHaveLength(0);
    expect(h.orders.tenders(order)).toHaveLength(1);
    expect(h.attempts.events(sale.id)).toHaveLength(eventsBefore);
  });
});

describe('read-back checked against the attempt (item 8)', () => {
  it.each([
    ['another amount', { amount: 1_001, currency: 'EUR' }],
    ['another currency', { amount: 1_000, currency: 'USD' }],
  ])('an approval reading back %s is never applied: unknown, flagged and audited', async (_label, readBack) => {
    await harnessWith('iotpay-pax', CAPABILITY_SETS.iotpayPax);
    const provider = h.provider('iotpay-pax');
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'iotpay-pax');
    provider.release(sale.call, answer.unknown());
    await h.flush();
    provider.release(await nextQuery(provider, sale.id), answer.approved(sale.call.attempt, { readBack }));
    await h.flush();

    expect(h.row(sale.id).state).toBe('unknown');
    expect(h.row(sale.id).needs_attention).toBe('readback-mismatch');
    expect(h.audits(sale.id).length).toBeGreaterThan(0);
    expect(h.orders.tenders(order)).toHaveLength(0);
    expect(h.order(order).status).toBe('open');
  });
});

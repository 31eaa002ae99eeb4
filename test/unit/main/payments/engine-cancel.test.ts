/**
 * Issue 10 item 1 ("stop waiting, then pay again = two charges") and the escape hatch:
 * cancel is a state (`cancelling`), the request is aborted before the provider is asked to
 * cancel, and the order and its terminal stay blocked until a confirmed final answer or a
 * manager's release (DESIGN.md §6 rules 2 and 5).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CASHIER,
  MANAGER,
  errorCodeOf,
  oneProvider,
  startEngineHarness,
  type EngineHarness,
} from '../../../support/engine-harness';
import { CAPABILITY_SETS, answer, createScriptedProvider } from '../../../support/scripted-provider';

let h: EngineHarness;
afterEach(async () => {
  await h?.close();
});

const QUICK = { timeout: 2_000, interval: 5 };

async function ready(harness: EngineHarness): Promise<EngineHarness> {
  await harness.engine.reconcile();
  return harness;
}

describe('cancel with the cancel capability (CodePay, YabandPay)', () => {
  it('journals cancelling and aborts the in-flight start before it asks the provider to cancel', async () => {
    let seenAtCancel: { aborted: boolean; state: string } | null = null;
    h = await ready(
      startEngineHarness({
        providers: (ledger) => [
          createScriptedProvider({
            id: 'codepay',
            capabilities: CAPABILITY_SETS.codepay,
            ledger,
            onCancel: (attempt) => {
              const start = h
                .provider('codepay')
                .history('start')
                .find((c) => c.attempt.id === attempt.id)!;
              seenAtCancel = { aborted: start.signal!.aborted, state: h.row(attempt.id).state };
            },
          }),
        ],
      }),
    );
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'codepay', { terminal: 'lane-1' });
    h.provider('codepay').progress(sale.call, 'Present card');
    await h.flush();

    const cancelling = h.engine.cancel(sale.id, CASHIER);
    await h.flush();
    expect(h.row(sale.id).state).toBe('cancelling');
    expect(sale.call.signal!.aborted).toBe(true);
    expect(h.audits(sale.id).some((a) => a.user_id === CASHIER)).toBe(true);
    // The aborted request returns what it knows (nothing final); only then may the provider be asked to cancel.
    h.provider('codepay').release(sale.call, answer.pending({ message: 'Stopped waiting' }));
    await h.flush();
    expect(seenAtCancel).toEqual({ aborted: true, state: 'cancelling' });

    const [cancelCall] = h.provider('codepay').calls('cancel');
    h.provider('codepay').release(cancelCall, answer.cancelled());
    await cancelling;
    await h.flush();
    expect(h.row(sale.id).state).toBe('cancelled');
    // A confirmed cancel frees the order.
    expect(() => h.startSale(order, 'codepay', { terminal: 'lane-1' })).not.toThrow();
  });

  it('while cancelling, the order takes no new attempt and no cash, and its terminal takes no other order', async () => {
    h = await ready(
      startEngineHarness({
        providers: (ledger) => [
          createScriptedProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay, ledger }),
          createScriptedProvider({
            id: 'yabandpay',
            method: 'wallet',
            capabilities: CAPABILITY_SETS.yabandpay,
            ledger,
          }),
        ],
      }),
    );
    const order = h.openOrder(1_000);
    const other = h.openOrder(500);
    const sale = h.startSale(order, 'codepay', { terminal: 'lane-1' });
    void h.engine.cancel(sale.id, CASHIER);
    await h.flush();
    expect(h.row(sale.id).state).toBe('cancelling');

    expect(errorCodeOf(() => h.startSale(order, 'codepay', { terminal: 'lane-2' }))).toBe('PAYMENT_IN_PROGRESS');
    expect(errorCodeOf(() => h.startSale(order, 'yabandpay'))).toBe('PAYMENT_IN_PROGRESS');
    expect(errorCodeOf(() => h.checkout.takeCash(order, 1_000))).toBe('PAYMENT_IN_PROGRESS');
    expect(errorCodeOf(() => h.startSale(other, 'codepay', { terminal: 'lane-1' }))).toBe('PAYMENT_IN_PROGRESS');
    expect(h.provider('codepay').history('start')).toHaveLength(1);
  });

  it('a non-final cancel answer (close refused) leaves the attempt unknown, still blocking and re-queried', async () => {
    h = await ready(
      startEngineHarness({
        providers: oneProvider({ id: 'yabandpay', capabilities: CAPABILITY_SETS.yabandpay }),
        backoffMs: [30, 60_000],
      }),
    );
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'yabandpay');
    const cancelling = h.engine.cancel(sale.id, CASHIER);
    await h.flush();
    const provider = h.provider('yabandpay');
    // The aborted start returns what it knows: nothing final.
    provider.release(sale.call, answer.unknown());
    await h.flush();
    provider.release(provider.calls('cancel')[0], answer.unknown({ message: 'v3.POS still unanswered; cannot close' }));
    await cancelling;
    await h.flush();

    expect(h.row(sale.id).state).toBe('unknown');
    expect(errorCodeOf(() => h.startSale(order, 'yabandpay'))).toBe('PAYMENT_IN_PROGRESS');
    expect(errorCodeOf(() => h.checkout.takeCash(order, 1_000))).toBe('PAYMENT_IN_PROGRESS');
    await vi.waitFor(() => expect(provider.calls('query')).toHaveLength(1), QUICK);
  });
});

describe('cancel without the cancel capability (IOTPay card and wallet)', () => {
  it('stop waiting makes the attempt unknown and re-queried, never abandoned and free', async () => {
    h = await ready(
      startEngineHarness({
        providers: oneProvider({ id: 'iotpay-pax', capabilities: CAPABILITY_SETS.iotpayPax }),
        backoffMs: [30, 60_000],
      }),
    );
    const provider = h.provider('iotpay-pax');
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'iotpay-pax');
    const cancelling = h.engine.cancel(sale.id, CASHIER);
    await h.flush();
    expect(sale.call.signal!.aborted).toBe(true);
    provider.release(sale.call, answer.unknown({ message: 'Stopped waiting for the terminal' }));
    await cancelling;
    await h.flush();

    expect(provider.history('cancel')).toHaveLength(0);
    expect(h.row(sale.id).state).toBe('unknown');
    expect(errorCodeOf(() => h.startSale(order, 'iotpay-pax'))).toBe('PAYMENT_IN_PROGRESS');
    expect(errorCodeOf(() => h.checkout.takeCash(order, 1_000))).toBe('PAYMENT_IN_PROGRESS');
    await vi.waitFor(() => expect(provider.calls('query')).toHaveLength(1), QUICK);
  });

  it("a walk-away followed by a second card charges the customer once: the first card's approval pays the order", async () => {
    h = await ready(
      startEngineHarness({
        providers: oneProvider({ id: 'iotpay-pax', capabilities: CAPABILITY_SETS.iotpayPax }),
        backoffMs: [30, 60_000],
      }),
    );
    const provider = h.provider('iotpay-pax');
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'iotpay-pax');
    void h.engine.cancel(sale.id, CASHIER);
    await h.flush();
    provider.release(sale.call, answer.unknown());
    await h.flush();

    // The cashier tries again at once: card and cash are refused while the first one is live.
    expect(errorCodeOf(() => h.startSale(order, 'iotpay-pax'))).toBe('PAYMENT_IN_PROGRESS');
    expect(errorCodeOf(() => h.checkout.takeCash(order, 1_000))).toBe('PAYMENT_IN_PROGRESS');
    // Meanwhile the customer had paid on the terminal; the re-query finds it.
    await vi.waitFor(() => expect(provider.calls('query')).toHaveLength(1), QUICK);
    provider.release(provider.calls('query')[0], answer.approved(sale.call.attempt));
    await h.flush();

    expect(h.row(sale.id).state).toBe('approved');
    expect(h.order(order).status).toBe('completed');
    expect(h.orders.tenders(order).map((t) => t.attempt_id)).toEqual([sale.id]);
    expect(h.ledger.chargesFor(order)).toBe(1);
  });
});

describe('escape hatch: a manager releases a live attempt ("take another payment")', () => {
  it('is audited, lets the order take another payment (cash), keeps the terminal busy, and keeps watching the old attempt', async () => {
    h = await ready(
      startEngineHarness({
        providers: oneProvider({ id: 'iotpay-pax', capabilities: CAPABILITY_SETS.iotpayPax }),
        backoffMs: [30, 60_000],
      }),
    );
    const provider = h.provider('iotpay-pax');
    const order = h.openOrder(1_000);
    const first = h.startSale(order, 'iotpay-pax');
    void h.engine.cancel(first.id, CASHIER);
    await h.flush();
    provider.release(first.call, answer.unknown());
    await h.flush();
    expect(errorCodeOf(() => h.startSale(order, 'iotpay-pax'))).toBe('PAYMENT_IN_PROGRESS');

    h.engine.release({ attemptId: first.id, managerId: MANAGER, reason: 'customer left the terminal' });
    expect(
      h.audits(first.id).some((a) => a.user_id === MANAGER && a.detail.includes('customer left the terminal')),
    ).toBe(true);
    expect(h.row(first.id).state).toBe('unknown');

    // Rule 5: the terminal itself stays busy until the old attempt's outcome is known.
    expect(errorCodeOf(() => h.startSale(order, 'iotpay-pax'))).toBe('PAYMENT_IN_PROGRESS');
    h.checkout.takeCash(order, 1_000);
    expect(h.order(order).status).toBe('completed');

    // The old attempt is still queried; its late approval is not lost: it needs a reversal.
    const queryOfFirst = () => provider.calls('query').filter((c) => c.attempt.id === first.id);
    await vi.waitFor(() => expect(queryOfFirst()).toHaveLength(1), QUICK);
    provider.release(queryOfFirst()[0], answer.approved(first.call.attempt));
    await h.flush();
    expect(h.row(first.id).state).toBe('needs_reversal');
    expect(h.engine.needingAttention().map((a) => a.id)).toContain(first.id);
    // The gateway's one charge is the one to give back; the sale is paid once, in cash.
    expect(h.ledger.netFor(order)).toBe(1_000);
    expect(h.orders.tenders(order).map((t) => t.kind)).toEqual(['cash']);
  });

  it('works on an attempt a crash left in sending (not in flight any more, still being reconciled)', async () => {
    h = await ready(
      startEngineHarness({
        providers: oneProvider({ id: 'iotpay-pax', capabilities: CAPABILITY_SETS.iotpayPax }),
        backoffMs: [60_000],
      }),
    );
    const order = h.openOrder(1_000);
    const first = h.startSale(order, 'iotpay-pax');
    expect(h.row(first.id).state).toBe('sending');
    h.crash();
    void h.engine.reconcile();
    await h.flush();
    expect(h.provider('iotpay-pax').calls('query')).toHaveLength(1);

    h.engine.release({ attemptId: first.id, managerId: MANAGER, reason: 'till restarted, customer gone' });
    expect(h.row(first.id).released).toBe(1);
    expect(h.audits(first.id).some((a) => a.user_id === MANAGER)).toBe(true);
  });

  it('frees the order, never the terminal: another order waits for the outcome (rule 5)', async () => {
    h = await ready(
      startEngineHarness({ providers: oneProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay }) }),
    );
    const order = h.openOrder(1_000);
    const next = h.openOrder(700);
    const first = h.startSale(order, 'codepay', { terminal: 'lane-1' });
    const provider = h.provider('codepay');
    void h.engine.cancel(first.id, CASHIER);
    await h.flush();
    provider.release(first.call, answer.unknown());
    await h.flush();
    provider.release(provider.calls('cancel')[0], answer.unknown({ message: 'Terminal busy; close refused' }));
    await h.flush();
    expect(h.row(first.id).state).toBe('unknown');
    expect(errorCodeOf(() => h.startSale(next, 'codepay', { terminal: 'lane-1' }))).toBe('PAYMENT_IN_PROGRESS');
    h.engine.release({ attemptId: first.id, managerId: MANAGER, reason: 'terminal rebooted' });
    expect(errorCodeOf(() => h.startSale(next, 'codepay', { terminal: 'lane-1' }))).toBe('PAYMENT_IN_PROGRESS');
    // Its own order may now take another lane; the terminal frees once the old attempt is known.
    expect(() => h.startSale(order, 'codepay', { terminal: 'lane-2' })).not.toThrow();
  });
});

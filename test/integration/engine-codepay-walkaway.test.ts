/**
 * The cashier stops waiting while a CodePay terminal is authorising the card online
 * (issue 10, items 1 and 2), through the core and its payment engine over a real WebSocket:
 * the terminal refuses `ecrhub.pay.close` meanwhile, the order takes no cash and no other
 * card, and when the approval lands it pays the order — as its tender, not as a "late
 * approval" — exactly once, with exactly one charge on the terminal's books.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  startCodepayTerminalSimulator,
  type CodepayTerminalSimulator,
} from '../../src-main/payments/codepay/codepay-simulator';
import { startHarness, type Harness } from '../support/core-harness';
import { until } from '../support/wait';
import { FAST_CODEPAY as FAST } from '../support/codepay-timing';

const APP_ID = 'countertop-walkaway-app';

describe('CodePay walk-away through the payment engine', () => {
  let sim: CodepayTerminalSimulator;
  let h: Harness;

  async function open(): Promise<void> {
    sim = await startCodepayTerminalSimulator({ appId: APP_ID });
    h = await startHarness(
      { providers: { codepay: { appId: APP_ID, terminals: [{ name: 'Lane 1', url: sim.url }] } } },
      { providerTimings: { codepay: FAST } },
    );
    await until(() => sim.openConnections() === 1, 'the till to connect to the terminal');
  }
  afterEach(async () => {
    await h?.close();
    await sim?.close();
  });

  /** A sale whose card is in the terminal, waiting for the issuer (a close is refused). */
  async function authorisingSale(push: boolean) {
    sim.next({ kind: 'online-auth', push });
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: 'codepay', amount: order.due });
    const reference = h.reference(attempt.id);
    await until(() => sim.order(reference)?.authorising === true, 'the terminal to authorise the card online');
    return { order, attempt, reference };
  }

  async function expectPaidOnceBy(orderId: string, attemptId: string, reference: string): Promise<void> {
    const paid = await h.call('pos:orders.get', { orderId });
    expect(paid.status).toBe('completed');
    expect(paid.tenders).toHaveLength(1);
    expect(paid.tenders[0]).toMatchObject({ kind: 'card', attemptId });
    const attempts = h.core.journal.db
      .prepare('SELECT id, state FROM payment_attempts WHERE order_id = ?')
      .all(orderId) as { id: string; state: string }[];
    expect(attempts).toEqual([{ id: attemptId, state: 'approved' }]);
    expect((await h.call('pos:payments.attention', {})).flagged.map((a) => a.id)).not.toContain(attemptId);
    expect(
      h.core.journal.db.prepare("SELECT COUNT(*) FROM audit WHERE action = 'payment.lateApproval'").pluck().get(),
    ).toBe(0);
    expect(sim.counts().charges).toBe(1);
    expect(sim.counts().orderMessages).toEqual({ [reference]: 1 });
  }

  it.each([
    ['pushes the result', true],
    ['only answers a query', false],
  ] as const)(
    'the cashier cancels while the terminal authorises online, the close is refused, the approval lands and the terminal %s: the order is paid by it, once',
    async (_label, push) => {
      await open();
      const { order, attempt, reference } = await authorisingSale(push);

      const stopped = await h.call('pos:tender.cancel', { attemptId: attempt.id });
      expect(['cancelling', 'unknown', 'pending']).toContain(stopped.state);
      expect(sim.counts().closes).toBe(1);
      expect(sim.order(reference)).toMatchObject({ status: '0', authorising: true });

      // Meanwhile the order takes no cash and no second card.
      await expect(h.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue })).rejects.toMatchObject({
        code: 'PAYMENT_IN_PROGRESS',
      });
      await expect(
        h.call('pos:tender.start', { orderId: order.id, provider: 'codepay', amount: order.due }),
      ).rejects.toMatchObject({ code: 'PAYMENT_IN_PROGRESS' });
      expect(Object.keys(sim.counts().orderMessages)).toEqual([reference]);
      expect(sim.counts().charges).toBe(0);

      expect(sim.act(reference, 'approve', { redeliver: push })).toBe(true);
      await h.attempt(attempt.id, (a) => a.state === 'approved');
      await expectPaidOnceBy(order.id, attempt.id, reference);
    },
  );

  it('an approval that lands while the cashier is cancelling pays the sale, once', async () => {
    await open();
    const { order, attempt, reference } = await authorisingSale(true);
    const cancelling = h.call('pos:tender.cancel', { attemptId: attempt.id });
    expect(sim.act(reference, 'approve')).toBe(true);
    await cancelling;
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    await expectPaidOnceBy(order.id, attempt.id, reference);
  });
});

import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { attemptText, canStopWaiting, isAttemptOpen } from '../../../../src-renderer/payment/attempt-text';
import { attemptsForOrder, createPaymentStore, moneyToGiveBack } from '../../../../src-renderer/payment/payment-store';
import type { OrderView } from '../../../../src-shared/domain';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport } from '../fake-transport';
import { attempt, order } from '../fixtures';

const clock = (iso: string) => `@${iso.slice(11, 19)}`;

describe('attempt state → cashier text', () => {
  it.each([
    ['Sending to terminal…', attempt({ state: 'created' }), ''],
    ['Sending to terminal…', attempt({ state: 'sending' }), ''],
    ['Waiting for the card…', attempt({ state: 'pending', message: 'Insert, tap or swipe' }), 'Insert, tap or swipe'],
    [
      'Waiting for the customer…',
      attempt({ state: 'pending', method: 'wallet', message: 'Customer is paying' }),
      'Customer is paying',
    ],
    ['Approved', attempt({ state: 'approved', message: 'APPROVED 123456' }), 'APPROVED 123456'],
    ['Declined: Insufficient funds', attempt({ state: 'declined', message: 'Insufficient funds' }), ''],
    ['Cancelled', attempt({ state: 'cancelled', message: 'Cancelled on terminal' }), 'Cancelled on terminal'],
    [
      'Checking with the provider… No answer from the terminal',
      attempt({ state: 'unknown', message: 'No answer from the terminal', nextCheckAt: '2025-01-01T10:00:30.000Z' }),
      'Next check at @10:00:30',
    ],
    ['Checking with the provider…', attempt({ state: 'unknown', message: '' }), 'Waiting for the provider to answer'],
    [
      'Cancelling…',
      attempt({ state: 'cancelling', message: '' }),
      'Waiting for the provider to confirm. Take no other payment until it does.',
    ],
    [
      'Approved after the sale was paid: giving the money back',
      attempt({ state: 'needs_reversal', message: 'Void sent' }),
      'Void sent',
    ],
  ] as const)('reads %s', (headline, view, detail) => {
    expect(attemptText(view, clock)).toMatchObject({ headline, detail });
  });

  it('offers "Stop waiting" only while the request is out; unknown stays open but is main\'s to resolve', () => {
    expect(canStopWaiting(attempt({ state: 'pending' }))).toBe(true);
    expect(canStopWaiting(attempt({ state: 'unknown' }))).toBe(false);
    expect(isAttemptOpen(attempt({ state: 'unknown' }))).toBe(true);
    expect(isAttemptOpen(attempt({ state: 'declined' }))).toBe(false);
    // Cancelling still blocks the sale; a manager's release lets it take another payment.
    expect(canStopWaiting(attempt({ state: 'cancelling' }))).toBe(false);
    expect(isAttemptOpen(attempt({ state: 'cancelling' }))).toBe(true);
    expect(isAttemptOpen(attempt({ state: 'unknown', released: true }))).toBe(false);
  });

  it('lists the approvals the customer must get back, whatever sale is on screen', () => {
    const known = {
      A: attempt({ id: 'A', orderId: 'O1', state: 'needs_reversal' }),
      B: attempt({ id: 'B', orderId: 'O2', state: 'approved' }),
      C: attempt({ id: 'C', orderId: 'O3', kind: 'void', state: 'needs_reversal' }),
    };
    expect(moneyToGiveBack(known).map((a) => a.id)).toEqual(['A']);
  });

  it('never says retry', () => {
    const states = [
      'created',
      'sending',
      'pending',
      'cancelling',
      'approved',
      'declined',
      'cancelled',
      'unknown',
      'voided',
      'refunded',
      'partially_refunded',
      'needs_reversal',
    ] as const;
    for (const state of states)
      expect(JSON.stringify(attemptText(attempt({ state, message: 'x' }), clock)).toLowerCase()).not.toContain('retry');
  });
});

describe('payment store', () => {
  function setup() {
    const transport = fakeTransport();
    const applied: OrderView[] = [];
    const payment = createPaymentStore(createClient(transport), { applyOrder: (o) => applied.push(o) });
    return { transport, payment, applied };
  }

  it("cash: passes main's order on and keeps the change main computed", async () => {
    const { transport, payment, applied } = setup();
    transport.handlers['pos:tender.cash'] = ({ tendered }) => ({
      order: order({ status: 'completed', paid: 1735 }),
      change: tendered - 1735,
      completed: true,
    });
    await payment.getState().payCash('O1', 2000);
    expect(payment.getState().lastCash).toEqual({ orderId: 'O1', change: 265, completed: true });
    expect(applied[0].status).toBe('completed');
  });

  it('cash refused: the error is shown', async () => {
    const { transport, payment } = setup();
    transport.handlers['pos:tender.cash'] = () => {
      throw new PosError('CONFLICT', 'This sale is already paid.');
    };
    await expect(payment.getState().payCash('O1', 100)).resolves.toBeNull();
    expect(payment.getState().error).toBe('This sale is already paid.');
    expect(payment.getState().busy).toBe(false);
  });

  it('an electronic attempt follows the reply, then pos:payment.changed events', async () => {
    const { transport, payment } = setup();
    transport.handlers['pos:tender.start'] = (input) => {
      expect(input).toEqual({ orderId: 'O1', provider: 'demo-card', terminal: 'Lane 1', amount: 1000 });
      return attempt({ state: 'sending', updatedAt: '2025-01-01T10:00:00.000Z' });
    };
    await payment.getState().startElectronic('O1', { provider: 'demo-card', terminal: 'Lane 1' }, 1000);
    const view = order({ due: 1000 });
    const text = () => attemptText(attemptsForOrder(view, payment.getState().attempts)[0], clock).headline;
    expect(text()).toBe('Sending to terminal…');
    transport.emit('pos:payment.changed', attempt({ state: 'pending', updatedAt: '2025-01-01T10:00:01.000Z' }));
    expect(text()).toBe('Waiting for the card…');
    transport.emit(
      'pos:payment.changed',
      attempt({
        state: 'unknown',
        message: 'Lost the terminal',
        nextCheckAt: '2025-01-01T10:00:40.000Z',
        updatedAt: '2025-01-01T10:00:20.000Z',
      }),
    );
    expect(text()).toBe('Checking with the provider… Lost the terminal');
    // A stale report (older updatedAt) does not roll the state back.
    transport.emit('pos:payment.changed', attempt({ state: 'pending', updatedAt: '2025-01-01T10:00:02.000Z' }));
    expect(text()).toBe('Checking with the provider… Lost the terminal');
    transport.emit(
      'pos:payment.changed',
      attempt({ state: 'approved', message: 'APPROVED', updatedAt: '2025-01-01T10:00:41.000Z' }),
    );
    expect(text()).toBe('Approved');
  });

  it('lists attempts main started itself (a wallet scan) from events and from the order', () => {
    const { transport, payment } = setup();
    transport.emit(
      'pos:payment.changed',
      attempt({
        id: 'W1',
        method: 'wallet',
        provider: 'yabandpay',
        state: 'pending',
        createdAt: '2025-01-01T10:01:00.000Z',
      }),
    );
    transport.emit('pos:payment.changed', attempt({ id: 'X9', orderId: 'OTHER' }));
    const view = order({ attempts: [attempt({ id: 'A1', state: 'declined', message: 'Card expired' })] });
    const listed = attemptsForOrder(view, payment.getState().attempts);
    expect(listed.map((a) => [a.id, attemptText(a, clock).headline])).toEqual([
      ['A1', 'Declined: Card expired'],
      ['W1', 'Waiting for the customer…'],
    ]);
  });

  it('"Stop waiting" calls pos:tender.cancel and shows the answer', async () => {
    const { transport, payment } = setup();
    transport.handlers['pos:tender.cancel'] = ({ attemptId }) =>
      attempt({ id: attemptId, state: 'cancelled', updatedAt: '2025-01-01T10:05:00.000Z' });
    await payment.getState().stopWaiting('A1');
    expect(payment.getState().attempts.A1.state).toBe('cancelled');
  });
});

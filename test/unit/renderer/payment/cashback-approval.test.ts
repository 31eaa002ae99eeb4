/** Cash back over the store's limit: main's APPROVAL_REQUIRED opens the payment store's ask; the same start is retried with the approval. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { cashBackOf, createPaymentStore } from '../../../../src-renderer/payment/payment-store';
import type { ChannelInput } from '../../../../src-shared/contract';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport, settle } from '../fake-transport';
import { attempt, order } from '../fixtures';

const manager = { managerId: 'demo-manager', pin: '987654' };
const codepay = { provider: 'codepay', terminal: 'Lane 1' };

/** Main as a cashier meets it: cash back above $50.00 needs a manager; a wrong PIN is refused; the right one starts the payment. */
function tenderStart(input: ChannelInput<'pos:tender.start'>) {
  if ((input.cashback ?? 0) > 5000) {
    if (!input.approval) throw new PosError('APPROVAL_REQUIRED', 'A manager must approve: cash back.', 'approval');
    if (!('pin' in input.approval) || input.approval.pin !== manager.pin)
      throw new PosError('APPROVAL_REQUIRED', 'Wrong manager PIN: the action was not done.', 'approval');
  }
  return attempt({
    id: 'CB1',
    provider: 'codepay',
    amount: input.amount,
    state: 'sending',
    updatedAt: '2025-01-01T10:00:00.000Z',
  });
}

function setup() {
  const transport = fakeTransport({ 'pos:tender.start': tenderStart });
  const payment = createPaymentStore(createClient(transport), { applyOrder: () => undefined });
  return { transport, payment };
}

describe('cash back a manager must approve', () => {
  it('within the limit, cash back is sent with the payment and nobody is asked', async () => {
    const { transport, payment } = setup();
    const started = await payment.getState().startElectronic('O1', codepay, 1735, { cashback: 2000 });
    expect(started?.id).toBe('CB1');
    expect(payment.getState().approvalAsk).toBeNull();
    expect(transport.calls.map((c) => c.payload)).toEqual([
      { orderId: 'O1', provider: 'codepay', terminal: 'Lane 1', amount: 1735, cashback: 2000 },
    ]);
  });

  it('over the limit: asks for a manager; a wrong PIN keeps the ask, the right one retries the same start with reason and approval', async () => {
    const { transport, payment } = setup();
    const starting = payment.getState().startElectronic('O1', codepay, 1735, { cashback: 8000, onScreenTip: true });
    await settle();
    expect(payment.getState().approvalAsk).toMatchObject({
      message: 'A manager must approve: cash back.',
      orderId: 'O1',
      amount: 1735,
      cashback: 8000,
    });
    expect(payment.getState()).toMatchObject({ busy: false, error: null });

    expect(await payment.getState().approve({ ...manager, pin: '1111' }, 'Cash back for the customer')).toBe(
      'Wrong manager PIN: the action was not done.',
    );
    expect(payment.getState().approvalAsk).not.toBeNull();

    expect(await payment.getState().approve(manager, 'Customer asked for $80')).toBeNull();
    await expect(starting).resolves.toMatchObject({ id: 'CB1' });
    expect(payment.getState().approvalAsk).toBeNull();
    expect(payment.getState().attempts.CB1.state).toBe('sending');
    const first = {
      orderId: 'O1',
      provider: 'codepay',
      terminal: 'Lane 1',
      amount: 1735,
      onScreenTip: true,
      cashback: 8000,
    };
    expect(transport.calls.map((c) => c.payload)).toEqual([
      first,
      { ...first, reason: 'Cash back for the customer', approval: { ...manager, pin: '1111' } },
      { ...first, reason: 'Customer asked for $80', approval: manager },
    ]);
  });

  it('no manager approving: the payment is not started and the cashier is told', async () => {
    const { transport, payment } = setup();
    const starting = payment.getState().startElectronic('O1', codepay, 1735, { cashback: 8000 });
    await settle();
    payment.getState().dismissApproval();
    await expect(starting).resolves.toBeNull();
    expect(payment.getState()).toMatchObject({
      approvalAsk: null,
      error: 'The payment was not started: no manager approved it.',
    });
    expect(transport.calls).toHaveLength(1);
    expect(await payment.getState().approve(manager, 'late')).toBe('Nothing is waiting for a manager.');
  });

  it('a refusal other than the approval is the payment error, with no ask', async () => {
    const { transport, payment } = setup();
    transport.handlers['pos:tender.start'] = () => {
      throw new PosError('INVALID_PAYLOAD', 'YabandPay does not give cash back.', 'cashback');
    };
    await expect(
      payment.getState().startElectronic('O1', { provider: 'yabandpay', terminal: null }, 1735, { cashback: 8000 }),
    ).resolves.toBeNull();
    expect(payment.getState()).toMatchObject({ approvalAsk: null, error: 'YabandPay does not give cash back.' });
  });

  it('the cash back of an approved card payment is read from its tender, to hand over from the drawer', () => {
    const tender = {
      id: 'T1',
      kind: 'card',
      label: 'Visa',
      amount: 9735,
      tendered: 9735,
      change: 0,
      tip: 0,
      cashback: 8000,
      attemptId: 'CB1',
      card: null,
      createdAt: '2025-01-01T10:01:00Z',
    } as const;
    const handedOut = {
      ...tender,
      id: 'T2',
      kind: 'cash',
      label: 'Cash back',
      amount: -8000,
      tendered: -8000,
      cashback: 0,
      attemptId: null,
    } as const;
    expect(cashBackOf(order({ tenders: [tender, handedOut] }))).toEqual([{ attemptId: 'CB1', amount: 8000 }]);
    expect(cashBackOf(order({ tenders: [{ ...tender, cashback: 0 }] }))).toEqual([]);
  });
});

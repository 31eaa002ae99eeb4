import { describe, expect, it } from 'vitest';
import { PosError } from '../../../src-shared/errors';
import type { Refundable, RefundView } from '../../../src-shared/report';
import { createClient } from '../../../src-renderer/api/client';
import { createRefundStore, refundTendersText } from '../../../src-renderer/stores/refund-store';
import { fakeTransport, settle } from './fake-transport';
import { attempt } from './fixtures';

const approval = { managerId: 'demo-manager', pin: '9876' };

const refundable: Refundable = {
  total: 1465,
  lines: [{ lineId: 'L1', name: 'Sourdough loaf', qtyMilli: 2000, amount: 1100 }, { lineId: 'L2', name: 'Chocolate', qtyMilli: 1000, amount: 366 }],
  tenders: [{ kind: 'cash', label: 'Cash', attemptId: null, refundable: 1465, viaProvider: false }],
};

function refund(overrides: Partial<RefundView> = {}): RefundView {
  return {
    id: 'R1', number: 1, orderId: 'O1', orderNumber: 7, amount: 550, tax: 0, reason: 'Returned', user: 'Casey Cashier', approvedBy: 'Morgan Manager',
    createdAt: '2025-01-01T11:00:00Z', lines: [{ lineId: 'L1', name: 'Sourdough loaf', qtyMilli: 1000, amount: 550 }],
    tenders: [{ kind: 'cash', amount: 550, attemptId: null, state: 'approved' }], status: 'completed',
    ...overrides,
  };
}

function setup() {
  const made: RefundView[] = [];
  const transport = fakeTransport({
    'pos:refunds.refundable': () => refundable,
    'pos:refunds.forOrder': () => [...made],
  });
  const store = createRefundStore(createClient(transport));
  return { transport, store, made };
}

describe('refund store', () => {
  it('reads what the sale can still refund and its past refunds', async () => {
    const { store, made } = setup();
    made.push(refund());
    await store.getState().load('O1');
    expect(store.getState()).toMatchObject({ orderId: 'O1', refundable, loading: false, error: null });
    expect(store.getState().refunds.map((r) => r.number)).toEqual([1]);
  });

  it('a sale that cannot be refunded (not completed) shows nothing to refund, not an error', async () => {
    const { transport, store } = setup();
    transport.handlers['pos:refunds.refundable'] = () => { throw new PosError('CONFLICT', 'Sale 7 is cancelled: only completed sales can be refunded.', 'orderId'); };
    await store.getState().load('O1');
    expect(store.getState()).toMatchObject({ refundable: null, error: null });
  });

  it('creates a refund by lines with the approval, shows it and reads the lists again', async () => {
    const { transport, store, made } = setup();
    await store.getState().load('O1');
    transport.handlers['pos:refunds.create'] = () => { made.push(refund()); return refund(); };
    const failure = await store.getState().create({ lines: [{ lineId: 'L1', qtyMilli: 1000 }], to: 'cash', reason: 'Returned' }, approval);
    expect(failure).toBeNull();
    expect(transport.calls.find((c) => c.channel === 'pos:refunds.create')?.payload).toEqual({
      orderId: 'O1', lines: [{ lineId: 'L1', qtyMilli: 1000 }], to: 'cash', reason: 'Returned', approval,
    });
    expect(store.getState().last?.number).toBe(1);
    await settle();
    expect(store.getState().refunds.map((r) => r.id)).toEqual(['R1']);
  });

  it('by amount, as a manager (no approval sent); a refusal is the sentence for the dialog', async () => {
    const { transport, store } = setup();
    await store.getState().load('O1');
    transport.handlers['pos:refunds.create'] = () => { throw new PosError('APPROVAL_REQUIRED', 'Wrong manager PIN: the action was not done.', 'approval'); };
    expect(await store.getState().create({ amount: 500, to: 'original', reason: 'Goodwill' })).toBe('Wrong manager PIN: the action was not done.');
    expect(transport.calls.at(-1)?.payload).toEqual({ orderId: 'O1', amount: 500, to: 'original', reason: 'Goodwill' });
    expect(store.getState().last).toBeNull();
  });

  it('shows a refund receipt; another sale starts clean', async () => {
    const { transport, store } = setup();
    transport.handlers['pos:refunds.receipt'] = ({ refundId, copy }) => ({ title: `REFUND of ${refundId}`, copy }) as never;
    await store.getState().load('O1');
    await store.getState().showReceipt('R1');
    expect(store.getState().receipt).toMatchObject({ refundId: 'R1', receipt: { title: 'REFUND of R1', copy: false } });
    await store.getState().load('O2');
    expect(store.getState().receipt).toBeNull();
    expect(store.getState().last).toBeNull();
  });

  it('a provider refund of the sale moving on re-reads its refunds (pending → completed)', async () => {
    const { transport, store, made } = setup();
    made.push(refund({ status: 'pending', tenders: [{ kind: 'card', amount: 550, attemptId: 'RA', state: 'sending' }] }));
    await store.getState().load('O1');
    made.splice(0, 1, refund({ tenders: [{ kind: 'card', amount: 550, attemptId: 'RA', state: 'approved' }] }));
    transport.emit('pos:payment.changed', attempt({ id: 'RA', orderId: 'O2', kind: 'refund', state: 'approved' }));
    await settle();
    expect(store.getState().refunds[0].status).toBe('pending');
    transport.emit('pos:payment.changed', attempt({ id: 'RA', orderId: 'O1', kind: 'refund', state: 'approved' }));
    await settle();
    expect(store.getState().refunds[0].status).toBe('completed');
  });

  it('says where the money went', () => {
    const money = (minor: number) => `$${(minor / 100).toFixed(2)}`;
    expect(refundTendersText(refund({ tenders: [{ kind: 'cash', amount: 136, attemptId: null, state: 'approved' }, { kind: 'card', amount: 400, attemptId: 'A', state: 'sending' }] }), money))
      .toBe('Cash $1.36 · Card $4.00 (sending)');
  });
});

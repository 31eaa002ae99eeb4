import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import {
  canVoid,
  createPaymentAdminStore,
  hasReversalInFlight,
  isReversible,
} from '../../../../src-renderer/payment/payment-admin-store';
import type { AttemptView } from '../../../../src-shared/domain';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport, requiresApproval, settle } from '../fake-transport';
import { attempt } from '../fixtures';

const approval = { managerId: 'demo-manager', pin: '987654' };

function setup() {
  const received: AttemptView[] = [];
  const transport = fakeTransport({
    'pos:payments.attention': () => ({
      unresolved: [attempt({ id: 'U1', state: 'unknown' })],
      flagged: [attempt({ id: 'F1', state: 'approved', refundable: 500 })],
      foreign: [],
    }),
  });
  const admin = createPaymentAdminStore(createClient(transport), { receive: (a) => received.push(a) });
  return { transport, admin, received };
}

describe('which payments a manager may reverse', () => {
  it('void: an approved sale untouched by refunds; refund: approved or partially refunded with something left', () => {
    expect(canVoid(attempt({ state: 'approved', refundable: 1000 }))).toBe(true);
    expect(canVoid(attempt({ state: 'partially_refunded', refundable: 400 }))).toBe(false);
    expect(isReversible(attempt({ state: 'partially_refunded', refundable: 400 }))).toBe(true);
    expect(isReversible(attempt({ state: 'refunded', refundable: 0 }))).toBe(false);
    expect(isReversible(attempt({ state: 'voided', refundable: 0 }))).toBe(false);
    expect(isReversible(attempt({ kind: 'refund', state: 'approved', refundable: 100 }))).toBe(false);
  });

  it('a void or refund still on its way holds further actions back', () => {
    const sale = attempt({ id: 'S', state: 'approved', refundable: 1000 });
    expect(hasReversalInFlight(sale, [sale, attempt({ id: 'R', kind: 'refund', state: 'sending' })])).toBe(true);
    expect(hasReversalInFlight(sale, [sale, attempt({ id: 'R', kind: 'refund', state: 'approved' })])).toBe(false);
  });
});

describe('payment admin store', () => {
  it('reads the attention list (unresolved and flagged)', async () => {
    const { admin } = setup();
    await admin.getState().loadAttention();
    expect(admin.getState()).toMatchObject({ loaded: true, loading: false, error: null });
    expect(admin.getState().unresolved.map((a) => a.id)).toEqual(['U1']);
    expect(admin.getState().flagged.map((a) => a.id)).toEqual(['F1']);
  });

  it('void sends the approval and reason; the attempt main answers goes to the payment store', async () => {
    const { transport, admin, received } = setup();
    transport.handlers['pos:payments.void'] = requiresApproval(({ attemptId }) =>
      attempt({ id: 'V1', kind: 'void', state: 'sending', orderId: 'O1', updatedAt: attemptId }),
    );
    expect(await admin.getState().voidPayment('A1', 'Wrong card', approval)).toBeNull();
    expect(transport.calls.at(-1)?.payload).toEqual({ attemptId: 'A1', reason: 'Wrong card', approval });
    expect(received.map((a) => a.id)).toEqual(['V1']);
  });

  it('a manager signed in at the till sends no approval (main records them as the approver)', async () => {
    const { transport, admin } = setup();
    transport.handlers['pos:payments.void'] = ({ attemptId }) => attempt({ id: `V-${attemptId}`, kind: 'void' });
    expect(await admin.getState().voidPayment('A1', 'Wrong card')).toBeNull();
    expect(transport.calls.at(-1)?.payload).toEqual({ attemptId: 'A1', reason: 'Wrong card' });
  });

  it('refund sends the amount; a wrong PIN comes back as the sentence for the dialog', async () => {
    const { transport, admin, received } = setup();
    transport.handlers['pos:payments.refund'] = () => {
      throw new PosError('APPROVAL_REQUIRED', 'Wrong manager PIN: the action was not done.', 'approval');
    };
    expect(await admin.getState().refundPayment('A1', 100, 'Returned item', approval)).toBe(
      'Wrong manager PIN: the action was not done.',
    );
    expect(transport.calls.at(-1)?.payload).toEqual({
      attemptId: 'A1',
      amount: 100,
      reason: 'Returned item',
      approval,
    });
    expect(received).toEqual([]);
  });

  it('settle sends outcome and evidence, then re-reads the attention list', async () => {
    const { transport, admin } = setup();
    await admin.getState().loadAttention();
    transport.handlers['pos:payments.settle'] = requiresApproval(({ attemptId, outcome }) =>
      attempt({ id: attemptId, state: outcome }),
    );
    transport.handlers['pos:payments.attention'] = () => ({ unresolved: [], flagged: [], foreign: [] });
    expect(
      await admin.getState().settlePayment('U1', 'approved', 'Slip 0042', 'Terminal slip shows approved', approval),
    ).toBeNull();
    expect(transport.calls.findLast((c) => c.channel === 'pos:payments.settle')?.payload).toEqual({
      attemptId: 'U1',
      outcome: 'approved',
      evidence: 'Slip 0042',
      reason: 'Terminal slip shows approved',
      approval,
    });
    await settle();
    expect(admin.getState().unresolved).toEqual([]);
  });

  it('once shown, the list follows pos:payment.changed (a late approval gets flagged by main)', async () => {
    const { transport, admin } = setup();
    transport.emit('pos:payment.changed', attempt({ state: 'approved' }));
    await settle();
    expect(transport.calls.filter((c) => c.channel === 'pos:payments.attention')).toHaveLength(0);
    await admin.getState().loadAttention();
    transport.handlers['pos:payments.attention'] = () => ({
      unresolved: [],
      flagged: [attempt({ id: 'LATE', state: 'approved', refundable: 900 })],
      foreign: [],
    });
    transport.emit('pos:payment.changed', attempt({ id: 'LATE', state: 'approved' }));
    await settle();
    expect(admin.getState().flagged.map((a) => a.id)).toEqual(['LATE']);
  });
});

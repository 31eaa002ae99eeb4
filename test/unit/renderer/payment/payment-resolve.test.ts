/** A manager closing a flag (refunded on the terminal, accepted as the sale's payment, looked into), capturing a hold and changing a tip. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { createPaymentAdminStore, resolutionsFor } from '../../../../src-renderer/payment/payment-admin-store';
import type { AttemptView } from '../../../../src-shared/domain';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport, requiresApproval } from '../fake-transport';
import { attempt } from '../fixtures';

const approval = { managerId: 'demo-manager', pin: '987654' };

function setup() {
  const received: AttemptView[] = [];
  const transport = fakeTransport();
  const admin = createPaymentAdminStore(createClient(transport), { receive: (a) => received.push(a) });
  return { transport, admin, received };
}

describe('how a manager may close a flag', () => {
  it('a late approval: refunded on the terminal, or accepted while nothing of it went back; other flags: looked into', () => {
    expect(
      resolutionsFor(attempt({ state: 'needs_reversal', needsAttention: 'needs-reversal', refundable: 1000 })),
    ).toEqual(['refunded-elsewhere', 'accepted']);
    expect(
      resolutionsFor(attempt({ state: 'partially_refunded', needsAttention: 'needs-reversal', refundable: 400 })),
    ).toEqual(['refunded-elsewhere']);
    expect(resolutionsFor(attempt({ state: 'approved', needsAttention: 'contradiction' }))).toEqual(['acknowledged']);
    expect(resolutionsFor(attempt({ state: 'unknown', needsAttention: 'released' }))).toEqual([]);
    expect(resolutionsFor(attempt({ state: 'approved', needsAttention: null }))).toEqual([]);
  });
});

describe('payment admin store: resolve, capture, tip', () => {
  it("accepts a late approval as the sale's payment with evidence, reason and approval", async () => {
    const { transport, admin, received } = setup();
    transport.handlers['pos:payments.resolve'] = requiresApproval(({ attemptId }) =>
      attempt({ id: attemptId, state: 'approved', needsAttention: null }),
    );
    expect(
      await admin
        .getState()
        .resolvePayment('LATE', 'accepted', 'Customer keeps the card payment', 'Cash handed back', approval),
    ).toBeNull();
    expect(transport.calls.at(-1)).toEqual({
      channel: 'pos:payments.resolve',
      payload: {
        attemptId: 'LATE',
        resolution: 'accepted',
        evidence: 'Customer keeps the card payment',
        reason: 'Cash handed back',
        approval,
      },
    });
    expect(received.map((a) => [a.id, a.state])).toEqual([['LATE', 'approved']]);
  });

  it('a refusal of the resolution (a void of it still in flight) is the sentence for the dialog', async () => {
    const { transport, admin } = setup();
    transport.handlers['pos:payments.resolve'] = () => {
      throw new PosError('PAYMENT_IN_PROGRESS', 'A void or refund of it is still being checked.');
    };
    expect(
      await admin
        .getState()
        .resolvePayment('LATE', 'refunded-elsewhere', 'Slip 12', 'Refunded on the terminal', approval),
    ).toBe('A void or refund of it is still being checked.');
  });

  it("capture carries the reason and the manager's approval", async () => {
    const { transport, admin } = setup();
    transport.handlers['pos:payments.capture'] = requiresApproval(({ attemptId, amount, tip }) =>
      attempt({ id: attemptId, amount, tip: tip ?? 0, state: 'approved' }),
    );
    expect(await admin.getState().capturePayment('H1', 4500, 500, 'Table 4 closed', approval)).toBeNull();
    expect(transport.calls.at(-1)?.payload).toEqual({
      attemptId: 'H1',
      amount: 4500,
      tip: 500,
      reason: 'Table 4 closed',
      approval,
    });
  });

  it('a tip change within the limit goes through alone; above it main wants a manager, then it is sent again with the approval', async () => {
    const { transport, admin, received } = setup();
    transport.handlers['pos:payments.adjustTip'] = ({ attemptId, tip, approval: given }) => {
      if (tip > 300 && !given)
        throw new PosError('APPROVAL_REQUIRED', 'A manager must approve: a tip change.', 'approval');
      if (given && 'pin' in given && given.pin !== approval.pin)
        throw new PosError('APPROVAL_REQUIRED', 'Wrong manager PIN: the action was not done.', 'approval');
      return attempt({ id: attemptId, tip, state: 'approved' });
    };
    expect(await admin.getState().adjustTip('A1', 200)).toBeNull();
    expect(transport.calls.at(-1)?.payload).toEqual({ attemptId: 'A1', tip: 200 });

    expect(await admin.getState().adjustTip('A1', 900)).toEqual({
      approvalRequired: 'A manager must approve: a tip change.',
    });
    expect(
      await admin.getState().adjustTip('A1', 900, 'Customer tipped on the slip', { ...approval, pin: '1111' }),
    ).toBe('Wrong manager PIN: the action was not done.');
    expect(await admin.getState().adjustTip('A1', 900, 'Customer tipped on the slip', approval)).toBeNull();
    expect(transport.calls.at(-1)?.payload).toEqual({
      attemptId: 'A1',
      tip: 900,
      reason: 'Customer tipped on the slip',
      approval,
    });
    expect(received.map((a) => a.tip)).toEqual([200, 900]);
  });

  it("a tip above the sale is refused with main's sentence", async () => {
    const { transport, admin } = setup();
    transport.handlers['pos:payments.adjustTip'] = () => {
      throw new PosError('INVALID_PAYLOAD', 'A tip cannot be more than the sale.', 'tip');
    };
    expect(await admin.getState().adjustTip('A1', 99_999)).toBe('A tip cannot be more than the sale.');
  });
});

/** Protected cart changes: main's APPROVAL_REQUIRED opens the approval ask, the same call is retried with it. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { createCartStore } from '../../../../src-renderer/sale/cart-store';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport, settle, type Handlers } from '../fake-transport';
import { line, order } from '../fixtures';

const manager = { managerId: 'demo-manager', pin: '987654' };

/** Main as a cashier meets it: no approval → APPROVAL_REQUIRED; a wrong PIN → refused; the right one → done. */
function protect<T>(done: (input: Record<string, unknown>) => T) {
  return (input: { approval?: { pin: string } | { badge: string } }): T => {
    if (!input.approval) throw new PosError('APPROVAL_REQUIRED', 'A manager must approve: void an item.', 'approval');
    if (!('pin' in input.approval) || input.approval.pin !== manager.pin)
      throw new PosError('APPROVAL_REQUIRED', 'Wrong manager PIN: the action was not done.', 'approval');
    return done(input as Record<string, unknown>);
  };
}

function setup(handlers: Handlers = {}) {
  const transport = fakeTransport(handlers);
  const cart = createCartStore(createClient(transport));
  cart.getState().applyOrder(order({ lines: [line(), line({ id: 'L2', name: 'Bread', qtyMilli: 2000 })] }));
  return { transport, cart };
}

describe('cart changes a manager must approve', () => {
  it('removing a line asks for a manager; a wrong PIN keeps the ask, the right one retries the same call', async () => {
    const { transport, cart } = setup({
      'pos:cart.removeLine': protect(() => order({ lines: [line({ id: 'L2', name: 'Bread' })] })),
    });
    const removing = cart.getState().removeLine('L1');
    await settle();
    expect(cart.getState().approvalAsk).toMatchObject({
      title: 'Remove Milk 2% 1L',
      submitLabel: 'Remove item',
      defaultReason: 'Removed from the sale',
      withReason: true,
      message: 'A manager must approve: void an item.',
    });
    expect(cart.getState().notice).toBeNull();

    expect(await cart.getState().approve({ ...manager, pin: '1111' }, 'Removed from the sale')).toBe(
      'Wrong manager PIN: the action was not done.',
    );
    expect(cart.getState().approvalAsk).not.toBeNull();
    expect(cart.getState().order?.lines).toHaveLength(2);

    expect(await cart.getState().approve(manager, 'Customer changed their mind')).toBeNull();
    await expect(removing).resolves.toBe(true);
    expect(cart.getState().approvalAsk).toBeNull();
    expect(cart.getState().order?.lines.map((l) => l.id)).toEqual(['L2']);
    expect(transport.calls.map((c) => c.payload)).toEqual([
      { lineId: 'L1' },
      { lineId: 'L1', reason: 'Removed from the sale', approval: { ...manager, pin: '1111' } },
      { lineId: 'L1', reason: 'Customer changed their mind', approval: manager },
    ]);
  });

  it('a manager signed in is never asked: the first call goes through', async () => {
    const { transport, cart } = setup({
      'pos:cart.setQuantity': ({ lineId, qtyMilli }) => order({ lines: [line({ id: lineId, qtyMilli })] }),
    });
    await expect(cart.getState().setQuantity('L2', 1000)).resolves.toBe(true);
    expect(cart.getState().approvalAsk).toBeNull();
    expect(transport.calls).toHaveLength(1);
  });

  it('no manager approving drops the change: the action reports false and says nothing changed', async () => {
    const { cart } = setup({ 'pos:cart.setQuantity': protect(() => order()) });
    const lowering = cart.getState().setQuantity('L2', 1000);
    await settle();
    expect(cart.getState().approvalAsk?.title).toBe('Lower the quantity of Bread');
    cart.getState().dismissApproval();
    await expect(lowering).resolves.toBe(false);
    expect(cart.getState().approvalAsk).toBeNull();
    expect(cart.getState().notice).toMatchObject({
      tone: 'info',
      text: 'Nothing was changed: no manager approved it.',
    });
    expect(await cart.getState().approve(manager, 'late')).toBe('Nothing is waiting for a manager.');
  });

  it('a discount over the limit is retried with the approval only (the discount channels carry no reason)', async () => {
    const { transport, cart } = setup({
      'pos:cart.setOrderDiscount': protect(() =>
        order({ lines: [line()], orderDiscount: { kind: 'percent', basisPoints: 5000 } }),
      ),
    });
    const discounting = cart.getState().setOrderDiscount({ kind: 'percent', basisPoints: 5000 });
    await settle();
    expect(cart.getState().approvalAsk).toMatchObject({
      withReason: false,
      title: 'Approve the discount on the whole order',
    });
    expect(await cart.getState().approve(manager, '')).toBeNull();
    await expect(discounting).resolves.toBe(true);
    expect(transport.calls.at(-1)?.payload).toEqual({
      discount: { kind: 'percent', basisPoints: 5000 },
      approval: manager,
    });
  });

  it("a price override carries its reason from the start and the approver's reason on the retry", async () => {
    const { transport, cart } = setup({
      'pos:cart.overridePrice': protect(({ unitPrice }) =>
        order({ lines: [line({ unitPrice: unitPrice as number })] }),
      ),
    });
    const overriding = cart.getState().overridePrice('L1', 299, 'Shelf label says 2.99');
    await settle();
    expect(cart.getState().approvalAsk).toMatchObject({
      title: 'New price for Milk 2% 1L',
      defaultReason: 'Shelf label says 2.99',
    });
    await cart.getState().approve(manager, 'Shelf label checked');
    await expect(overriding).resolves.toBe(true);
    expect(transport.calls.map((c) => c.payload)).toEqual([
      { lineId: 'L1', unitPrice: 299, reason: 'Shelf label says 2.99' },
      { lineId: 'L1', unitPrice: 299, reason: 'Shelf label checked', approval: manager },
    ]);
    expect(cart.getState().order?.lines[0].unitPrice).toBe(299);
  });

  it('voiding the sale waits for the approval, then loads the next cart', async () => {
    const { cart } = setup({
      'pos:cart.cancel': protect(() => order({ id: 'O1', status: 'cancelled' })),
      'pos:cart.current': () => order({ id: 'O2', number: 2 }),
    });
    const cancelling = cart.getState().cancel();
    await settle();
    expect(cart.getState().approvalAsk).toMatchObject({
      title: 'Void this sale',
      defaultReason: 'Customer cancelled the sale',
    });
    await cart.getState().approve(manager, 'Customer left');
    await expect(cancelling).resolves.toBe(true);
    expect(cart.getState().order?.id).toBe('O2');
    expect(cart.getState().notice?.text).toBe('Sale cancelled');
  });

  it('a new ask replaces one left open: the older action reports false', async () => {
    const { cart } = setup({ 'pos:cart.removeLine': protect(() => order()) });
    const first = cart.getState().removeLine('L1');
    await settle();
    const firstAsk = cart.getState().approvalAsk!.id;
    const second = cart.getState().removeLine('L2');
    await expect(first).resolves.toBe(false);
    expect(cart.getState().approvalAsk).toMatchObject({ title: 'Remove Bread' });
    expect(cart.getState().approvalAsk!.id).toBeGreaterThan(firstAsk);
    cart.getState().dismissApproval();
    await expect(second).resolves.toBe(false);
  });
});

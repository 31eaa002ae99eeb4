import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { createCartStore } from '../../../../src-renderer/sale/cart-store';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport } from '../fake-transport';
import { line, order } from '../fixtures';

function setup() {
  const transport = fakeTransport();
  const cart = createCartStore(createClient(transport));
  return { transport, cart };
}

describe('cart store', () => {
  it('takes the cart from pos:cart.current and from pos:order.changed events', async () => {
    const { transport, cart } = setup();
    transport.handlers['pos:cart.current'] = () => order({ number: 5 });
    await cart.getState().load();
    expect(cart.getState().order?.number).toBe(5);
    transport.emit('pos:order.changed', order({ number: 5, lines: [line()], total: 349 }));
    expect(cart.getState().order?.total).toBe(349);
  });

  it('a scanned product updates the cart and says which item was added', async () => {
    const { transport, cart } = setup();
    const before = order({ lines: [line()] });
    cart.getState().applyOrder(before);
    transport.handlers['pos:cart.scan'] = ({ code }) => {
      expect(code).toBe('0064200116473');
      return { kind: 'product', order: order({ lines: [line(), line({ id: 'L2', name: 'Bread' })] }) };
    };
    await cart.getState().scan('0064200116473', 'wedge');
    expect(cart.getState().order?.lines).toHaveLength(2);
    expect(cart.getState().notice).toMatchObject({ tone: 'info', text: 'Added Bread' });
    expect(transport.calls.at(-1)).toEqual({
      channel: 'pos:cart.scan',
      payload: { code: '0064200116473', source: 'wedge' },
    });
  });

  it('a repeat scan that raises a quantity names that line', async () => {
    const { transport, cart } = setup();
    cart.getState().applyOrder(order({ lines: [line(), line({ id: 'L2', name: 'Bread' })] }));
    transport.handlers['pos:cart.scan'] = () => ({
      kind: 'product',
      order: order({ lines: [line({ qtyMilli: 2000 }), line({ id: 'L2', name: 'Bread' })] }),
    });
    await cart.getState().scan('0068700011005', 'wedge');
    expect(cart.getState().notice?.text).toBe('Added Milk 2% 1L');
  });

  it("an unknown barcode leaves the cart unchanged and shows main's words for it", async () => {
    const { transport, cart } = setup();
    const current = order({ lines: [line()] });
    cart.getState().applyOrder(current);
    transport.handlers['pos:cart.scan'] = ({ code }) => {
      throw new PosError('NOT_FOUND', `No product has the code ${code}. Nothing was added.`, 'code');
    };
    await expect(cart.getState().scan('4006381333931', 'wedge')).resolves.toBeNull();
    expect(cart.getState().order).toBe(current);
    expect(cart.getState().notice).toMatchObject({
      tone: 'error',
      text: 'No product has the code 4006381333931. Nothing was added.',
    });
  });

  it('shows errors of hardware scans from pos:scan.received', () => {
    const { transport, cart } = setup();
    transport.emit('pos:scan.received', { kind: null, display: '4006…931', error: 'Unknown barcode 4006381333931' });
    expect(cart.getState().notice).toMatchObject({ tone: 'error', text: 'Unknown barcode 4006381333931' });
    transport.emit('pos:scan.received', { kind: 'wallet', display: '1345…', error: null });
    expect(cart.getState().notice).toMatchObject({ tone: 'info', text: 'Wallet code read: payment starting' });
  });

  it('every notice gets a new id, so the same words are announced again', () => {
    const { cart } = setup();
    cart.getState().say('error', 'Unknown barcode 1');
    const first = cart.getState().notice!.id;
    cart.getState().say('error', 'Unknown barcode 1');
    expect(cart.getState().notice!.id).toBeGreaterThan(first);
  });

  it('refused changes become an error notice and report false', async () => {
    const { transport, cart } = setup();
    transport.handlers['pos:cart.setLineDiscount'] = () => {
      throw new PosError('INVALID_PAYLOAD', 'The discount is larger than the line.', 'discount.amount');
    };
    await expect(cart.getState().setLineDiscount('L1', { kind: 'amount', amount: 5000 })).resolves.toBe(false);
    expect(cart.getState().notice).toMatchObject({ tone: 'error', text: 'The discount is larger than the line.' });
    expect(cart.getState().approvalAsk).toBeNull();
  });

  it('auth failures are left to the session (no cart notice)', async () => {
    const { transport, cart } = setup();
    transport.handlers['pos:cart.removeLine'] = () => {
      throw new PosError('NOT_AUTHENTICATED', 'Log in first.');
    };
    await cart.getState().removeLine('L1');
    expect(cart.getState().notice).toBeNull();
  });

  it('a completed order is kept as finished; a late event about it does not replace the next cart', () => {
    const { cart } = setup();
    cart.getState().applyOrder(order({ id: 'O1' }));
    cart.getState().applyOrder(order({ id: 'O1', status: 'completed' }));
    expect(cart.getState().finished?.id).toBe('O1');
    cart.getState().applyOrder(order({ id: 'O2', number: 2 }));
    cart.getState().applyOrder(order({ id: 'O1', status: 'completed', paid: 1 }));
    expect(cart.getState().order?.id).toBe('O2');
    expect(cart.getState().finished?.paid).toBe(1);
  });

  it('cancel loads the next cart when main answers with the cancelled order', async () => {
    const { transport, cart } = setup();
    transport.handlers['pos:cart.cancel'] = () => order({ id: 'O1', status: 'cancelled' });
    transport.handlers['pos:cart.current'] = () => order({ id: 'O2', number: 2 });
    cart.getState().applyOrder(order({ id: 'O1', lines: [line()] }));
    await cart.getState().cancel();
    expect(cart.getState().order?.id).toBe('O2');
    expect(cart.getState().notice?.text).toBe('Sale cancelled');
  });
});

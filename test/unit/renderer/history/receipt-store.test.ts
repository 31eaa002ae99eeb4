import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { createReceiptStore } from '../../../../src-renderer/history/receipt-store';
import { PosError } from '../../../../src-shared/errors';
import type { Receipt } from '../../../../src-shared/receipt';
import { fakeTransport } from '../fake-transport';
import { attempt, order } from '../fixtures';

const receiptFor = (copy: boolean) => ({ orderNumber: 1, copy }) as unknown as Receipt;

describe('receipt store', () => {
  it('loads the receipt and the order behind it; the order follows pos:order.changed', async () => {
    const transport = fakeTransport({
      'pos:orders.receipt': ({ copy }) => receiptFor(copy),
      'pos:orders.get': () => order({ status: 'completed', attempts: [attempt({ state: 'approved' })] }),
    });
    const receipt = createReceiptStore(createClient(transport));
    await receipt.getState().load('O1', false);
    expect(receipt.getState()).toMatchObject({
      orderId: 'O1',
      loading: false,
      receipt: { copy: false },
      order: { id: 'O1' },
    });
    transport.emit('pos:order.changed', order({ status: 'completed', attempts: [attempt({ state: 'voided' })] }));
    expect(receipt.getState().order?.attempts[0].state).toBe('voided');
    transport.emit('pos:order.changed', order({ id: 'OTHER' }));
    expect(receipt.getState().order?.id).toBe('O1');
  });

  it('the receipt still shows when the order cannot be read', async () => {
    const transport = fakeTransport({
      'pos:orders.receipt': ({ copy }) => receiptFor(copy),
      'pos:orders.get': () => {
        throw new PosError('INTERNAL', 'boom');
      },
    });
    const receipt = createReceiptStore(createClient(transport));
    await receipt.getState().reprint();
    await receipt.getState().load('O1', true);
    expect(receipt.getState()).toMatchObject({ receipt: { copy: true }, order: null, error: null });
  });
});

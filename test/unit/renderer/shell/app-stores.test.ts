/** The wiring between feature stores: auth failures, completed sales, scans from any screen, reconnects. */
import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { createAppStores } from '../../../../src-renderer/shell/app-stores';
import type { AppInfo, SessionView } from '../../../../src-shared/domain';
import { PosError } from '../../../../src-shared/errors';
import { fakeTransport, settle } from '../fake-transport';
import { line, order } from '../fixtures';

const session: SessionView = {
  user: { id: 'u1', name: 'Casey', role: 'cashier' },
  startedAt: '2025-01-01T09:00:00Z',
  idleLockSeconds: 0,
};
const info: AppInfo = {
  version: '0.1.0',
  demo: true,
  store: { name: 'Demo Grocer', address: [], taxId: '', currency: 'CAD', locale: 'en-CA' },
  demoPins: [],
  quickCash: [2000, 5000],
  cashRoundingStep: 5,
  discountLimitBasisPoints: 1000,
  varianceLimit: 500,
  autoPrint: false,
  journalKey: { protection: 'file', where: '/data/signing.key' },
  tenders: [],
};

async function started(current: SessionView | null = session) {
  const transport = fakeTransport({
    'pos:app.info': () => info,
    'pos:session.current': () => current,
    'pos:session.users': () => [session.user],
    'pos:cart.current': () => order({ lines: [line()], total: 349, due: 349 }),
    'pos:catalog.grid': () => ({ departments: ['Dairy'], products: [] }),
    'pos:orders.receipt': ({ orderId, copy }) => ({ orderNumber: 1, copy, orderId }) as never,
    'pos:orders.get': ({ orderId }) => order({ id: orderId, status: 'completed' }),
    'pos:print.receipt': ({ copy }) => ({
      id: 1,
      kind: 'receipt',
      label: copy ? 'Receipt #1 (copy)' : 'Receipt #1',
      state: 'done',
      attempts: 1,
      lastError: null,
      createdAt: '2025-01-01T10:00:00Z',
    }),
  });
  const stores = createAppStores(createClient(transport));
  await stores.commands.start();
  await settle();
  return { transport, stores };
}

describe('app stores wiring', () => {
  it('an active session loads the cart and the grid', async () => {
    const { stores } = await started();
    expect(stores.cart.getState().order?.lines).toHaveLength(1);
    expect(stores.catalog.getState().departments).toEqual(['Dairy']);
    expect(stores.appInfo.getState().info?.demo).toBe(true);
  });

  it('any call answered SESSION_LOCKED shows the lock screen', async () => {
    const { transport, stores } = await started();
    transport.handlers['pos:cart.removeLine'] = () => {
      throw new PosError('SESSION_LOCKED', 'The till is locked.');
    };
    await stores.cart.getState().removeLine('L1');
    expect(stores.session.getState()).toMatchObject({ status: 'locked', lockedUser: session.user });
  });

  it('a cash tender that completes the order opens its receipt with the change', async () => {
    const { transport, stores } = await started();
    stores.cart.getState().say('info', 'Added Milk 2% 1L');
    stores.commands.pay();
    expect(stores.nav.getState().screen).toBe('tender');
    transport.handlers['pos:tender.cash'] = () => ({
      order: order({ status: 'completed', lines: [line()], paid: 350 }),
      change: 1650,
      completed: true,
    });
    await stores.payment.getState().payCash('O1', 2000);
    await settle();
    expect(stores.nav.getState()).toMatchObject({ screen: 'receipt', receiptFrom: 'sale' });
    expect(stores.cart.getState().notice).toBeNull();
    expect(stores.receipt.getState()).toMatchObject({ orderId: 'O1', receipt: { copy: false } });
    expect(stores.payment.getState().lastCash?.change).toBe(1650);
    await stores.receipt.getState().reprint();
    expect(stores.receipt.getState().receipt?.copy).toBe(true);
  });

  it('an electronic approval that completes the order (by event) opens the receipt too', async () => {
    const { transport, stores } = await started();
    stores.nav.getState().go('tender');
    transport.emit('pos:order.changed', order({ status: 'completed' }));
    await settle();
    expect(stores.nav.getState().screen).toBe('receipt');
  });

  it('a change to an older completed order (a payment voided from history) does not take the screen', async () => {
    const { transport, stores } = await started();
    await stores.commands.openHistoryReceipt('OLD');
    transport.emit('pos:order.changed', order({ id: 'OLD', status: 'completed' }));
    await settle();
    expect(stores.nav.getState()).toMatchObject({ screen: 'receipt', receiptFrom: 'history' });
    expect(stores.receipt.getState().orderId).toBe('OLD');
  });

  it('Reprint prints a copy and shows the COPY view; Print prints the original', async () => {
    const { transport, stores } = await started();
    await stores.commands.openHistoryReceipt('O1');
    await stores.commands.printReceipt(true);
    expect(transport.calls.filter((c) => c.channel === 'pos:print.receipt').map((c) => c.payload)).toEqual([
      { orderId: 'O1', copy: true },
    ]);
    expect(stores.receipt.getState().receipt?.copy).toBe(true);
    expect(stores.devices.getState().receiptPrint?.job?.state).toBe('done');
    await stores.commands.printReceipt(false);
    expect(transport.calls.filter((c) => c.channel === 'pos:print.receipt').at(-1)?.payload).toEqual({
      orderId: 'O1',
      copy: false,
    });
  });

  it('a scan read in main (HID or virtual scanner) moves the screen like a wedge scan', async () => {
    const { transport, stores } = await started();
    stores.nav.getState().showReceipt('sale');
    transport.emit('pos:scan.received', { kind: 'product', display: '0068700011005', error: null });
    expect(stores.nav.getState().screen).toBe('sale');
    transport.emit('pos:scan.received', { kind: 'wallet', display: '**************6789', error: null });
    expect(stores.nav.getState().screen).toBe('tender');
    stores.commands.open('devices');
    transport.emit('pos:scan.received', { kind: 'product', display: '0068700011005', error: null });
    expect(stores.nav.getState().screen).toBe('devices');
  });

  it('a scan on the receipt screen starts the next sale', async () => {
    const { transport, stores } = await started();
    stores.nav.getState().showReceipt('sale');
    transport.handlers['pos:cart.scan'] = () => ({ kind: 'product', order: order({ id: 'O2', lines: [line()] }) });
    await stores.commands.scan('0068700011005', 'wedge');
    expect(stores.nav.getState().screen).toBe('sale');
    expect(stores.cart.getState().order?.id).toBe('O2');
  });

  it('a wallet code scanned on the sale screen opens the tender panel', async () => {
    const { transport, stores } = await started();
    transport.handlers['pos:cart.scan'] = () => ({ kind: 'wallet', order: order({ lines: [line()] }) });
    await stores.commands.scan('134567890123456789', 'wedge');
    expect(stores.nav.getState().screen).toBe('tender');
  });

  it('a scan before login is not sent; the login screen says why', async () => {
    const { transport, stores } = await started(null);
    await stores.commands.scan('0068700011005', 'wedge');
    expect(transport.calls.some((c) => c.channel === 'pos:cart.scan')).toBe(false);
    expect(stores.session.getState().error?.message).toBe('Log in before scanning.');
  });

  it('Esc on a sale receipt starts a new sale; on a history receipt it returns to history', async () => {
    const { stores } = await started();
    stores.nav.getState().showReceipt('history');
    stores.commands.back();
    expect(stores.nav.getState().screen).toBe('history');
    stores.nav.getState().showReceipt('sale');
    stores.commands.back();
    expect(stores.nav.getState().screen).toBe('sale');
  });

  it("after a reconnect, main's session and cart are read again", async () => {
    const { transport } = await started();
    const reads = () => transport.calls.filter((c) => c.channel === 'pos:cart.current').length;
    const before = reads();
    transport.setStatus('closed');
    transport.setStatus('connecting');
    transport.setStatus('open');
    await settle();
    expect(reads()).toBe(before + 1);
  });

  it('the shift screen reads the shift and the Z list; a close shows its Z report', async () => {
    const { transport, stores } = await started();
    const shift = {
      id: 1,
      openedBy: 'Casey',
      openedAt: '2025-01-01T08:00:00Z',
      float: 0,
      expectedCash: 915,
      cashMoves: 0,
    };
    transport.handlers['pos:shift.current'] = () => shift;
    transport.handlers['pos:reports.list'] = () => [];
    stores.commands.open('shift');
    await settle();
    expect(stores.nav.getState().screen).toBe('shift');
    expect(stores.shift.getState().shift?.expectedCash).toBe(915);
    expect(stores.reports.getState().listLoaded).toBe(true);
    transport.handlers['pos:shift.close'] = () => ({ kind: 'Z', number: 1, copy: false }) as never;
    await stores.shift.getState().close([{ denomination: 500, count: 1 }], 'Short', { managerId: 'm', pin: '9876' });
    expect(stores.reports.getState().shown).toMatchObject({ kind: 'Z', number: 1 });
  });

  it('a paired or removed terminal reads the station facts again (its tenders change)', async () => {
    const { transport } = await started();
    const reads = () => transport.calls.filter((c) => c.channel === 'pos:app.info').length;
    const before = reads();
    transport.emit('pos:terminals.changed', { pairingUrl: null, terminals: [], requests: [] });
    await settle();
    expect(reads()).toBe(before + 1);
  });

  it('a cart change waiting for a manager is dropped when the session locks or ends', async () => {
    const { transport, stores } = await started();
    transport.handlers['pos:cart.removeLine'] = () => {
      throw new PosError('APPROVAL_REQUIRED', 'A manager must approve: void an item.', 'approval');
    };
    transport.handlers['pos:session.lock'] = () => ({ ok: true });
    const removing = stores.cart.getState().removeLine('L1');
    await settle();
    expect(stores.cart.getState().approvalAsk).not.toBeNull();
    await stores.session.getState().lock();
    await expect(removing).resolves.toBe(false);
    expect(stores.cart.getState().approvalAsk).toBeNull();
  });
});

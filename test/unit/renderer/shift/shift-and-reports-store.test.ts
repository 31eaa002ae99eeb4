import { describe, expect, it } from 'vitest';
import { createClient } from '../../../../src-renderer/api/client';
import { createReportsStore, reportName } from '../../../../src-renderer/shift/reports-store';
import { createShiftStore } from '../../../../src-renderer/shift/shift-store';
import type { PrintJobView } from '../../../../src-shared/domain';
import { PosError } from '../../../../src-shared/errors';
import type { Report, ShiftView } from '../../../../src-shared/report';
import { fakeTransport, requiresApproval, settle } from '../fake-transport';

const approval = { managerId: 'demo-manager', pin: '987654' };
const shift: ShiftView = {
  id: 3,
  openedBy: 'Casey Cashier',
  openedAt: '2025-01-01T08:00:00Z',
  float: 10000,
  expectedCash: 11465,
  cashMoves: 0,
};

function report(overrides: Partial<Report> = {}): Report {
  return {
    kind: 'Z',
    number: 1,
    copy: false,
    storeName: 'Demo',
    currency: 'CAD',
    generatedAt: '2025-01-01T18:00:00Z',
    shift: {
      id: 3,
      openedBy: 'Casey Cashier',
      openedAt: '2025-01-01T08:00:00Z',
      closedBy: 'Morgan Manager',
      closeApprovedBy: 'Morgan Manager',
      closedAt: '2025-01-01T18:00:00Z',
    },
    sales: {
      count: 1,
      gross: 1449,
      discounts: 0,
      tax: 0,
      refunds: 0,
      refundedTax: 0,
      net: 1449,
      tips: 0,
      tipsRefunded: 0,
      cashback: 0,
      cashRounding: -1,
    },
    taxes: [],
    tenders: [],
    refunds: [],
    lateApprovals: [],
    providers: [],
    voids: [],
    noSales: [],
    overrides: [],
    discounts: { count: 0, total: 0 },
    cash: {
      float: 10000,
      sales: 1465,
      cashback: 0,
      refunds: 0,
      paidIn: 0,
      paidOut: 0,
      expected: 11465,
      counted: 11465,
      variance: 0,
    },
    cashMoves: [],
    unresolved: [],
    ...overrides,
  };
}

const job = (state: PrintJobView['state']): PrintJobView => ({
  id: 9,
  kind: 'report',
  label: 'Z report 1 (copy)',
  state,
  attempts: 0,
  lastError: null,
  createdAt: '2025-01-01T18:01:00Z',
});

function setup() {
  const transport = fakeTransport({
    'pos:shift.current': () => shift,
    'pos:reports.list': () => [
      { number: 1, closedAt: 'a', closedBy: 'M', net: 1 },
      { number: 2, closedAt: 'b', closedBy: 'M', net: 2 },
    ],
  });
  const client = createClient(transport);
  const reports = createReportsStore(client);
  const shiftStore = createShiftStore(client, { closed: (r) => reports.getState().show(r) });
  return { transport, reports, shift: shiftStore };
}

describe('shift store', () => {
  it('reads the open shift; opens one with the float counts when none is', async () => {
    const { transport, shift: store } = setup();
    await store.getState().load();
    expect(store.getState()).toMatchObject({ loaded: true, shift: { id: 3 } });
    transport.handlers['pos:shift.current'] = () => null;
    await store.getState().load();
    expect(store.getState().shift).toBeNull();
    transport.handlers['pos:shift.open'] = ({ float }) => ({
      ...shift,
      id: 4,
      float: float.reduce((s, c) => s + c.denomination * c.count, 0),
    });
    await expect(store.getState().open([{ denomination: 2000, count: 5 }])).resolves.toBe(true);
    expect(store.getState().shift).toMatchObject({ id: 4, float: 10000 });
  });

  it('a refused open says why', async () => {
    const { transport, shift: store } = setup();
    transport.handlers['pos:shift.open'] = () => {
      throw new PosError('CONFLICT', 'A shift is already open: close it before opening another.');
    };
    await expect(store.getState().open([])).resolves.toBe(false);
    expect(store.getState().error).toBe('A shift is already open: close it before opening another.');
  });

  it("cash in and out carry the amount, reason and approval; a refusal is the dialog's sentence", async () => {
    const { transport, shift: store } = setup();
    transport.handlers['pos:shift.cashMove'] = requiresApproval(({ kind, amount }) => ({
      ...shift,
      expectedCash: shift.expectedCash + (kind === 'in' ? amount : -amount),
      cashMoves: 1,
    }));
    expect(await store.getState().cashMove('out', 5000, 'Safe drop', approval)).toBeNull();
    expect(transport.calls.at(-1)?.payload).toEqual({ kind: 'out', amount: 5000, reason: 'Safe drop', approval });
    expect(store.getState().shift).toMatchObject({ expectedCash: 6465, cashMoves: 1 });
    transport.handlers['pos:shift.cashMove'] = () => {
      throw new PosError('CONFLICT', 'That is more cash than the drawer should hold.', 'amount');
    };
    expect(await store.getState().cashMove('out', 999999, 'Oops')).toBe(
      'That is more cash than the drawer should hold.',
    );
  });

  it('closing sends the count and shows the Z report main answers', async () => {
    const { transport, shift: store, reports } = setup();
    await store.getState().load();
    transport.handlers['pos:shift.close'] = requiresApproval(() => report());
    expect(await store.getState().close([{ denomination: 10000, count: 1 }], '', approval)).toBeNull();
    expect(transport.calls.findLast((c) => c.channel === 'pos:shift.close')?.payload).toEqual({
      counted: [{ denomination: 10000, count: 1 }],
      reason: '',
      approval,
    });
    expect(store.getState().shift).toBeNull();
    expect(reports.getState().shown).toMatchObject({ kind: 'Z', number: 1 });
  });
});

describe('reports store', () => {
  it('lists Z reports newest first; a stored Z opens as a copy', async () => {
    const { transport, reports } = setup();
    await reports.getState().loadList();
    expect(reports.getState().list.map((z) => z.number)).toEqual([2, 1]);
    transport.handlers['pos:reports.z'] = ({ number, copy }) => report({ number, copy: copy ?? false });
    await reports.getState().openZ(1);
    expect(transport.calls.at(-1)?.payload).toEqual({ number: 1, copy: true });
    expect(reports.getState().shown).toMatchObject({ number: 1, copy: true });
  });

  it('prints the report on screen (a copy of a stored Z) and follows the job', async () => {
    const { transport, reports } = setup();
    reports.getState().show(report({ copy: true }));
    transport.handlers['pos:reports.print'] = () => job('queued');
    await reports.getState().printShown();
    expect(transport.calls.at(-1)?.payload).toEqual({ number: 1, copy: true });
    expect(reports.getState().printJob?.state).toBe('queued');
    transport.emit('pos:devices.changed', {
      scanner: { configured: false, state: 'not-configured', message: '', device: null, lastScanAt: null },
      printer: { state: 'ready', message: '', transport: 'tcp', queued: 0, jobs: [job('done')] },
    });
    expect(reports.getState().printJob?.state).toBe('done');
  });

  it('X report: shown, printed and exported without a number', async () => {
    const { transport, reports } = setup();
    transport.handlers['pos:reports.x'] = () => report({ kind: 'X', number: null });
    transport.handlers['pos:reports.print'] = () => job('queued');
    transport.handlers['pos:reports.csv'] = () => ({ filename: 'x-report-2025-01-01.csv', csv: 'section\r\n' });
    await reports.getState().showX();
    expect(reportName(reports.getState().shown!)).toBe('X report');
    await reports.getState().printShown();
    expect(transport.calls.at(-1)?.payload).toEqual({ number: null, copy: false });
    await expect(reports.getState().exportShown()).resolves.toEqual({
      filename: 'x-report-2025-01-01.csv',
      csv: 'section\r\n',
    });
    expect(transport.calls.at(-1)?.payload).toEqual({ number: null });
  });

  it('a Z report just made joins the list', async () => {
    const { transport, reports } = setup();
    await reports.getState().loadList();
    transport.handlers['pos:reports.list'] = () => [{ number: 3, closedAt: 'c', closedBy: 'M', net: 3 }];
    reports.getState().show(report({ number: 3 }));
    await settle();
    expect(reports.getState().list.map((z) => z.number)).toEqual([3]);
    expect(reportName(report({ number: 3 }))).toBe('Z report 3');
  });

  it("a failed call is the screen's error", async () => {
    const { transport, reports } = setup();
    transport.handlers['pos:reports.x'] = () => {
      throw new PosError('CONFLICT', 'No shift is open: open one with a float count first.');
    };
    await reports.getState().showX();
    expect(reports.getState()).toMatchObject({
      shown: null,
      busy: null,
      error: 'No shift is open: open one with a float count first.',
    });
  });
});

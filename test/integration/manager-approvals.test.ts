import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelName } from '../../src-shared/contract';
import { startHarness, type Harness } from '../support/core-harness';
import { demoCodes } from '../support/demo-codes';
import { roundToStep } from '../../src-shared/money';

const MANAGER = { managerId: 'demo-manager', pin: '987654' };

describe('manager approval is enforced in main', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({});
  });
  afterEach(async () => {
    await h.close();
  });

  const auditActions = () =>
    h.core.journal.db.prepare('SELECT action FROM audit ORDER BY seq').pluck().all() as string[];

  async function completedCashSale() {
    const order = await h.ringUp();
    await h.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue });
    return order;
  }

  /** A card sale approved on the demo's virtual terminal: its attempt is a real one for the payments.* channels. */
  async function approvedCardAttempt(): Promise<string> {
    const order = await h.ringUp();
    const attempt = await h.call('pos:tender.start', { orderId: order.id, provider: 'iotpay-pax', amount: order.due });
    const deadline = Date.now() + 10_000;
    let waiting = h.core.demo!.waiting().filter((w) => w.provider === 'iotpay-pax');
    while (waiting.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      waiting = h.core.demo!.waiting().filter((w) => w.provider === 'iotpay-pax');
    }
    await h.call('pos:demo.act', { provider: 'iotpay-pax', key: waiting[0].key, action: 'approve' });
    await h.attempt(attempt.id, (a) => a.state === 'approved');
    return attempt.id;
  }

  it('every protected channel, called raw by a cashier without an approval, is refused and audited', async () => {
    const attemptId = await approvedCardAttempt();
    const sale = await completedCashSale();
    const open = (
      await h.call('pos:cart.scan', { code: demoCodes(h.core.journal.db).plain[2].barcode, source: 'wedge' })
    ).order;
    await h.call('pos:cart.setQuantity', { lineId: open.lines[0].id, qtyMilli: 3000 });
    const line = open.lines[0].id;
    const calls: [ChannelName, unknown][] = [
      ['pos:cart.removeLine', { lineId: line }],
      ['pos:cart.setQuantity', { lineId: line, qtyMilli: 1000 }],
      ['pos:cart.cancel', {}],
      ['pos:cart.overridePrice', { lineId: line, unitPrice: 1, reason: 'price tag says so' }],
      ['pos:cart.setLineDiscount', { lineId: line, discount: { kind: 'percent', basisPoints: 5000 } }],
      ['pos:cart.setOrderDiscount', { discount: { kind: 'percent', basisPoints: 2500 } }],
      ['pos:drawer.noSale', { reason: 'need change' }],
      ['pos:payments.void', { attemptId, reason: 'wrong card' }],
      ['pos:payments.refund', { attemptId, amount: 100, reason: 'returned' }],
      ['pos:payments.settle', { attemptId, outcome: 'approved', evidence: 'slip 1', reason: 'slip shows approval' }],
      ['pos:payments.release', { attemptId, reason: 'customer walked away' }],
      [
        'pos:payments.resolve',
        { attemptId, resolution: 'acknowledged', evidence: 'portal', reason: 'checked with the provider' },
      ],
      ['pos:shift.cashMove', { kind: 'out', amount: 100, reason: 'bank drop' }],
      ['pos:shift.close', { counted: [] }],
      ['pos:refunds.create', { orderId: sale.id, amount: 100, reason: 'customer unhappy' }],
    ];
    const before = auditActions().filter((a) => a === 'approval.requested').length;
    for (const [channel, payload] of calls) {
      const reply = await h.core.dispatch(channel, payload);
      expect(reply, channel).toMatchObject({ ok: false, error: { code: 'APPROVAL_REQUIRED' } });
    }
    expect(auditActions().filter((a) => a === 'approval.requested').length - before).toBe(calls.length);
    // Nothing moved: the cart, the sale and the shift are as they were.
    expect((await h.call('pos:cart.current', {})).lines[0]).toMatchObject({
      qtyMilli: 3000,
      unitPrice: open.lines[0].unitPrice,
      discount: null,
    });
    expect(await h.call('pos:refunds.forOrder', { orderId: sale.id })).toEqual([]);
    expect(await h.call('pos:shift.current', {})).not.toBeNull();
  });

  it("a wrong PIN or a cashier's credential is refused and audited; a manager's approval is journaled with both names", async () => {
    const order = await h.ringUp();
    const line = order.lines[0];
    await expect(
      h.call('pos:cart.removeLine', {
        lineId: line.id,
        reason: 'scanned twice',
        approval: { managerId: 'demo-manager', pin: '0000' },
      }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    await expect(
      h.call('pos:cart.removeLine', {
        lineId: line.id,
        reason: 'scanned twice',
        approval: { managerId: 'demo-cashier', pin: '1234' },
      }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    const after = await h.call('pos:cart.removeLine', { lineId: line.id, reason: 'scanned twice', approval: MANAGER });
    expect(after.lines.map((l) => l.id)).not.toContain(line.id);
    const voids = h.core.journal.db.prepare('SELECT kind, description, user_id, approved_by, reason FROM voids').all();
    expect(voids).toEqual([
      {
        kind: 'line',
        description: line.name,
        user_id: 'demo-cashier',
        approved_by: 'demo-manager',
        reason: 'scanned twice',
      },
    ]);
    // Each try asks main for a request for this one action first (src-shared/approval-flow.ts).
    expect(auditActions().filter((a) => a.startsWith('approval'))).toEqual([
      'approval.requested',
      'approval.refused',
      'approval.requested',
      'approval.refused',
      'approval.requested',
      'approval',
    ]);
  });

  it("a manager's staff badge scanned at the prompt approves with their PIN; a cashier's badge does not", async () => {
    const order = await h.ringUp();
    await expect(
      h.call('pos:cart.removeLine', {
        lineId: order.lines[0].id,
        reason: 'wrong item',
        approval: { badge: '0410000000011' },
      }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    const after = await h.call('pos:cart.removeLine', {
      lineId: order.lines[0].id,
      reason: 'wrong item',
      approval: { badge: '0410000000028', pin: '987654' },
    });
    expect(after.lines).toHaveLength(1);
    const approvals = h.core.journal.db
      .prepare("SELECT action, user_id, detail FROM audit WHERE action LIKE 'approval%' ORDER BY seq")
      .all() as { action: string; user_id: string; detail: string }[];
    expect(approvals.map((a) => [a.action, a.user_id, JSON.parse(a.detail).by])).toEqual([
      ['approval.requested', 'demo-cashier', undefined],
      ['approval.refused', 'demo-cashier', 'badge'],
      ['approval.requested', 'demo-cashier', undefined],
      ['approval', 'demo-manager', 'badge+pin'],
    ]);
    expect(h.core.journal.db.prepare('SELECT approved_by FROM voids').pluck().all()).toEqual(['demo-manager']);
  });

  it('discounts within the limit need no approval; over it they do', async () => {
    const order = await h.ringUp();
    await expect(
      h.call('pos:cart.setLineDiscount', {
        lineId: order.lines[0].id,
        discount: { kind: 'percent', basisPoints: 1000 },
      }),
    ).resolves.toBeTruthy();
    await expect(
      h.call('pos:cart.setLineDiscount', {
        lineId: order.lines[0].id,
        discount: { kind: 'percent', basisPoints: 1001 },
      }),
    ).rejects.toMatchObject({ code: 'APPROVAL_REQUIRED' });
    const approved = await h.call('pos:cart.setLineDiscount', {
      lineId: order.lines[0].id,
      discount: { kind: 'percent', basisPoints: 5000 },
      approval: MANAGER,
    });
    expect(approved.lines[0].discount).toEqual({ kind: 'percent', basisPoints: 5000 });
  });
});

describe('refunds, shifts and the Z report', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({});
  });
  afterEach(async () => {
    await h.close();
  });

  it("a cashier refunds one line with the manager's PIN; the Z report lists it with both names, voids, no-sales, overrides and the cash count", async () => {
    await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    const opened = await h.call('pos:shift.open', {
      float: [
        { denomination: 2000, count: 5 },
        { denomination: 100, count: 10 },
      ],
    });
    expect(opened.float).toBe(11_000);
    const codes = demoCodes(h.core.journal.db);
    await h.call('pos:cart.scan', { code: codes.plain[0].barcode, source: 'wedge' });
    await h.call('pos:cart.scan', { code: codes.plain[0].barcode, source: 'wedge' });
    const { order } = await h.call('pos:cart.scan', { code: codes.plain[1].barcode, source: 'wedge' });
    const overridden = await h.call('pos:cart.overridePrice', {
      lineId: order.lines[1].id,
      unitPrice: 100,
      reason: 'shelf price was wrong',
      approval: MANAGER,
    });
    const paid = await h.call('pos:tender.cash', { orderId: order.id, tendered: overridden.cashDue });
    expect(paid.completed).toBe(true);

    const refundable = await h.call('pos:refunds.refundable', { orderId: order.id });
    const twoItemLine = refundable.lines.find((l) => l.qtyMilli === 2000)!;
    const refund = await h.call('pos:refunds.create', {
      orderId: order.id,
      lines: [{ lineId: twoItemLine.lineId, qtyMilli: 1000 }],
      to: 'original',
      reason: 'damaged item',
      approval: MANAGER,
    });
    expect(refund).toMatchObject({
      status: 'completed',
      user: 'Casey Cashier',
      approvedBy: 'Morgan Manager',
      tenders: [{ kind: 'cash' }],
    });
    // The line gives back exactly half; the cash handed over is rounded to the nickel like cash taken.
    const exact = Math.round(twoItemLine.amount / 2);
    expect(refund.lines[0].amount).toBe(exact);
    expect(refund.amount).toBe(roundToStep(exact, 5));
    const left = await h.call('pos:refunds.refundable', { orderId: order.id });
    expect(left.lines.find((l) => l.lineId === twoItemLine.lineId)).toMatchObject({
      qtyMilli: 1000,
      amount: twoItemLine.amount - exact,
    });
    await expect(
      h.call('pos:refunds.create', {
        orderId: order.id,
        lines: [{ lineId: twoItemLine.lineId, qtyMilli: 2000 }],
        reason: 'again',
        approval: MANAGER,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect((await h.call('pos:orders.get', { orderId: order.id })).refunded).toBe(refund.amount);
    expect((await h.call('pos:orders.history', {})).find((o) => o.id === order.id)?.refunded).toBe(refund.amount);
    const receipt = await h.call('pos:refunds.receipt', { refundId: refund.id, copy: false });
    expect(receipt.title).toBe(`REFUND ${refund.number} of sale ${order.number}`);

    await h.call('pos:shift.cashMove', { kind: 'out', amount: 5_000, reason: 'bank drop', approval: MANAGER });
    const x = await h.call('pos:reports.x', {});
    expect(x).toMatchObject({ kind: 'X', number: null });
    const expected = 11_000 + paid.order.total + paid.order.cashRounding - refund.amount - 5_000;
    expect(x.cash.expected).toBe(expected);

    await expect(
      h.call('pos:shift.close', {
        counted: [{ denomination: 100, count: Math.floor(expected / 100) - 20 }],
        approval: MANAGER,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_PAYLOAD', field: 'reason' });
    const z = await h.call('pos:shift.close', { counted: [{ denomination: 1, count: expected }], approval: MANAGER });
    expect(z).toMatchObject({ kind: 'Z', number: 1, copy: false, cash: { expected, counted: expected, variance: 0 } });
    expect(z.refunds).toEqual([
      expect.objectContaining({
        number: refund.number,
        orderNumber: order.number,
        user: 'Casey Cashier',
        approvedBy: 'Morgan Manager',
        amount: refund.amount,
        items: `1 × ${twoItemLine.name}`,
      }),
    ]);
    expect(z.overrides).toEqual([
      expect.objectContaining({
        product: order.lines[1].name,
        to: 100,
        user: 'Casey Cashier',
        approvedBy: 'Morgan Manager',
      }),
    ]);
    expect(z.cashMoves).toEqual([
      expect.objectContaining({ kind: 'out', amount: 5_000, approvedBy: 'Morgan Manager' }),
    ]);
    expect(z.sales.count).toBe(1);
    expect(z.shift).toMatchObject({ closedBy: 'Casey Cashier', closeApprovedBy: 'Morgan Manager' });
    expect(z.tenders).toEqual([expect.objectContaining({ label: 'Cash', count: 1, refunded: refund.amount })]);

    // Immutable and numbered: the stored Z comes back as a COPY, the table refuses edits, the next shift gets Z 2.
    const copy = await h.call('pos:reports.z', { number: 1, copy: true });
    expect({ ...copy, copy: false }).toEqual(z);
    expect(() => h.core.journal.db.prepare("UPDATE z_reports SET body = '{}' WHERE number = 1").run()).toThrow(
      /never changes/,
    );
    const csv = await h.call('pos:reports.csv', { number: 1 });
    expect(csv.filename).toBe('z-report-1.csv');
    expect(csv.csv).toContain('Casey Cashier,Morgan Manager');
    expect(await h.call('pos:shift.current', {})).toBeNull();
    expect(await h.call('pos:reports.list', {})).toEqual([expect.objectContaining({ number: 1 })]);
  });
});

describe('the hash-chained audit trail', () => {
  it('verify names the first broken link after one audit row is edited in the SQLite file', async () => {
    const h = await startHarness({});
    await h.ringUp();
    await h.call('pos:session.lock', {});
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
    expect(await h.call('pos:audit.verify', {})).toMatchObject({ ok: true, brokenAt: null });
    const dataDir = join(h.dir, 'data');
    await h.core.close();

    const cli = (args: string[]) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', join(__dirname, '../../src-main/cli/journal-cli.ts'), ...args, '--data-dir', dataDir],
        { encoding: 'utf8' },
      );
    const ok = cli(['verify']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/Audit trail: ok \(\d+ entries\)/);
    expect(ok.stdout).toMatch(/Journal chain: ok \(\d+ links/);

    // Someone with the file drops the guard trigger and edits entry 2.
    const db = new Database(join(dataDir, 'journal.sqlite'));
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare('UPDATE audit SET detail = \'{"switchedFrom":null,"forged":true}\' WHERE seq = 2').run();
    db.close();
    const broken = cli(['verify']);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('entry 2: entry 2 was altered after it was written');
    expect(broken.stdout).toContain('audit [2] was changed outside the till');

    await h.reopen();
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
    expect(await h.call('pos:audit.verify', {})).toMatchObject({ ok: false, brokenAt: 2 });
    await h.close();
  });
});

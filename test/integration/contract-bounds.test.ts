/**
 * Issue 12 items 5 and 7 over the real core and a journal on disk: text that is not well-formed
 * never reaches the journal, a float no drawer holds never reaches a Z report, an unknown id is
 * "not found" (never INTERNAL) with nothing journaled, and every refusal that matters is audited.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, channels, type ChannelName } from '../../src-shared/contract';
import { id as idSchema } from '../../src-shared/domain';
import type { Reply } from '../../src-shared/errors';
import { DEMO_USERS } from '../../src-main/config/demo-config';
import { startHarness, type Harness } from '../support/core-harness';
import { demoCodes } from '../support/demo-codes';
import { fieldOf, leavesOf, samplePayload } from '../support/contract-samples';

const manager = DEMO_USERS.find((u) => u.role === 'manager')!;
const cashier = DEMO_USERS.find((u) => u.role === 'cashier')!;

interface AuditRow {
  seq: number;
  user_id: string | null;
  action: string;
  object: string | null;
  detail: string;
}

describe('the contract at the core', () => {
  let h: Harness;
  const dispatch = (channel: ChannelName, payload: unknown) => h.core.dispatch(channel, payload);
  const login = async (user: { id: string; pin: string }) =>
    expect(await dispatch('pos:session.login', { userId: user.id, pin: user.pin })).toMatchObject({ ok: true });
  /** Rows in every table of the journal (the audit trail and any chain included). */
  const journalCounts = (): Record<string, number> => {
    const db = h.core.journal.db;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    return Object.fromEntries(
      (tables as string[]).map((t) => [t, db.prepare(`SELECT COUNT(*) FROM "${t}"`).pluck().get() as number]),
    );
  };
  /** The journal once what follows a sale on its own (the receipt's print job) has landed. */
  const settledJournal = async (): Promise<Record<string, number>> => {
    let last = journalCounts();
    for (let i = 0; i < 50; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = journalCounts();
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      last = now;
    }
    return last;
  };
  const auditSince = (seq: number): AuditRow[] =>
    h.core.journal.db.prepare('SELECT * FROM audit WHERE seq > ? ORDER BY seq').all(seq) as AuditRow[];
  const lastAuditSeq = () =>
    h.core.journal.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM audit').pluck().get() as number;

  beforeEach(async () => {
    h = await startHarness({});
  });
  afterEach(async () => {
    await h.close();
  });

  it('refuses a lone surrogate in every string field of every channel, and journals nothing', async () => {
    await login(manager);
    expect(await dispatch('pos:cart.current', {})).toMatchObject({ ok: true });
    const before = journalCounts();
    let calls = 0;
    for (const channel of CHANNEL_NAMES) {
      for (const leaf of leavesOf(channels[channel].input).filter((l) => l.kind === 'string')) {
        const field = fieldOf(leaf.path);
        for (const lone of ['\uD800', '\uDFFF']) {
          const reply = await dispatch(channel, samplePayload(channels[channel].input, leaf.path, `1${lone}`));
          calls += 1;
          expect(reply, `${channel} ${field}`).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', field } });
        }
      }
    }
    expect(calls).toBeGreaterThan(160);
    expect(journalCounts()).toEqual(before);
    expect(await dispatch('pos:audit.verify', {})).toMatchObject({ ok: true, result: { ok: true } });
  });

  it('refuses the 1.8e21 float at shift open and close; no shift opens or closes, no Z report is written', async () => {
    await login(manager);
    const seen = [
      { denomination: Number.MAX_SAFE_INTEGER, count: 100_000 },
      { denomination: Number.MAX_SAFE_INTEGER, count: 100_000 },
    ];
    expect(seen.reduce((s, c) => s + c.denomination * c.count, 0)).toBeGreaterThan(1.8e21);
    expect(await dispatch('pos:shift.current', {})).toEqual({ ok: true, result: null });
    const beforeOpen = journalCounts();
    const opened = await dispatch('pos:shift.open', { float: seen });
    expect(opened).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    if (!opened.ok) expect(opened.error.field?.startsWith('float')).toBe(true);
    expect(journalCounts()).toEqual(beforeOpen);
    expect(await dispatch('pos:shift.current', {})).toEqual({ ok: true, result: null });
    expect(await dispatch('pos:shift.open', { float: [{ denomination: 2000, count: 5 }] })).toMatchObject({ ok: true });
    expect(await dispatch('pos:shift.current', {})).toMatchObject({ ok: true, result: { id: expect.any(Number) } });
    const before = journalCounts();
    const closed = await dispatch('pos:shift.close', { counted: seen, reason: 'end of day' });
    expect(closed).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    if (!closed.ok) expect(closed.error.field?.startsWith('counted')).toBe(true);
    expect(journalCounts()).toEqual(before);
    expect(await dispatch('pos:reports.list', {})).toEqual({ ok: true, result: [] });
    expect(await dispatch('pos:shift.current', {})).toMatchObject({ ok: true, result: { id: expect.any(Number) } });
  });

  it('answers NOT_FOUND, with a sentence, for every channel given an unknown id; nothing is journaled', async () => {
    await login(manager);
    // An open, empty sale and a shift: what a manager at the till has.
    const cart = await dispatch('pos:cart.current', {});
    const openOrderId = cart.ok ? (cart.result as { id: string }).id : 'none';
    const info = await dispatch('pos:app.info', {});
    const provider = info.ok ? (info.result as { tenders: { provider: string }[] }).tenders[0].provider : 'none';
    const u = () => randomUUID();
    const unknownNumber = 999_999;
    const calls: [ChannelName, Record<string, unknown>, expected?: string][] = [
      ['pos:session.login', { userId: u(), pin: '123456' }, 'BAD_CREDENTIALS'],
      ['pos:catalog.import', { uploadId: `upload-${u()}` }],
      ['pos:cart.addProduct', { productId: u() }],
      ['pos:cart.setQuantity', { lineId: u(), qtyMilli: 1000 }],
      ['pos:cart.removeLine', { lineId: u(), reason: 'not wanted' }],
      ['pos:cart.setLineDiscount', { lineId: u(), discount: { kind: 'percent', basisPoints: 9000 } }],
      ['pos:cart.overridePrice', { lineId: u(), unitPrice: 1, reason: 'shelf price' }],
      ['pos:tender.cash', { orderId: u(), tendered: 1000 }],
      ['pos:tender.start', { orderId: u(), provider, amount: 1000, tip: 1000 }],
      ['pos:tender.start', { orderId: openOrderId, provider: u(), amount: 1000, tip: 1000 }],
      ['pos:tender.cancel', { attemptId: u() }],
      ['pos:payments.capture', { attemptId: u(), amount: 100 }],
      ['pos:payments.adjustTip', { attemptId: u(), tip: 10 }],
      ['pos:payments.void', { attemptId: u(), reason: 'customer asked' }],
      ['pos:payments.refund', { attemptId: u(), amount: 100, reason: 'customer asked' }],
      ['pos:payments.settle', { attemptId: u(), outcome: 'approved', evidence: 'slip 1', reason: 'slip printed' }],
      ['pos:payments.release', { attemptId: u(), reason: 'walked away' }],
      ['pos:payments.resolve', { attemptId: u(), resolution: 'acknowledged', evidence: 'slip', reason: 'looked into' }],
      ['pos:terminals.decide', { requestId: u(), accept: true }],
      ['pos:terminals.batchClose', { name: u() }],
      ['pos:terminals.remove', { name: u() }],
      ['pos:print.receipt', { orderId: u(), copy: true }],
      ['pos:print.refundReceipt', { refundId: u(), copy: true }],
      ['pos:print.retry', { jobId: unknownNumber }],
      ['pos:reports.z', { number: unknownNumber }],
      ['pos:reports.print', { number: unknownNumber, copy: true }],
      ['pos:reports.csv', { number: unknownNumber }],
      ['pos:refunds.refundable', { orderId: u() }],
      ['pos:refunds.forOrder', { orderId: u() }],
      ['pos:refunds.create', { orderId: u(), amount: 100, reason: 'broken item' }],
      ['pos:refunds.create', { orderId: u(), lines: [{ lineId: u(), qtyMilli: 1000 }], reason: 'broken item' }],
      ['pos:refunds.receipt', { refundId: u(), copy: true }],
      ['pos:demo.act', { provider, key: u(), action: 'approve' }],
      ['pos:orders.get', { orderId: u() }],
      ['pos:orders.receipt', { orderId: u(), copy: true }],
    ];

    // Every channel that takes one of the till's ids (outside a manager's credential) is in the list.
    const takesId = CHANNEL_NAMES.filter((c) =>
      leavesOf(channels[c].input).some((l) => l.schema === idSchema && !fieldOf(l.path).startsWith('approval')),
    );
    expect(takesId.filter((c) => !calls.some(([called]) => called === c))).toEqual([]);

    const answers: string[] = [];
    for (const [channel, payload, expected = 'NOT_FOUND'] of calls) {
      const before = journalCounts();
      const reply: Reply<unknown> = await dispatch(channel, payload);
      answers.push(`${channel} ${reply.ok ? 'ok' : reply.error.code}`);
      expect(reply, `${channel} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: expected } });
      // Words for the cashier, not a stack or an exception's name.
      if (!reply.ok) expect(reply.error.message, channel).toMatch(/^[A-Z][^\n]{10,200}$/);
      // A wrong login is the auth code's to count and audit.
      if (expected === 'NOT_FOUND') expect(journalCounts(), `${channel} journaled something`).toEqual(before);
    }
    expect(answers.filter((a) => a.endsWith('INTERNAL'))).toEqual([]);

    // A sale that exists with a line that does not: refused before a manager's approval is journaled.
    const scanned = await dispatch('pos:cart.scan', {
      code: demoCodes(h.core.journal.db).plain[0].barcode,
      source: 'wedge',
    });
    const order = (scanned.ok ? scanned.result : null) as { order: { id: string; cashDue: number } };
    expect(await dispatch('pos:tender.cash', { orderId: order.order.id, tendered: order.order.cashDue })).toMatchObject(
      {
        ok: true,
        result: { completed: true },
      },
    );
    const before = await settledJournal();
    expect(
      await dispatch('pos:refunds.create', {
        orderId: order.order.id,
        lines: [{ lineId: u(), qtyMilli: 1000 }],
        reason: 'broken item',
      }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', field: 'lines' } });
    expect(journalCounts()).toEqual(before);
  });

  it("audits a cashier's refusals on manager-only channels: channel, code and user, never the payload", async () => {
    await login(cashier);
    const marker = 'MARKER-payload-text';
    const forbidden: [ChannelName, Record<string, unknown>][] = [
      ['pos:devices.chooseScanner', { type: 'none' }],
      ['pos:terminals.decide', { requestId: marker, accept: true, name: marker }],
      ['pos:terminals.add', { name: marker, url: 'ws://10.0.0.9:35779' }],
      ['pos:terminals.remove', { name: marker }],
      ['pos:terminals.batchClose', { name: marker }],
      ['pos:catalog.import', { csv: `sku,name\n${marker},${marker}\n` }],
    ];
    const from = lastAuditSeq();
    for (const [channel, payload] of forbidden) {
      expect(await dispatch(channel, payload), channel).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    const rows = auditSince(from);
    expect(rows.map((r) => [r.user_id, r.action, r.object, JSON.parse(r.detail)])).toEqual(
      forbidden.map(([channel]) => [cashier.id, 'refused', `channel:${channel}`, { code: 'FORBIDDEN' }]),
    );
    expect(JSON.stringify(rows)).not.toContain('MARKER');
  });

  it('audits acting without a session (locked or signed out), not the screens reloading, not twice what auth audits', async () => {
    await login(cashier);
    expect(await dispatch('pos:cart.current', {})).toMatchObject({ ok: true });
    let from = lastAuditSeq();
    // A cashier asking for a manager's action: the approval code audits it, the dispatcher does not again.
    expect(await dispatch('pos:drawer.noSale', { reason: 'change for the float' })).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_REQUIRED' },
    });
    expect(auditSince(from).filter((r) => r.action === 'refused')).toEqual([]);
    expect(auditSince(from).length).toBeGreaterThan(0);

    expect(await dispatch('pos:session.lock', {})).toMatchObject({ ok: true });
    from = lastAuditSeq();
    expect(await dispatch('pos:cart.current', {})).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    expect(await dispatch('pos:payments.attention', {})).toMatchObject({
      ok: false,
      error: { code: 'SESSION_LOCKED' },
    });
    expect(await dispatch('pos:cart.addProduct', { productId: '1' })).toMatchObject({
      ok: false,
      error: { code: 'SESSION_LOCKED' },
    });
    expect(await dispatch('pos:orders.get', { orderId: '' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(auditSince(from).map((r) => [r.user_id, r.action, r.object, JSON.parse(r.detail)])).toEqual([
      [null, 'refused', 'channel:pos:cart.addProduct', { code: 'SESSION_LOCKED' }],
    ]);

    expect(await dispatch('pos:session.logout', {})).toMatchObject({ ok: true });
    from = lastAuditSeq();
    expect(await dispatch('pos:devices.status', {})).toMatchObject({ ok: false, error: { code: 'NOT_AUTHENTICATED' } });
    expect(await dispatch('pos:tender.cash', { orderId: 'o-1', tendered: 500 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHENTICATED' },
    });
    expect(await dispatch('pos:shift.close', { counted: [] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHENTICATED' },
    });
    expect(auditSince(from).map((r) => [r.user_id, r.action, r.object, JSON.parse(r.detail)])).toEqual([
      [null, 'refused', 'channel:pos:tender.cash', { code: 'NOT_AUTHENTICATED' }],
      [null, 'refused', 'channel:pos:shift.close', { code: 'NOT_AUTHENTICATED' }],
    ]);
    await login(manager);
    expect(await dispatch('pos:audit.verify', {})).toMatchObject({ ok: true, result: { ok: true } });
  });
});

/**
 * Issue 12 items 3 and 4 over a real core and journal: PIN and badge guesses cannot be
 * raced past the lockout, and a manager's approval is good for one request — one action,
 * object and amount, once, for a short while. Concurrency cases fire 300 calls at once.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChannelName } from '../../src-shared/contract';
import type { PosErrorShape } from '../../src-shared/errors';
import { hashPin } from '../../src-main/auth/pin-hash';
import { startHarness, type Harness } from '../support/core-harness';

const MANAGER_PIN = '987654';
const PARALLEL = 300;
const RIGHT_AT = 250;
/** Six-digit guesses that are never the manager's PIN. */
const guess = (i: number) => String(100_000 + i);

type Raw = { ok: boolean; result?: unknown; error?: PosErrorShape };

describe('credentials that cannot be raced, approvals good for one action', () => {
  let h: Harness;
  afterEach(async () => {
    vi.restoreAllMocks();
    await h.close();
  });

  const raw = (channel: ChannelName, payload: unknown) => h.core.dispatch(channel, payload) as Promise<Raw>;
  const manager = () =>
    h.core.journal.db.prepare("SELECT failed_attempts, locked_until FROM users WHERE id = 'demo-manager'").get() as {
      failed_attempts: number;
      locked_until: string | null;
    };
  const audits = (action: string) =>
    (
      h.core.journal.db
        .prepare('SELECT detail FROM audit WHERE action = ? ORDER BY seq')
        .pluck()
        .all(action) as string[]
    ).map((d) => JSON.parse(d) as Record<string, unknown>);
  /** A bare protected call: main refuses it and issues a request for it. */
  async function requestFor(channel: ChannelName, payload: Record<string, unknown>): Promise<string> {
    const reply = await raw(channel, payload);
    expect(reply.error).toMatchObject({ code: 'APPROVAL_REQUIRED', approval: { requestId: expect.any(String) } });
    return reply.error!.approval!.requestId;
  }

  it('300 parallel login guesses lock the account after maxPinAttempts; the right PIN late among them is refused', async () => {
    h = await startHarness({});
    const replies = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        raw('pos:session.login', { userId: 'demo-manager', pin: i === RIGHT_AT ? MANAGER_PIN : guess(i) }),
      ),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(0);
    expect(replies[RIGHT_AT].error?.code).toBe('LOCKED_OUT');
    expect(replies.filter((r) => r.error?.code === 'BAD_CREDENTIALS').length).toBeLessThan(5);
    const state = manager();
    expect(state.failed_attempts).toBeGreaterThanOrEqual(5);
    expect(Date.parse(state.locked_until!)).toBeGreaterThan(Date.now());
    // Only the counted tries were hashed and journaled as failures; the rest as refusals while locked.
    expect(audits('login.failed').length + audits('login.lockedOut').length).toBe(5);
    expect(audits('login.refused')).toHaveLength(PARALLEL - 5);
    await expect(raw('pos:session.login', { userId: 'demo-manager', pin: MANAGER_PIN })).resolves.toMatchObject({
      ok: false,
      error: { code: 'LOCKED_OUT' },
    });
  }, 60_000);

  it('300 parallel approvals with guessed PINs lock the manager; the right PIN late among them does nothing', async () => {
    h = await startHarness({});
    await h.ringUp();
    const replies = await Promise.all(
      Array.from({ length: PARALLEL }, async (_, i) => {
        const requestId = await requestFor('pos:drawer.noSale', { reason: 'need change' });
        const pin = i === RIGHT_AT ? MANAGER_PIN : guess(i);
        return raw('pos:drawer.noSale', {
          reason: 'need change',
          approval: { requestId, managerId: 'demo-manager', pin },
        });
      }),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(0);
    expect(replies[RIGHT_AT].error?.code).toBe('LOCKED_OUT');
    expect(manager().failed_attempts).toBeGreaterThanOrEqual(5);
    expect(audits('approval')).toHaveLength(0);
    expect(audits('drawer.open')).toHaveLength(0);
    expect(audits('approval.refused')).toHaveLength(PARALLEL);
  }, 60_000);

  it('300 parallel uses of one request: one PIN is checked, the rest are refused; with the right PIN exactly one action is done', async () => {
    h = await startHarness({});
    await h.ringUp();
    const guessed = await requestFor('pos:drawer.noSale', { reason: 'need change' });
    const guesses = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        raw('pos:drawer.noSale', {
          reason: 'need change',
          approval: { requestId: guessed, managerId: 'demo-manager', pin: i === RIGHT_AT ? MANAGER_PIN : guess(i) },
        }),
      ),
    );
    expect(guesses.filter((r) => r.ok)).toHaveLength(0);
    expect(manager().failed_attempts).toBe(1);

    const requestId = await requestFor('pos:drawer.noSale', { reason: 'need change' });
    const replies = await Promise.all(
      Array.from({ length: PARALLEL }, () =>
        raw('pos:drawer.noSale', {
          reason: 'need change',
          approval: { requestId, managerId: 'demo-manager', pin: MANAGER_PIN },
        }),
      ),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(1);
    expect(audits('approval').filter((d) => d.requestId === requestId)).toHaveLength(1);
    expect(audits('drawer.open')).toHaveLength(1);
    // Every refused use came back with a fresh request for the dialog.
    for (const reply of replies.filter((r) => !r.ok))
      expect(reply.error?.approval?.requestId).toEqual(expect.not.stringMatching(requestId));
  }, 60_000);

  it('a captured approval is refused for another action, object or amount, after use and after expiry, and audited', async () => {
    h = await startHarness({});
    const order = await h.ringUp();
    const [first, second] = order.lines;

    // The old bearer credential: no request, no approval.
    const bare = await raw('pos:cart.removeLine', {
      lineId: first.id,
      reason: 'scanned twice',
      approval: { managerId: 'demo-manager', pin: MANAGER_PIN },
    });
    expect(bare.error).toMatchObject({ code: 'APPROVAL_REQUIRED', approval: { requestId: expect.any(String) } });

    const priceRequest = await requestFor('pos:cart.overridePrice', {
      lineId: second.id,
      unitPrice: 100,
      reason: 'shelf price',
    });
    const captured = { requestId: priceRequest, managerId: 'demo-manager', pin: MANAGER_PIN };
    const replay = async (channel: ChannelName, payload: Record<string, unknown>) => {
      const reply = await raw(channel, { ...payload, approval: captured });
      expect(reply.ok, channel).toBe(false);
      expect(reply.error).toMatchObject({ code: 'APPROVAL_REQUIRED' });
      expect(reply.error?.approval?.requestId).not.toBe(priceRequest);
      return reply;
    };
    await replay('pos:cart.removeLine', { lineId: second.id, reason: 'another action' });
    await replay('pos:cart.overridePrice', { lineId: first.id, unitPrice: 100, reason: 'another object' });
    await replay('pos:cart.overridePrice', { lineId: second.id, unitPrice: 1, reason: 'another amount' });
    await replay('pos:drawer.noSale', { reason: 'another channel' });

    // Its own call: approved once, then never again.
    const done = await raw('pos:cart.overridePrice', {
      lineId: second.id,
      unitPrice: 100,
      reason: 'shelf price',
      approval: captured,
    });
    expect(done.ok).toBe(true);
    await replay('pos:cart.overridePrice', { lineId: second.id, unitPrice: 100, reason: 'shelf price' });

    // A request past its lifetime (120 s by default) is refused too.
    const late = await requestFor('pos:cart.removeLine', { lineId: first.id, reason: 'scanned twice' });
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 121_000);
    const expired = await raw('pos:cart.removeLine', {
      lineId: first.id,
      reason: 'scanned twice',
      approval: { requestId: late, managerId: 'demo-manager', pin: MANAGER_PIN },
    });
    vi.restoreAllMocks();
    expect(expired.error).toMatchObject({ code: 'APPROVAL_REQUIRED' });

    const cart = await h.call('pos:cart.current', {});
    expect(cart.lines.map((l) => l.id)).toEqual([first.id, second.id]);
    expect(cart.lines[1].unitPrice).toBe(100);
    expect(audits('approval.refused').map((d) => d.why)).toEqual([
      'no request',
      'another action',
      'another action',
      'another action',
      'another action',
      'unknown request',
      'expired',
    ]);
    expect(audits('approval')).toHaveLength(1);
  }, 60_000);

  it("a manager's badge alone is refused by default and approves only where security.badgeAlone allows it", async () => {
    h = await startHarness({});
    const order = await h.ringUp();
    const lineId = order.lines[0].id;
    const requestId = await requestFor('pos:cart.removeLine', { lineId, reason: 'wrong item' });
    const alone = await raw('pos:cart.removeLine', {
      lineId,
      reason: 'wrong item',
      approval: { requestId, badge: '0410000000028' },
    });
    expect(alone.error).toMatchObject({ code: 'APPROVAL_REQUIRED', message: expect.stringMatching(/PIN as well/) });
    expect((await h.call('pos:cart.current', {})).lines).toHaveLength(2);
    // The same request, badge and PIN: approved.
    const withPin = await raw('pos:cart.removeLine', {
      lineId,
      reason: 'wrong item',
      approval: { requestId, badge: '0410000000028', pin: MANAGER_PIN },
    });
    expect(withPin.ok).toBe(true);
    await h.close();

    h = await startHarness({ security: { badgeAlone: true } });
    const again = await h.ringUp();
    const allowed = await h.call('pos:cart.removeLine', {
      lineId: again.lines[0].id,
      reason: 'wrong item',
      approval: { badge: '0410000000028' },
    });
    expect(allowed.lines).toHaveLength(1);
    expect(audits('approval').map((d) => d.by)).toEqual(['badge']);
  }, 60_000);

  it('300 unknown badges lock badge approvals after the limit; every one is audited', async () => {
    h = await startHarness({ security: { badgeAlone: true } });
    const order = await h.ringUp();
    const lineId = order.lines[0].id;
    const replies = await Promise.all(
      Array.from({ length: PARALLEL }, async (_, i) => {
        const requestId = await requestFor('pos:cart.removeLine', { lineId, reason: 'wrong item' });
        return raw('pos:cart.removeLine', {
          lineId,
          reason: 'wrong item',
          approval: { requestId, badge: `0419${String(i).padStart(9, '0')}` },
        });
      }),
    );
    expect(replies.filter((r) => r.ok)).toHaveLength(0);
    expect(replies.filter((r) => r.error?.code === 'LOCKED_OUT')).toHaveLength(PARALLEL - 5);
    const refused = audits('approval.refused').map((d) => d.why);
    expect(refused.filter((why) => why === 'not a manager badge')).toHaveLength(5);
    expect(refused.filter((why) => why === 'badges locked')).toHaveLength(PARALLEL - 5);
    // Locked for every badge, the manager's own too; a PIN still works.
    await expect(
      h.call('pos:cart.removeLine', { lineId, reason: 'wrong item', approval: { badge: '0410000000028' } }),
    ).rejects.toMatchObject({ code: 'LOCKED_OUT' });
    await expect(
      h.call('pos:cart.removeLine', {
        lineId,
        reason: 'wrong item',
        approval: { managerId: 'demo-manager', pin: MANAGER_PIN },
      }),
    ).resolves.toMatchObject({ lines: [expect.anything()] });
  }, 60_000);

  it('a card payment with a tip and cash back both above their limits asks ONE request naming both', async () => {
    h = await startHarness({});
    const order = await h.ringUp();
    const payload = { orderId: order.id, provider: 'codepay', amount: order.due, tip: order.due, cashback: 10_000 };
    const asked = await raw('pos:tender.start', payload);
    expect(asked.error).toMatchObject({
      code: 'APPROVAL_REQUIRED',
      approval: { action: 'payment.tip+cashback', requestId: expect.any(String) },
    });
    const approved = await raw('pos:tender.start', {
      ...payload,
      approval: { requestId: asked.error!.approval!.requestId, managerId: 'demo-manager', pin: MANAGER_PIN },
    });
    expect(approved.ok).toBe(true);
    expect(audits('approval')).toEqual([
      expect.objectContaining({
        for: 'payment.tip+cashback',
        needs: [
          expect.objectContaining({ action: 'payment.tip', amount: order.due }),
          expect.objectContaining({ action: 'cashback', amount: 10_000 }),
        ],
      }),
    ]);
  }, 60_000);

  it('older scrypt hashes still verify and are re-hashed with the current cost; a short manager PIN still signs in', async () => {
    h = await startHarness({});
    const db = h.core.journal.db;
    db.prepare("UPDATE users SET pin_hash = ? WHERE id = 'demo-manager'").run(
      await hashPin('4321', { N: 16_384, r: 8, p: 1 }),
    );
    await h.call('pos:session.login', { userId: 'demo-manager', pin: '4321' });
    expect(db.prepare("SELECT pin_hash FROM users WHERE id = 'demo-manager'").pluck().get()).toMatch(
      /^scrypt\$32768\$8\$1\$/,
    );
    expect(audits('login').at(-1)).toMatchObject({ pinShorterThanMinimum: true });
    await h.call('pos:session.logout', {});
    await expect(h.call('pos:session.login', { userId: 'demo-manager', pin: '4321' })).resolves.toBeTruthy();
  }, 60_000);
});

describe('manager PIN length at add-user', () => {
  it('refuses a manager PIN shorter than security.managerPinMinLength; cashiers keep 4 digits', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-add-user-'));
    try {
      const addUser = (role: string, pin: string) =>
        spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            join(__dirname, '../../src-main/cli/journal-cli.ts'),
            'add-user',
            '--name',
            `A ${role}`,
            '--role',
            role,
            '--data-dir',
            dir,
          ],
          { encoding: 'utf8', env: { ...process.env, COUNTERTOP_PIN: pin } },
        );
      const short = addUser('manager', '1234');
      expect(short.status).toBe(2);
      expect(short.stderr).toContain("A manager's PIN must have at least 6 digits.");
      expect(addUser('cashier', '1234').status).toBe(0);
      expect(addUser('manager', '246810').status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

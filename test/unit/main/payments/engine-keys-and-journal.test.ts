/**
 * Issue 10 items 8 and 10 on the engine side, and rule 1: the attempt is committed in
 * `sending` before the request leaves; idempotency keys are till id + journal id + journal
 * sequence (never the wall clock), unique across restarts and tills; card numbers in a
 * provider's free text never reach the journal file.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { oneProvider, startEngineHarness, type EngineHarness } from '../../../support/engine-harness';
import { CAPABILITY_SETS, answer, createScriptedProvider } from '../../../support/scripted-provider';

const open: EngineHarness[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function till(options: Parameters<typeof startEngineHarness>[0]): Promise<EngineHarness> {
  const harness = startEngineHarness(options);
  open.push(harness);
  await harness.engine.reconcile();
  return harness;
}

/** Starts and approves one sale; returns its reference. */
async function approvedReference(h: EngineHarness): Promise<string> {
  const sale = h.startSale(h.openOrder(1_000), 'codepay');
  h.provider('codepay').release(sale.call, answer.approved(sale.call.attempt));
  await h.flush();
  return sale.call.attempt.reference;
}

const frozenClock = () => new Date('2026-01-01T00:00:00.000Z');

describe('rule 1: committed before the request leaves', () => {
  it('provider.start runs only once the attempt is committed in state sending (seen from another connection)', async () => {
    let seen: unknown = null;
    const h = await till({
      providers: (ledger) => [
        createScriptedProvider({
          id: 'codepay',
          capabilities: CAPABILITY_SETS.codepay,
          ledger,
          onStart: (attempt) => {
            const reader = new Database(h.path, { readonly: true });
            try {
              seen =
                reader.prepare('SELECT state, reference, amount FROM payment_attempts WHERE id = ?').get(attempt.id) ??
                'missing';
            } finally {
              reader.close();
            }
          },
        }),
      ],
    });
    const sale = h.startSale(h.openOrder(1_000), 'codepay');
    expect(seen).toEqual({ state: 'sending', reference: sale.call.attempt.reference, amount: 1_000 });
  });
});

describe('idempotency keys (item 8)', () => {
  it('a reference is 18 digits: till id (3), journal id (5), journal sequence (10)', async () => {
    const h = await till({
      tillId: 42,
      providers: oneProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay }),
    });
    const first = await approvedReference(h);
    const second = await approvedReference(h);
    for (const reference of [first, second]) expect(reference).toMatch(/^042\d{15}$/);
    expect(second.slice(0, 8)).toBe(first.slice(0, 8));
    expect(Number(second.slice(8))).toBeGreaterThan(Number(first.slice(8)));
  });

  it('stays unique across restarts of the same journal (fresh modules each time), even with the wall clock frozen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ct-keys-'));
    dirs.push(dir);
    const seen: string[] = [];
    const requestIds: string[] = [];
    for (let restart = 0; restart < 15; restart += 1) {
      // A new process: every module (and any counter it keeps) starts afresh.
      vi.resetModules();
      const fresh = await import('../../../support/engine-harness');
      const h = fresh.startEngineHarness({
        dir,
        tillId: 3,
        now: frozenClock,
        providers: oneProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay }),
      });
      try {
        await h.engine.reconcile();
        for (let i = 0; i < 3; i += 1) {
          seen.push(await approvedReference(h));
          requestIds.push(h.provider('codepay').history('start').at(-1)!.attempt.requestId);
        }
      } finally {
        await h.close();
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(requestIds).size).toBe(requestIds.length);
    // Same journal file: same till and journal id, a sequence that only goes up.
    expect(new Set(seen.map((r) => r.slice(0, 8))).size).toBe(1);
    const sequences = seen.map((r) => Number(r.slice(8)));
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));
  });

  it('two tills (different till ids, their own journals) never hand out the same reference', async () => {
    const a = await till({
      tillId: 1,
      now: frozenClock,
      providers: oneProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay }),
    });
    const b = await till({
      tillId: 2,
      now: frozenClock,
      providers: oneProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay }),
    });
    const fromA: string[] = [];
    const fromB: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      fromA.push(await approvedReference(a));
      fromB.push(await approvedReference(b));
    }
    expect(fromA.filter((r) => fromB.includes(r))).toEqual([]);
    expect(fromA.every((r) => r.startsWith('001'))).toBe(true);
    expect(fromB.every((r) => r.startsWith('002'))).toBe(true);
  });
});

describe('card numbers in free text (item 10)', () => {
  it("a full card number in a provider's message or detail never reaches the journal file", async () => {
    const pan = '4111111111111111';
    const h = await till({ providers: oneProvider({ id: 'codepay', capabilities: CAPABILITY_SETS.codepay }) });
    const order = h.openOrder(1_000);
    const sale = h.startSale(order, 'codepay');
    h.provider('codepay').progress(sale.call, `Reading card ${pan}`);
    h.provider('codepay').release(
      sale.call,
      answer.approved(sale.call.attempt, {
        message: `Approved card ${pan}`,
        detail: { response_msg: `APPROVED ${pan} AUTH 123456`, nested: { msg: `card=${pan}` } },
      }),
    );
    await h.flush();
    expect(h.row(sale.id).state).toBe('approved');
    expect(h.row(sale.id).message).toContain('1111');

    const files = [h.path, `${h.path}-wal`].filter((file) => existsSync(file));
    const leaked = files.filter((file) => readFileSync(file).includes(Buffer.from(pan)));
    expect(leaked).toEqual([]);
  });
});

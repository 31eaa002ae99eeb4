/**
 * The journal's full integrity check runs after start, in a worker (issue 14): a page damaged in
 * the middle of a table the start path never reads no longer stops the till from starting; the
 * background check finds it, `pos:app.info` and the log say so, and the till refuses new sales and
 * payments with a sentence naming the damage and the remedy, while history stays readable.
 */
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/core-harness';
import { demoCodes } from '../support/demo-codes';

let harness: Harness;
const logged: string[] = [];
beforeEach(async () => {
  logged.length = 0;
  harness = await startHarness(
    {},
    { journalCheckDelayMs: null, log: { info: (m) => logged.push(m), error: (m) => logged.push(m) } },
  );
});
afterEach(() => harness.close());

/** Overwrites the middle of one leaf page of `table` (a table nothing reads at start). */
function damageLeafOf(path: string, table: string): number {
  const db = new Database(path);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const leaves = db
    .prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno")
    .pluck()
    .all(table) as number[];
  db.close();
  const page = leaves[Math.floor(leaves.length / 2)];
  const bytes = readFileSync(path);
  for (let i = 16; i < pageSize - 16; i += 1) bytes[(page - 1) * pageSize + i] = 0xa5;
  writeFileSync(path, bytes);
  return page;
}

it('finds a damaged page after start, shows it, and refuses new sales but not history', async () => {
  const sale = await harness.ringUp();
  await harness.call('pos:tender.cash', { orderId: sale.id, tendered: sale.cashDue });
  const { db } = harness.core.journal;
  // provider_anomalies: a journal table the start path never reads, made a few pages long.
  const insert = db.prepare(
    "INSERT INTO provider_anomalies (at, provider, terminal, reason, detail) VALUES ('2026-01-01', 'demo', NULL, 'test', ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < 400; i += 1) insert.run('x'.repeat(200));
  })();
  const path = harness.core.journal.path;
  await harness.core.close();
  damageLeafOf(path, 'provider_anomalies');

  await harness.reopen();
  expect((await harness.call('pos:app.info', {})).journalCheck).toEqual({ state: 'pending' });
  const verdict = await harness.core.journalCheck.start();
  expect(verdict.state).toBe('failed');
  expect(verdict.problems?.length).toBeGreaterThan(0);
  const info = await harness.call('pos:app.info', {});
  expect(info.journalCheck).toMatchObject({ state: 'failed', problems: verdict.problems });
  expect(logged.join('\n')).toMatch(/The journal .* is damaged: SQLite's integrity check found/);

  await harness.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
  const codes = demoCodes(harness.core.journal.db);
  const refusal = harness.call('pos:cart.scan', { code: codes.plain[0].barcode, source: 'wedge' });
  await expect(refusal).rejects.toMatchObject({ code: 'CONFLICT' });
  await expect(refusal).rejects.toThrow(
    /journal file is damaged [\s\S]* takes no new sales[\s\S]* Restore the journal from your latest backup/,
  );
  expect((await harness.call('pos:cart.current', {})).lines).toEqual([]);
  // History and the sale already taken stay readable.
  expect((await harness.call('pos:orders.get', { orderId: sale.id })).status).toBe('completed');
});

it('says ok in app.info once a sound journal is checked', async () => {
  expect(await harness.core.journalCheck.start()).toMatchObject({ state: 'ok' });
  const info = await harness.call('pos:app.info', {});
  expect(info.journalCheck?.state).toBe('ok');
  expect(info.journalCheck?.at).toMatch(/^\d{4}-/);
});

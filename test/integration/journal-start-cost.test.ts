/**
 * Start-up costs the same whatever the journal holds (issue 14): opening a journal runs no
 * `integrity_check` / `quick_check` (that reads every page: 31.7 s at 1M products and 1M orders),
 * and no statement the start path runs scans a table that grows with the store's history or
 * catalogue (checked with EXPLAIN QUERY PLAN on every statement executed while the core starts).
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/core-harness';

/** Tables small by nature (staff, settings, one row per key or per migration): a scan of them is fine. */
const SMALL = new Set([
  'users',
  'settings',
  'schema_migrations',
  'chain_keys',
  'journal_identity',
  'journal_sequences',
  'catalog_departments',
  'sqlite_master',
  'sqlite_schema',
  'sqlite_temp_master',
  'chain_pending',
]);

interface Executed {
  sql: string;
  args: unknown[];
}

/** Records every statement run, pragma and exec script on any connection until `stop()`. */
function recordSql() {
  const executed: Executed[] = [];
  const pragmas: string[] = [];
  const scripts: string[] = [];
  const probe = new Database(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  const dbProto = Database.prototype as unknown as Record<string, unknown>;
  const saved = new Map<[Record<string, unknown>, string], unknown>();
  const wrap = (proto: Record<string, unknown>, name: string, note: (self: unknown, args: unknown[]) => void) => {
    const original = proto[name] as (...args: unknown[]) => unknown;
    saved.set([proto, name], original);
    proto[name] = function (this: unknown, ...args: unknown[]) {
      note(this, args);
      return original.apply(this, args);
    };
  };
  for (const method of ['run', 'get', 'all', 'iterate'])
    wrap(statementProto, method, (self, args) => executed.push({ sql: (self as { source: string }).source, args }));
  wrap(dbProto, 'pragma', (_self, args) => pragmas.push(String(args[0])));
  wrap(dbProto, 'exec', (_self, args) => scripts.push(String(args[0])));
  return {
    executed,
    pragmas,
    scripts,
    stop() {
      for (const [[proto, name], original] of saved) proto[name] = original;
    },
  };
}

/**
 * The tables a statement's plan scans in full (not a search by key or index), other than small
 * ones and the connection's own temporary tables. A scan in the order the statement asks for (no
 * temporary b-tree to sort) with a LIMIT stops after its rows: `ORDER BY seq DESC LIMIT 1` reads
 * the chain's head, not the chain.
 */
function fullScans(db: Database.Database, statement: Executed): string[] {
  const sql = statement.sql.trim();
  if (!/^(SELECT|WITH|UPDATE|DELETE|INSERT)/i.test(sql)) return [];
  const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...statement.args) as { detail: string }[];
  const stopsEarly = /\bLIMIT\s+(\d+|\?)\s*$/i.test(sql) && !plan.some((step) => /TEMP B-TREE/.test(step.detail));
  if (stopsEarly) return [];
  return plan
    .map((step) => /^SCAN (?:TABLE )?(\S+)/.exec(step.detail)?.[1] ?? null)
    .filter(
      (table): table is string =>
        table !== null && !SMALL.has(table) && !table.startsWith('pragma_') && !table.startsWith('temp.'),
    );
}

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness({}, { journalCheckDelayMs: null });
  // Some history: sales, their print jobs, audit rows and chain links.
  for (let i = 0; i < 3; i += 1) {
    const order = await harness.ringUp();
    await harness.call('pos:tender.cash', { orderId: order.id, tendered: order.cashDue });
  }
  await harness.core.chain.settled();
});
afterEach(() => harness.close());

it('starts without an integrity check and without scanning any table that grows', async () => {
  await harness.core.close();
  const recorded = recordSql();
  try {
    await harness.reopen();
  } finally {
    recorded.stop();
  }
  const { db } = harness.core.journal;
  expect(recorded.executed.length).toBeGreaterThan(10);
  expect(recorded.pragmas.filter((p) => /integrity_check|quick_check/i.test(p))).toEqual([]);
  expect(recorded.scripts.filter((s) => /integrity_check|quick_check|chain_latest/i.test(s))).toEqual([]);
  const scans = [...new Set(recorded.executed.flatMap((s) => fullScans(db, s).map((t) => `${t}: ${s.sql}`)))];
  expect(scans).toEqual([]);
  // The check is still there, in the background, and the journal is sound.
  expect((await harness.call('pos:app.info', {})).journalCheck).toEqual({ state: 'pending' });
  expect(await harness.core.journalCheck.start()).toMatchObject({ state: 'ok' });
});

/**
 * The audit tamper matrix (issue 12): a real journal made by the till (sales, a refund, a price
 * override, a cash move, a Z report), then changed behind its back the way a local user with the
 * sqlite3 tool could, and `npm run journal -- verify` run as a program on the result. Every change
 * must be named; truncations are caught with the anchor printed on the Z report once the anchor
 * file beside the journal is gone too.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkHash } from '../../src-main/integrity/chain-hash';
import type { ChainLink } from '../../src-main/journal/chain-repository';
import { demoCodes } from '../support/demo-codes';
import { startHarness } from '../support/core-harness';

const MANAGER = { managerId: 'demo-manager', pin: '987654' };
const root = join(__dirname, '../..');

let pristine: string;
let zAnchor: { seq: number; hash: string };
let orderId: string;
let scratch: string;
let exportFile: string;

function verify(dataDir: string, ...extra: string[]): { code: number | null; out: string } {
  return journalCli('verify', '--data-dir', dataDir, ...extra);
}

function journalCli(...args: string[]): { code: number | null; out: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/journal-cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

/** A copy of the journal the till made, changed by `tamper` with plain SQL. */
function tampered(name: string, tamper: (db: Database.Database) => void, options: { dropAnchor?: boolean } = {}) {
  const dir = join(scratch, name);
  cpSync(pristine, dir, { recursive: true });
  const db = new Database(join(dir, 'journal.sqlite'));
  // What an attacker does first: the append-only triggers are in their way.
  db.exec(`DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;
    DROP TRIGGER IF EXISTS chain_no_update; DROP TRIGGER IF EXISTS chain_no_delete;
    DROP TRIGGER IF EXISTS z_reports_no_update; DROP TRIGGER IF EXISTS z_reports_no_delete;`);
  tamper(db);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  if (options.dropAnchor) rmSync(join(dir, 'journal-anchor.json'));
  return dir;
}

/** Removes the last `count` audit rows and every chain link from the first of them on. */
function truncateAudit(db: Database.Database, count: number) {
  const rows = db.prepare('SELECT seq FROM audit ORDER BY seq DESC LIMIT ?').all(count) as { seq: number }[];
  const first = rows[rows.length - 1].seq;
  const link = db
    .prepare(`SELECT MIN(seq) AS seq FROM chain WHERE tbl = 'audit' AND json_extract(row_key, '$[0]') >= ?`)
    .get(first) as { seq: number };
  db.prepare('DELETE FROM audit WHERE seq >= ?').run(first);
  db.prepare('DELETE FROM chain WHERE seq >= ?').run(link.seq);
}

const anchorArg = () => ['--anchor', `${zAnchor.seq}:${zAnchor.hash.slice(0, 16)}`];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ct-tamper-'));
  const h = await startHarness({});
  // The headless till keeps its signing key in a 0600 file in the data folder, and says so.
  expect((await h.call('pos:app.info', {})).journalKey).toEqual({
    protection: 'file',
    where: join(h.dir, 'data', 'signing.key'),
  });
  await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
  await h.call('pos:shift.open', { float: [{ denomination: 2000, count: 5 }] });
  const codes = demoCodes(h.core.journal.db);
  for (let sale = 0; sale < 3; sale += 1) {
    await h.call('pos:cart.scan', { code: codes.plain[0].barcode, source: 'wedge' });
    const { order } = await h.call('pos:cart.scan', { code: codes.plain[1].barcode, source: 'wedge' });
    if (sale === 0) {
      await h.call('pos:cart.overridePrice', {
        lineId: order.lines[1].id,
        unitPrice: 150,
        reason: 'shelf price was wrong',
        approval: MANAGER,
      });
    }
    const current = await h.call('pos:orders.get', { orderId: order.id });
    await h.call('pos:tender.cash', { orderId: order.id, tendered: current.cashDue });
    orderId ??= order.id;
  }
  const refundable = await h.call('pos:refunds.refundable', { orderId });
  await h.call('pos:refunds.create', {
    orderId,
    lines: [{ lineId: refundable.lines[0].lineId, qtyMilli: 1000 }],
    to: 'original',
    reason: 'damaged item',
    approval: MANAGER,
  });
  await h.call('pos:shift.cashMove', { kind: 'out', amount: 1_000, reason: 'bank drop', approval: MANAGER });
  // In the app: the check covers the chain, and only a manager exports it for an auditor.
  const checked = await h.call('pos:audit.verify', {});
  expect(checked.chain.problems).toEqual([]);
  expect(checked).toMatchObject({ ok: true, chain: { ok: true, problemCount: 0 } });
  await expect(h.call('pos:journal.exportChain', {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  await h.call('pos:session.login', { userId: 'demo-manager', pin: '987654' });
  const exported = await h.call('pos:journal.exportChain', {});
  exportFile = join(scratch, exported.filename);
  writeFileSync(exportFile, exported.json);
  // The Z report is the journal's last act here, so truncating its last entries reaches its anchor.
  const x = await h.call('pos:reports.x', {});
  const z = await h.call('pos:shift.close', {
    counted: [{ denomination: 1, count: x.cash.expected }],
    approval: MANAGER,
  });
  expect(z.journal).toBeTruthy();
  zAnchor = { seq: z.journal!.seq, hash: z.journal!.hash };
  // A copy prints the same anchor, read back from the journal.
  expect((await h.call('pos:reports.z', { number: z.number!, copy: true })).journal).toEqual(z.journal);
  await h.core.close();
  pristine = join(scratch, 'pristine');
  cpSync(join(h.dir, 'data'), pristine, { recursive: true });
  rmSync(h.dir, { recursive: true, force: true });
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run journal -- verify names every change made behind the till', () => {
  it('passes the journal as the till left it, with the Z report anchor', () => {
    const result = verify(pristine, ...anchorArg());
    expect(result.out).toContain('journal chain ok');
    expect(result.code).toBe(0);
  });

  const cases: [string, (db: Database.Database) => void, RegExp[], { dropAnchor?: boolean; anchor?: boolean }?][] = [
    [
      'an audit entry edited',
      (db) => db.prepare(`UPDATE audit SET detail = '{"reason":"nothing to see"}' WHERE seq = 3`).run(),
      [/audit \[3\] was changed outside the till/, /entry 3 was altered after it was written/],
    ],
    [
      'an audit entry deleted from the middle',
      (db) => db.prepare('DELETE FROM audit WHERE seq = 5').run(),
      [/audit \[5\] was deleted outside the till/, /entries 5–5 are missing/],
    ],
    [
      'the last audit entry and its links removed, anchor file gone',
      (db) => truncateAudit(db, 1),
      [/the Z report's anchor records link \d+: links were removed/],
      { dropAnchor: true, anchor: true },
    ],
    [
      'the last audit entry and its links removed, anchor file kept',
      (db) => truncateAudit(db, 1),
      [/but the anchor .*journal-anchor\.json \(written [^)]+\) records link \d+: links were removed/],
    ],
    [
      'the last 20 audit entries and their links removed, anchor file gone',
      (db) => truncateAudit(db, 20),
      [/the Z report's anchor records link \d+: links were removed/],
      { dropAnchor: true, anchor: true },
    ],
    [
      'every audit entry and the whole chain deleted, anchor file gone',
      (db) => db.exec('DELETE FROM audit; DELETE FROM chain;'),
      [
        /The chain ends at link 0, but the Z report's anchor records link/,
        /orders \["[^"]+"\] was added outside the till/,
      ],
      { dropAnchor: true, anchor: true },
    ],
    [
      'the audit table dropped and recreated with a consistent trail of its own',
      (db) => {
        const sql = (db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'audit'`).get() as { sql: string }).sql;
        const rows = db.prepare('SELECT * FROM audit ORDER BY seq LIMIT 4').all();
        db.exec(`DROP TABLE audit; ${sql};`);
        const insert = db.prepare(
          'INSERT INTO audit VALUES (@seq, @at, @user_id, @action, @object, @detail, @prev_hash, @hash)',
        );
        for (const row of rows) insert.run(row);
      },
      [/audit \[5\] was deleted outside the till/],
    ],
    [
      'a sale total edited and the whole chain re-hashed after it',
      (db) => {
        db.prepare('UPDATE orders SET total = 1 WHERE id = ?').run(orderId);
        const row = db
          .prepare(`SELECT MAX(seq) AS seq FROM chain WHERE tbl = 'orders' AND row_key = json_array(?)`)
          .get(orderId) as { seq: number };
        const links = db.prepare('SELECT * FROM chain WHERE seq >= ? ORDER BY seq').all(row.seq) as ChainLink[];
        const update = db.prepare('UPDATE chain SET row_hash = ?, prev_hash = ?, hash = ? WHERE seq = ?');
        let previous = (db.prepare('SELECT hash FROM chain WHERE seq = ?').get(row.seq - 1) as { hash: string }).hash;
        for (const link of links) {
          // The attacker knows the algorithm but not the key: hashes can be redone, signatures cannot.
          const rowHash = link.seq === row.seq ? 'f'.repeat(64) : link.row_hash;
          const hash = linkHash({ ...link, row_hash: rowHash, prev_hash: previous });
          update.run(rowHash, previous, hash, link.seq);
          previous = hash;
        }
      },
      [/Seal \d+'s signature does not verify: the chain before it was rewritten/, /is not the one the anchor/],
    ],
    [
      'a sale total edited',
      (db) => db.prepare('UPDATE orders SET total = total - 100 WHERE id = ?').run(orderId),
      [/orders \["[^"]+"\] was changed outside the till/],
    ],
    [
      'a line price edited',
      (db) => db.prepare('UPDATE order_lines SET unit_price = 1 WHERE order_id = ?').run(orderId),
      [/order_lines \["[^"]+"\] was changed outside the till/],
    ],
    [
      'a tender edited',
      (db) => db.prepare('UPDATE tenders SET amount = amount - 100 WHERE order_id = ?').run(orderId),
      [/tenders \["[^"]+"\] was changed outside the till/],
    ],
    [
      'a refund edited',
      (db) => db.prepare('UPDATE refunds SET amount = amount + 500').run(),
      [/refunds \["[^"]+"\] was changed outside the till/],
    ],
    [
      'a cashier made a manager',
      (db) => db.prepare(`UPDATE users SET role = 'manager' WHERE id = 'demo-cashier'`).run(),
      [/users \["demo-cashier"\] was changed outside the till/],
    ],
    [
      'a sale added behind the till',
      (db) =>
        db
          .prepare(
            `INSERT INTO orders (id, number, status, currency, cashier_id, opened_at) VALUES ('forged', 999, 'open', 'CAD', 'demo-cashier', '2026-01-01')`,
          )
          .run(),
      [/orders \["forged"\] was added outside the till/],
    ],
  ];

  it("checks a manager's export elsewhere, without the journal, and names a link edited in it", () => {
    const clean = journalCli('verify', '--export', exportFile);
    expect(clean.out).toMatch(/chain ok \(\d+ links, \d+ seals\)/);
    expect(clean.code).toBe(0);
    const document = JSON.parse(readFileSync(exportFile, 'utf8')) as { links: ChainLink[] };
    const victim = document.links.find((l) => l.tbl === 'orders')!;
    victim.row_hash = '0'.repeat(64);
    const edited = join(scratch, 'edited-export.json');
    writeFileSync(edited, JSON.stringify(document));
    const result = journalCli('verify', '--export', edited);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`Link ${victim.seq} (orders ${victim.row_key}) was altered after it was written.`);
  });

  for (const [name, tamper, expected, options] of cases) {
    it(`names ${name}`, () => {
      const dir = tampered(name.replace(/\W+/g, '-'), tamper, options);
      if (options?.dropAnchor) expect(existsSync(join(dir, 'journal-anchor.json'))).toBe(false);
      const result = verify(dir, ...(options?.anchor ? anchorArg() : []));
      expect(result.code, result.out).toBe(1);
      for (const pattern of expected) expect(result.out).toMatch(pattern);
    });
  }
});

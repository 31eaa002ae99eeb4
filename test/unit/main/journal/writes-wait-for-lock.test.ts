/**
 * Every write on the till's journal waits for another connection's write lock (the catalogue
 * import's batch, issue 14) instead of failing: its transactions begin IMMEDIATE by default. A
 * deferred transaction that reads and then writes got SQLITE_BUSY at once, without the busy timeout
 * (one scan in seven failed during a 1M-row import; a void's audit entry, a completion, a seal alike).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditRepository } from '../../../../src-main/journal/audit-repository';
import { openJournal, openWorkerConnection, type JournalHandle } from '../../../../src-main/journal/open-journal';
import { createOrderRepository } from '../../../../src-main/journal/order-repository';
import { holdWriteLock } from '../../../support/hold-write-lock';

const dirs: string[] = [];
const journals: { close(): void }[] = [];
afterEach(() => {
  for (const journal of journals.splice(0)) journal.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function journalOnDisk(): JournalHandle {
  const dir = mkdtempSync(join(tmpdir(), 'countertop-lock-'));
  dirs.push(dir);
  const journal = openJournal(join(dir, 'journal.sqlite'));
  journals.push(journal);
  journal.db
    .prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u1', 'Casey', 'cashier', 'x', ?)")
    .run(new Date().toISOString());
  return journal;
}

/** Runs `write` while another connection holds the write lock for 150 ms; it must wait, then succeed. */
async function underLock<T>(path: string, write: () => T): Promise<T> {
  const { released } = await holdWriteLock(path, 150);
  const started = Date.now();
  const result = write();
  expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  await released;
  return result;
}

describe('writes under another connection’s write lock', () => {
  it('an audit entry (reads the tip, then appends) waits', async () => {
    const journal = journalOnDisk();
    const audit = createAuditRepository(journal.db);
    const entry = (tip: { seq: number; hash: string } | null) => ({
      seq: (tip?.seq ?? 0) + 1,
      at: new Date().toISOString(),
      user_id: 'u1',
      action: 'drawer.open',
      object: null,
      detail: '{}',
      prev_hash: tip?.hash ?? '',
      hash: `h${(tip?.seq ?? 0) + 1}`,
    });
    await underLock(journal.path, () => audit.append(entry));
    expect(audit.recent(5)).toHaveLength(1);
  });

  it('a scan’s cart line (reads the next line number, then inserts) waits', async () => {
    const journal = journalOnDisk();
    const orders = createOrderRepository(journal.db);
    const order = orders.createOrder('USD', 'u1', null);
    const line = {
      productId: null,
      name: 'Milk',
      barcode: null,
      unit: 'each' as const,
      unitPrice: 199,
      qtyMilli: 1000,
      taxes: [],
      embedded: null,
    };
    await underLock(journal.path, () => orders.addLine(order.id, line));
    expect(orders.lines(order.id)).toHaveLength(1);
  });

  it('a sale’s completion (reads the order, then completes it) waits', async () => {
    const journal = journalOnDisk();
    const orders = createOrderRepository(journal.db);
    const order = orders.createOrder('USD', 'u1', null);
    const at = await underLock(journal.path, () =>
      orders.complete(
        order.id,
        { subtotal: 0, discountTotal: 0, taxTotal: 0, total: 0 },
        { taxes: [], discountCount: 0 },
      ),
    );
    expect(at).not.toBeNull();
    expect(orders.byId(order.id)?.status).toBe('completed');
  });

  it('any read-then-write transaction on the till’s or a worker’s connection waits; .deferred is still there', async () => {
    const journal = journalOnDisk();
    for (const db of [journal.db, openWorkerConnection(journal.path)]) {
      if (db !== journal.db) journals.push(db);
      const readThenWrite = db.transaction(() => {
        const n = db.prepare('SELECT COUNT(*) FROM users').pluck().get() as number;
        db.prepare(
          "INSERT INTO users (id, name, role, pin_hash, created_at) VALUES (?, 'X', 'cashier', 'x', 'now')",
        ).run(`u${n + 1}`);
      });
      await underLock(journal.path, () => readThenWrite());
      expect(typeof readThenWrite.deferred).toBe('function');
    }
    expect(journal.db.prepare('SELECT COUNT(*) FROM users').pluck().get()).toBe(3);
  });
});

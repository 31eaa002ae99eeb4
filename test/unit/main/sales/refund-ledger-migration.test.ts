/**
 * Migration 006 (the refund ledger) on a journal written before it: payment-screen voids and
 * refunds, which wrote no refund record, each become one; cash handed back, which named no
 * tender, is bound to the sale's cash; and the ledger's figures then match what went back.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../../src-main/journal/migrate';
import { MIGRATIONS } from '../../../../src-main/journal/migrations';
import { createRefundRepository } from '../../../../src-main/journal/refund-repository';

function journalBeforeTheLedger(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  applyMigrations(
    db,
    MIGRATIONS.filter((m) => m.version < 6),
  );
  const at = '2026-11-30T10:00:00.000Z';
  db.prepare("INSERT INTO users (id, name, role, pin_hash, created_at) VALUES ('u1', 'Casey', 'cashier', 'x', ?)").run(
    at,
  );
  db.prepare(
    "INSERT INTO orders (id, number, status, currency, cashier_id, opened_at, completed_at, total) VALUES ('o1', 1, 'completed', 'CAD', 'u1', ?, ?, 3000)",
  ).run(at, at);
  const attempt =
    db.prepare(`INSERT INTO payment_attempts (id, order_id, provider, kind, method, amount, tip, currency, reference, request_id, original_attempt_id, state, approved_amount, created_at, updated_at)
    VALUES (?, 'o1', 'codepay', ?, 'card', ?, ?, 'CAD', ?, ?, ?, ?, ?, ?, ?)`);
  attempt.run('sale', 'sale', 2000, 300, 'r1', 'q1', null, 'partially_refunded', 2000, at, at);
  attempt.run('refund', 'refund', 500, 0, 'r2', 'q2', 'sale', 'approved', 500, '2026-11-30T10:05:00.000Z', at);
  attempt.run('sale2', 'sale', 400, 0, 'r3', 'q3', null, 'voided', 400, at, at);
  attempt.run('void', 'void', 400, 0, 'r4', 'q4', 'sale2', 'approved', 400, '2026-11-30T10:06:00.000Z', at);
  const tender = db.prepare(
    "INSERT INTO tenders (id, order_id, kind, label, amount, tendered, tip, attempt_id, created_at) VALUES (?, 'o1', ?, ?, ?, ?, ?, ?, ?)",
  );
  tender.run('t-card', 'card', 'Visa', 2000, 2000, 300, 'sale', at);
  tender.run('t-card2', 'card', 'Visa', 400, 400, 0, 'sale2', at);
  tender.run('t-cash', 'cash', 'Cash', 600, 1000, 0, null, at);
  // A refund to cash from history, the old way: no tender named.
  db.prepare(
    "INSERT INTO refunds (id, number, order_id, amount, tax, reason, user_id, created_at) VALUES ('old', 1, 'o1', 250, 0, 'returned', 'u1', ?)",
  ).run(at);
  db.prepare(
    "INSERT INTO refund_tenders (refund_id, kind, amount, attempt_id, original_attempt_id) VALUES ('old', 'cash', 250, NULL, NULL)",
  ).run();
  return db;
}

describe('migration 006: the refund ledger on an older journal', () => {
  it('records payment-screen refunds and voids, binds old cash refunds to the cash tender, and counts each once', () => {
    const db = journalBeforeTheLedger();
    expect(
      applyMigrations(
        db,
        MIGRATIONS.filter((m) => m.version <= 6),
      ).map((step) => step.version),
    ).toEqual([6]);
    const refunds = createRefundRepository(db);
    const records = refunds.byOrder('o1');
    expect(records.map((r) => [r.number, r.kind, r.amount])).toEqual([
      [1, 'refund', 250],
      [2, 'refund', 500],
      [3, 'void', 400],
    ]);
    const parts = refunds.partsOfOrder('o1');
    expect(parts.map((p) => [p.via, p.amount, p.original_tender_id, p.status])).toEqual([
      ['drawer', 250, 't-cash', 'done'],
      ['provider', 500, 't-card', 'done'],
      ['provider', 400, 't-card2', 'done'],
    ]);
    // The order's "refunded" reads the ledger: 250 + 500 + 400, each once.
    const refunded = db
      .prepare(
        `SELECT COALESCE(SUM(rt.amount), 0) FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id
      LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id WHERE r.order_id = 'o1' AND (rt.attempt_id IS NULL OR pa.state = 'approved')`,
      )
      .pluck()
      .get();
    expect(refunded).toBe(1150);
    expect(db.prepare("SELECT tax_rounding FROM orders WHERE id = 'o1'").pluck().get()).toBe('line');
    expect(db.prepare("SELECT cashback FROM tenders WHERE id = 't-card'").pluck().get()).toBe(0);
  });
});

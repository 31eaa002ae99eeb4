/**
 * The audit trail's own hash chain on a real journal: an entry carrying a lone UTF-16 surrogate
 * (which SQLite cannot store as UTF-8) still verifies, and `verify` keeps going after a break, so a
 * second, later change is named too instead of being hidden behind the first.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createAuditLog, verifyAuditChain } from '../../../../src-main/auth/audit-log';
import { createAuditRepository } from '../../../../src-main/journal/audit-repository';
import { openJournal, type JournalHandle } from '../../../../src-main/journal/open-journal';

let dir: string;
let journal: JournalHandle;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-audit-'));
  journal = openJournal(join(dir, 'journal.sqlite'));
});
afterEach(() => {
  journal.close();
  rmSync(dir, { recursive: true, force: true });
});

it('verifies an entry whose object and user carry a lone surrogate, as stored', () => {
  const rows = createAuditRepository(journal.db);
  const audit = createAuditLog(rows);
  audit.append({ userId: 'u\uD800', action: 'order.get', object: 'order:\uDC00x', detail: { id: '\uD800' } });
  audit.append({ userId: null, action: 'after', object: null, detail: {} });
  expect(verifyAuditChain(rows)).toMatchObject({ ok: true, entries: 2 });
});

it('names every break, not only the first', () => {
  const rows = createAuditRepository(journal.db);
  const audit = createAuditLog(rows);
  for (let i = 0; i < 10; i += 1) audit.append({ userId: null, action: `a${i}`, object: null, detail: { i } });
  journal.close();
  const db = new Database(join(dir, 'journal.sqlite'));
  db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
  db.prepare(`UPDATE audit SET detail = '{"i":99}' WHERE seq = 3`).run();
  db.prepare('DELETE FROM audit WHERE seq = 7').run();
  db.close();
  journal = openJournal(join(dir, 'journal.sqlite'));
  const verdict = verifyAuditChain(createAuditRepository(journal.db));
  expect(verdict).toMatchObject({ ok: false, brokenAt: 3 });
  expect(verdict.breaks).toEqual([
    { seq: 3, reason: 'entry 3 was altered after it was written' },
    { seq: 7, reason: 'entries 7–7 are missing' },
  ]);
});

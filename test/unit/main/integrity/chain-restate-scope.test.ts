/**
 * After an upgrade the chain re-states only the tables the new migrations declared they rewrite
 * (Migration.rewrites, issue 14): comparing every chained row with the chain is O(journal), and an
 * upgrade that touches no chained row (008, 009) must not pay it. A declared table is still re-stated.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { anchorPathFor } from '../../../../src-main/integrity/chain-hash';
import { defaultKeyStore, openChainedJournal } from '../../../../src-main/integrity/chained-journal';
import { startJournalChain } from '../../../../src-main/integrity/journal-chain';
import { loadOrCreateSigningKey } from '../../../../src-main/integrity/signing-key';
import { createChainRepository } from '../../../../src-main/journal/chain-repository';
import { MIGRATIONS } from '../../../../src-main/journal/migrations';
import { openJournal } from '../../../../src-main/journal/open-journal';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-restate-'));
  path = join(dir, 'journal.sqlite');
  const j = openChainedJournal(path, { keys: defaultKeyStore(dir, undefined), log: () => undefined });
  for (const key of ['a', 'b']) j.journal.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(key, '1');
  j.close();
  // What an upgrade's SQL does: it runs before the till's triggers exist, so it leaves no link.
  const db = new Database(path);
  db.prepare("UPDATE settings SET value = '2' WHERE key = 'a'").run();
  db.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function startAfterUpgrade(rewritten: readonly string[]) {
  const journal = openJournal(path);
  const scripts: string[] = [];
  const exec = journal.db.exec.bind(journal.db);
  journal.db.exec = (sql: string) => {
    scripts.push(sql);
    return exec(sql);
  };
  const chain = startJournalChain({
    db: journal.db,
    chain: createChainRepository(journal.db),
    key: loadOrCreateSigningKey(defaultKeyStore(dir, undefined)).key,
    anchorPath: anchorPathFor(path),
    migrated: true,
    rewritten,
    log: () => undefined,
  });
  const notes = [...chain.startNotes];
  chain.close();
  journal.close();
  return { notes, builtLatest: scripts.some((s) => s.includes('chain_latest')) };
}

it('re-states nothing, and reads no chained table, after an upgrade that rewrites no chained row', () => {
  const started = startAfterUpgrade([]);
  expect(started.notes.join(' ')).not.toMatch(/re-stated/);
  expect(started.builtLatest).toBe(false);
});

it('re-states the rows of a table the upgrade declared it rewrites', () => {
  const started = startAfterUpgrade(['settings']);
  expect(started.notes.join(' ')).toMatch(/re-stated 1 rows/);
});

it('the shipped migrations that changed existing chained rows say which', () => {
  const declared = Object.fromEntries(MIGRATIONS.map((m) => [m.version, m.rewrites ?? []]));
  expect(declared[5]).toEqual(['payment_attempts', 'journal_identity']);
  expect(declared[6]).toEqual(expect.arrayContaining(['refunds', 'refund_tenders', 'tenders', 'orders']));
});

/**
 * One link per row and transaction (issue 14): a transaction that changes one row several times
 * commits only its last state, so the chain records that state once — an insert followed by updates
 * is one 'I' of the final row, updates one 'U', a row inserted and deleted a 'D' — and verify still
 * names the row when it is altered after that transaction.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anchorPathFor, rowHash } from '../../../../src-main/integrity/chain-hash';
import { verifyJournalChain } from '../../../../src-main/integrity/chain-verify';
import {
  defaultKeyStore,
  openChainedJournal,
  type ChainedJournal,
} from '../../../../src-main/integrity/chained-journal';
import { createChainRepository, type ChainLink } from '../../../../src-main/journal/chain-repository';
import { openJournalReadOnly } from '../../../../src-main/journal/open-journal';

let dir: string;
let path: string;
const open = (): ChainedJournal =>
  openChainedJournal(path, { keys: defaultKeyStore(dir, undefined), log: () => undefined });

/** The links a piece of work added to the chain (no seal can slip in: it runs synchronously). */
function linksOf(j: ChainedJournal, work: () => void): ChainLink[] {
  const before = j.chainRows.head()?.seq ?? 0;
  work();
  return [...j.chainRows.links()].filter((link) => link.seq > before);
}

/** The row's hash as stored now, computed the way verify computes it. */
function storedRowHash(j: ChainedJournal, key: string): string {
  const row = [...j.chainRows.rows('settings')].find((r) => r.key === key);
  if (!row) throw new Error(`no settings row ${key}`);
  return rowHash('settings', key, row.canonical);
}

function verdict() {
  const journal = openJournalReadOnly(path);
  try {
    return verifyJournalChain(createChainRepository(journal.db), {
      anchorFiles: [{ path: anchorPathFor(path), setAside: false }],
    });
  } finally {
    journal.close();
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-chain-once-'));
  path = join(dir, 'journal.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('one link per row and transaction', () => {
  it('links a row inserted then updated 5 times once, as an insert of its final state', async () => {
    const j = open();
    await j.chain.settled();
    const insert = j.journal.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
    const update = j.journal.db.prepare('UPDATE settings SET value = ? WHERE key = ?');
    const links = linksOf(j, () =>
      j.journal.db.transaction(() => {
        insert.run('k', '0');
        for (let i = 1; i <= 5; i += 1) update.run(String(i), 'k');
      })(),
    );
    expect(links.map((l) => [l.tbl, l.row_key, l.op])).toEqual([['settings', '["k"]', 'I']]);
    expect(links[0].row_hash).toBe(storedRowHash(j, '["k"]'));

    // Updates only: one 'U' of the final state.
    const updates = linksOf(j, () =>
      j.journal.db.transaction(() => {
        for (let i = 6; i <= 9; i += 1) update.run(String(i), 'k');
      })(),
    );
    expect(updates.map((l) => [l.tbl, l.row_key, l.op])).toEqual([['settings', '["k"]', 'U']]);
    expect(updates[0].row_hash).toBe(storedRowHash(j, '["k"]'));
    j.close();
    expect(verdict().ok).toBe(true);

    // Altered after that transaction, behind the till's back: verify names the row and its link.
    const tamper = new Database(path);
    tamper.prepare("UPDATE settings SET value = '5' WHERE key = 'k'").run();
    tamper.close();
    const result = verdict();
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.text)).toContain(
      `settings ["k"] was changed outside the till (last recorded in link ${updates[0].seq}).`,
    );
  });

  it('keeps the order rows were first changed in, and links a row inserted then deleted as gone', () => {
    const j = open();
    const db = j.journal.db;
    const links = linksOf(j, () =>
      db.transaction(() => {
        db.prepare("INSERT INTO settings (key, value) VALUES ('a', '1'), ('b', '1'), ('gone', '1')").run();
        db.prepare("UPDATE settings SET value = '2' WHERE key = 'b'").run();
        db.prepare("UPDATE settings SET value = '2' WHERE key = 'a'").run();
        db.prepare("DELETE FROM settings WHERE key = 'gone'").run();
      })(),
    );
    expect(links.map((l) => [l.row_key, l.op])).toEqual([
      ['["a"]', 'I'],
      ['["b"]', 'I'],
      ['["gone"]', 'D'],
    ]);
    expect(links[2].row_hash).toBe(rowHash('settings', '["gone"]', ''));
    j.close();
    expect(verdict().ok).toBe(true);
  });
});

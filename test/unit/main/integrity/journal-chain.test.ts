/**
 * The signed journal chain on a real journal file, without the rest of the till: every write is
 * linked in its own transaction (a rolled-back one leaves nothing), a lone statement is sealed right
 * after, links a crash left unsealed stay unvouched even after the next seal, a journal from before
 * the chain is adopted once, an anchor that does not match is kept as evidence, and an export
 * checks out elsewhere with the public key.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anchorPathFor, linkHash, mismatchedAnchors, readAnchor } from '../../../../src-main/integrity/chain-hash';
import { verifyJournalChain, verifyLinks, type ChainProblem } from '../../../../src-main/integrity/chain-verify';
import {
  defaultKeyStore,
  openChainedJournal,
  type ChainedJournal,
} from '../../../../src-main/integrity/chained-journal';
import { createChainRepository, type ChainLink } from '../../../../src-main/journal/chain-repository';
import { applyMigrations } from '../../../../src-main/journal/migrate';
import { MIGRATIONS } from '../../../../src-main/journal/migrations';
import { openJournalReadOnly } from '../../../../src-main/journal/open-journal';

let dir: string;
let path: string;
const open = (): ChainedJournal =>
  openChainedJournal(path, { keys: defaultKeyStore(dir, undefined), log: () => undefined });
const setting = (j: ChainedJournal, key: string, value: string) =>
  j.journal.db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, value);

function verdict(options: Parameters<typeof verifyJournalChain>[1] = {}) {
  const journal = openJournalReadOnly(path);
  try {
    return verifyJournalChain(createChainRepository(journal.db), {
      anchorFiles: [
        { path: anchorPathFor(path), setAside: false },
        ...mismatchedAnchors(path).map((file) => ({ path: file, setAside: true })),
      ],
      ...options,
    });
  } finally {
    journal.close();
  }
}
const texts = (problems: ChainProblem[]) => problems.map((p) => p.text).join('\n');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ct-chain-'));
  path = join(dir, 'journal.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the journal chain', () => {
  it('links every write in its own transaction, seals it right after, and a rollback leaves no link', async () => {
    const j = open();
    const tx = j.journal.db.transaction((fail: boolean) => {
      setting(j, 'a', '1');
      setting(j, 'b', '2');
      if (fail) throw new Error('no');
    });
    tx(false);
    // Committed with the change: its links.
    const linked = j.chainRows.head()!;
    expect(j.chainRows.link(linked.seq)).toMatchObject({ tbl: 'settings', op: 'I', row_key: '["b"]' });
    // Then, off the commit, the seal signing them.
    await j.chain.settled();
    const sealed = j.chainRows.head()!;
    expect(j.chainRows.link(sealed.seq)).toMatchObject({
      op: 'S',
      row_hash: expect.stringMatching(new RegExp(`:${linked.seq}$`)),
    });
    expect(j.chain.anchor()).toMatchObject({ seq: linked.seq, hash: linked.hash });
    expect(() => tx(true)).toThrow('no');
    await j.chain.settled();
    expect(j.chainRows.head()).toEqual(sealed);
    j.close();
    const result = verdict();
    expect(texts(result.problems)).toBe('');
    expect(result.ok).toBe(true);
    // The key file is the till's own, readable by it alone.
    expect(statSync(join(dir, 'signing.key')).mode & 0o777).toBe(0o600);
    expect(statSync(anchorPathFor(path)).mode & 0o777).toBe(0o600);
  });

  it('seals a lone statement right after it commits', async () => {
    const j = open();
    setting(j, 'lone', 'x');
    const linked = j.chainRows.head()!;
    expect(j.chainRows.link(linked.seq)).toMatchObject({ tbl: 'settings', op: 'I', row_key: '["lone"]' });
    await j.chain.settled();
    expect(j.chainRows.head()!.seq).toBe(linked.seq + 1);
    expect(j.chainRows.link(linked.seq + 1)!.op).toBe('S');
    j.close();
    expect(verdict().ok).toBe(true);
  });

  it('reports links a crash left unsealed, and a seal that does not match what it signs', async () => {
    const j = open();
    setting(j, 'before', '1');
    await j.chain.settled();
    // The till stops between a commit and its seal.
    setting(j, 'in-flight', '1');
    const tail = j.chainRows.head()!;
    j.journal.db.close();
    expect(texts(verdict().problems)).toContain(`Links ${tail.seq}–${tail.seq} are not sealed yet`);
  });

  it('never vouches for links it did not write: a crash tail, or links forged while the till was down', async () => {
    const j = open();
    setting(j, 'before', '1');
    await j.chain.settled();
    // The till dies between a lone statement and its seal.
    setting(j, 'in-flight', '1');
    j.journal.db.close();

    // While it is down, someone appends a well-formed link (the hash algorithm is public).
    const db = new Database(path);
    const head = db.prepare('SELECT * FROM chain ORDER BY seq DESC LIMIT 1').get() as ChainLink;
    const forged = {
      seq: head.seq + 1,
      at: new Date().toISOString(),
      tbl: 'settings',
      row_key: '["forged"]',
      op: 'I' as const,
      row_hash: 'a'.repeat(64),
      prev_hash: head.hash,
    };
    db.prepare(
      'INSERT INTO chain (seq, at, tbl, row_key, op, row_hash, prev_hash, hash, sig) VALUES (@seq, @at, @tbl, @row_key, @op, @row_hash, @prev_hash, @hash, NULL)',
    ).run({ ...forged, hash: linkHash(forged) });
    db.close();

    // The till starts again and carries on: its next seal covers the chain but vouches only for its own links.
    const again = open();
    setting(again, 'after', '1');
    again.chain.seal();
    again.close();
    const result = verdict();
    expect(result.ok).toBe(false);
    expect(texts(result.problems)).toMatch(
      new RegExp(`Links ${head.seq}–${head.seq + 1} were not sealed by the till that wrote them`),
    );
  });

  it('adopts the rows of a journal from before the chain once, then checks them', () => {
    const db = new Database(path);
    applyMigrations(
      db,
      MIGRATIONS.filter((m) => m.version < 7),
    );
    db.prepare("INSERT INTO settings (key, value) VALUES ('old', 'row')").run();
    db.close();
    const j = open();
    expect(j.chain.startNotes.join(' ')).toMatch(/adopted \d+ existing rows/);
    j.close();
    expect(verdict().ok).toBe(true);
    const tamper = new Database(path);
    tamper.prepare("UPDATE settings SET value = 'changed' WHERE key = 'old'").run();
    tamper.close();
    expect(texts(verdict().problems)).toMatch(/settings \["old"\] was changed outside the till/);
  });

  it('keeps an anchor that does not match the chain as evidence, and verify names it', () => {
    const j = open();
    setting(j, 'a', '1');
    j.close();
    const anchor = readAnchor(anchorPathFor(path));
    if (!anchor || anchor === 'unreadable') throw new Error('no anchor written');
    // A chain rolled back to an older copy: the anchor beside it is ahead of it.
    writeFileSync(anchorPathFor(path), JSON.stringify({ ...anchor, seq: anchor.seq + 50 }));
    const again = open();
    expect(again.chain.startNotes.join(' ')).toMatch(/did not match the chain/);
    again.close();
    expect(readdirSync(dir).some((name) => name.startsWith('journal-anchor.mismatch-'))).toBe(true);
    expect(existsSync(anchorPathFor(path))).toBe(true);
    expect(texts(verdict().problems)).toMatch(/is not signed by the key it names|anchor did not match the chain/);
  });

  it('exports links and public keys that check out without the journal, and names an edited export', () => {
    const j = open();
    for (let i = 0; i < 5; i += 1) setting(j, `k${i}`, `v${i}`);
    j.close();
    const journal = openJournalReadOnly(path);
    const chain = createChainRepository(journal.db);
    const links = [...chain.links()];
    const keys = chain.keys();
    journal.close();
    const anchorFiles = [{ path: anchorPathFor(path), setAside: false }];
    const clean: ChainProblem[] = [];
    verifyLinks(links, keys, { anchorFiles }, (p) => clean.push(p));
    expect(clean).toEqual([]);
    const edited = links.map((l, i) => (i === 3 ? { ...l, row_key: '["other"]' } : l));
    const problems: ChainProblem[] = [];
    verifyLinks(edited, keys, { anchorFiles }, (p) => problems.push(p));
    expect(texts(problems)).toMatch(new RegExp(`Link ${links[3].seq} \\(settings \\["other"\\]\\) was altered`));
  });
});

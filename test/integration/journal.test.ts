import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src-main/journal/migrate';
import { MIGRATIONS } from '../../src-main/journal/migrations';
import { durabilitySettings, integrityCheck, openJournal } from '../../src-main/journal/open-journal';

describe('the SQLite journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-journal-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens in WAL mode with synchronous=FULL and foreign keys on, every migration applied once', () => {
    const journal = openJournal(join(dir, 'j.sqlite'));
    expect(durabilitySettings(journal.db)).toEqual({ journalMode: 'wal', synchronous: 2, foreignKeys: 1 });
    const versions = journal.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    expect(applyMigrations(journal.db)).toEqual([]);
    journal.close();
    const again = openJournal(join(dir, 'j.sqlite'));
    expect(again.db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    again.close();
  });

  it('refuses a journal written by a newer Countertop', () => {
    const path = join(dir, 'newer.sqlite');
    openJournal(path).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
    db.close();
    expect(() => openJournal(path)).toThrow(/newer Countertop/);
  });

  // Issue 14: opening no longer reads every page (integrity_check took 31.7 s at 1M products and 1M
  // orders); a damaged page a start does not read is found by the background check (journal-check-background.test.ts).
  it('opens a journal with a damaged page without reading it; the integrity check finds it', () => {
    const path = join(dir, 'corrupt.sqlite');
    const journal = openJournal(path);
    const insert = journal.db.prepare('INSERT INTO settings (key, value) VALUES (?, \'"x"\')');
    for (let i = 0; i < 2000; i += 1) insert.run(`key-${i}`);
    journal.close();
    const bytes = readFileSync(path);
    // Scribble over the middle of the file, past the header, where b-tree pages live.
    for (let i = 0; i < 4096; i += 1) bytes[8192 + i] = 0xa5;
    writeFileSync(path, bytes);
    const reopened = openJournal(path);
    try {
      expect(integrityCheck(reopened.db)).not.toEqual(['ok']);
    } finally {
      reopened.close();
    }
  });

  it('loads an explicitly given native binding (how the Electron shell brings its own build)', () => {
    const require = createRequire(import.meta.url);
    const binding = join(dirname(require.resolve('better-sqlite3/package.json')), 'build/Release/better_sqlite3.node');
    const journal = openJournal(join(dir, 'bound.sqlite'), { nativeBinding: binding });
    expect(durabilitySettings(journal.db).synchronous).toBe(2);
    journal.close();
    expect(() => openJournal(join(dir, 'x.sqlite'), { nativeBinding: join(dir, 'missing.node') })).toThrow();
  });
});

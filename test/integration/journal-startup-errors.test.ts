/**
 * Start-up failures name the file and the remedy (issue 12): the built host, as a child process, on a damaged,
 * truncated or misplaced journal and on a folder it cannot write, exits 2 with one sentence and no SQLite stack.
 * And the journal is private: a 0700 folder, 0600 files (journal.sqlite was created 0644).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal, prepareDataFolder } from '../../src-main/journal/open-journal';
import { HOST_ENTRY, writeConfig } from '../support/host-process';

function runHost(config: string) {
  const result = spawnSync(process.execPath, [HOST_ENTRY, '--config', config, '--port', '0'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A journal with some sales-sized content, closed cleanly (checkpointed into the main file). */
function writeJournal(path: string): void {
  const journal = openJournal(path);
  const insert = journal.db.prepare('INSERT INTO settings (key, value) VALUES (?, \'"x"\')');
  for (let i = 0; i < 2000; i += 1) insert.run(`key-${i}`);
  journal.close();
}

const chattrWorks = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'ct-chattr-'));
  const ok = spawnSync('chattr', ['+i', probe]).status === 0;
  if (ok) spawnSync('chattr', ['-i', probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

describe('the host refuses to start with a sentence naming the path and the remedy', () => {
  let dir: string;
  let dataDir: string;
  let journalPath: string;
  let config: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-startup-'));
    dataDir = join(dir, 'data');
    journalPath = join(dataDir, 'journal.sqlite');
    config = writeConfig(dir, { demo: true, dataDir });
  });
  afterEach(() => {
    if (chattrWorks) spawnSync('chattr', ['-i', dataDir]);
    rmSync(dir, { recursive: true, force: true });
  });

  const expectRefusal = (result: ReturnType<typeof runHost>, ...phrases: string[]) => {
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    for (const phrase of phrases) expect(result.stderr).toContain(phrase);
    expect(result.stderr).toContain('Countertop did not start.');
    expect(result.stderr).not.toMatch(/SqliteError|\n\s+at /);
  };

  it('a journal overwritten with garbage', () => {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(journalPath, Buffer.alloc(64 * 1024, 'garbage! '));
    expectRefusal(
      runHost(config),
      `The journal ${journalPath} is damaged (file is not a database).`,
      'Restore the journal from your latest backup, or move it aside',
    );
  });

  it('a truncated journal', () => {
    writeJournal(journalPath);
    const bytes = readFileSync(journalPath);
    writeFileSync(journalPath, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expectRefusal(
      runHost(config),
      `The journal ${journalPath} is damaged (`,
      'Restore the journal from your latest backup',
    );
  });

  it('a data folder that is a file', () => {
    writeFileSync(dataDir, 'not a folder');
    expectRefusal(
      runHost(config),
      `The data folder ${dataDir} is a file, not a folder`,
      'set dataDir in the config to a folder',
    );
  });

  it('a journal that is a folder', () => {
    mkdirSync(journalPath, { recursive: true });
    expectRefusal(runHost(config), `The journal ${journalPath} is a folder, not a file.`);
  });

  // Tests run as root, for whom mode bits do not stop a write: the folder is made immutable (chattr +i).
  it.skipIf(!chattrWorks)('a data folder it cannot write (immutable, after an earlier run)', () => {
    writeJournal(journalPath);
    expect(spawnSync('chattr', ['+i', dataDir]).status).toBe(0);
    expectRefusal(
      runHost(config),
      `Countertop cannot write in the data folder ${dataDir} (`,
      'Make the folder and its files writable by the user running Countertop',
    );
  });

  it.skipIf(!chattrWorks)('a data folder it cannot write, holding a lock file from an earlier run', () => {
    writeJournal(journalPath);
    // An earlier host left its lock file: the lock is taken, and the journal's -wal cannot be made.
    writeFileSync(join(dataDir, 'till.lock'), '');
    writeFileSync(join(dataDir, 'till.lock-journal'), '');
    writeFileSync(join(dataDir, 'till.lock.json'), '{}');
    expect(spawnSync('chattr', ['+i', dataDir]).status).toBe(0);
    const result = runHost(config);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(dataDir);
    expect(result.stderr).toMatch(/Make the folder and its files writable|Check that the data folder/);
    expect(result.stderr).not.toMatch(/SqliteError|\n\s+at /);
  });
});

describe('the journal is private to the user running the till', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-modes-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const mode = (path: string) => statSync(path).mode & 0o777;

  it.skipIf(process.platform === 'win32')('creates the folder 0700 and journal.sqlite, -wal and -shm 0600', () => {
    const previous = process.umask(0o022);
    try {
      const path = join(dir, 'data', 'journal.sqlite');
      const journal = openJournal(path);
      journal.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('k', '"v"');
      expect(mode(join(dir, 'data'))).toBe(0o700);
      expect(mode(path)).toBe(0o600);
      expect(mode(`${path}-wal`)).toBe(0o600);
      expect(mode(`${path}-shm`)).toBe(0o600);
      journal.close();
    } finally {
      process.umask(previous);
    }
  });

  it.skipIf(process.platform === 'win32')(
    'narrows an existing journal created 0644, and warns about a shared folder',
    () => {
      const data = join(dir, 'shared');
      mkdirSync(data, { mode: 0o755 });
      chmodSync(data, 0o755);
      const path = join(data, 'journal.sqlite');
      openJournal(path).close();
      chmodSync(path, 0o644);
      const journal = openJournal(path);
      journal.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run('k', '"v"');
      expect(mode(path)).toBe(0o600);
      expect(mode(`${path}-wal`)).toBe(0o600);
      journal.close();
      // An existing folder is not changed (it may be shared on purpose): the till warns instead.
      expect(mode(data)).toBe(0o755);
      expect(prepareDataFolder(data)).toBe(
        `Other users of this computer can open the data folder ${data} (mode 0755), which holds the journal with its PIN hashes: run chmod 700 on it, or choose a private data folder.`,
      );
      chmodSync(data, 0o700);
      expect(prepareDataFolder(data)).toBeNull();
    },
  );
});

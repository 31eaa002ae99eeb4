/**
 * One till per data folder (issue 12): a second host on the same folder is refused with a sentence naming the
 * folder and the other process, the first keeps working, and a SIGKILLed holder leaves no stale lock. The
 * command line's write command (add-user) is refused while a till runs; verify only reads and is allowed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataFolderInUseError, inUseSentence, lockDataFolder } from '../../src-main/journal/data-folder-lock';
import { connectHost } from '../support/host-client';
import { HOST_ENTRY, startHost, writeConfig, type HostProcess } from '../support/host-process';

const CLI = join(__dirname, '../../src-main/cli/journal-cli.ts');

/** Runs a program to its end (or kills it after `timeoutMs`: a host that was not refused keeps running). */
function run(args: string[], env: Record<string, string> = {}, timeoutMs = 20_000) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('one till per data folder', () => {
  let dir: string;
  let dataDir: string;
  let config: string;
  const hosts: HostProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ct-lock-'));
    dataDir = join(dir, 'data');
    config = writeConfig(dir, { demo: true, dataDir });
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second host with the folder and the holder named (exit 2); the first keeps working; after SIGKILL a third starts', async () => {
    const first = await startHost(config);
    hosts.push(first);

    const second = await run([HOST_ENTRY, '--config', config, '--port', '0']);
    expect(second.code).toBe(2);
    expect(second.stdout).toBe('');
    expect(second.stderr).toContain(`Another Countertop (process ${first.child.pid}, started `);
    expect(second.stderr).toContain(
      `by host.js) is using ${dataDir}. Close it first, or start this one with another data folder.`,
    );
    expect(second.stderr).not.toMatch(/SqliteError|database is locked|\n\s+at /);

    const client = await connectHost(first.origin, first.token);
    await client.invoke('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    expect((await client.invoke('pos:app.info', {})).tenders.length).toBeGreaterThan(0);
    client.close();

    await first.kill();
    expect(first.child.signalCode).toBe('SIGKILL');
    const third = await startHost(config);
    hosts.push(third);
    const again = await connectHost(third.origin, third.token);
    await again.invoke('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    again.close();
  });

  it('refuses the command line add-user while a host runs, and allows verify', async () => {
    const host = await startHost(config);
    hosts.push(host);
    const addUser = await run(
      ['--import', 'tsx', CLI, 'add-user', '--data-dir', dataDir, '--name', 'Late', '--role', 'cashier'],
      { COUNTERTOP_PIN: '482913' },
    );
    expect(addUser.code).toBe(2);
    expect(addUser.stderr).toContain(`Another Countertop (process ${host.child.pid}, started `);
    expect(addUser.stderr).toContain(`is using ${dataDir}.`);

    const verify = await run(['--import', 'tsx', CLI, 'verify', '--data-dir', dataDir]);
    expect(verify.stderr).not.toContain('Another Countertop');
    expect(verify.stdout).toContain(`Journal ${join(dataDir, 'journal.sqlite')}`);

    await host.stop();
    hosts.splice(0);
    const afterStop = await run(
      ['--import', 'tsx', CLI, 'add-user', '--data-dir', dataDir, '--name', 'Late', '--role', 'cashier'],
      { COUNTERTOP_PIN: '482913' },
    );
    expect(afterStop.stderr).toBe('');
    expect(afterStop.code).toBe(0);
  });

  it('in one process, a second lock on the folder is refused until the first is released', () => {
    const first = lockDataFolder(dataDir, { program: 'first' });
    expect(() => lockDataFolder(dataDir, { program: 'second' })).toThrow(DataFolderInUseError);
    // The refused attempt must not have dropped the held lock (closing a descriptor drops POSIX locks).
    expect(() => lockDataFolder(dataDir, { program: 'third' })).toThrow(DataFolderInUseError);
    first.release();
    lockDataFolder(dataDir, { program: 'fourth' }).release();
  });
});

describe('the refusal sentence', () => {
  const at = new Date(2026, 2, 14, 14, 5);
  it('names the process, its start and its program, and the day when it is not today', () => {
    const holder = { pid: 1234, hostname: '', startedAt: at.toISOString(), program: 'host.js' };
    expect(inUseSentence('/srv/till', holder, new Date(2026, 2, 14, 18, 0))).toBe(
      'Another Countertop (process 1234, started 14:05 by host.js) is using /srv/till. Close it first, or start this one with another data folder.',
    );
    expect(inUseSentence('/srv/till', holder, new Date(2026, 2, 16, 9, 0))).toContain('started 2026-03-14 14:05 by');
    expect(inUseSentence('/srv/till', { ...holder, hostname: 'till-2.invalid' }, at)).toContain(
      '(process 1234 on till-2.invalid, started 14:05 by host.js)',
    );
    expect(inUseSentence('/srv/till', null)).toBe(
      'Another Countertop is using /srv/till. Close it first, or start this one with another data folder.',
    );
  });
});

/** Runs the built headless host as a child process, the way `npm run start:web` does. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const HOST_ENTRY = join(__dirname, '../../out/main/host.js');

export interface HostProcess {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  stderr: () => string;
  /** SIGKILL: no clean shutdown, like a power cut for the process. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function writeConfig(dir: string, config: Record<string, unknown>): string {
  const path = join(dir, 'countertop.json');
  writeFileSync(path, JSON.stringify(config, null, 2), { mode: 0o600 });
  return path;
}

export function startHost(configPath: string, env: Record<string, string> = {}): Promise<HostProcess> {
  const child = spawn(process.execPath, [HOST_ENTRY, '--config', configPath, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let errText = '';
  child.stderr!.on('data', (chunk) => {
    errText += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`host did not print its URL in time:\n${errText}`)), 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      const url = new URL(line);
      resolve({
        url: line,
        origin: url.origin,
        token: url.searchParams.get('token')!,
        child,
        stderr: () => errText,
        kill: signal('SIGKILL'),
        stop: signal('SIGTERM'),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${errText}`));
    });
  });
}

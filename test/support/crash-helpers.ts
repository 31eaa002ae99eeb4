/**
 * Helpers for crash tests: a till (the built headless host as a child process) on a temp
 * data dir that a test can SIGKILL and start again, and read-only looks at its journal
 * from outside the process, the way a support engineer would after a power cut.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrderView } from '../../src-shared/domain';
import { demoCodes } from './demo-codes';
import { connectHost, type HostClient } from './host-client';
import { startHost, writeConfig, type HostProcess } from './host-process';

/** Polls until `check` holds (bounded); for states reached over sockets, never a timing assertion. */
export { until } from './wait';

export interface JournalEvent {
  from_state: string | null;
  to_state: string;
  cause: string;
}

/** A till whose host process can be killed and restarted on the same journal. */
export interface CrashTill {
  dir: string;
  dataDir: string;
  configPath: string;
  host: HostProcess | null;
  client: HostClient | null;
  /** Starts the host and logs the demo cashier in. */
  start(): Promise<HostClient>;
  /** Logs in, rings up two demo items and returns the open order. */
  ringUp(): Promise<OrderView>;
  /** One row from the journal, read from outside the host. */
  row(sql: string, ...args: unknown[]): Record<string, unknown> | undefined;
  attemptState(attemptId: string): string | undefined;
  reference(attemptId: string): string;
  events(attemptId: string): JournalEvent[];
  /** Stops the host (if still running) and removes the data dir. */
  close(): Promise<void>;
}

/** `fileConfig` is merged over `{ demo: true, dataDir }` (demo users, catalogue and PINs). */
export function createCrashTill(prefix: string, fileConfig: Record<string, unknown>): CrashTill {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  const configPath = writeConfig(dir, { demo: true, dataDir, ...fileConfig });
  const read = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(join(dataDir, 'journal.sqlite'), { readonly: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  const till: CrashTill = {
    dir,
    dataDir,
    configPath,
    host: null,
    client: null,
    async start() {
      till.client?.close();
      till.host = await startHost(configPath);
      till.client = await connectHost(till.host.origin, till.host.token);
      await till.client.invoke('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
      return till.client;
    },
    async ringUp() {
      const client = till.client ?? (await till.start());
      const codes = read((db) => demoCodes(db));
      await client.invoke('pos:cart.scan', { code: codes.plain[0].barcode, source: 'wedge' });
      return (await client.invoke('pos:cart.scan', { code: codes.plain[1].barcode, source: 'wedge' })).order;
    },
    row: (sql, ...args) => read((db) => db.prepare(sql).get(...args) as Record<string, unknown> | undefined),
    attemptState: (attemptId) =>
      till.row('SELECT state FROM payment_attempts WHERE id = ?', attemptId)?.state as string | undefined,
    reference: (attemptId) =>
      till.row('SELECT reference FROM payment_attempts WHERE id = ?', attemptId)!.reference as string,
    events: (attemptId) =>
      read(
        (db) =>
          db
            .prepare('SELECT from_state, to_state, cause FROM attempt_events WHERE attempt_id = ? ORDER BY seq')
            .all(attemptId) as JournalEvent[],
      ),
    async close() {
      till.client?.close();
      await till.host?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return till;
}

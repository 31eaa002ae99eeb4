/** Versioned migrations: each runs once, in order, in its own transaction. */
import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';
import type { Migration } from './migrations/migration';

export type { Migration };

/** One migration applied by this open, for the operator's log line and the chain's re-statement. */
export interface AppliedMigration {
  version: number;
  name: string;
  /** Wall time of its transaction. */
  ms: number;
  /** The chained tables whose existing rows it changed (Migration.rewrites). */
  rewrites: readonly string[];
}

/** `Upgrading the journal: 008 running-totals … 1.2 s` (issue 14: a long upgrade is a visible step). */
export function migrationLine(step: Pick<AppliedMigration, 'version' | 'name' | 'ms'>): string {
  const seconds = step.ms >= 100 ? `${(step.ms / 1000).toFixed(1)} s` : `${Math.round(step.ms)} ms`;
  return `Upgrading the journal: ${String(step.version).padStart(3, '0')} ${step.name} … ${seconds}`;
}

/**
 * Applies the migrations this journal lacks, oldest first, each in its own transaction with its
 * schema_migrations row: an upgrade interrupted half-way (power cut, killed process) keeps the
 * steps that committed and resumes at the next one on the following start. `progress` hears of
 * each step before it starts (`ms` 0) and once it committed, so the shells can print it.
 */
export function applyMigrations(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  progress: (step: AppliedMigration, phase: 'start' | 'done') => void = () => undefined,
): AppliedMigration[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const newest = Math.max(0, ...applied);
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (newest > known)
    throw new Error(
      `The journal is from a newer Countertop (schema ${newest}, this build knows ${known}); refusing to open it.`,
    );
  const ran: AppliedMigration[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    const step = { version: migration.version, name: migration.name, ms: 0, rewrites: migration.rewrites ?? [] };
    progress(step, 'start');
    const started = performance.now();
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    })();
    step.ms = performance.now() - started;
    progress(step, 'done');
    ran.push(step);
  }
  return ran;
}

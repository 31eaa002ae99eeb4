/**
 * An upgrade is a visible, resumable step (issue 14): each migration is its own transaction with its
 * schema_migrations row, so one that fails half-way leaves the earlier ones applied and nothing of
 * itself, and the next start resumes there; the host prints one line per migration with its time.
 */
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { applyMigrations, migrationLine, type Migration } from '../../../../src-main/journal/migrate';

const steps: Migration[] = [
  { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER);' },
  {
    version: 2,
    name: 'two',
    sql: 'CREATE TABLE b (x INTEGER); INSERT INTO b VALUES (1); INSERT INTO missing VALUES (1);',
  },
  { version: 3, name: 'three', sql: 'CREATE TABLE c (x INTEGER);', rewrites: ['orders'] },
];

it('keeps the steps that committed when a later one fails, and resumes at the failed one', () => {
  const db = new Database(':memory:');
  const heard: string[] = [];
  expect(() => applyMigrations(db, steps, (step, phase) => heard.push(`${phase} ${step.version}`))).toThrow(/missing/);
  expect(heard).toEqual(['start 1', 'done 1', 'start 2']);
  const tables = () => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
  expect(tables()).toEqual(['a', 'schema_migrations']);

  const fixed = steps.map((m) => (m.version === 2 ? { ...m, sql: 'CREATE TABLE b (x INTEGER);' } : m));
  const ran = applyMigrations(db, fixed);
  expect(ran.map((m) => [m.version, m.rewrites])).toEqual([
    [2, []],
    [3, ['orders']],
  ]);
  expect(ran.every((m) => m.ms >= 0)).toBe(true);
  expect(tables()).toEqual(['a', 'b', 'c', 'schema_migrations']);
  db.close();
});

it('says each step with its time', () => {
  expect(migrationLine({ version: 8, name: 'running-totals', ms: 1234 })).toBe(
    'Upgrading the journal: 008 running-totals … 1.2 s',
  );
  expect(migrationLine({ version: 9, name: 'catalog-search', ms: 42.4 })).toBe(
    'Upgrading the journal: 009 catalog-search … 42 ms',
  );
});

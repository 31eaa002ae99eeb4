import type { Migration } from './migration';

/**
 * Print jobs, journaled before the bytes go out so a failed print can be retried and
 * a crash mid-print is visible on restart (DESIGN.md §8).
 */
export const printJobs: Migration = {
  version: 3,
  name: 'print-jobs',
  sql: `
CREATE TABLE print_jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('receipt', 'test', 'report', 'drawer')),
  label TEXT NOT NULL DEFAULT '',
  payload BLOB NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'printing', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX print_jobs_state ON print_jobs (state, id);
`,
};

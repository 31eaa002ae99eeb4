/**
 * Append-only, hash-chained audit trail (DESIGN.md §9). Each entry's hash covers its
 * own fields and the previous entry's hash, so editing or deleting any row breaks the
 * chain from that row on; `verifyAuditChain` names the first broken link. The rows are
 * stored by journal/audit-repository; the canonical form and hashing are this module's.
 */
import { createHash } from 'node:crypto';
import type { AuditReader, AuditRow, AuditWriter } from '../journal/audit-repository';

export interface AuditEntry {
  userId: string | null;
  action: string;
  object: string | null;
  detail: Record<string, unknown>;
}

const GENESIS = '0'.repeat(64);

function entryHash(row: Omit<AuditRow, 'hash'>): string {
  const canonical = JSON.stringify([row.seq, row.at, row.user_id, row.action, row.object, row.detail, row.prev_hash]);
  return createHash('sha256').update(canonical).digest('hex');
}

export interface AuditLog {
  /** Appends inside the caller's transaction when there is one, so the entry commits with the change it records. */
  append(entry: AuditEntry): number;
  recent(limit: number): AuditRow[];
}

export function createAuditLog(rows: AuditReader & AuditWriter, now: () => Date = () => new Date()): AuditLog {
  return {
    append: (entry) =>
      rows.append((previous) => {
        const row = {
          seq: (previous?.seq ?? 0) + 1,
          at: now().toISOString(),
          user_id: entry.userId,
          action: entry.action,
          object: entry.object,
          detail: JSON.stringify(entry.detail),
          prev_hash: previous?.hash ?? GENESIS,
        };
        return { ...row, hash: entryHash(row) };
      }).seq,
    recent: (limit) => rows.recent(limit),
  };
}

export type AuditVerdict =
  { ok: true; entries: number } | { ok: false; entries: number; brokenAt: number; reason: string };

export function verifyAuditChain(rows: Pick<AuditReader, 'entries'>): AuditVerdict {
  let previousHash = GENESIS;
  let expectedSeq = 1;
  let entries = 0;
  for (const row of rows.entries()) {
    entries += 1;
    if (row.seq !== expectedSeq)
      return { ok: false, entries, brokenAt: expectedSeq, reason: `entry ${expectedSeq} is missing` };
    if (row.prev_hash !== previousHash)
      return { ok: false, entries, brokenAt: row.seq, reason: `entry ${row.seq} does not follow entry ${row.seq - 1}` };
    if (entryHash(row) !== row.hash)
      return { ok: false, entries, brokenAt: row.seq, reason: `entry ${row.seq} was altered after it was written` };
    previousHash = row.hash;
    expectedSeq += 1;
  }
  return { ok: true, entries };
}

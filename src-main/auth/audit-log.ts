/**
 * Append-only, hash-chained audit trail (DESIGN.md §9). Each entry's hash covers its
 * own fields and the previous entry's hash, so editing or deleting any row breaks the
 * chain from that row on; `verifyAuditChain` names the first broken link. The rows are
 * stored by journal/audit-repository; the canonical form and hashing are this module's.
 */
import { createHash } from 'node:crypto';
import { toWellFormed } from '../../src-shared/well-formed';
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

/** As SQLite will store it: the contract refuses lone surrogates; one that slipped through must not break `verify` for good. */
const stored = (text: string | null) => (text === null ? null : toWellFormed(text));

export function createAuditLog(rows: AuditReader & AuditWriter, now: () => Date = () => new Date()): AuditLog {
  return {
    append: (entry) =>
      rows.append((previous) => {
        const row = {
          seq: (previous?.seq ?? 0) + 1,
          at: now().toISOString(),
          user_id: stored(entry.userId),
          action: stored(entry.action)!,
          object: stored(entry.object),
          // JSON.stringify writes a lone surrogate as a \u escape: plain ASCII, stored as given.
          detail: JSON.stringify(entry.detail),
          prev_hash: previous?.hash ?? GENESIS,
        };
        return { ...row, hash: entryHash(row) };
      }).seq,
    recent: (limit) => rows.recent(limit),
  };
}

export interface AuditBreak {
  seq: number;
  reason: string;
}

/** `brokenAt`/`reason`: the first break; `breaks`: every one found (the check goes on after each). */
export type AuditVerdict =
  | { ok: true; entries: number; breaks: [] }
  | { ok: false; entries: number; brokenAt: number; reason: string; breaks: AuditBreak[] };

export function verifyAuditChain(rows: Pick<AuditReader, 'entries'>, maxBreaks = 200): AuditVerdict {
  let previousHash = GENESIS;
  let expectedSeq = 1;
  let entries = 0;
  const breaks: AuditBreak[] = [];
  const broken = (seq: number, reason: string) => {
    if (breaks.length < maxBreaks) breaks.push({ seq, reason });
  };
  for (const row of rows.entries()) {
    entries += 1;
    if (row.seq !== expectedSeq)
      broken(
        expectedSeq,
        row.seq > expectedSeq
          ? `entries ${expectedSeq}–${row.seq - 1} are missing`
          : `entry ${row.seq} is out of order`,
      );
    else if (row.prev_hash !== previousHash) broken(row.seq, `entry ${row.seq} does not follow entry ${row.seq - 1}`);
    if (entryHash(row) !== row.hash) broken(row.seq, `entry ${row.seq} was altered after it was written`);
    // Go on from what is stored, so a later, separate break is named too.
    previousHash = row.hash;
    expectedSeq = Math.max(expectedSeq, row.seq) + 1;
  }
  return breaks.length === 0
    ? { ok: true, entries, breaks: [] }
    : { ok: false, entries, brokenAt: breaks[0].seq, reason: breaks[0].reason, breaks };
}

/**
 * Writing one refund record (issue 11): the record, its lines and its parts, with a provider attempt
 * staged for each part a provider gives back and the audit entry, all in one journal transaction.
 * Only after it commits are the provider requests sent and the drawer opened for cash handed back,
 * so a refusal anywhere leaves nothing behind. `toPart` turns a planned part (`refund-planning.ts`)
 * into one the record takes.
 */
import type { OrderView } from '../../src-shared/domain';
import type { AuditLog } from '../auth/audit-log';
import type { JournalTransaction } from '../journal/open-journal';
import type { NewPart, RefundKind, RefundRow, RefundWriter } from '../journal/refund-repository';
import type { Staged } from '../payments/engine/payment-engine';
import type { Method } from './refund-ledger';
import type { PlannedPart } from './refund-planning';

/** What writing a record needs: the journal's transaction, the ledger's writer, the audit log, and who to tell after. */
export interface RefundCommitContext {
  journal: JournalTransaction;
  refunds: RefundWriter;
  audit: AuditLog;
  tillId: number;
  /** Cash handed back from the drawer (after the commit): the drawer opens. */
  cashRefunded(order: OrderView, amount: number): void;
  /** A record was written for this sale (after the commit): the screens reload it. */
  changed?(orderId: string): void;
}

/** The record writer; one per refund service. */
export function createRefundCommit(deps: RefundCommitContext) {
  const { refunds, journal } = deps;

  /**
   * Writes a record and its parts, staging a provider attempt for each provider part, in one
   * transaction; the attempts are sent only after it commits. A refusal anywhere leaves nothing.
   */
  function commit(record: {
    order: OrderView;
    kind: RefundKind;
    tax: number;
    reason: string;
    evidence: string | null;
    userId: string;
    approvedBy: string | null;
    shiftId: number | null;
    lines: { lineId: string; qtyMilli: number; amount: number; tax: number }[];
    parts: {
      kind: Method;
      via: NewPart['via'];
      goods: number;
      tip: number;
      tenderId: string | null;
      originalAttemptId: string | null;
      stage?: () => Staged;
    }[];
    audit: Record<string, unknown>;
  }): RefundRow {
    const launches: Staged[] = [];
    const amount = record.parts.reduce((s, p) => s + p.goods + p.tip, 0);
    const row = journal.transaction(() => {
      const created = refunds.create({
        orderId: record.order.id,
        shiftId: record.shiftId,
        kind: record.kind,
        amount,
        tip: record.parts.reduce((s, p) => s + p.tip, 0),
        tax: record.tax,
        reason: record.reason,
        evidence: record.evidence,
        userId: record.userId,
        approvedBy: record.approvedBy,
        tillId: deps.tillId,
        lines: record.lines,
      });
      for (const part of record.parts) {
        const staged = part.stage?.();
        if (staged) launches.push(staged);
        refunds.addPart(created.id, {
          kind: part.kind,
          via: part.via,
          amount: part.goods + part.tip,
          tip: part.tip,
          attemptId: staged?.attempt.id ?? null,
          originalAttemptId: part.originalAttemptId,
          originalTenderId: part.tenderId,
        });
      }
      deps.audit.append({
        userId: record.userId,
        action: record.kind === 'refund' ? 'refund' : `refund.${record.kind}`,
        object: `order:${record.order.id}`,
        detail: {
          refund: created.number,
          kind: record.kind,
          amount,
          tip: created.tip,
          approvedBy: record.approvedBy,
          reason: record.reason,
          ...(record.evidence ? { evidence: record.evidence } : {}),
          ...record.audit,
        },
      });
      return created;
    });
    // Committed: now the provider requests may leave (rule 1), and the drawer open for cash.
    for (const staged of launches) staged.launch();
    const cash = record.parts.filter((p) => p.via === 'drawer').reduce((s, p) => s + p.goods + p.tip, 0);
    if (cash > 0) deps.cashRefunded(record.order, cash);
    deps.changed?.(record.order.id);
    return row;
  }

  return commit;
}

export type RefundCommit = ReturnType<typeof createRefundCommit>;

/** A planned part as a record's part: cash from the drawer, or the tender's own method; staged when a provider gives it back. */
export const toPart = (p: PlannedPart, stage?: () => Staged) => ({
  kind: p.via === 'drawer' ? ('cash' as const) : p.tender.kind,
  via: p.via,
  goods: p.goods,
  tip: p.tip,
  tenderId: p.tender.tenderId,
  originalAttemptId: p.tender.attemptId,
  ...(stage ? { stage } : {}),
});

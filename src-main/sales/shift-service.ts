/**
 * The drawer's shift: opened with a float count, cash in and out with reasons, closed
 * with a count against what is expected. Sales join the shift that is open when they
 * start; a sale rung up with no shift open opens one with an empty float (audited), so a
 * till is never blocked, and the Z report shows it.
 */
import { PosError } from '../../src-shared/errors';
import { countedTotal, type DenominationCounts, type ShiftView } from '../../src-shared/report';
import type { AuditLog } from '../auth/audit-log';
import type { JournalTransaction } from '../journal/open-journal';
import type { ShiftReader, ShiftRow, ShiftWriter } from '../journal/shift-repository';

export function createShiftService(deps: {
  journal: JournalTransaction;
  shifts: ShiftReader & ShiftWriter;
  audit: AuditLog;
  userName(id: string): string;
}) {
  const { journal, shifts } = deps;

  /** Float + cash taken − cash refunded + paid in − paid out, for one shift (its running totals: O(1)). */
  function expectedCash(shift: ShiftRow): number {
    const drawer = shifts.drawer(shift.id);
    return shift.float_total + drawer.cashTaken - drawer.cashRefunded + drawer.paidIn - drawer.paidOut;
  }

  function toView(shift: ShiftRow): ShiftView {
    return {
      id: shift.id,
      openedBy: deps.userName(shift.opened_by),
      openedAt: shift.opened_at,
      float: shift.float_total,
      expectedCash: expectedCash(shift),
      cashMoves: shifts.drawer(shift.id).moves,
    };
  }

  function requireOpen(): ShiftRow {
    const shift = shifts.current();
    if (!shift) throw new PosError('CONFLICT', 'No shift is open: open one with a float count first.');
    return shift;
  }

  return {
    current: () => {
      const shift = shifts.current();
      return shift ? toView(shift) : null;
    },
    currentId: () => shifts.current()?.id ?? null,
    requireOpen,
    expectedCash,

    open(userId: string, float: DenominationCounts): ShiftView {
      if (shifts.current()) throw new PosError('CONFLICT', 'A shift is already open: close it before opening another.');
      const total = countedTotal(float);
      const id = journal.transaction(() => {
        const shiftId = shifts.open(userId, float, total);
        deps.audit.append({
          userId,
          action: 'shift.open',
          object: `shift:${shiftId}`,
          detail: { float: total, counts: float },
        });
        return shiftId;
      });
      return toView(shifts.byId(id)!);
    },

    /** The open shift's id, opening an empty-float one if none is open (audited). */
    ensureOpen(userId: string): number {
      const shift = shifts.current();
      if (shift) return shift.id;
      const id = shifts.open(userId, [], 0);
      deps.audit.append({
        userId,
        action: 'shift.autoOpened',
        object: `shift:${id}`,
        detail: { float: 0, why: 'a sale started with no shift open' },
      });
      return id;
    },

    cashMove(move: {
      kind: 'in' | 'out';
      amount: number;
      reason: string;
      userId: string;
      approvedBy: string;
    }): ShiftView {
      const shift = requireOpen();
      if (move.kind === 'out' && move.amount > expectedCash(shift))
        throw new PosError('CONFLICT', 'That is more cash than the drawer should hold.', 'amount');
      journal.transaction(() => {
        shifts.addCashMove(shift.id, move);
        deps.audit.append({
          userId: move.userId,
          action: `cash.${move.kind}`,
          object: `shift:${shift.id}`,
          detail: { amount: move.amount, reason: move.reason, approvedBy: move.approvedBy },
        });
      });
      return toView(shifts.byId(shift.id)!);
    },
  };
}

export type ShiftService = ReturnType<typeof createShiftService>;

/** Shifts, cash moves, voids and Z reports: the only place their SQL lives. */
import type { DenominationCounts } from '../../src-shared/report';
import type { Db } from './open-journal';

export interface ShiftRow {
  id: number;
  opened_by: string;
  opened_at: string;
  float_counts: string;
  float_total: number;
  closed_by: string | null;
  closing_approved_by: string | null;
  closed_at: string | null;
  counted: string | null;
  counted_cash: number | null;
  expected_cash: number | null;
  variance: number | null;
  z_number: number | null;
}

export interface CashMoveRow { id: number; shift_id: number; kind: 'in' | 'out'; amount: number; reason: string; user_id: string; approved_by: string | null; at: string }

export interface NewVoid {
  shiftId: number | null;
  orderId: string;
  lineId: string | null;
  kind: 'line' | 'order';
  description: string;
  qtyMilli: number;
  amount: number;
  reason: string;
  userId: string;
  approvedBy: string | null;
}

export function createShiftRepository(db: Db, now: () => Date = () => new Date()) {
  const q = {
    current: db.prepare('SELECT * FROM shifts WHERE closed_at IS NULL'),
    byId: db.prepare('SELECT * FROM shifts WHERE id = ?'),
    open: db.prepare('INSERT INTO shifts (opened_by, opened_at, float_counts, float_total) VALUES (?, ?, ?, ?)'),
    move: db.prepare('INSERT INTO cash_moves (shift_id, kind, amount, reason, user_id, approved_by, at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    moves: db.prepare('SELECT * FROM cash_moves WHERE shift_id = ? ORDER BY id'),
    close: db.prepare(`UPDATE shifts SET closed_by = @closedBy, closing_approved_by = @approvedBy, closed_at = @at, counted = @counted,
      counted_cash = @countedCash, expected_cash = @expectedCash, variance = @variance, z_number = @zNumber WHERE id = @id AND closed_at IS NULL`),
    nextZ: db.prepare('SELECT COALESCE(MAX(number), 0) + 1 FROM z_reports'),
    insertZ: db.prepare('INSERT INTO z_reports (number, shift_id, created_at, body) VALUES (?, ?, ?, ?)'),
    z: db.prepare('SELECT body FROM z_reports WHERE number = ?'),
    zList: db.prepare('SELECT number, body FROM z_reports ORDER BY number DESC LIMIT 200'),
    insertVoid: db.prepare(`INSERT INTO voids (shift_id, order_id, line_id, kind, description, qty_milli, amount, reason, user_id, approved_by, at)
      VALUES (@shiftId, @orderId, @lineId, @kind, @description, @qtyMilli, @amount, @reason, @userId, @approvedBy, @at)`),
  };
  return {
    current: () => (q.current.get() as ShiftRow | undefined) ?? null,
    byId: (id: number) => (q.byId.get(id) as ShiftRow | undefined) ?? null,
    open(userId: string, counts: DenominationCounts, total: number): number {
      return Number(q.open.run(userId, now().toISOString(), JSON.stringify(counts), total).lastInsertRowid);
    },
    addCashMove(shiftId: number, move: { kind: 'in' | 'out'; amount: number; reason: string; userId: string; approvedBy: string | null }): void {
      q.move.run(shiftId, move.kind, move.amount, move.reason, move.userId, move.approvedBy, now().toISOString());
    },
    cashMoves: (shiftId: number) => q.moves.all(shiftId) as CashMoveRow[],
    close(shiftId: number, close: { closedBy: string; approvedBy: string; counted: DenominationCounts; countedCash: number; expectedCash: number; variance: number; zNumber: number }): boolean {
      return q.close.run({ id: shiftId, ...close, counted: JSON.stringify(close.counted), at: now().toISOString() }).changes === 1;
    },
    nextZNumber: () => q.nextZ.pluck().get() as number,
    insertZ: (number: number, shiftId: number, body: string) => void q.insertZ.run(number, shiftId, now().toISOString(), body),
    zBody: (number: number) => (q.z.pluck().get(number) as string | undefined) ?? null,
    zBodies: () => q.zList.all() as { number: number; body: string }[],
    recordVoid: (entry: NewVoid) => void q.insertVoid.run({ ...entry, at: now().toISOString() }),
  };
}

export type ShiftRepository = ReturnType<typeof createShiftRepository>;

/** Shifts, cash moves, voids and Z reports: the only place their SQL lives. */
import type { DenominationCounts } from '../../src-shared/report';
import type { Db } from './open-journal';
import { createTotalsReader } from './totals-repository';

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

export interface CashMoveRow {
  id: number;
  shift_id: number;
  kind: 'in' | 'out';
  amount: number;
  reason: string;
  user_id: string;
  approved_by: string | null;
  at: string;
}

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

/** A void as stored: a line or a whole order taken off a sale, with who did it and who approved. */
export interface VoidRow {
  id: number;
  shift_id: number | null;
  order_id: string;
  line_id: string | null;
  kind: 'line' | 'order';
  description: string;
  qty_milli: number;
  amount: number;
  reason: string;
  user_id: string;
  approved_by: string | null;
  at: string;
}

export interface DrawerTotals {
  cashTaken: number;
  cashRefunded: number;
  paidIn: number;
  paidOut: number;
  moves: number;
}

export interface ShiftReader {
  /** The open shift, or null (at most one is open). */
  current(): ShiftRow | null;
  byId(id: number): ShiftRow | null;
  /** The shift's paid-in and paid-out moves, oldest first. */
  cashMoves(shiftId: number): CashMoveRow[];
  /**
   * The shift's drawer figures from its running totals (one indexed read): cash tenders taken on its
   * sales (change deducted, cash back lines negative), refund parts paid out of the drawer, paid in,
   * paid out and the number of cash moves.
   */
  drawer(shiftId: number): DrawerTotals;
  /** The number the next Z report gets (Z numbers never repeat). */
  nextZNumber(): number;
  /** A stored Z report's JSON body, or null. */
  zBody(number: number): string | null;
  /** The newest 200 Z reports' bodies, newest first. */
  zBodies(): { number: number; body: string }[];
}

export interface ShiftWriter {
  /** Opens a shift with its float count; returns its id. */
  open(userId: string, counts: DenominationCounts, total: number): number;
  addCashMove(
    shiftId: number,
    move: {
      kind: 'in' | 'out';
      amount: number;
      reason: string;
      userId: string;
      approvedBy: string | null;
    },
  ): void;
  /** Closes the shift with its count; false when it was not open (closed by someone else). */
  close(
    shiftId: number,
    close: {
      closedBy: string;
      approvedBy: string;
      counted: DenominationCounts;
      countedCash: number;
      expectedCash: number;
      variance: number;
      zNumber: number;
    },
  ): boolean;
  /** Stores a Z report's body (the table refuses any later change). */
  insertZ(number: number, shiftId: number, body: string): void;
  recordVoid(entry: NewVoid): void;
}

export type ShiftRepository = ShiftReader & ShiftWriter;

export function createShiftRepository(db: Db, now: () => Date = () => new Date()): ShiftReader & ShiftWriter {
  const totals = createTotalsReader(db);
  const q = {
    current: db.prepare('SELECT * FROM shifts WHERE closed_at IS NULL'),
    byId: db.prepare('SELECT * FROM shifts WHERE id = ?'),
    open: db.prepare('INSERT INTO shifts (opened_by, opened_at, float_counts, float_total) VALUES (?, ?, ?, ?)'),
    move: db.prepare(
      'INSERT INTO cash_moves (shift_id, kind, amount, reason, user_id, approved_by, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    moves: db.prepare('SELECT * FROM cash_moves WHERE shift_id = ? ORDER BY id'),
    close:
      db.prepare(`UPDATE shifts SET closed_by = @closedBy, closing_approved_by = @approvedBy, closed_at = @at, counted = @counted,
      counted_cash = @countedCash, expected_cash = @expectedCash, variance = @variance, z_number = @zNumber WHERE id = @id AND closed_at IS NULL`),
    nextZ: db.prepare('SELECT COALESCE(MAX(number), 0) + 1 FROM z_reports'),
    insertZ: db.prepare('INSERT INTO z_reports (number, shift_id, created_at, body) VALUES (?, ?, ?, ?)'),
    z: db.prepare('SELECT body FROM z_reports WHERE number = ?'),
    zList: db.prepare('SELECT number, body FROM z_reports ORDER BY number DESC LIMIT 200'),
    insertVoid:
      db.prepare(`INSERT INTO voids (shift_id, order_id, line_id, kind, description, qty_milli, amount, reason, user_id, approved_by, at)
      VALUES (@shiftId, @orderId, @lineId, @kind, @description, @qtyMilli, @amount, @reason, @userId, @approvedBy, @at)`),
  };
  return {
    current: () => (q.current.get() as ShiftRow | undefined) ?? null,
    byId: (id) => (q.byId.get(id) as ShiftRow | undefined) ?? null,
    open(userId, counts, total) {
      return Number(q.open.run(userId, now().toISOString(), JSON.stringify(counts), total).lastInsertRowid);
    },
    addCashMove(shiftId, move) {
      q.move.run(shiftId, move.kind, move.amount, move.reason, move.userId, move.approvedBy, now().toISOString());
    },
    cashMoves: (shiftId) => q.moves.all(shiftId) as CashMoveRow[],
    drawer(shiftId) {
      const figures = totals.ofShift(shiftId);
      const figure = (name: string) => figures.get(name) ?? 0;
      return {
        cashTaken: figure('drawer.cashTaken'),
        cashRefunded: figure('drawer.cashRefunded'),
        paidIn: figure('cash.paidIn'),
        paidOut: figure('cash.paidOut'),
        moves: figure('cash.moves'),
      };
    },
    close(shiftId, close) {
      return (
        q.close.run({ id: shiftId, ...close, counted: JSON.stringify(close.counted), at: now().toISOString() })
          .changes === 1
      );
    },
    nextZNumber: () => q.nextZ.pluck().get() as number,
    insertZ: (number, shiftId, body) => void q.insertZ.run(number, shiftId, now().toISOString(), body),
    zBody: (number) => (q.z.pluck().get(number) as string | undefined) ?? null,
    zBodies: () => q.zList.all() as { number: number; body: string }[],
    recordVoid: (entry) => void q.insertVoid.run({ ...entry, at: now().toISOString() }),
  };
}

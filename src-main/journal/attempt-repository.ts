/** Payment attempts and their events: the only place their SQL lives. */
import type { AttemptState, AttemptView, CardBlock } from '../../src-shared/domain';
import type { Db } from './open-journal';
import { assertTransition, UNRESOLVED_STATES } from '../../src-shared/attempt-states';
import type { AttemptKind, PaymentMethod } from '../../src-shared/domain';

export interface AttemptRow {
  id: string;
  order_id: string;
  provider: string;
  terminal: string | null;
  kind: AttemptKind;
  method: PaymentMethod;
  amount: number;
  tip: number;
  currency: string;
  reference: string;
  request_id: string;
  provider_ref: string | null;
  original_attempt_id: string | null;
  wallet_code_masked: string | null;
  options: string | null;
  state: AttemptState;
  message: string;
  card: string | null;
  approved_amount: number | null;
  refunded: number;
  abandoned: number;
  released: number;
  readback_required: number;
  needs_attention: string | null;
  query_count: number;
  next_check_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewAttempt {
  id: string;
  orderId: string;
  provider: string;
  terminal: string | null;
  kind: AttemptKind;
  method: PaymentMethod;
  amount: number;
  tip: number;
  currency: string;
  reference: string;
  requestId: string;
  originalAttemptId: string | null;
  walletCodeMasked: string | null;
  options: Record<string, string | number | boolean> | null;
}

export interface Transition {
  to: AttemptState;
  cause: string;
  message?: string;
  providerRef?: string | null;
  card?: CardBlock | null;
  approvedAmount?: number | null;
  tip?: number;
  detail?: Record<string, unknown>;
}

/** An attempt as the screens and the engine's callers see it, with what it can still give back. */
export function toAttemptView(row: AttemptRow): AttemptView {
  const settled = row.approved_amount ?? 0;
  const held = row.options !== null && (JSON.parse(row.options) as Record<string, unknown>).preauth === true;
  // A held pre-authorisation took no money: there is nothing to refund on it (its capture is refunded).
  // What the customer was charged, tip included, less what went back through the provider; the
  // refund ledger (sales/refund-service) narrows it further by refunds made another way.
  const refundable =
    row.kind !== 'sale' || held
      ? 0
      : row.state === 'approved' || row.state === 'partially_refunded' || row.state === 'needs_reversal'
        ? Math.max(0, settled + row.tip - row.refunded)
        : 0;
  return {
    id: row.id,
    orderId: row.order_id,
    provider: row.provider,
    terminal: row.terminal,
    kind: row.kind,
    method: row.method,
    amount: row.amount,
    tip: row.tip,
    currency: row.currency,
    state: row.state,
    message: row.message,
    nextCheckAt: row.next_check_at,
    needsAttention: row.needs_attention,
    released: row.released === 1,
    refundable,
    card: row.card ? (JSON.parse(row.card) as CardBlock) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Something a provider did that it should not have (journaled for the reconciliation, never acted on). */
export interface AnomalyRow {
  seq: number;
  at: string;
  provider: string;
  terminal: string | null;
  reason: string;
  detail: string;
}

/** One step in an attempt's life, as journaled (`detail` is JSON text). */
export interface AttemptEventRow {
  seq: number;
  at: string;
  from_state: string | null;
  to_state: string;
  cause: string;
  detail: string | null;
}

export interface AttemptReader {
  byId(id: string): AttemptRow | null;
  /** The attempt carrying this provider-facing reference (idempotency key), or null. */
  byReference(reference: string): AttemptRow | null;
  /** The order's attempts, oldest first. */
  byOrder(orderId: string): AttemptRow[];
  /** Attempts still waiting for an outcome, oldest first (reconciled at start). */
  unresolved(): AttemptRow[];
  /** Attempts flagged for a person, most recently changed first. */
  needingAttention(): AttemptRow[];
  /** The unresolved attempt keeping this terminal busy, or null (rule 5). */
  busyOn(provider: string, terminal: string | null): AttemptRow | null;
  /** The order's unresolved, unreleased sale (rule 2: it blocks new tenders), or null. */
  liveSaleOf(orderId: string): AttemptRow | null;
  /** Attempts (refunds, voids, captures) made against this one, oldest first. */
  byOriginal(originalId: string): AttemptRow[];
  /** The newest provider anomalies first. */
  anomalies(limit?: number): AnomalyRow[];
  /** Approvals that needed reversal, raised between two ISO times or still open, with when they were raised. */
  lateApprovals(from: string, until: string): (AttemptRow & { raised_at: string })[];
  /** The attempt's journaled events, oldest first. */
  events(id: string): AttemptEventRow[];
}

export interface AttemptWriter {
  /**
   * The next idempotency keys (DESIGN.md §6): till id, this journal's number and a journal
   * sequence, taken inside the caller's transaction so a key is never handed out twice, across
   * restarts, clock changes and tills. `reference` is 18 digits (IOTPay mchOrderNo ≤ 30,
   * CodePay merchant_order_no ≤ 32, YabandPay order_id digits < 20); `requestId` is 24
   * letters and digits (YabandPay wants ≥ 24).
   */
  nextKeys(tillId: number): { reference: string; requestId: string };
  /** A manager released the order from this attempt (its terminal stays busy until the outcome is known). */
  release(id: string): void;
  /** From now on an approval of this attempt counts only with a matching read-back. */
  requireReadBack(id: string): void;
  /** A real query was sent: only these advance the back-off (rule 8). */
  countQuery(id: string): void;
  /** Journals a provider's anomaly. */
  recordAnomaly(anomaly: {
    provider: string;
    terminal: string | null;
    reason: string;
    detail: Record<string, unknown>;
  }): void;
  /** Journals a new attempt in state `created`; callers commit it before anything is sent. */
  insert(attempt: NewAttempt, cause: string): AttemptRow;
  /** Moves an attempt to a new state and journals why; throws on an illegal transition. */
  transition(id: string, change: Transition): AttemptRow;
  /** When the attempt is next queried (null: not scheduled). */
  scheduleCheck(id: string, at: Date | null): void;
  /** Flags the attempt for a person with a reason, or clears the flag (null). */
  flag(id: string, reason: string | null): void;
  /** Adds to what went back through the provider on this attempt. */
  addRefunded(id: string, amount: number): void;
  /** Journals something that happened to an attempt without changing its state (a manager's release). */
  note(id: string, cause: string): void;
  /** A tip changed after approval: journaled as an event of the attempt (its state stays). */
  setTip(id: string, tip: number, cause: string): void;
}

export type AttemptRepository = AttemptReader & AttemptWriter;

/** Attempt states still waiting for an outcome (SQL list of attempt-states' UNRESOLVED_STATES). */
const LIVE = UNRESOLVED_STATES.map((state) => `'${state}'`).join(', ');

export function createAttemptRepository(db: Db, now: () => Date = () => new Date()): AttemptReader & AttemptWriter {
  const q = {
    insert:
      db.prepare(`INSERT INTO payment_attempts (id, order_id, provider, terminal, kind, method, amount, tip, currency, reference, request_id,
      original_attempt_id, wallet_code_masked, options, state, message, created_at, updated_at)
      VALUES (@id, @orderId, @provider, @terminal, @kind, @method, @amount, @tip, @currency, @reference, @requestId,
      @originalAttemptId, @walletCodeMasked, @options, 'created', '', @at, @at) RETURNING *`),
    event: db.prepare(
      'INSERT INTO attempt_events (attempt_id, at, from_state, to_state, cause, detail) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    byId: db.prepare('SELECT * FROM payment_attempts WHERE id = ?'),
    byReference: db.prepare('SELECT * FROM payment_attempts WHERE reference = ?'),
    byOrder: db.prepare('SELECT * FROM payment_attempts WHERE order_id = ? ORDER BY created_at, rowid'),
    unresolved: db.prepare(`SELECT * FROM payment_attempts WHERE state IN (${LIVE}) ORDER BY created_at`),
    attention: db.prepare('SELECT * FROM payment_attempts WHERE needs_attention IS NOT NULL ORDER BY updated_at DESC'),
    // Rule 5: a terminal stays busy until its attempt's outcome is known (a manager's release frees the order, not the terminal).
    busy: db.prepare(
      `SELECT * FROM payment_attempts WHERE provider = ? AND COALESCE(terminal, '') = ? AND state IN (${LIVE}) LIMIT 1`,
    ),
    // Rule 2: the order's unresolved sale (a capture is a sale too) blocks new tenders.
    liveSale: db.prepare(
      `SELECT * FROM payment_attempts WHERE order_id = ? AND kind = 'sale' AND state IN (${LIVE}) AND released = 0 LIMIT 1`,
    ),
    byOriginal: db.prepare('SELECT * FROM payment_attempts WHERE original_attempt_id = ? ORDER BY created_at, rowid'),
    sequence: db.prepare(`INSERT INTO journal_sequences (name, value) VALUES (?, 1)
      ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`),
    journalNo: db.prepare('SELECT journal_no FROM journal_identity WHERE id = 1'),
    release: db.prepare('UPDATE payment_attempts SET released = 1, updated_at = ? WHERE id = ?'),
    requireReadBack: db.prepare('UPDATE payment_attempts SET readback_required = 1 WHERE id = ?'),
    countQuery: db.prepare('UPDATE payment_attempts SET query_count = query_count + 1 WHERE id = ?'),
    anomaly: db.prepare(
      'INSERT INTO provider_anomalies (at, provider, terminal, reason, detail) VALUES (?, ?, ?, ?, ?)',
    ),
    anomalies: db.prepare('SELECT * FROM provider_anomalies ORDER BY seq DESC LIMIT ?'),
    update:
      db.prepare(`UPDATE payment_attempts SET state = @state, message = @message, provider_ref = COALESCE(@providerRef, provider_ref),
      card = COALESCE(@card, card), approved_amount = COALESCE(@approvedAmount, approved_amount), tip = @tip, updated_at = @at WHERE id = @id
      RETURNING *`),
    schedule: db.prepare('UPDATE payment_attempts SET next_check_at = ? WHERE id = ?'),
    attention_set: db.prepare('UPDATE payment_attempts SET needs_attention = ?, updated_at = ? WHERE id = ?'),
    refunded: db.prepare('UPDATE payment_attempts SET refunded = refunded + ?, updated_at = ? WHERE id = ?'),
    setTip: db.prepare('UPDATE payment_attempts SET tip = ?, updated_at = ? WHERE id = ?'),
    events: db.prepare('SELECT * FROM attempt_events WHERE attempt_id = ? ORDER BY seq'),
    // Approvals the sale did not need: raised in a time window, or still waiting to go back.
    late: db.prepare(`SELECT a.*, MIN(e.at) AS raised_at FROM payment_attempts a JOIN attempt_events e ON e.attempt_id = a.id AND e.to_state = 'needs_reversal'
      GROUP BY a.id HAVING (MIN(e.at) >= ? AND MIN(e.at) <= ?) OR a.state = 'needs_reversal' ORDER BY raised_at`),
  };
  const byId = (id: string) => (q.byId.get(id) as AttemptRow | undefined) ?? null;

  return {
    byId,
    byReference: (reference: string) => (q.byReference.get(reference) as AttemptRow | undefined) ?? null,
    byOrder: (orderId: string) => q.byOrder.all(orderId) as AttemptRow[],
    unresolved: () => q.unresolved.all() as AttemptRow[],
    needingAttention: () => q.attention.all() as AttemptRow[],
    busyOn: (provider: string, terminal: string | null) =>
      (q.busy.get(provider, terminal ?? '') as AttemptRow | undefined) ?? null,
    liveSaleOf: (orderId: string) => (q.liveSale.get(orderId) as AttemptRow | undefined) ?? null,
    byOriginal: (originalId: string) => q.byOriginal.all(originalId) as AttemptRow[],
    nextKeys(tillId: number): { reference: string; requestId: string } {
      const seq = q.sequence.pluck().get('attempt') as number;
      const journal = q.journalNo.pluck().get() as number;
      const till = String(tillId).padStart(3, '0');
      const journalNo = String(journal).padStart(5, '0');
      const sequence = String(seq).padStart(10, '0');
      return { reference: `${till}${journalNo}${sequence}`, requestId: `CT${till}J${journalNo}SEQ${sequence}` };
    },
    release: (id: string) => void q.release.run(now().toISOString(), id),
    requireReadBack: (id: string) => void q.requireReadBack.run(id),
    countQuery: (id: string) => void q.countQuery.run(id),
    recordAnomaly(anomaly: {
      provider: string;
      terminal: string | null;
      reason: string;
      detail: Record<string, unknown>;
    }): void {
      q.anomaly.run(
        now().toISOString(),
        anomaly.provider,
        anomaly.terminal,
        anomaly.reason,
        JSON.stringify(anomaly.detail),
      );
    },
    anomalies: (limit = 100) => q.anomalies.all(limit) as AnomalyRow[],
    lateApprovals: (from: string, until: string) => q.late.all(from, until) as (AttemptRow & { raised_at: string })[],
    events: (id: string) => q.events.all(id) as AttemptEventRow[],
    insert(attempt: NewAttempt, cause: string): AttemptRow {
      const at = now().toISOString();
      // The row as stored comes back with the insert: no read after the write.
      const row = q.insert.get({
        ...attempt,
        options: attempt.options ? JSON.stringify(attempt.options) : null,
        at,
      }) as AttemptRow;
      q.event.run(attempt.id, at, null, 'created', cause, null);
      return row;
    },
    transition(id: string, change: Transition): AttemptRow {
      const row = byId(id);
      if (!row) throw new Error(`No payment attempt ${id}`);
      assertTransition(row.state, change.to);
      const at = now().toISOString();
      const updated = q.update.get({
        id,
        state: change.to,
        message: change.message ?? row.message,
        providerRef: change.providerRef ?? null,
        card: change.card ? JSON.stringify(change.card) : null,
        approvedAmount: change.approvedAmount ?? null,
        tip: change.tip ?? row.tip,
        at,
      }) as AttemptRow;
      q.event.run(id, at, row.state, change.to, change.cause, change.detail ? JSON.stringify(change.detail) : null);
      return updated;
    },
    scheduleCheck: (id: string, at: Date | null) => void q.schedule.run(at ? at.toISOString() : null, id),
    flag: (id: string, reason: string | null) => void q.attention_set.run(reason, now().toISOString(), id),
    addRefunded: (id: string, amount: number) => void q.refunded.run(amount, now().toISOString(), id),
    note(id: string, cause: string): void {
      const row = byId(id)!;
      q.event.run(id, now().toISOString(), row.state, row.state, cause, null);
    },
    setTip(id: string, tip: number, cause: string): void {
      const row = byId(id)!;
      const at = now().toISOString();
      q.setTip.run(tip, at, id);
      q.event.run(id, at, row.state, row.state, cause, JSON.stringify({ tipFrom: row.tip, tipTo: tip }));
    },
  };
}

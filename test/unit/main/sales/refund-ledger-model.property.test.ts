/**
 * Model-based property test of the refund ledger (issue 11, "Must show"). fast-check drives random
 * sequences of sales (cash, card with tip and cash back, wallet, terminal-only card), the
 * providers' answers (approved, declined, lost, and late: after the cashier walked away and the
 * sale was paid in cash), refunds from history (lines, amount, tip; to the card, to cash, or
 * recorded as done on the terminal), refunds and voids from a payment's screen, tip changes,
 * and a manager closing late approvals (refunded on the terminal, or accepted as the sale's tender).
 * The test keeps the gateway's truth and the drawer's own count. After EVERY step:
 *  (a) per tender: what the ledger gives back (done + in flight) ≤ what the tender charged (goods + tip);
 *  (b) per approval the sale never took: what goes back ≤ what it charged;
 *  (c) per order: all that goes back ≤ all that was taken;
 *  (d) at the gateway: what went back on a sale ≤ what it charged;
 *  (e) the drawer the shift expects = the cash the test saw move (taken − cash back − handed back).
 * After draining every answer: the Z report's per-provider net = the gateway's net, its expected
 * cash = the drawer, its gross = the sales the test rang up, and its tender totals = the journal's.
 * FC_SEED / FC_RUNS / FC_STEPS override the fixed seed and size; FC_NO_SHRINK=1 reports the first failure as found.
 */
import fc from 'fast-check';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PosError } from '../../../../src-shared/errors';
import type { TaxRate } from '../../../../src-shared/pricing';
import { createRefundRepository } from '../../../../src-main/journal/refund-repository';
import { createShiftRepository } from '../../../../src-main/journal/shift-repository';
import { journalTransaction } from '../../../../src-main/journal/open-journal';
import { createReportRepository } from '../../../../src-main/journal/report-repository';
import type { ProviderAttempt, ProviderOutcome } from '../../../../src-main/payments/provider';
import { buildShiftReport } from '../../../../src-main/sales/shift-report';
import { createShiftService, type ShiftService } from '../../../../src-main/sales/shift-service';
import { CASHIER, MANAGER, startEngineHarness, type EngineHarness } from '../../../support/engine-harness';
import {
  CAPABILITY_SETS,
  answer,
  createScriptedProvider,
  type ScriptedCall,
  type ScriptedProvider,
} from '../../../support/scripted-provider';

const SEED = Number(process.env.FC_SEED ?? 20_261_211);
const RUNS = Number(process.env.FC_RUNS ?? 300);
const MAX_STEPS = Number(process.env.FC_STEPS ?? 80);
const BACKOFF = [1_000, 2_000];
const PROVIDERS = [
  { id: 'codepay', method: 'card', capabilities: CAPABILITY_SETS.codepay, terminal: 'lane-1' },
  { id: 'iotpay-pax', method: 'card', capabilities: CAPABILITY_SETS.iotpayPax, terminal: null },
  { id: 'iotpay-wallet', method: 'wallet', capabilities: CAPABILITY_SETS.iotpayWallet, terminal: null },
] as const;
const VAT: TaxRate = { code: 'VAT', label: 'VAT 21%', ratePpm: 210_000, inclusive: true };
const GST: TaxRate = { code: 'GST', label: 'GST 5%', ratePpm: 50_000, inclusive: false };
const ITEMS = [
  { name: 'Bread', price: 1_299, taxes: [VAT] },
  { name: 'Coffee', price: 450, taxes: [GST] },
  { name: 'Stamp', price: 250, taxes: [] },
  { name: 'Cheese', price: 999, taxes: [VAT] },
];
const LIVE = ['created', 'sending', 'pending', 'cancelling', 'unknown'];
const EXPECTED_REFUSALS = new Set(['CONFLICT', 'INVALID_PAYLOAD', 'PAYMENT_IN_PROGRESS', 'NOT_FOUND']);

/** What the gateway really did with one attempt. */
interface Truth {
  id: string;
  provider: string;
  kind: string;
  orderId: string;
  originalId: string | null;
  amount: number;
  state: 'open' | 'approved' | 'declined';
}

interface World {
  h: EngineHarness;
  shifts: ShiftService;
  shiftId: number;
  orders: string[];
  truths: Map<string, Truth>;
  /** What each approved sale charged at the gateway: goods + tip + cash back (tips change). */
  charged: Map<string, number>;
  /** The drawer as the test saw cash move. */
  drawer: number;
  /** Refunds recorded as done on a terminal, per provider of the payment they give back. */
  outside: Map<string, number>;
  log: string[];
}

type Row = {
  id: string;
  order_id: string;
  provider: string;
  kind: string;
  state: string;
  amount: number;
  tip: number;
  approved_amount: number | null;
  original_attempt_id: string | null;
  options: string | null;
  needs_attention: string | null;
};

const rows = (w: World): Row[] => w.h.rows() as unknown as Row[];
const pick = <T>(items: readonly T[], n: number): T | undefined => (items.length ? items[n % items.length] : undefined);
const pending = (w: World, kind: 'start' | 'query'): ScriptedCall[] =>
  [...w.h.providers.values()].flatMap((p) => p.calls(kind));
const cashbackOption = (a: Pick<ProviderAttempt, 'options'>): number => a.options?.cashback ?? 0;

function situation(w: World): string {
  const attempts = rows(w).map(
    (r) =>
      `${r.id.slice(0, 6)} ${r.kind} ${r.provider} ${r.state} ${r.amount}+${r.tip} order ${r.order_id.slice(0, 6)}${r.needs_attention ? ` [${r.needs_attention}]` : ''}`,
  );
  const parts = w.h.journal.db
    .prepare(
      'SELECT r.kind AS record, rt.via, rt.amount, rt.tip, rt.attempt_id, rt.original_tender_id, rt.original_attempt_id FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id',
    )
    .all();
  return `\nattempts:\n  ${attempts.join('\n  ')}\nledger:\n  ${parts.map((p) => JSON.stringify(p)).join('\n  ')}\nsteps:\n  ${w.log.slice(-20).join('\n  ')}`;
}

/** Runs an action the till may refuse; a refusal must be a PosError with an expected code. */
function tolerate(w: World, label: string, action: () => unknown): unknown {
  try {
    return action();
  } catch (error) {
    if (error instanceof PosError && EXPECTED_REFUSALS.has(error.code)) {
      w.log.push(`  ${label} refused: ${error.code} ${error.message}`);
      const key = `${label.split(' ')[0]}: ${error.message.slice(0, 50)}`;
      totals.refused[key] = (totals.refused[key] ?? 0) + 1;
      return undefined;
    }
    throw error;
  }
}

/** The provider's answer to a call, as the gateway's truth says (deciding it now when open). */
function reply(w: World, call: ScriptedCall, decide: 'approve' | 'decline' | 'lost'): ProviderOutcome {
  const a = call.attempt;
  const truth = w.truths.get(a.id) ?? {
    id: a.id,
    provider: '',
    kind: a.kind,
    orderId: a.orderId,
    originalId: null,
    amount: 0,
    state: 'open' as const,
  };
  if (truth.state === 'open' && decide !== 'lost') {
    truth.state = decide === 'approve' ? 'approved' : 'declined';
    if (truth.state === 'approved' && a.kind === 'sale') w.charged.set(a.id, a.amount + a.tip + cashbackOption(a));
    if (truth.state === 'approved' && a.kind === 'void') truth.amount = w.charged.get(truth.originalId!) ?? 0;
  }
  if (truth.state === 'open') return answer.unknown();
  if (truth.state === 'declined') return answer.declined();
  const cashback = cashbackOption(a);
  return answer.approved(a, {
    tip: a.tip,
    ...(cashback ? { card: { provider: truth.provider, method: 'card', cashback } } : {}),
  });
}

/** Learns every attempt the engine sent (sales, refunds, voids, its own reversals). */
function register(w: World): void {
  for (const provider of w.h.providers.values()) {
    for (const call of provider.history('start')) {
      const a = call.attempt;
      if (w.truths.has(a.id)) continue;
      const originalId = rows(w).find((r) => r.id === a.id)?.original_attempt_id ?? null;
      w.truths.set(a.id, {
        id: a.id,
        provider: provider.id,
        kind: a.kind,
        orderId: a.orderId,
        originalId,
        amount: a.amount,
        state: 'open',
      });
    }
  }
}

/** Gives an answer, then books what it did to the drawer: cash back is handed out when the sale took the approval. */
async function deliver(w: World, call: ScriptedCall, decide: 'approve' | 'decline' | 'lost'): Promise<void> {
  const provider = w.h.provider(w.truths.get(call.attempt.id)?.provider ?? '') as ScriptedProvider;
  const before = w.h.row(call.attempt.id)?.state;
  provider.release(call, reply(w, call, decide));
  await w.h.flush();
  const after = w.h.row(call.attempt.id);
  if (call.attempt.kind === 'sale' && before !== 'approved' && after?.state === 'approved')
    w.drawer -= cashbackOption(call.attempt);
}

function checkInvariants(w: World, where: string): void {
  const fail = (message: string) => {
    throw new Error(`${where}: ${message}${situation(w)}`);
  };
  const db = w.h.journal.db;
  const counted = `(rt.attempt_id IS NULL OR pa.state = 'approved' OR pa.state IN (${LIVE.map((s) => `'${s}'`).join(', ')}))`;
  // (a) per tender
  const perTender = db
    .prepare(
      `SELECT t.id, t.amount - t.cashback + t.tip AS taken, COALESCE((SELECT SUM(rt.amount) FROM refund_tenders rt LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id
    WHERE rt.original_tender_id = t.id AND ${counted}), 0) AS back FROM tenders t`,
    )
    .all() as { id: string; taken: number; back: number }[];
  for (const t of perTender)
    if (t.back > Math.max(0, t.taken)) fail(`tender ${t.id} gives back ${t.back} of ${t.taken}`);
  // (b) per approval that is no tender
  for (const r of rows(w).filter(
    (x) => x.kind === 'sale' && !db.prepare('SELECT 1 FROM tenders WHERE attempt_id = ?').get(x.id),
  )) {
    const back = db
      .prepare(
        `SELECT COALESCE(SUM(rt.amount), 0) FROM refund_tenders rt LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id
      WHERE rt.original_attempt_id = ? AND rt.original_tender_id IS NULL AND ${counted}`,
      )
      .pluck()
      .get(r.id) as number;
    const charged =
      (r.approved_amount ?? 0) + r.tip + cashbackOption({ options: r.options ? JSON.parse(r.options) : undefined });
    if (back > charged) fail(`approval ${r.id} gives back ${back} of ${charged}`);
  }
  // (c) per order
  for (const orderId of w.orders) {
    const taken =
      perTender
        .filter((t) => db.prepare('SELECT order_id FROM tenders WHERE id = ?').pluck().get(t.id) === orderId)
        .reduce((s, t) => s + Math.max(0, t.taken), 0) +
      rows(w)
        .filter(
          (r) =>
            r.order_id === orderId &&
            r.kind === 'sale' &&
            !db.prepare('SELECT 1 FROM tenders WHERE attempt_id = ?').get(r.id),
        )
        .reduce(
          (s, r) =>
            s +
            (r.approved_amount ?? 0) +
            r.tip +
            cashbackOption({ options: r.options ? JSON.parse(r.options) : undefined }),
          0,
        );
    const back = db
      .prepare(
        `SELECT COALESCE(SUM(rt.amount), 0) FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id
      WHERE r.order_id = ? AND ${counted}`,
      )
      .pluck()
      .get(orderId) as number;
    if (back > taken) fail(`order ${orderId} gives back ${back} of ${taken}`);
  }
  // (d) at the gateway
  for (const [saleId, charged] of w.charged) {
    const back = [...w.truths.values()]
      .filter((t) => t.originalId === saleId && t.state === 'approved' && t.kind !== 'sale')
      .reduce((s, t) => s + t.amount, 0);
    if (back > charged) fail(`the gateway gave back ${back} of ${charged} on ${saleId}`);
  }
  // (e) the drawer
  const expected = w.shifts.expectedCash(createShiftRepository(db).byId(w.shiftId)!);
  if (expected !== w.drawer) fail(`the shift expects ${expected} in the drawer; the test counted ${w.drawer}`);
}

type Step =
  | { do: 'open'; items: number }
  | { do: 'cash'; order: number; half: boolean }
  | { do: 'card'; order: number; provider: number; half: boolean; tip: boolean; cashback: boolean }
  | { do: 'answer'; n: number; reply: 'approve' | 'decline' | 'lost' }
  | { do: 'query'; n: number; reply: 'approve' | 'decline' | 'lost' }
  | { do: 'time' }
  | { do: 'walkAway'; n: number }
  | {
      do: 'historyRefund';
      order: number;
      mode: 'all' | 'line' | 'amount';
      tip: boolean;
      to: 'original' | 'cash' | 'outside';
    }
  | { do: 'paymentRefund'; n: number; half: boolean }
  | { do: 'paymentVoid'; n: number }
  | { do: 'resolve'; n: number; how: 'refunded-elsewhere' | 'accepted' }
  | { do: 'tip'; n: number; tip: number };

async function perform(w: World, step: Step): Promise<boolean> {
  const { h } = w;
  // Steps act on the three newest sales, so sales get paid, then refunded, within a run.
  const orderAt = (n: number) =>
    w.orders.length ? w.orders[w.orders.length - 1 - (n % Math.min(3, w.orders.length))] : undefined;
  switch (step.do) {
    case 'open': {
      const order = h.orders.createOrder('EUR', CASHIER, w.shiftId);
      ITEMS.filter((_, i) => (step.items >> i) & 1 || i === step.items % ITEMS.length).forEach((item, i) => {
        h.orders.addLine(order.id, {
          productId: null,
          name: item.name,
          barcode: null,
          unit: 'each',
          unitPrice: item.price,
          qtyMilli: 1_000 * (1 + (i % 2)),
          taxes: item.taxes,
          embedded: null,
        });
      });
      w.orders.push(order.id);
      return true;
    }
    case 'cash': {
      const id = orderAt(step.order);
      const order = id ? h.order(id) : null;
      if (!order || order.status !== 'open' || order.due === 0) return false;
      const tendered = step.half ? Math.max(1, Math.floor(order.due / 2)) : order.due;
      const done = tolerate(w, 'cash', () => h.checkout.takeCash(order.id, tendered)) as { change: number } | undefined;
      if (done) w.drawer += tendered - done.change;
      return true;
    }
    case 'card': {
      const id = orderAt(step.order);
      const order = id ? h.order(id) : null;
      const spec = PROVIDERS[step.provider % PROVIDERS.length];
      if (!order || order.status !== 'open' || order.due === 0) return false;
      const cashback = step.cashback && spec.capabilities.cashback ? 500 : 0;
      tolerate(w, `card ${spec.id}`, () =>
        h.engine.start({
          orderId: order.id,
          providerId: spec.id,
          terminal: spec.terminal,
          userId: CASHIER,
          amount: step.half ? Math.max(1, Math.floor(order.due / 2)) : order.due,
          tip: step.tip && spec.capabilities.tip ? 150 : 0,
          ...(spec.method === 'wallet'
            ? { walletCode: { value: '134567890123456789', masked: '1345************89' } }
            : {}),
          ...(cashback ? { options: { cashback } } : {}),
        }),
      );
      return true;
    }
    case 'answer':
    case 'query': {
      const call = pick(pending(w, step.do === 'answer' ? 'start' : 'query'), step.n);
      if (!call) return false;
      await deliver(w, call, step.reply);
      return true;
    }
    case 'time':
      await vi.advanceTimersByTimeAsync(2_500);
      return true;
    case 'walkAway': {
      // The customer walked away from an unanswered payment: a manager lets the sale be paid in cash.
      const row = pick(
        rows(w).filter((r) => r.kind === 'sale' && r.state === 'unknown'),
        step.n,
      );
      if (!row) return false;
      tolerate(w, 'release', () =>
        h.engine.release({ attemptId: row.id, managerId: MANAGER, reason: 'customer walked away' }),
      );
      const order = h.order(row.order_id);
      if (order.status === 'open' && order.due > 0) {
        const done = tolerate(w, 'cash after walk-away', () => h.checkout.takeCash(order.id, order.due)) as
          { change: number } | undefined;
        if (done) w.drawer += order.due - done.change;
      }
      return true;
    }
    case 'historyRefund': {
      const id = orderAt(step.order);
      const order = id ? h.order(id) : null;
      if (!order || order.status !== 'completed') return false;
      const left = tolerate(w, 'refundable', () => h.refunds.refundable(order.id)) as
        ReturnType<EngineHarness['refunds']['refundable']> | undefined;
      if (!left) return false;
      const lines =
        step.mode === 'all'
          ? left.lines.filter((l) => l.qtyMilli > 0).map((l) => ({ lineId: l.lineId, qtyMilli: l.qtyMilli }))
          : step.mode === 'line'
            ? left.lines
                .filter((l) => l.qtyMilli >= 1_000)
                .slice(0, 1)
                .map((l) => ({ lineId: l.lineId, qtyMilli: 1_000 }))
            : [];
      const amount = step.mode === 'amount' ? Math.max(1, Math.floor(left.total / 3)) : undefined;
      const made = tolerate(w, `refund ${step.mode} to ${step.to}`, () =>
        h.refunds.create({
          orderId: order.id,
          lines,
          ...(amount !== undefined ? { amount } : {}),
          tip: step.tip ? left.tips : 0,
          to: step.to,
          ...(step.to === 'outside' ? { evidence: 'terminal slip 42' } : {}),
          reason: 'customer returned it',
          userId: CASHIER,
          approvedBy: MANAGER,
        }),
      ) as ReturnType<EngineHarness['refunds']['create']> | undefined;
      for (const part of made?.tenders ?? []) {
        if (part.via === 'drawer') w.drawer -= part.amount;
        if (part.via === 'outside') {
          const provider =
            rows(w).find(
              (r) =>
                r.id ===
                h.journal.db.prepare('SELECT attempt_id FROM tenders WHERE id = ?').pluck().get(part.originalTenderId),
            )?.provider ?? '?';
          w.outside.set(provider, (w.outside.get(provider) ?? 0) + part.amount);
        }
      }
      return true;
    }
    case 'paymentRefund':
    case 'paymentVoid': {
      const row = pick(
        rows(w).filter(
          (r) => r.kind === 'sale' && ['approved', 'partially_refunded', 'needs_reversal'].includes(r.state),
        ),
        step.n,
      );
      if (!row) return false;
      // What the payment screen offers: the ledger's figure for this payment.
      const refundable = h.refunds
        .withLedgerRefundable(h.order(row.order_id))
        .attempts.find((a) => a.id === row.id)!.refundable;
      if (step.do === 'paymentVoid') {
        tolerate(w, 'payment void', () =>
          h.refunds.voidPayment({ attemptId: row.id, reason: 'wrong card', userId: CASHIER, approvedBy: MANAGER }),
        );
      } else {
        const amount = step.half ? Math.max(1, Math.floor(refundable / 2)) : refundable;
        if (amount > 0)
          tolerate(w, 'payment refund', () =>
            h.refunds.refundPayment({
              attemptId: row.id,
              amount,
              reason: 'goodwill',
              userId: CASHIER,
              approvedBy: MANAGER,
            }),
          );
      }
      return true;
    }
    case 'resolve': {
      const row = pick(
        rows(w).filter((r) => r.needs_attention === 'needs-reversal' && r.state === 'needs_reversal'),
        step.n,
      );
      if (!row) return false;
      const charged =
        (row.approved_amount ?? row.amount) +
        row.tip +
        cashbackOption({ options: row.options ? JSON.parse(row.options) : undefined });
      const done = tolerate(w, `resolve ${step.how}`, () =>
        h.refunds.resolvePayment({
          attemptId: row.id,
          resolution: step.how,
          evidence: 'terminal slip 7',
          reason: 'manager closed it',
          managerId: MANAGER,
          userId: MANAGER,
        }),
      );
      // What the terminal gave back: all it charged, less what the gateway reversed already.
      const reversed = [...w.truths.values()]
        .filter((t) => t.originalId === row.id && t.kind !== 'sale' && t.state === 'approved')
        .reduce((sum, t) => sum + t.amount, 0);
      if (done && step.how === 'refunded-elsewhere')
        w.outside.set(row.provider, (w.outside.get(row.provider) ?? 0) + charged - reversed);
      if (done && step.how === 'accepted') {
        // The other payment goes back in cash: the approval's amount, or less by the cash rounding the sale got.
        const approved = row.approved_amount ?? row.amount;
        const order = h.order(row.order_id);
        const handed =
          h.refunds
            .forOrder(row.order_id)
            .filter((r) => r.kind === 'accepted')
            .at(-1)?.givenBack ?? 0;
        if (handed > approved || handed < approved + Math.min(0, order.cashRounding))
          throw new Error(`accepting ${approved} handed back ${handed}${situation(w)}`);
        w.drawer -= handed;
      }
      return true;
    }
    case 'tip': {
      const row = pick(
        rows(w).filter((r) => r.kind === 'sale' && r.state === 'approved' && r.provider === 'codepay'),
        step.n,
      );
      if (!row) return false;
      const before = row.tip;
      const done = await h.engine
        .adjustTip({ attemptId: row.id, tip: step.tip, userId: MANAGER })
        .catch((error: unknown) => {
          if (error instanceof PosError && EXPECTED_REFUSALS.has(error.code)) return undefined;
          throw error;
        });
      if (done) w.charged.set(row.id, (w.charged.get(row.id) ?? 0) + step.tip - before);
      return true;
    }
  }
}

/** Answers everything (approving what is open, or declining it), lets queries run, and closes approvals only a manager can. */
async function drain(w: World, approve: boolean): Promise<void> {
  for (let round = 0; round < 30; round += 1) {
    register(w);
    for (const kind of ['start', 'query'] as const) {
      for (const call of pending(w, kind))
        await deliver(w, call, call.attempt.kind === 'sale' && !approve ? 'decline' : 'approve');
    }
    await vi.advanceTimersByTimeAsync(2_500);
    await w.h.flush();
    register(w);
    for (const row of rows(w).filter(
      (r) => r.needs_attention === 'needs-reversal' && r.state === 'needs_reversal' && r.provider === 'iotpay-pax',
    )) {
      await perform(w, {
        do: 'resolve',
        n: rows(w)
          .filter((r) => r.needs_attention === 'needs-reversal' && r.state === 'needs_reversal')
          .indexOf(row),
        how: 'refunded-elsewhere',
      });
    }
    checkInvariants(w, `drain round ${round}`);
    const live = rows(w).filter((r) => LIVE.includes(r.state));
    if (live.length === 0 && pending(w, 'start').length === 0 && pending(w, 'query').length === 0) {
      // A shift closes only once part-paid sales are finished: the rest is paid in cash.
      for (const id of w.orders) {
        const order = w.h.order(id);
        if (order.status === 'open' && order.tenders.length > 0 && order.due > 0) {
          const { change } = w.h.checkout.takeCash(id, order.due);
          w.drawer += order.due - change;
        }
      }
      checkInvariants(w, 'after the last cash');
      return;
    }
  }
  throw new Error(`still live after draining${situation(w)}`);
}

/** After the drain: the Z report's totals against the journal, the gateway and the drawer. */
function checkReport(w: World): void {
  const { h } = w;
  const db = h.journal.db;
  const report = buildShiftReport(
    {
      report: createReportRepository(db),
      shifts: createShiftRepository(db),
      storeName: 'Test',
      currency: 'EUR',
      orderView: (id) => h.order(id),
      userName: (id) => id ?? '',
      providerLabel: (id) => id,
      unresolved: () => h.engine.unresolved(),
      expectedCash: (shift) => w.shifts.expectedCash(shift),
      refunds: createRefundRepository(db),
      attempts: h.attempts,
    },
    createShiftRepository(db).byId(w.shiftId)!,
    { kind: 'Z', number: 1, copy: false },
  );
  const fail = (message: string) => {
    throw new Error(`Z report: ${message}\n${JSON.stringify(report.providers)}${situation(w)}`);
  };
  if (report.cash.expected !== w.drawer) fail(`expected cash ${report.cash.expected}, drawer ${w.drawer}`);
  for (const spec of PROVIDERS) {
    const truths = [...w.truths.values()].filter((t) => t.provider === spec.id && t.state === 'approved');
    const charged = truths.filter((t) => t.kind === 'sale').reduce((s, t) => s + (w.charged.get(t.id) ?? 0), 0);
    const back =
      truths.filter((t) => t.kind !== 'sale').reduce((s, t) => s + t.amount, 0) + (w.outside.get(spec.id) ?? 0);
    const line = report.providers.find((p) => p.label === spec.id);
    if ((line?.net ?? 0) !== charged - back)
      fail(`${spec.id}: report net ${line?.net ?? 0}, gateway ${charged} − given back ${back}`);
    if ((line?.confirmed.amount ?? 0) !== charged)
      fail(`${spec.id}: confirmed ${line?.confirmed.amount ?? 0}, gateway charged ${charged}`);
  }
  const completed = w.orders.map((id) => h.order(id)).filter((o) => o.status === 'completed');
  if (report.sales.gross !== completed.reduce((s, o) => s + o.subtotal, 0)) fail(`gross ${report.sales.gross}`);
  const tenders = db
    .prepare(
      `SELECT COALESCE(SUM(t.amount + t.tip), 0) FROM tenders t JOIN orders o ON o.id = t.order_id WHERE o.shift_id = ? AND o.status = 'completed'`,
    )
    .pluck()
    .get(w.shiftId) as number;
  if (report.tenders.reduce((s, t) => s + t.amount, 0) !== tenders)
    fail(`tenders ${report.tenders.reduce((s, t) => s + t.amount, 0)}, journal ${tenders}`);
  if (
    report.sales.net !==
    report.sales.gross - report.sales.discounts - report.sales.tax - (report.sales.refunds - report.sales.refundedTax)
  )
    fail('net does not add up');
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ do: fc.constant('open' as const), items: fc.nat(15) }), weight: 2 },
  {
    arbitrary: fc.record({
      do: fc.constant('cash' as const),
      order: fc.nat(),
      half: fc.constantFrom(false, false, true),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      do: fc.constant('card' as const),
      order: fc.nat(),
      provider: fc.nat(),
      half: fc.constantFrom(false, false, true),
      tip: fc.boolean(),
      cashback: fc.boolean(),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      do: fc.constant('answer' as const),
      n: fc.nat(),
      reply: fc.constantFrom('approve', 'approve', 'approve', 'decline', 'lost', 'lost'),
    }),
    weight: 8,
  },
  {
    arbitrary: fc.record({
      do: fc.constant('query' as const),
      n: fc.nat(),
      reply: fc.constantFrom('approve', 'approve', 'decline', 'lost'),
    }),
    weight: 4,
  },
  { arbitrary: fc.constant({ do: 'time' as const }), weight: 3 },
  { arbitrary: fc.record({ do: fc.constant('walkAway' as const), n: fc.nat() }), weight: 4 },
  {
    arbitrary: fc.record({
      do: fc.constant('historyRefund' as const),
      order: fc.nat(),
      mode: fc.constantFrom('all', 'line', 'amount'),
      tip: fc.boolean(),
      to: fc.constantFrom('original', 'original', 'cash', 'outside'),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ do: fc.constant('paymentRefund' as const), n: fc.nat(), half: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ do: fc.constant('paymentVoid' as const), n: fc.nat() }), weight: 2 },
  {
    arbitrary: fc.record({
      do: fc.constant('resolve' as const),
      n: fc.nat(),
      how: fc.constantFrom('refunded-elsewhere', 'accepted'),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ do: fc.constant('tip' as const), n: fc.nat(), tip: fc.constantFrom(0, 100, 300) }),
    weight: 2,
  },
);

const totals = {
  runs: 0,
  steps: 0,
  records: 0,
  parts: {} as Record<string, number>,
  acted: {} as Record<string, number>,
  refused: {} as Record<string, number>,
};

describe('refund ledger model', () => {
  afterAll(() => {
    console.info(
      `[refund-ledger-model] seed ${SEED}: ${totals.runs} runs, ${totals.steps} steps (at most ${MAX_STEPS} each), ${totals.records} ledger records, parts by kind/via ${JSON.stringify(totals.parts)}; steps that acted: ${JSON.stringify(totals.acted)}; refused: ${JSON.stringify(totals.refused)}`,
    );
  });

  it('never gives back more than was taken, per tender and per order; the drawer and the Z report match the journal and the gateway', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: Math.min(20, MAX_STEPS), maxLength: MAX_STEPS, size: 'max' }),
        fc.boolean(),
        async (steps, approveAtEnd) => {
          vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
          const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ct-ledger-'));
          let shiftId = 0;
          const h = startEngineHarness({
            dir,
            backoffMs: BACKOFF,
            shiftId: () => shiftId,
            providers: (ledger) =>
              PROVIDERS.map((spec) =>
                createScriptedProvider({ id: spec.id, method: spec.method, capabilities: spec.capabilities, ledger }),
              ),
          });
          const shifts = createShiftService({
            journal: journalTransaction(h.journal.db),
            shifts: createShiftRepository(h.journal.db),
            audit: h.audit,
            userName: (id) => id,
          });
          shiftId = shifts.open(CASHIER, []).id;
          const w: World = {
            h,
            shifts,
            shiftId,
            orders: [],
            truths: new Map(),
            charged: new Map(),
            drawer: 0,
            outside: new Map(),
            log: [],
          };
          try {
            await h.engine.reconcile();
            for (const [i, step] of steps.entries()) {
              w.log.push(`#${i} ${JSON.stringify(step)}`);
              const acted = await perform(w, step);
              await h.flush();
              register(w);
              checkInvariants(w, `after step #${i} ${JSON.stringify(step)}`);
              if (acted) totals.acted[step.do] = (totals.acted[step.do] ?? 0) + 1;
            }
            await drain(w, approveAtEnd);
            checkReport(w);
            totals.runs += 1;
            totals.steps += steps.length;
            totals.records += h.journal.db.prepare('SELECT COUNT(*) FROM refunds').pluck().get() as number;
            for (const { kind, n } of h.journal.db
              .prepare(
                "SELECT r.kind || '/' || rt.via AS kind, COUNT(*) AS n FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id GROUP BY 1",
              )
              .all() as { kind: string; n: number }[]) {
              totals.parts[kind] = (totals.parts[kind] ?? 0) + n;
            }
          } finally {
            vi.clearAllTimers();
            vi.useRealTimers();
            await h.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env.FC_NO_SHRINK === '1' },
    );
    expect(totals.runs).toBe(RUNS);
  }, 180_000);
});

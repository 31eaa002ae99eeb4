/**
 * Model-based property test of the payment engine (issue 10, "Must show"): fast-check drives
 * random interleavings of start (every provider's capability set), progress, the provider's
 * answers (approve / decline / cancel / lost / wrong), cancel, queries, settle, release,
 * re-deliveries, strangers' answers, links coming back, time passing, cash, and crash +
 * restart on the same journal file. The test keeps the gateway's truth; after EVERY step it checks:
 *  (a) no attempt ever gets a second start;
 *  (b) at most one live (sending/pending/cancelling/unknown, not released) sale per order, and
 *      one live attempt of any kind per card terminal (a wallet payment has no terminal of ours);
 *  (c) every final answer a provider gave is applied, or flagged and audited;
 *  (d) for orders whose approvals the engine has been told: the gateway's net charges equal
 *      the order's electronic tenders plus its attempts in needs_reversal (minus reversals the
 *      engine flagged as over-reversal: a refund repeated after a wrong "cancelled");
 * and, after draining every call with the gateway's truth, (d) for every order with nothing live.
 * Seed and size are fixed for CI; FC_SEED / FC_RUNS / FC_STEPS override them locally, and
 * FC_NO_SHRINK=1 reports the first failure as found (with the journal's attempts and the last steps).
 */
import fc from 'fast-check';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CASHIER, MANAGER, startEngineHarness, type EngineHarness } from '../../../support/engine-harness';
import {
  CAPABILITY_SETS,
  answer,
  createScriptedProvider,
  type CallKind,
  type ScriptedCall,
  type ScriptedProvider,
} from '../../../support/scripted-provider';
import type { ProviderOutcome } from '../../../../src-main/payments/provider';

const SEED = Number(process.env.FC_SEED ?? 20_261_206);
const RUNS = Number(process.env.FC_RUNS ?? 400);
const MAX_STEPS = Number(process.env.FC_STEPS ?? 80);
const BACKOFF = [1_000, 2_000, 4_000];
/** Longer than the engine's grace for an aborted request (5 s) and its longest back-off. */
const LONG_WAIT = 6_000;
const ORDER_TOTALS = [1_000, 1_500, 2_400, 800];
const PROVIDERS = [
  { id: 'iotpay-pax', method: 'card', capabilities: CAPABILITY_SETS.iotpayPax, terminals: [null] },
  { id: 'iotpay-wallet', method: 'wallet', capabilities: CAPABILITY_SETS.iotpayWallet, terminals: [null] },
  { id: 'codepay', method: 'card', capabilities: CAPABILITY_SETS.codepay, terminals: ['lane-1', 'lane-2'] },
  { id: 'yabandpay', method: 'card', capabilities: CAPABILITY_SETS.yabandpay, terminals: [null] },
] as const;
const CARD_PROVIDERS = new Set<string>(PROVIDERS.filter((p) => p.method === 'card').map((p) => p.id));
const LIVE = ['sending', 'pending', 'cancelling', 'unknown'];
const APPROVED_LIKE = ['approved', 'needs_reversal', 'voided', 'refunded', 'partially_refunded'];

type Gateway = 'open' | 'approved' | 'declined' | 'cancelled';

/** What the gateway really did with one attempt (sale or reversal), and whether the engine was told. */
interface Truth {
  id: string;
  orderId: string;
  kind: string;
  amount: number;
  currency: string;
  provider: string;
  reference: string;
  gateway: Gateway;
  /** The engine was given this final truth (an answer, a re-delivery or a manager's settlement). */
  told: boolean;
}

/** The system under test plus the test's own record of the world. */
interface World {
  h: EngineHarness;
  orders: string[];
  truths: Map<string, Truth>;
  /** Every provider instance ever built (a crash builds new ones). */
  providers: ScriptedProvider[];
  /** Final answers given to the engine, for invariant (c). */
  answers: { attemptId: string; state: 'approved' | 'declined' | 'cancelled'; before: string }[];
  steps: number;
  log: string[];
}

type Row = {
  id: string;
  order_id: string;
  provider: string;
  terminal: string | null;
  kind: string;
  state: string;
  released: number;
  amount: number;
  approved_amount: number | null;
};

const rows = (w: World): Row[] => w.h.rows() as unknown as Row[];
const pick = <T>(items: readonly T[], n: number): T | undefined => (items.length ? items[n % items.length] : undefined);
const pendingCalls = (w: World, kind: CallKind): ScriptedCall[] =>
  [...w.h.providers.values()].flatMap((p) => p.calls(kind));
const providerOf = (w: World, call: ScriptedCall): ScriptedProvider =>
  w.h.provider(w.truths.get(call.attempt.id)?.provider ?? '');

function replyFor(truth: Truth): ProviderOutcome {
  if (truth.gateway === 'approved') return answer.approved({ amount: truth.amount, currency: truth.currency });
  if (truth.gateway === 'declined') return answer.declined();
  if (truth.gateway === 'cancelled') return answer.cancelled();
  return answer.pending();
}

/** Learns every attempt the engine sent (sales and the reversals it starts itself). */
function register(w: World): void {
  for (const provider of w.providers) {
    for (const call of provider.history('start')) {
      if (w.truths.has(call.attempt.id)) continue;
      const a = call.attempt;
      w.truths.set(a.id, {
        id: a.id,
        orderId: a.orderId,
        kind: a.kind,
        amount: a.amount,
        currency: a.currency,
        provider: provider.id,
        reference: a.reference,
        gateway: 'open',
        told: false,
      });
    }
  }
}

/** Gives the engine an answer through a pending call (or a re-delivery), keeping the books for (c) and (d). */
function deliver(w: World, truth: Truth, outcome: ProviderOutcome, via: (o: ProviderOutcome) => void): void {
  const final = outcome.state === 'approved' || outcome.state === 'declined' || outcome.state === 'cancelled';
  if (final) {
    w.answers.push({
      attemptId: truth.id,
      state: outcome.state as 'approved',
      before: w.h.row(truth.id)?.state ?? 'missing',
    });
    if (outcome.state === truth.gateway) truth.told = true;
  }
  via(outcome);
}

function decide(truth: Truth, to: Exclude<Gateway, 'open'>): void {
  if (truth.gateway === 'open') truth.gateway = to;
}

const contradictionAudits = (w: World, attemptId: string) =>
  w.h.audits(attemptId).filter((a) => a.action === 'payment.contradiction').length;

/** The journal's attempts and the recent steps, for a failure message. */
function situation(w: World): string {
  const attempts = rows(w).map(
    (r) =>
      `${r.id.slice(0, 8)} ${r.kind} order ${r.order_id.slice(0, 8)} ${r.provider}/${r.terminal ?? '-'} ${r.state}${r.released ? ' released' : ''} ${r.amount}`,
  );
  return `\nattempts:\n  ${attempts.join('\n  ')}\nsteps:\n  ${w.log.slice(-25).join('\n  ')}`;
}

function checkInvariants(w: World, where: string): void {
  const all = rows(w);
  const fail = (message: string) => {
    throw new Error(`${where}: ${message}${situation(w)}`);
  };
  // (a) one start per attempt, ever, across crashes.
  for (const truth of w.truths.values()) {
    const starts = w.providers.reduce((n, p) => n + p.startsFor(truth.id), 0);
    if (starts > 1) fail(`attempt ${truth.id} got ${starts} start calls`);
  }
  // (b) one live, unreleased attempt per order (sales), and one live attempt per terminal (any
  // kind; a manager's release frees the order, never the terminal: rule 5).
  const live = all.filter((r) => LIVE.includes(r.state));
  const count = (rowsToCount: Row[], key: (r: Row) => string) =>
    rowsToCount.reduce((m, r) => m.set(key(r), (m.get(key(r)) ?? 0) + 1), new Map<string, number>());
  for (const [order, n] of count(
    live.filter((r) => !r.released),
    (r) => (r.kind === 'sale' ? r.order_id : `reversal:${r.id}`),
  ))
    if (n > 1) fail(`order ${order} has ${n} live sale attempts`);
  // A wallet payment has no terminal of ours (the customer's phone is the device): only card terminals are exclusive.
  for (const [terminal, n] of count(live, (r) =>
    CARD_PROVIDERS.has(r.provider) ? `${r.provider}/${r.terminal ?? ''}` : `wallet:${r.id}`,
  )) {
    if (n > 1) fail(`terminal ${terminal} has ${n} live attempts`);
  }
  // (c) every final answer applied, or flagged and audited.
  for (const given of w.answers) {
    const row = all.find((r) => r.id === given.attemptId);
    if (!row) fail(`answer for unknown attempt ${given.attemptId}`);
    const audited = contradictionAudits(w, given.attemptId) > 0;
    if (given.state === 'approved') {
      if (!APPROVED_LIKE.includes(row!.state)) fail(`approval of ${given.attemptId} dropped: row is ${row!.state}`);
      if ((given.before === 'declined' || given.before === 'cancelled') && !audited)
        fail(`approval after ${given.before} of ${given.attemptId} not audited`);
    } else if (!['declined', 'cancelled'].includes(row!.state) && !(APPROVED_LIKE.includes(row!.state) && audited)) {
      fail(`${given.state} for ${given.attemptId} neither applied nor flagged: row is ${row!.state}`);
    }
  }
  // (d) money: gateway net == tenders + needs reversal, for orders whose approvals the engine knows.
  for (const orderId of w.orders) checkMoney(w, orderId, all, fail);
}

function checkMoney(w: World, orderId: string, all: Row[], fail: (m: string) => void): void {
  const truths = [...w.truths.values()].filter((t) => t.orderId === orderId);
  if (truths.some((t) => t.gateway === 'approved' && !t.told)) return;
  const net = truths
    .filter((t) => t.gateway === 'approved')
    .reduce((sum, t) => sum + (t.kind === 'sale' ? t.amount : -t.amount), 0);
  const tenders = w.h.orders
    .tenders(orderId)
    .filter((t) => t.attempt_id !== null)
    .reduce((sum, t) => sum + t.amount, 0);
  const owed = all
    .filter((r) => r.order_id === orderId && r.kind === 'sale' && r.state === 'needs_reversal')
    .reduce((sum, r) => sum + (r.approved_amount ?? r.amount), 0);
  // A second reversal approved after the first (the till was told the first failed): flagged money the shop gave away.
  const overReversed = all
    .filter(
      (r) =>
        r.order_id === orderId &&
        r.kind !== 'sale' &&
        r.state === 'approved' &&
        w.h.audits(r.id).some((a) => a.action === 'payment.overReversal'),
    )
    .reduce((sum, r) => sum + (r.approved_amount ?? r.amount), 0);
  if (net !== tenders + owed - overReversed)
    fail(
      `order ${orderId}: gateway holds ${net}, journal has tenders ${tenders} + needs reversal ${owed} - over-reversed ${overReversed}`,
    );
}

/** One step of the interleaving. `n`, `m` pick among what exists at run time; nothing to act on is a no-op. */
type Step =
  | { do: 'start'; order: number; provider: number; lane: number; partial: boolean }
  | { do: 'progress'; n: number }
  | {
      do: 'answerStart';
      n: number;
      reply: 'approve' | 'decline' | 'cancel' | 'lost' | 'error' | 'pending';
      gateway: 'open' | 'approved' | 'declined';
    }
  | { do: 'answerQuery'; n: number; reply: 'truth' | 'decide-approved' | 'decide-declined' | 'lost' }
  | { do: 'answerCancel'; n: number; reply: 'truth' | 'refused' }
  | { do: 'cancel'; n: number }
  | { do: 'settle'; n: number; approve: boolean }
  | { do: 'release'; n: number }
  | { do: 'redeliver'; n: number; wrong: boolean }
  | { do: 'gatewayDecides'; n: number; to: 'approved' | 'declined' | 'cancelled' }
  | { do: 'cash'; order: number }
  | { do: 'time'; ms: number }
  | { do: 'linkRestored'; provider: number }
  | { do: 'foreignAnswer'; lane: number }
  | { do: 'crash' };

function expectBlocked(w: World, label: string, blocked: boolean, action: () => unknown): void {
  let code: string | null = null;
  try {
    action();
  } catch (error) {
    code = (error as { code?: string }).code ?? null;
    if (!code) throw error;
  }
  if (blocked && code !== 'PAYMENT_IN_PROGRESS')
    throw new Error(`${label}: expected PAYMENT_IN_PROGRESS, got ${code ?? 'success'}${situation(w)}`);
  if (!blocked && code !== null)
    throw new Error(`${label}: refused with ${code} though nothing is live${situation(w)}`);
}

/** Runs one step; false when there was nothing to act on (a no-op). */
async function perform(w: World, step: Step): Promise<boolean> {
  const { h } = w;
  const all = rows(w);
  const liveOn = (predicate: (r: Row) => boolean, evenReleased = false) =>
    all.some((r) => LIVE.includes(r.state) && (evenReleased || !r.released) && predicate(r));
  switch (step.do) {
    case 'start': {
      const orderId = w.orders[step.order % w.orders.length];
      const spec = PROVIDERS[step.provider % PROVIDERS.length];
      const terminal = spec.terminals[step.lane % spec.terminals.length];
      const order = h.order(orderId);
      if (order.status !== 'open' || order.due === 0) return false;
      const amount = step.partial ? Math.max(1, Math.floor(order.due / 2)) : order.due;
      const blocked =
        !h.engine.reconciled ||
        liveOn((r) => r.kind === 'sale' && r.order_id === orderId) ||
        (spec.method === 'card' && liveOn((r) => r.provider === spec.id && (r.terminal ?? null) === terminal, true));
      expectBlocked(w, `start ${spec.id}/${terminal} for ${orderId}`, blocked, () =>
        h.startSale(orderId, spec.id, { amount, terminal }),
      );
      return true;
    }
    case 'progress': {
      const call = pick(pendingCalls(w, 'start'), step.n);
      if (!call) return false;
      providerOf(w, call).progress(call, 'Customer is paying');
      return true;
    }
    case 'answerStart': {
      const call = pick(pendingCalls(w, 'start'), step.n);
      if (!call) return false;
      const truth = w.truths.get(call.attempt.id)!;
      const provider = providerOf(w, call);
      if (step.reply === 'approve') decide(truth, 'approved');
      if (step.reply === 'decline') decide(truth, 'declined');
      if (step.reply === 'cancel') decide(truth, 'cancelled');
      if (step.reply === 'lost' || step.reply === 'error') {
        if (step.gateway !== 'open') decide(truth, step.gateway);
      }
      if (step.reply === 'error') {
        provider.fail(call, new Error('socket hang up'));
        return true;
      }
      const outcome =
        step.reply === 'lost' ? answer.unknown() : step.reply === 'pending' ? answer.pending() : replyFor(truth);
      deliver(w, truth, outcome, (o) => provider.release(call, o));
      return true;
    }
    case 'answerQuery': {
      const call = pick(pendingCalls(w, 'query'), step.n);
      if (!call) return false;
      const truth = w.truths.get(call.attempt.id)!;
      const provider = providerOf(w, call);
      if (step.reply === 'lost') {
        provider.fail(call, new Error('timeout'));
        return true;
      }
      if (step.reply === 'decide-approved') decide(truth, 'approved');
      if (step.reply === 'decide-declined') decide(truth, 'declined');
      deliver(w, truth, truth.gateway === 'open' ? answer.pending() : replyFor(truth), (o) =>
        provider.release(call, o),
      );
      return true;
    }
    case 'answerCancel': {
      const call = pick(pendingCalls(w, 'cancel'), step.n);
      if (!call) return false;
      const truth = w.truths.get(call.attempt.id)!;
      if (step.reply === 'truth') decide(truth, 'cancelled');
      const outcome = step.reply === 'refused' ? answer.unknown({ message: 'Close refused' }) : replyFor(truth);
      deliver(w, truth, outcome, (o) => providerOf(w, call).release(call, o));
      return true;
    }
    case 'cancel': {
      const row = pick(
        all.filter((r) => r.kind === 'sale' && (r.state === 'sending' || r.state === 'pending')),
        step.n,
      );
      if (!row) return false;
      h.engine
        .cancel(row.id, CASHIER)
        .catch((error) => w.log.push(`cancel ${row.id} failed: ${(error as Error).message}`));
      return true;
    }
    case 'settle': {
      const row = pick(
        all.filter((r) => r.kind === 'sale' && (r.state === 'unknown' || r.state === 'cancelling')),
        step.n,
      );
      if (!row) return false;
      const truth = w.truths.get(row.id)!;
      decide(truth, step.approve ? 'approved' : 'declined');
      const outcome = truth.gateway === 'approved' ? 'approved' : 'declined';
      // The manager's evidence is the gateway's truth; the settle may wait for an aborted request.
      void Promise.resolve(
        h.engine.settle({
          attemptId: row.id,
          outcome,
          evidence: `slip for ${truth.gateway}`,
          reason: 'checked with the provider',
          managerId: MANAGER,
        }),
      )
        .then(() => {
          if (outcome === truth.gateway) truth.told = true;
        })
        .catch((error) => w.log.push(`settle ${row.id} refused: ${(error as Error).message}`));
      return true;
    }
    case 'release': {
      const row = pick(
        all.filter((r) => r.kind === 'sale' && LIVE.includes(r.state) && !r.released),
        step.n,
      );
      if (!row) return false;
      try {
        h.engine.release({ attemptId: row.id, managerId: MANAGER, reason: 'customer walked away' });
      } catch (error) {
        if ((error as { code?: string }).code !== 'PAYMENT_IN_PROGRESS') throw error;
      }
      return true;
    }
    case 'redeliver': {
      // A wrong answer: the terminal said "cancelled" though the money moved (a charge, or a refund the till may then repeat).
      const truth = pick(
        [...w.truths.values()].filter((t) => t.gateway !== 'open' && (!step.wrong || t.gateway === 'approved')),
        step.n,
      );
      if (!truth) return false;
      const outcome = step.wrong ? answer.cancelled({ message: 'Closed on the terminal' }) : replyFor(truth);
      deliver(w, truth, outcome, (o) => h.engine.eventsFor(truth.provider).lateResult(truth.reference, o));
      return true;
    }
    case 'gatewayDecides': {
      const truth = pick(
        [...w.truths.values()].filter((t) => t.gateway === 'open'),
        step.n,
      );
      if (!truth || truth.gateway !== 'open') return false;
      decide(truth, truth.kind === 'sale' ? step.to : 'approved');
      return true;
    }
    case 'cash': {
      const orderId = w.orders[step.order % w.orders.length];
      const order = h.order(orderId);
      if (order.status !== 'open' || order.due === 0) return false;
      const blocked = liveOn((r) => r.kind === 'sale' && r.order_id === orderId);
      expectBlocked(w, `cash for ${orderId}`, blocked, () => h.checkout.takeCash(orderId, order.due));
      return true;
    }
    case 'time':
      await vi.advanceTimersByTimeAsync(step.ms);
      return true;
    case 'linkRestored':
      h.engine.eventsFor(PROVIDERS[step.provider % PROVIDERS.length].id).linkRestored(null);
      return true;
    case 'foreignAnswer': {
      // A terminal frame with someone else's keys: kept and listed, no attempt may change.
      const before = JSON.stringify(rows(w));
      const kept = h.engine.foreignAnswers().length;
      h.engine.eventsFor('codepay').foreignAnswer({
        terminal: `lane-${1 + (step.lane % 2)}`,
        reason: 'request_id we never sent',
        detail: { request_id: 'stranger', trans_status: 'approved' },
      });
      await h.flush();
      if (JSON.stringify(rows(w)) !== before) throw new Error(`a foreign answer changed an attempt${situation(w)}`);
      if (h.engine.foreignAnswers().length !== kept + 1)
        throw new Error(`a foreign answer was not kept${situation(w)}`);
      return true;
    }
    case 'crash': {
      // The process dies: its timers with it; its sockets never answer again.
      vi.clearAllTimers();
      h.crash();
      w.providers.push(...h.providers.values());
      h.engine.reconcile().catch((error) => void w.log.push(`reconcile failed: ${(error as Error).message}`));
      return true;
    }
  }
}

/**
 * Every pending call answered with the gateway's truth, every open truth decided, and every charge
 * the engine was never told re-delivered by the provider, until nothing is live.
 */
async function drain(w: World, approveOpen: boolean): Promise<void> {
  for (let round = 0; round < 40; round += 1) {
    register(w);
    for (const truth of w.truths.values())
      decide(truth, truth.kind !== 'sale' || approveOpen ? 'approved' : 'declined');
    for (const kind of ['start', 'query', 'cancel'] as const) {
      for (const call of pendingCalls(w, kind)) {
        const truth = w.truths.get(call.attempt.id)!;
        deliver(w, truth, replyFor(truth), (o) => providerOf(w, call).release(call, o));
      }
    }
    const idle = new Set(
      rows(w)
        .filter((r) => !LIVE.includes(r.state))
        .map((r) => r.id),
    );
    for (const truth of w.truths.values()) {
      if (truth.gateway === 'approved' && !truth.told && idle.has(truth.id)) {
        deliver(w, truth, replyFor(truth), (o) => w.h.engine.eventsFor(truth.provider).lateResult(truth.reference, o));
      }
    }
    await w.h.flush();
    await vi.advanceTimersByTimeAsync(LONG_WAIT);
    await w.h.flush();
    register(w);
    checkInvariants(w, `drain round ${round}`);
    const live = rows(w).filter((r) => LIVE.includes(r.state));
    if (live.length === 0 && ['start', 'query', 'cancel'].every((k) => pendingCalls(w, k as CallKind).length === 0)) {
      const untold = [...w.truths.values()].filter((t) => t.gateway === 'approved' && !t.told);
      if (untold.length === 0) return;
    }
  }
  throw new Error(`still live after draining${situation(w)}`);
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      do: fc.constant('start' as const),
      order: fc.nat(),
      provider: fc.nat(),
      lane: fc.nat(),
      partial: fc.boolean(),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ do: fc.constant('progress' as const), n: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      do: fc.constant('answerStart' as const),
      n: fc.nat(),
      reply: fc.constantFrom('approve', 'approve', 'decline', 'cancel', 'lost', 'error', 'pending'),
      gateway: fc.constantFrom('open', 'approved', 'declined'),
    }),
    weight: 7,
  },
  {
    arbitrary: fc.record({
      do: fc.constant('answerQuery' as const),
      n: fc.nat(),
      reply: fc.constantFrom('truth', 'decide-approved', 'decide-declined', 'lost'),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      do: fc.constant('answerCancel' as const),
      n: fc.nat(),
      reply: fc.constantFrom('truth', 'refused'),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ do: fc.constant('cancel' as const), n: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ do: fc.constant('settle' as const), n: fc.nat(), approve: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ do: fc.constant('release' as const), n: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ do: fc.constant('redeliver' as const), n: fc.nat(), wrong: fc.boolean() }), weight: 1 },
  {
    arbitrary: fc.record({
      do: fc.constant('gatewayDecides' as const),
      n: fc.nat(),
      to: fc.constantFrom('approved', 'declined', 'cancelled'),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ do: fc.constant('cash' as const), order: fc.nat() }), weight: 3 },
  {
    arbitrary: fc.record({ do: fc.constant('time' as const), ms: fc.constantFrom(1_000, 2_000, LONG_WAIT) }),
    weight: 4,
  },
  { arbitrary: fc.record({ do: fc.constant('linkRestored' as const), provider: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ do: fc.constant('foreignAnswer' as const), lane: fc.nat() }), weight: 1 },
  { arbitrary: fc.constant({ do: 'crash' as const }), weight: 1 },
);

const totals = {
  runs: 0,
  steps: 0,
  attempts: 0,
  needsReversal: 0,
  contradictions: 0,
  acted: {} as Record<string, number>,
};

describe('payment engine model', () => {
  afterAll(() => {
    // The lead reports these numbers.
    console.info(
      `[engine-model] seed ${SEED}: ${totals.runs} runs, ${totals.steps} steps (${RUNS} runs asked, at most ${MAX_STEPS} steps each), ` +
        `${totals.attempts} attempts, ${totals.needsReversal} needed a reversal, ${totals.contradictions} contradictions audited; steps that acted: ${JSON.stringify(totals.acted)}`,
    );
  });

  it('holds the money invariants after every step of random interleavings, and after draining', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: MAX_STEPS, size: 'max' }),
        fc.boolean(),
        async (steps, approveOpen) => {
          vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
          // The journal keeps synchronous=FULL: on a RAM disk where there is one, so fsyncs do not dominate.
          const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'ct-model-'));
          const h = startEngineHarness({
            dir,
            backoffMs: BACKOFF,
            providers: (ledger) =>
              PROVIDERS.map((spec) =>
                createScriptedProvider({ id: spec.id, method: spec.method, capabilities: spec.capabilities, ledger }),
              ),
          });
          const w: World = {
            h,
            orders: [],
            truths: new Map(),
            providers: [...h.providers.values()],
            answers: [],
            steps: 0,
            log: [],
          };
          try {
            await h.engine.reconcile();
            w.orders = ORDER_TOTALS.map((total) => h.openOrder(total));
            for (const [i, step] of steps.entries()) {
              w.log.push(`#${i} ${JSON.stringify(step)} reconciled=${h.engine.reconciled}`);
              const acted = await perform(w, step);
              await h.flush();
              register(w);
              checkInvariants(w, `after step #${i} ${JSON.stringify(step)}`);
              w.steps += 1;
              if (acted) totals.acted[step.do] = (totals.acted[step.do] ?? 0) + 1;
            }
            await drain(w, approveOpen);
            totals.runs += 1;
            totals.steps += w.steps;
            totals.attempts += w.truths.size;
            totals.needsReversal += rows(w).filter((r) =>
              h.audits(r.id).some((a) => a.action === 'payment.needsReversal'),
            ).length;
            totals.contradictions += h.audits().filter((a) => a.action === 'payment.contradiction').length;
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
  }, 120_000);
});

/**
 * The REAL payment engine over a REAL SQLite journal in a temp dir, wired as src-main/core.ts
 * wires it (repositories, checkout, audit log), with scripted providers the test answers.
 * `crash()` stops the engine as a dead process would (no timers, providers that never answer) and opens a new one on the same file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, type AuditLog } from '../../src-main/auth/audit-log';
import { createAuditRepository } from '../../src-main/journal/audit-repository';
import {
  createAttemptRepository,
  toAttemptView,
  type AttemptRepository,
  type AttemptRow,
} from '../../src-main/journal/attempt-repository';
import { journalTransaction, openJournal, type JournalHandle } from '../../src-main/journal/open-journal';
import { createOrderRepository, type OrderRepository } from '../../src-main/journal/order-repository';
import { createUserRepository } from '../../src-main/journal/user-repository';
import {
  createPaymentEngine,
  type EngineDeps,
  type PaymentEngine,
} from '../../src-main/payments/engine/payment-engine';
import { createCheckout, type Checkout } from '../../src-main/sales/checkout';
import { createRefundRepository } from '../../src-main/journal/refund-repository';
import { createRefundService, type RefundService } from '../../src-main/sales/refund-service';
import { buildOrderView } from '../../src-main/sales/order-view';
import type { OrderView } from '../../src-shared/domain';
import {
  createGatewayLedger,
  createScriptedProvider,
  type GatewayLedger,
  type ScriptedCall,
  type ScriptedProvider,
  type ScriptedProviderOptions,
} from './scripted-provider';

export const CASHIER = 'cashier-1';
export const MANAGER = 'manager-1';

/** One running engine on the journal file (a till process). */
export interface Till {
  journal: JournalHandle;
  engine: PaymentEngine;
  attempts: AttemptRepository;
  orders: OrderRepository;
  checkout: Checkout;
  audit: AuditLog;
  /** The refund ledger, wired as core.ts wires it: every refund and void goes through it. */
  refunds: RefundService;
  providers: Map<string, ScriptedProvider>;
  /** The engine's log lines (message and error text). */
  log: string[];
}

export interface EngineHarnessOptions {
  tillId?: number;
  /** Builds the till's providers; called again (fresh instances) after a crash. */
  providers(ledger: GatewayLedger): ScriptedProvider[];
  backoffMs?: readonly number[];
  now?: () => Date;
  /** Reuse a journal directory (a second harness on another till's file stays separate). */
  dir?: string;
  currency?: string;
  /** The shift new orders and refund records join (none by default). */
  shiftId?: () => number | null;
}

export interface EngineHarness extends Till {
  dir: string;
  path: string;
  tillId: number;
  ledger: GatewayLedger;
  /** An open order with one line of `total` minor units. */
  openOrder(total: number): string;
  order(orderId: string): OrderView;
  /** The attempt's journal row as stored (with any column the engine adds). */
  row(attemptId: string): AttemptRow & Record<string, unknown>;
  rows(orderId?: string): (AttemptRow & Record<string, unknown>)[];
  /** Audit entries, oldest first, optionally about one attempt (`attempt:<id>`). */
  audits(attemptId?: string): { action: string; object: string | null; user_id: string | null; detail: string }[];
  /** Lets every promise chain the engine started run (no timers). */
  flush(): Promise<void>;
  provider(id: string): ScriptedProvider;
  /** Starts a sale of `amount` (default: all that is due) and returns the attempt id and the provider's start call. */
  startSale(
    orderId: string,
    providerId: string,
    options?: { amount?: number; terminal?: string | null },
  ): { id: string; call: ScriptedCall };
  /** Kills this till's providers and drops its engine unclosed; the next engine runs on the same file. Reconcile is the caller's. */
  crash(): Till;
  close(): Promise<void>;
}

function openTill(path: string, options: EngineHarnessOptions, ledger: GatewayLedger, tillId: number): Till {
  const journal = openJournal(path);
  const { db } = journal;
  const users = createUserRepository(db);
  if (!users.byId(CASHIER)) users.create({ id: CASHIER, name: 'Casey', role: 'cashier', pinHash: 'unused' });
  if (!users.byId(MANAGER)) users.create({ id: MANAGER, name: 'Morgan', role: 'manager', pinHash: 'unused' });
  const audit = createAuditLog(createAuditRepository(db));
  const orders = createOrderRepository(db);
  const attempts = createAttemptRepository(db);
  const view = (orderId: string): OrderView => {
    const order = orders.byId(orderId)!;
    return buildOrderView({
      order,
      lines: orders.lines(orderId),
      tenders: orders.tenders(orderId),
      attempts: attempts.byOrder(orderId).map(toAttemptView),
      cashierName: 'Casey',
      cashRoundingStep: 1,
      refunded: orders.refunded(orderId),
    });
  };
  const transactions = journalTransaction(db);
  const checkout = createCheckout({
    journal: transactions,
    orders,
    cashRoundingStep: 1,
    view: (order) => view(order.id),
    changed: () => undefined,
    hasUnresolvedAttempt: (orderId) => engine.hasUnresolved(orderId),
    cashTaken: () => undefined,
    completed: () => undefined,
    cashBackGiven: () => undefined,
  });
  const providers = new Map(options.providers(ledger).map((p) => [p.id, p]));
  const log: string[] = [];
  const refunds = createRefundService({
    journal: transactions,
    refunds: createRefundRepository(db),
    attempts,
    orders,
    engine: undefined as unknown as PaymentEngine,
    providers,
    audit,
    tillId,
    orderView: view,
    shiftId: options.shiftId ?? (() => null),
    currentShiftId: options.shiftId ?? (() => null),
    userName: (id) => id,
    cashRefunded: () => undefined,
    cashRoundingStep: 1,
  });
  const deps: EngineDeps = {
    journal: transactions,
    attempts,
    orders,
    checkout,
    providers,
    audit,
    tillId,
    ledger: {
      reversalJournaled: (reversal, original) => refunds.reversalJournaled(reversal, original),
      givenBackOn: (id) => refunds.givenBackOn(id),
    },
    amountDue: (orderId) => view(orderId).due,
    attemptChanged: () => undefined,
    orderChanged: () => undefined,
    orderCompleted: () => undefined,
    log: (message, error) =>
      void log.push(error ? `${message}: ${(error as Error).message ?? String(error)}` : message),
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  const engine = createPaymentEngine(deps);
  const built = createRefundService({
    journal: transactions,
    refunds: createRefundRepository(db),
    attempts,
    orders,
    engine,
    providers,
    audit,
    tillId,
    orderView: view,
    shiftId: options.shiftId ?? (() => null),
    currentShiftId: options.shiftId ?? (() => null),
    userName: (id) => id,
    cashRefunded: () => undefined,
    cashRoundingStep: 1,
  });
  Object.assign(refunds, built);
  return { journal, engine, attempts, orders, checkout, audit, refunds, providers, log };
}

export function startEngineHarness(options: EngineHarnessOptions): EngineHarness {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ct-engine-'));
  const tillId = options.tillId ?? 7;
  const path = join(dir, `journal-${tillId}.sqlite`);
  const ledger = createGatewayLedger();
  const tills: Till[] = [openTill(path, options, ledger, tillId)];
  const current = () => tills[tills.length - 1];
  const db = () => current().journal.db;

  const harness: EngineHarness = {
    ...current(),
    dir,
    path,
    tillId,
    ledger,
    openOrder(total) {
      const order = harness.orders.createOrder(options.currency ?? 'EUR', CASHIER, options.shiftId?.() ?? null);
      harness.orders.addLine(order.id, {
        productId: null,
        name: 'Item',
        barcode: null,
        unit: 'each',
        unitPrice: total,
        qtyMilli: 1000,
        taxes: [],
        embedded: null,
      });
      return order.id;
    },
    order(orderId) {
      const { orders, attempts } = current();
      return buildOrderView({
        order: orders.byId(orderId)!,
        lines: orders.lines(orderId),
        tenders: orders.tenders(orderId),
        attempts: attempts.byOrder(orderId).map(toAttemptView),
        cashierName: 'Casey',
        cashRoundingStep: 1,
        refunded: orders.refunded(orderId),
      });
    },
    row: (attemptId) =>
      db().prepare('SELECT * FROM payment_attempts WHERE id = ?').get(attemptId) as AttemptRow &
        Record<string, unknown>,
    rows: (orderId) =>
      (orderId
        ? db().prepare('SELECT * FROM payment_attempts WHERE order_id = ? ORDER BY rowid').all(orderId)
        : db().prepare('SELECT * FROM payment_attempts ORDER BY rowid').all()) as (AttemptRow &
        Record<string, unknown>)[],
    audits: (attemptId) =>
      (attemptId
        ? db()
            .prepare('SELECT action, object, user_id, detail FROM audit WHERE object = ? ORDER BY seq')
            .all(`attempt:${attemptId}`)
        : db().prepare('SELECT action, object, user_id, detail FROM audit ORDER BY seq').all()) as {
        action: string;
        object: string | null;
        user_id: string | null;
        detail: string;
      }[],
    async flush() {
      for (let i = 0; i < 5; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
    },
    provider(id) {
      const provider = current().providers.get(id);
      if (!provider) throw new Error(`no provider ${id}`);
      return provider;
    },
    startSale(orderId, providerId, saleOptions = {}) {
      const provider = harness.provider(providerId);
      const view = harness.engine.start({
        orderId,
        providerId,
        amount: saleOptions.amount ?? harness.order(orderId).due,
        tip: 0,
        userId: CASHIER,
        ...(saleOptions.terminal !== undefined ? { terminal: saleOptions.terminal } : {}),
        ...(provider.method === 'wallet'
          ? { walletCode: { value: '134567890123456789', masked: '1345************89' } }
          : {}),
      });
      const call = provider.history('start').find((c) => c.attempt.id === view.id);
      if (!call) throw new Error(`the engine did not call ${providerId}.start for attempt ${view.id}`);
      return { id: view.id, call };
    },
    crash() {
      // A dead process runs no timers: the old engine stops (nothing it would still do reaches the
      // journal), and its providers never answer again.
      for (const provider of current().providers.values()) provider.kill();
      void current().engine.close();
      tills.push(openTill(path, options, ledger, tillId));
      Object.assign(harness, current());
      return current();
    },
    async close() {
      for (const till of tills) await till.engine.close().catch(() => undefined);
      for (const till of tills) till.journal.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** A providers factory for one scripted provider (fresh after every crash). */
export function oneProvider(options: Omit<ScriptedProviderOptions, 'ledger'>): EngineHarnessOptions['providers'] {
  return (ledger) => [createScriptedProvider({ ...options, ledger })];
}

/** Runs `action` and returns the PosError code it threw (undefined when it did not throw). */
export function errorCodeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? `not a PosError: ${(error as Error).message}`;
  }
}

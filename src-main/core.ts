/**
 * Builds the whole app from a config: journal, catalogue, sessions, cart, checkout,
 * payments, devices and (in demo mode) the simulators. Both shells (Electron and the
 * headless host) run exactly this; they only carry its dispatch and events.
 */
import { join } from 'node:path';
import type { OrderView } from '../src-shared/domain';
import { PosError } from '../src-shared/errors';
import { formatMoney } from '../src-shared/money';
import { PPM, type TaxRate } from '../src-shared/pricing';
import { createApprovals } from './auth/approvals';
import { createCredentialCheck } from './auth/credential-check';
import { createPermissions } from './auth/permissions';
import { createAuditLog } from './auth/audit-log';
import { createAuditRepository } from './journal/audit-repository';
import { createProductReader } from './journal/product-repository';
import { createReportRepository } from './journal/report-repository';
import { createSessionManager } from './auth/session-manager';
import { createUserRepository } from './journal/user-repository';
import { createCatalog } from './catalog/catalog';
import { recoverInterruptedImport } from './catalog/import-writer';
import type { AppConfig } from './config/config-schema';
import { seedDemo } from './demo/seed-demo';
import { startDeviceHub, type DeviceHub } from './devices/device-hub';
import type { OsPrint } from './devices/printer/os-transport';
import { startDemoServices, type DemoServices } from './demo/demo-services';
import { createDispatcher, type Dispatch } from './ipc/dispatcher';
import { createRefusalAudit } from './ipc/refusal-audit';
import { createEventBus, type EventBus } from './ipc/event-bus';
import { createHandlers } from './ipc/handlers';
import { createManagerHandlers } from './ipc/manager-handlers';
import { createRefundRepository } from './journal/refund-repository';
import { createSettingsRepository } from './journal/settings-repository';
import { createShiftRepository } from './journal/shift-repository';
import { createSettingsHandlers, SCANNER_SETTING } from './ipc/settings-handlers';
import type { ScannerConfig } from './devices/scanner/scanner-config';
import { journalTransaction, type JournalHandle } from './journal/open-journal';
import { createAttemptRepository, toAttemptView } from './journal/attempt-repository';
import { createPaymentEngine, type PaymentEngine } from './payments/engine/payment-engine';
import { createProviders, type ProviderTimings } from './payments/provider-registry';
import { PROVIDER_MODULES } from './payments/provider-list';
import type { AnyProviderModule } from './payments/provider-module';
import { createCartService } from './sales/cart-service';
import { createCheckout } from './sales/checkout';
import { createRefundService } from './sales/refund-service';
import { createScanRouter } from './sales/scan-router';
import type { ReportDeps } from './sales/shift-report';
import { createShiftService } from './sales/shift-service';
import { createOrderRepository, type OrderRow } from './journal/order-repository';
import { buildOrderView, orderDue } from './sales/order-view';
import { createCompletionPrinting } from './sales/receipt-policy';
import { createDrawerPolicy } from './devices/drawer-policy';
import { consoleLogger, type Logger } from './logger';
import { defaultKeyStore, openChainedJournal } from './integrity/chained-journal';
import type { JournalChain } from './integrity/journal-chain';
import { anchorPathFor, mismatchedAnchors } from './integrity/chain-hash';
import { exportChainJson, verifyJournalChain } from './integrity/chain-verify';
import type { KeyStore } from './integrity/signing-key';
import { createJournalCheck, refuseWhenDamaged, type JournalCheck } from './journal/integrity-check';

export interface CoreOptions {
  config: AppConfig;
  /** Where resources/ (sample catalogue, icons) live in this build. */
  resourcesDir: string;
  log?: Logger;
  /** Payment engine re-query delays (tests shorten them). */
  backoffMs?: readonly number[];
  /** Provider timing overrides, by provider module key (tests shorten them). */
  providerTimings?: ProviderTimings;
  /** The payment provider modules offered (default: the build's list; tests add fixture providers). */
  providerModules?: readonly AnyProviderModule[];
  /** better_sqlite3.node built for the running runtime (the Electron shell's own build). */
  sqliteBinding?: string;
  /** Where the journal's signing key is kept (default: a 0600 file, security.signingKeyFile or the data folder's signing.key). */
  signingKeys?: KeyStore;
  /** OS printing, which only the Electron shell has (printer type 'os'). */
  osPrint?: OsPrint;
  /**
   * How long after the till is ready the journal's background integrity check starts (default
   * 2000 ms, so the first screens come first); null: not started by itself (tests call
   * `core.journalCheck.start()`).
   */
  journalCheckDelayMs?: number | null;
}

export interface Core {
  config: AppConfig;
  journal: JournalHandle;
  /** The journal's signed chain (its anchor is printed on Z reports). */
  chain: JournalChain;
  dispatch: Dispatch;
  events: EventBus;
  engine: PaymentEngine;
  devices: DeviceHub;
  demo: DemoServices | null;
  /** Resolves once attempts left by a crash are reconciled. */
  ready: Promise<void>;
  /** SQLite's full integrity check of the journal, run in the background (issue 14). */
  journalCheck: JournalCheck;
  close(): Promise<void>;
}

export function taxRatesOf(config: AppConfig): Map<string, TaxRate> {
  return new Map(
    config.taxes.map((t) => [
      t.code,
      { code: t.code, label: t.label, ratePpm: Math.round(t.ratePercent * (PPM / 100)), inclusive: t.inclusive },
    ]),
  );
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const { config } = options;
  const log = options.log ?? consoleLogger;
  // The signed chain starts before anything else uses the connection: every write is linked and sealed.
  const keys = options.signingKeys ?? defaultKeyStore(config.dataDir, config.security.signingKeyFile);
  const chained = openChainedJournal(join(config.dataDir, 'journal.sqlite'), {
    keys,
    log: log.info,
    ...(options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {}),
  });
  const { journal, chain, chainRows } = chained;
  // Start-up no longer reads every page: the full check runs in a worker once the till is up.
  const journalCheck = createJournalCheck({
    path: journal.path,
    log: log.info,
    ...(options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {}),
  });
  const { db } = journal;
  const events = createEventBus();
  const auditRows = createAuditRepository(db);
  const audit = createAuditLog(auditRows);
  if (chained.keyCreated)
    audit.append({
      userId: null,
      action: 'journal.keyCreated',
      object: `key:${chained.key.id}`,
      detail: { where: keys.where },
    });
  for (const note of chain.startNotes)
    audit.append({ userId: null, action: 'journal.chainWarning', object: null, detail: { note } });
  const users = createUserRepository(db);
  const orders = createOrderRepository(db);
  const attempts = createAttemptRepository(db);
  const taxRates = taxRatesOf(config);
  // An import cut short by a crash is undone before anything reads the catalogue (one-row check when none was).
  const recovered = recoverInterruptedImport(db);
  if (recovered !== 'none')
    log.info(`Catalogue: an interrupted import was ${recovered === 'rolled-back' ? 'undone' : 'cleared'}`);
  const catalog = createCatalog({
    db,
    currency: config.store.currency,
    taxCodes: [...taxRates.keys()],
    nomenclature: config.barcodes,
    ...(options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {}),
  });

  const providerModules = options.providerModules ?? PROVIDER_MODULES;
  const demo = config.demo
    ? await startDemoServices({ log, currency: config.store.currency, modules: providerModules })
    : null;
  if (config.demo) {
    await seedDemo({
      users,
      products: createProductReader(db),
      catalog,
      resourcesDir: options.resourcesDir,
      log,
      managerPinMinLength: config.security.managerPinMinLength,
    });
  }

  const format = (amount: number, currency: string) => formatMoney(amount, currency, config.store.locale);
  const cashierName = (order: OrderRow) => users.byId(order.cashier_id)?.name ?? 'Unknown';
  const view = (order: OrderRow): OrderView => {
    const built = buildOrderView({
      order,
      lines: orders.lines(order.id),
      tenders: orders.tenders(order.id),
      attempts: attempts.byOrder(order.id).map(toAttemptView),
      cashierName: cashierName(order),
      cashRoundingStep: config.store.cashRoundingStep,
      refunded: orders.refunded(order.id),
    });
    // What each payment can still give back is the refund ledger's word (refunds made any way count).
    return refunds.withLedgerRefundable(built);
  };
  /** A stored sale by the id a request names, or NOT_FOUND (ids may be unknown or another till's). */
  const storedOrder = (orderId: string): OrderRow => {
    const order = orders.byId(orderId);
    if (!order) throw new PosError('NOT_FOUND', `No sale ${orderId} on this till.`, 'orderId');
    return order;
  };
  const orderChanged = (order: OrderView) => events.emit('pos:order.changed', order);

  const userName = (id: string | null) => (id ? (users.byId(id)?.name ?? 'Unknown') : '');
  const shiftRows = createShiftRepository(db);
  const refundRows = createRefundRepository(db);
  const transactions = journalTransaction(db);
  const shifts = createShiftService({ journal: transactions, shifts: shiftRows, audit, userName });
  const journalOpen = () => transactions.open;
  const printOnCompletion = createCompletionPrinting({
    autoPrint: config.devices.autoPrint,
    printer: () => devices.printer,
    store: config.store,
    demo: config.demo,
    format,
    journalOpen,
    log,
  });
  // One credential check for logins and approvals: one failure count and lock per user.
  const credentials = createCredentialCheck({ users, policy: config.security });
  const sessions = createSessionManager({
    users,
    audit,
    policy: config.security,
    credentials,
    onChange: (s) => events.emit('pos:session.changed', s),
  });
  const drawer = createDrawerPolicy({
    printer: () => devices.printer,
    audit,
    userId: () => sessions.current()?.user.id ?? null,
    journalOpen,
    log,
  });
  const cart = createCartService({
    orders,
    products: catalog,
    shiftFor: (cashierId) => shifts.ensureOpen(cashierId),
    recordVoid: (entry) => shiftRows.recordVoid(entry),
    hasUnresolvedAttempt: (orderId) => engine.hasUnresolved(orderId),
    taxRates,
    currency: config.store.currency,
    taxRounding: config.store.taxRounding,
    view,
    changed: orderChanged,
  });
  // The engine is built below; checkout only calls into it once the till is running.
  const checkout = createCheckout({
    journal: transactions,
    orders,
    cashRoundingStep: config.store.cashRoundingStep,
    view,
    changed: orderChanged,
    hasUnresolvedAttempt: (orderId) => engine.hasUnresolved(orderId),
    cashTaken: (order, _tendered, change) => drawer.cashTaken(order, change),
    // Off the sale's own path; a throw here (a journal busy for too long) is logged, never uncaught (issue 12).
    completed: (order) =>
      setImmediate(() => {
        try {
          printOnCompletion(order);
        } catch (error) {
          log.error(`Receipt for sale ${order.number} was not printed`, error);
        }
      }),
    cashBackGiven: (order, amount) => drawer.cashBackGiven(order, amount),
  });
  const settings = createSettingsRepository(db);
  const { providers, lanes, startPairing } = createProviders({
    modules: providerModules,
    config,
    demo,
    log,
    ...(options.providerTimings ? { timings: options.providerTimings } : {}),
    events: (providerId) => engine.eventsFor(providerId),
  });
  const engine = createPaymentEngine({
    journal: transactions,
    attempts,
    orders,
    checkout,
    providers,
    audit,
    tillId: config.store.tillId,
    ledger: {
      reversalJournaled: (reversal, original) => refunds.reversalJournaled(reversal, original),
      givenBackOn: (id) => refunds.givenBackOn(id),
    },
    // The amount alone: no full order view (attempts, cashier, refund ledger) for a number.
    amountDue: (orderId) => {
      const order = storedOrder(orderId);
      return orderDue(order, orders.lines(order.id), orders.tenders(order.id));
    },
    // The screens see what a payment can still give back as the refund ledger says it.
    attemptChanged: (attempt) => {
      const narrowed =
        attempt.refundable > 0 && refundRows.anyForOrder(attempt.orderId)
          ? view(orders.byId(attempt.orderId)!).attempts.find((a) => a.id === attempt.id)
          : null;
      events.emit('pos:payment.changed', narrowed ? { ...attempt, refundable: narrowed.refundable } : attempt);
    },
    orderChanged: (orderId) => {
      const order = orders.byId(orderId);
      if (order) orderChanged(view(order));
    },
    // As the checkout's: after the approval has reached the screens, and a throw here is logged, never uncaught.
    orderCompleted: (orderId) =>
      setImmediate(() => {
        if (!journalOpen()) return;
        let order: OrderRow | null = null;
        try {
          order = orders.byId(orderId);
          if (order) printOnCompletion(view(order));
        } catch (error) {
          log.error(`Receipt for sale ${order?.number ?? orderId} was not printed`, error);
        }
      }),
    log: (message, error) => (error ? log.error(message, error) : log.info(message)),
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
  });

  const approvals = createApprovals({ users, audit, policy: config.security, credentials });
  const permissions = createPermissions({ approvals, audit });
  const orderView = (orderId: string) => view(storedOrder(orderId));
  const scans = createScanRouter({ sessions, catalog, cart, engine, providers, orderView });
  const printerConfig =
    config.devices.printer.type === 'none' && demo
      ? { type: 'tcp' as const, host: demo.printer.host, port: demo.printer.port }
      : config.devices.printer;
  const devices: DeviceHub = await startDeviceHub({
    db,
    printer: printerConfig,
    storeName: config.store.name,
    log,
    ...(options.osPrint ? { osPrint: options.osPrint } : {}),
    // A scanner the manager chose at the till wins over the file's; the demo has its virtual one.
    scanner:
      settings.get<ScannerConfig>(SCANNER_SETTING) ??
      (demo && config.devices.scanner.type === 'none' ? demo.scanner : config.devices.scanner),
    // A scan read in main lands in the cart like a wedge scan; its outcome is told to the window.
    onScan: (code) => {
      try {
        const routed = scans.route(code);
        events.emit('pos:scan.received', { kind: routed.kind, display: routed.display, error: null });
      } catch (error) {
        const message = error instanceof PosError ? error.message : 'The scan could not be handled.';
        if (!(error instanceof PosError)) log.error('Scan failed', error);
        events.emit('pos:scan.received', { kind: null, display: catalog.resolveScan(code).display, error: message });
      }
    },
    onChange: (view) => events.emit('pos:devices.changed', view),
  });
  demo?.onChange(() => events.emit('pos:demo.changed', { waiting: demo.waiting().length }));
  const refunds = createRefundService({
    journal: transactions,
    refunds: refundRows,
    attempts,
    orders,
    engine,
    providers,
    audit,
    orderView,
    userName,
    tillId: config.store.tillId,
    shiftId: (userId) => shifts.ensureOpen(userId),
    currentShiftId: () => shifts.currentId(),
    cashRoundingStep: config.store.cashRoundingStep,
    changed: (orderId) => {
      const order = orders.byId(orderId);
      if (order) orderChanged(view(order));
    },
    cashRefunded: (order, amount) => drawer.cashRefunded(order, amount),
  });
  const reportDeps: ReportDeps = {
    report: createReportRepository(db),
    shifts: shiftRows,
    storeName: config.store.name,
    currency: config.store.currency,
    orderView,
    recordFigures: (orderId, figures) => orders.recordFigures(orderId, figures),
    userName,
    providerLabel: (id) => providers.get(id)?.label ?? id,
    unresolved: () => engine.unresolved(),
    expectedCash: (shift) => shifts.expectedCash(shift),
    refunds: refundRows,
    attempts,
  };
  // Terminals that pair with the till: the Devices screen shows the first module's that does.
  const pairings = await startPairing({
    settings,
    posName: config.store.name,
    log,
    demo: demo !== null,
    changed: (view) => events.emit('pos:terminals.changed', view),
  });
  const settingsHandlers = createSettingsHandlers({
    sessions,
    audit,
    settings,
    devices,
    pairing: pairings[0] ?? null,
    demo,
    providers,
    lanes,
  });
  const manager = createManagerHandlers({
    config,
    journal: journalTransaction(db),
    sessions,
    permissions,
    audit,
    auditRows,
    shifts,
    shiftRows,
    orders,
    refunds,
    engine,
    devices,
    reportDeps,
    orderView,
    log,
    format,
    journalChain: {
      // The till's own last links are sealed first: a seal normally follows each commit a moment later.
      verify: () => {
        chain.seal();
        return verifyJournalChain(chainRows, {
          anchorFiles: [
            { path: anchorPathFor(journal.path), setAside: false },
            ...mismatchedAnchors(journal.path).map((path) => ({ path, setAside: true })),
          ],
        });
      },
      export: () => {
        chain.seal();
        return exportChainJson(chainRows, anchorPathFor(journal.path), chain.anchor());
      },
    },
    zSeal: {
      seal(zNumber) {
        chain.seal();
        const anchor = chain.anchor(true)!;
        const seal = { seq: anchor.seq, hash: anchor.hash, keyId: anchor.keyId };
        chainRows.recordZAnchor(zNumber, seal);
        return seal;
      },
      of: (zNumber) => chainRows.zAnchor(zNumber),
    },
  });
  const handlers = createHandlers({
    journalKey: { protection: keys.protection, where: keys.where },
    journalCheck: () => journalCheck.view(),
    config,
    users,
    sessions,
    catalog,
    cart,
    checkout,
    orders,
    engine,
    refunds,
    audit,
    permissions,
    manager,
    demo,
    events,
    view,
    format,
    providers,
    lanes,
    scans,
    devices,
    settingsHandlers,
  });
  const dispatch = createDispatcher(handlers, (message, error) => log.error(message, error), {
    // Refusals worth an audit entry (ipc/refusal-audit.ts): a role's limits, acting without a session.
    refused: createRefusalAudit({ audit, userId: () => sessions.current()?.user.id ?? null }),
  });
  // A journal its integrity check found damaged takes no new money in (journal/integrity-check.ts).
  refuseWhenDamaged(journalCheck, cart, ['addScanned', 'addProductById'], 'new sales');
  refuseWhenDamaged(journalCheck, checkout, ['takeCash'], 'new payments');
  refuseWhenDamaged(journalCheck, engine, ['start'], 'new payments');
  const ready = engine.reconcile().catch((error) => log.error('Reconciling payments failed', error));
  let checkTimer: NodeJS.Timeout | null = null;
  let closing = false;
  const checkDelay = options.journalCheckDelayMs === undefined ? 2000 : options.journalCheckDelayMs;
  if (checkDelay !== null)
    void ready.then(() => {
      if (closing) return;
      checkTimer = setTimeout(() => void journalCheck.start(), checkDelay);
      checkTimer.unref();
    });

  return {
    config,
    journal,
    chain,
    dispatch,
    events,
    engine,
    devices,
    demo,
    ready,
    journalCheck,
    async close() {
      closing = true;
      if (checkTimer) clearTimeout(checkTimer);
      await journalCheck.close();
      for (const pairing of pairings) await pairing.close();
      await engine.close();
      await devices.close();
      await demo?.close();
      chained.close();
    },
  };
}

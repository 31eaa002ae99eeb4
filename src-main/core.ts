/**
 * Builds the whole app from a config: journal, catalogue, sessions, cart, checkout,
 * payments, devices and (in demo mode) the simulators. Both shells (Electron and the
 * headless host) run exactly this; they only carry its dispatch and events.
 */
import { join } from 'node:path';
import type { OrderView } from '../src-shared/domain';
import { PosError } from '../src-shared/errors';
import { formatMoney } from '../src-shared/money';
import { buildReceipt } from '../src-shared/receipt';
import { PPM, type TaxRate } from '../src-shared/pricing';
import { createApprovals } from './auth/approvals';
import { createPermissions } from './auth/permissions';
import { createAuditLog } from './auth/audit-log';
import { createSessionManager } from './auth/session-manager';
import { createUserRepository } from './journal/user-repository';
import { createCatalog } from './catalog/catalog';
import type { AppConfig } from './config/config-schema';
import { seedDemo } from './demo/seed-demo';
import { startDeviceHub, type DeviceHub } from './devices/device-hub';
import type { OsPrint } from './devices/printer/os-transport';
import { startDemoServices, type DemoServices } from './demo/demo-services';
import { createDispatcher, type Dispatch } from './ipc/dispatcher';
import { createEventBus, type EventBus } from './ipc/event-bus';
import { createHandlers } from './ipc/handlers';
import { createManagerHandlers } from './ipc/manager-handlers';
import { createRefundRepository } from './journal/refund-repository';
import { createSettingsRepository } from './journal/settings-repository';
import { createShiftRepository } from './journal/shift-repository';
import { createSettingsHandlers, SCANNER_SETTING } from './ipc/settings-handlers';
import type { ScannerConfig } from './devices/scanner/scanner-config';
import { DEFAULT_PAIRING_PORT } from './payments/codepay/codepay-pairing';
import { createBonjourMdns, createLoopbackMdnsBus } from './payments/codepay/codepay-mdns';
import { startTerminalPairing } from './payments/codepay/terminal-pairing-service';
import { openJournal, type JournalHandle } from './journal/open-journal';
import { createAttemptRepository, toAttemptView } from './journal/attempt-repository';
import { createPaymentEngine, type PaymentEngine } from './payments/payment-engine';
import { createProviders, type ProviderTimings } from './payments/provider-registry';
import { createCartService } from './sales/cart-service';
import { createCheckout } from './sales/checkout';
import { createRefundService } from './sales/refund-service';
import { createScanRouter } from './sales/scan-router';
import type { ReportDeps } from './sales/shift-report';
import { createShiftService } from './sales/shift-service';
import { createOrderRepository, type OrderRow } from './journal/order-repository';
import { buildOrderView } from './sales/order-view';
import { consoleLogger, type Logger } from './logger';

export interface CoreOptions {
  config: AppConfig;
  /** Where resources/ (sample catalogue, icons) live in this build. */
  resourcesDir: string;
  log?: Logger;
  /** Payment engine re-query delays (tests shorten them). */
  backoffMs?: readonly number[];
  /** Provider timing overrides (tests shorten them). */
  providerTimings?: ProviderTimings;
  /** better_sqlite3.node built for the running runtime (the Electron shell's own build). */
  sqliteBinding?: string;
  /** OS printing, which only the Electron shell has (printer type 'os'). */
  osPrint?: OsPrint;
}

export interface Core {
  config: AppConfig;
  journal: JournalHandle;
  dispatch: Dispatch;
  events: EventBus;
  engine: PaymentEngine;
  devices: DeviceHub;
  demo: DemoServices | null;
  /** Resolves once attempts left by a crash are reconciled. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function taxRatesOf(config: AppConfig): Map<string, TaxRate> {
  return new Map(config.taxes.map((t) => [t.code, { code: t.code, label: t.label, ratePpm: Math.round(t.ratePercent * (PPM / 100)), inclusive: t.inclusive }]));
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const { config } = options;
  const log = options.log ?? consoleLogger;
  const journal = openJournal(join(config.dataDir, 'journal.sqlite'), options.sqliteBinding ? { nativeBinding: options.sqliteBinding } : {});
  const { db } = journal;
  const events = createEventBus();
  const audit = createAuditLog(db);
  const users = createUserRepository(db);
  const orders = createOrderRepository(db);
  const attempts = createAttemptRepository(db);
  const taxRates = taxRatesOf(config);
  const catalog = createCatalog({ db, currency: config.store.currency, taxCodes: [...taxRates.keys()], nomenclature: config.barcodes });

  const demo = config.demo ? await startDemoServices({ log, currency: config.store.currency }) : null;
  if (config.demo) await seedDemo({ db, users, catalog, resourcesDir: options.resourcesDir, log });

  const format = (amount: number, currency: string) => formatMoney(amount, currency, config.store.locale);
  const cashierName = (order: OrderRow) => users.byId(order.cashier_id)?.name ?? 'Unknown';
  const view = (order: OrderRow): OrderView => {
    const built = buildOrderView({
      order, lines: orders.lines(order.id), tenders: orders.tenders(order.id), attempts: attempts.byOrder(order.id).map(toAttemptView),
      cashierName: cashierName(order), cashRoundingStep: config.store.cashRoundingStep, refunded: orders.refunded(order.id),
    });
    // What each payment can still give back is the refund ledger's word (refunds made any way count).
    return refunds.withLedgerRefundable(built);
  };
  const orderChanged = (order: OrderView) => events.emit('pos:order.changed', order);

  const userName = (id: string | null) => (id ? users.byId(id)?.name ?? 'Unknown' : '');
  const shiftRows = createShiftRepository(db);
  const refundRows = createRefundRepository(db);
  const shifts = createShiftService({ db, shifts: shiftRows, audit, userName });
  /** Every completed sale, cash or card, prints its receipt when the till is set to. */
  const printOnCompletion = (order: OrderView): void => {
    if (!db.open || !config.devices.autoPrint || devices.printer.status().state === 'not-configured') return;
    // A card sale prints the merchant copy first (kept in the drawer), then the customer's.
    const audiences = order.tenders.some((t) => t.card) ? (['merchant', 'customer'] as const) : (['customer'] as const);
    for (const audience of audiences) {
      void devices.printer.printReceipt(buildReceipt(order, config.store, { copy: false, demo: config.demo, format, audience }))
        .catch((error) => log.error(`Receipt for sale ${order.number} was not queued`, error));
    }
  };
  const sessions = createSessionManager({ users, audit, policy: config.security, onChange: (s) => events.emit('pos:session.changed', s) });
  const cart = createCartService({
    orders, products: catalog, shiftFor: (cashierId) => shifts.ensureOpen(cashierId), recordVoid: (entry) => shiftRows.recordVoid(entry),
    hasUnresolvedAttempt: (orderId) => engine.hasUnresolved(orderId), taxRates, currency: config.store.currency, taxRounding: config.store.taxRounding, view, changed: orderChanged });
  // The engine is built below; checkout only calls into it once the till is running.
  const checkout = createCheckout({
    db, orders, cashRoundingStep: config.store.cashRoundingStep, view, changed: orderChanged,
    hasUnresolvedAttempt: (orderId) => engine.hasUnresolved(orderId),
    // The drawer opens only for cash taken or change given (DESIGN.md §8), and every opening is
    // audited; after the reply, so the cashier sees the change due without waiting on the printer's journal.
    cashTaken: (order, _tendered, change) => setImmediate(() => {
      if (!db.open || devices.printer.status().state === 'not-configured') return;
      const reason = change > 0 ? { kind: 'change' as const, orderNumber: order.number } : { kind: 'cash-tender' as const, orderNumber: order.number };
      audit.append({ userId: sessions.current()?.user.id ?? null, action: 'drawer.open', object: `order:${order.id}`, detail: { reason: reason.kind, number: order.number } });
      void devices.printer.openDrawer(reason).catch((error) => log.error('Drawer kick failed', error));
    }),
    completed: (order) => setImmediate(() => printOnCompletion(order)),
    cashBackGiven: (order, amount) => {
      if (!db.open || devices.printer.status().state === 'not-configured') return;
      audit.append({ userId: sessions.current()?.user.id ?? null, action: 'drawer.open', object: `order:${order.id}`, detail: { reason: 'cashback', number: order.number, amount } });
      void devices.printer.openDrawer({ kind: 'change', orderNumber: order.number }).catch((error) => log.error('Drawer kick failed', error));
    },
  });
  const settings = createSettingsRepository(db);
  const { providers, terminals, codepay } = createProviders({
    config, demo, log, ...(options.providerTimings ? { timings: options.providerTimings } : {}),
    events: (providerId) => engine.eventsFor(providerId),
  });
  const engine = createPaymentEngine({
    db, attempts, orders, checkout, providers, audit, tillId: config.store.tillId,
    ledger: { reversalJournaled: (reversal, original) => refunds.reversalJournaled(reversal, original), givenBackOn: (id) => refunds.givenBackOn(id) },
    amountDue: (orderId) => view(orders.byId(orderId)!).due,
    // The screens see what a payment can still give back as the refund ledger says it.
    attemptChanged: (attempt) => {
      const narrowed = attempt.refundable > 0 && refundRows.anyForOrder(attempt.orderId) ? view(orders.byId(attempt.orderId)!).attempts.find((a) => a.id === attempt.id) : null;
      events.emit('pos:payment.changed', narrowed ? { ...attempt, refundable: narrowed.refundable } : attempt);
    },
    orderChanged: (orderId) => { const order = orders.byId(orderId); if (order) orderChanged(view(order)); },
    orderCompleted: (orderId) => printOnCompletion(view(orders.byId(orderId)!)),
    log: (message, error) => (error ? log.error(message, error) : log.info(message)),
    ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}),
  });

  const approvals = createApprovals({ users, audit, policy: config.security });
  const permissions = createPermissions({ approvals, audit });
  const orderView = (orderId: string) => view(orders.byId(orderId)!);
  const scans = createScanRouter({ sessions, catalog, cart, engine, providers, orderView });
  const printerConfig = config.devices.printer.type === 'none' && demo ? { type: 'tcp' as const, host: demo.printer.host, port: demo.printer.port } : config.devices.printer;
  const devices: DeviceHub = await startDeviceHub({
    db, printer: printerConfig, storeName: config.store.name, log, ...(options.osPrint ? { osPrint: options.osPrint } : {}),
    // A scanner the manager chose at the till wins over the file's; the demo has its virtual one.
    scanner: settings.get<ScannerConfig>(SCANNER_SETTING) ?? (demo && config.devices.scanner.type === 'none' ? demo.scanner : config.devices.scanner),
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
    db, refunds: refundRows, attempts, orders, engine, providers, audit, orderView, userName, tillId: config.store.tillId,
    shiftId: (userId) => shifts.ensureOpen(userId), currentShiftId: () => shifts.currentId(), cashRoundingStep: config.store.cashRoundingStep,
    changed: (orderId) => { const order = orders.byId(orderId); if (order) orderChanged(view(order)); },
    cashRefunded: (order, amount) => {
      if (devices.printer.status().state === 'not-configured') return;
      audit.append({ userId: sessions.current()?.user.id ?? null, action: 'drawer.open', object: `order:${order.id}`, detail: { reason: 'refund', amount } });
      void devices.printer.openDrawer({ kind: 'change', orderNumber: order.number }).catch((error) => log.error('Drawer kick failed', error));
    },
  });
  const reportDeps: ReportDeps = {
    db, storeName: config.store.name, currency: config.store.currency, orderView, userName,
    providerLabel: (id) => providers.get(id)?.label ?? id, unresolved: () => engine.unresolved(), expectedCash: (shift) => shifts.expectedCash(shift),
    refunds: refundRows, attempts,
  };
  const pairing = codepay ? await startTerminalPairing({
    provider: codepay, settings, posName: config.store.name,
    // Demo: any free port and an in-process mDNS; a real till: the ECR Hub port and multicast mDNS.
    port: demo ? 0 : config.providers.codepay?.pairingPort ?? DEFAULT_PAIRING_PORT,
    mdns: demo ? createLoopbackMdnsBus().create() : config.providers.codepay?.mdns === false ? null : createBonjourMdns((line) => log.info(line)),
    changed: (view) => events.emit('pos:terminals.changed', view),
    log: (line) => log.info(line),
  }).catch((error) => { log.error('CodePay pairing is off', error); return null; }) : null;
  const settingsHandlers = createSettingsHandlers({ sessions, audit, settings, devices, pairing, demo, terminalProvider: codepay });
  const manager = createManagerHandlers({ config, db, sessions, permissions, audit, shifts, shiftRows, refunds, engine, devices, reportDeps, orderView, format });
  const handlers = createHandlers({ config, db, users, sessions, catalog, cart, checkout, orders, engine, refunds, audit, permissions, manager, demo, events, view, format, providers, terminals, scans, devices, settingsHandlers });
  const dispatch = createDispatcher(handlers, (message, error) => log.error(message, error));
  const ready = engine.reconcile().catch((error) => log.error('Reconciling payments failed', error));

  return {
    config, journal, dispatch, events, engine, devices, demo, ready,
    async close() {
      await pairing?.close();
      await engine.close();
      await devices.close();
      await demo?.close();
      journal.close();
    },
  };
}

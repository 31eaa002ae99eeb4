/**
 * One handler per contract channel. Inputs arrive already validated by the dispatcher;
 * every handler that touches the till first asks the session manager for the signed-in
 * user, so permissions hold whatever the renderer shows.
 */
import type { OrderView, PrintJobView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import { buildReceipt } from '../../src-shared/receipt';
import type { Approvals } from '../auth/approvals';
import type { AuditLog } from '../auth/audit-log';
import type { SessionManager } from '../auth/session-manager';
import type { UserReader } from '../auth/user-repository';
import type { Catalog } from '../catalog/catalog';
import type { AppConfig } from '../config/config-schema';
import type { DemoServices } from '../demo/demo-services';
import type { DeviceHub } from '../devices/device-hub';
import type { PrintJob } from '../devices/printer/printer-service';
import { listHidDevices } from '../devices/scanner/hid-scanner';
import type { Db } from '../journal/open-journal';
import type { PaymentEngine } from '../payments/payment-engine';
import type { PaymentProvider } from '../payments/provider';
import type { CartService } from '../sales/cart-service';
import type { Checkout } from '../sales/checkout';
import type { OrderRepository, OrderRow } from '../sales/order-repository';
import type { ScanRouter } from '../sales/scan-router';
import { DEMO_USERS } from '../config/demo-config';
import type { Handlers } from './dispatcher';
import type { EventBus } from './event-bus';

export const APP_VERSION = '0.1.0';

function toJobView(job: PrintJob): PrintJobView {
  return { id: job.id, kind: job.kind, label: job.label, state: job.state, attempts: job.attempts, lastError: job.lastError, createdAt: job.createdAt };
}

export interface HandlerDeps {
  config: AppConfig;
  db: Db;
  users: UserReader;
  sessions: SessionManager;
  catalog: Catalog;
  cart: CartService;
  checkout: Checkout;
  orders: OrderRepository;
  engine: PaymentEngine;
  audit: AuditLog;
  approvals: Approvals;
  demo: DemoServices | null;
  events: EventBus;
  scans: ScanRouter;
  devices: DeviceHub;
  providers: ReadonlyMap<string, PaymentProvider>;
  /** Terminal names of a provider that drives several (CodePay lanes); [] otherwise. */
  terminals(providerId: string): string[];
  view(order: OrderRow): OrderView;
  format(amount: number, currency: string): string;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { config, sessions, catalog, cart, engine } = deps;

  const orderView = (orderId: string): OrderView => {
    const order = deps.orders.byId(orderId);
    if (!order) throw new PosError('NOT_FOUND', 'That sale does not exist.', 'orderId');
    return deps.view(order);
  };

  const defaultTerminal = (providerId: string): string | null => deps.terminals(providerId)[0] ?? null;

  const demoOnly = (): DemoServices => {
    if (!deps.demo) throw new PosError('FORBIDDEN', 'The virtual terminal exists only in demo / training mode.');
    return deps.demo;
  };

  return {
    'pos:app.info': () => ({
      version: APP_VERSION,
      demo: config.demo,
      store: { name: config.store.name, address: config.store.address, taxId: config.store.taxId, currency: config.store.currency, locale: config.store.locale },
      demoPins: config.demo ? DEMO_USERS.map(({ name, role, pin }) => ({ name, role, pin })) : [],
      quickCash: config.store.quickCash,
      cashRoundingStep: config.store.cashRoundingStep,
      tenders: [...deps.providers.values()].flatMap((p): { provider: string; label: string; method: 'card' | 'wallet'; terminal: string | null }[] => {
        const lanes = deps.terminals(p.id);
        return lanes.length ? lanes.map((t) => ({ provider: p.id, label: `${p.label} – ${t}`, method: p.method, terminal: t })) : [{ provider: p.id, label: p.label, method: p.method, terminal: null }];
      }),
    }),

    'pos:session.users': () => deps.users.listActive(),
    'pos:session.login': ({ userId, pin }) => sessions.login(userId, pin),
    'pos:session.current': () => sessions.current(),
    'pos:session.lock': () => { sessions.lock(); return { ok: true as const }; },
    'pos:session.logout': () => { sessions.logout(); return { ok: true as const }; },

    'pos:catalog.search': (input) => { sessions.require(); return catalog.search(input); },
    'pos:catalog.grid': (input) => { sessions.require(); return catalog.grid(input); },
    'pos:catalog.import': async (input) => {
      const user = sessions.require();
      if (user.role !== 'manager') throw new PosError('FORBIDDEN', 'Only a manager can import the catalogue.');
      const report = await catalog.importCsv(input, (done, total) => deps.events.emit('pos:catalog.importProgress', { done, total }));
      deps.audit.append({ userId: user.id, action: 'catalog.import', object: null, detail: { imported: report.imported, updated: report.updated, rejected: report.rejected } });
      return report;
    },

    'pos:cart.current': () => cart.current(sessions.require().id),
    'pos:cart.scan': ({ code }) => {
      const { kind, order } = deps.scans.route(code);
      return { kind, order };
    },
    'pos:cart.addProduct': ({ productId, qty }) => cart.addProductById(sessions.require().id, productId, qty),
    'pos:cart.setQuantity': ({ lineId, qtyMilli }) => cart.setQuantity(sessions.require().id, lineId, qtyMilli),
    'pos:cart.removeLine': ({ lineId }) => cart.removeLine(sessions.require().id, lineId),
    'pos:cart.setLineDiscount': ({ lineId, discount }) => cart.setLineDiscount(sessions.require().id, lineId, discount),
    'pos:cart.setOrderDiscount': ({ discount }) => cart.setOrderDiscount(sessions.require().id, discount),
    'pos:cart.cancel': () => {
      const user = sessions.require();
      const before = cart.current(user.id);
      const next = cart.cancel(user.id);
      if (before.lines.length) deps.audit.append({ userId: user.id, action: 'order.cancelled', object: `order:${before.id}`, detail: { number: before.number, lines: before.lines.length, total: before.total } });
      return next;
    },

    'pos:tender.cash': ({ orderId, tendered }) => { sessions.require(); return deps.checkout.takeCash(orderId, tendered); },
    'pos:tender.start': ({ orderId, provider, terminal, amount, tip, walletCode, onScreenTip }) => {
      const user = sessions.require();
      let wallet: { value: string; masked: string } | undefined;
      if (walletCode !== undefined) {
        const scan = catalog.resolveScan(walletCode);
        if (scan.kind !== 'wallet') throw new PosError('INVALID_PAYLOAD', 'That is not a customer payment code.', 'walletCode');
        wallet = { value: scan.wallet.reveal(), masked: scan.wallet.masked };
      }
      return engine.start({
        orderId, providerId: provider, terminal: terminal ?? defaultTerminal(provider), amount, tip, userId: user.id,
        ...(wallet ? { walletCode: wallet } : {}), ...(onScreenTip ? { options: { on_screen_tip: true } } : {}),
      });
    },
    'pos:tender.cancel': ({ attemptId }) => engine.cancel(attemptId, sessions.require().id),

    'pos:payments.attention': () => { sessions.require(); return { unresolved: engine.unresolved(), flagged: engine.needingAttention() }; },
    'pos:payments.void': async ({ attemptId, reason, approval }) => {
      const user = sessions.require();
      const manager = await deps.approvals.verify(approval, { action: 'payment.void', object: `attempt:${attemptId}`, requestedBy: user.id, reason });
      return engine.void({ attemptId, userId: manager.id });
    },
    'pos:payments.refund': async ({ attemptId, amount, reason, approval }) => {
      const user = sessions.require();
      const manager = await deps.approvals.verify(approval, { action: 'payment.refund', object: `attempt:${attemptId}`, requestedBy: user.id, reason, amount });
      return engine.refund({ attemptId, amount, userId: manager.id });
    },
    'pos:payments.settle': async ({ attemptId, outcome, evidence, reason, approval }) => {
      const user = sessions.require();
      const manager = await deps.approvals.verify(approval, { action: 'payment.settle', object: `attempt:${attemptId}`, requestedBy: user.id, reason });
      return engine.settle({ attemptId, outcome, evidence, reason, managerId: manager.id });
    },

    'pos:devices.status': () => { sessions.require(); return deps.devices.view(); },
    'pos:devices.hidList': async () => {
      sessions.require();
      try {
        const devices = await listHidDevices();
        return { available: true, message: `${devices.length} HID device(s) found.`, devices: devices.map((d) => ({ vendorId: d.vendorId, productId: d.productId, path: d.path ?? null, usagePage: d.usagePage ?? null, product: d.product ?? null, manufacturer: d.manufacturer ?? null, kind: d.kind })) };
      } catch (error) {
        return { available: false, message: error instanceof PosError ? error.message : 'USB HID scanning is not available on this machine.', devices: [] };
      }
    },
    'pos:print.receipt': async ({ orderId, copy }) => {
      const user = sessions.require();
      const order = orderView(orderId);
      if (copy) deps.audit.append({ userId: user.id, action: 'receipt.reprint', object: `order:${orderId}`, detail: { number: order.number, printed: true } });
      return toJobView(await deps.devices.printer.printReceipt(buildReceipt(order, config.store, { copy, demo: config.demo, format: deps.format })));
    },
    'pos:print.retry': async ({ jobId }) => { sessions.require(); return toJobView(await deps.devices.printer.retry(jobId)); },
    'pos:print.testPage': async () => { sessions.require(); return toJobView(await deps.devices.printer.printTestPage()); },
    'pos:drawer.noSale': async ({ reason, approval }) => {
      const user = sessions.require();
      const manager = await deps.approvals.verify(approval, { action: 'drawer.noSale', object: 'drawer', requestedBy: user.id, reason });
      deps.audit.append({ userId: user.id, action: 'drawer.open', object: 'drawer', detail: { reason: 'no-sale', note: reason, approvedBy: manager.id } });
      return toJobView(await deps.devices.printer.openDrawer({ kind: 'no-sale', approvedBy: manager.name, note: reason }));
    },

    'pos:demo.scan': ({ code }) => {
      sessions.require();
      demoOnly().scanner.scan(code);
      return { ok: true as const };
    },
    'pos:demo.terminal': () => demoOnly().waiting(),
    'pos:demo.act': ({ provider, key, action }) => { demoOnly().act(provider, key, action); return { ok: true as const }; },

    'pos:orders.history': ({ query, limit, beforeNumber }) => { sessions.require(); return deps.orders.history(query, limit, beforeNumber); },
    'pos:orders.get': ({ orderId }) => { sessions.require(); return orderView(orderId); },
    'pos:orders.receipt': ({ orderId, copy }) => {
      const user = sessions.require();
      const order = orderView(orderId);
      if (copy) deps.audit.append({ userId: user.id, action: 'receipt.reprint', object: `order:${orderId}`, detail: { number: order.number } });
      return buildReceipt(order, config.store, { copy, demo: config.demo, format: deps.format });
    },
  };
}

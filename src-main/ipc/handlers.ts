/**
 * One handler per contract channel. Inputs arrive already validated by the dispatcher;
 * every handler that touches the till first asks the session manager for the signed-in
 * user, so permissions hold whatever the renderer shows.
 */
import type { AppInfo, OrderView, PrintJobView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import { buildReceipt } from '../../src-shared/receipt';
import type { ApprovalRequest } from '../auth/approvals';
import type { Permissions } from '../auth/permissions';
import type { UserRow } from '../journal/user-repository';
import type { Discount } from '../../src-shared/pricing';
import type { AuditLog } from '../auth/audit-log';
import type { SessionManager } from '../auth/session-manager';
import type { UserReader } from '../journal/user-repository';
import type { Catalog } from '../catalog/catalog';
import type { AppConfig } from '../config/config-schema';
import type { DemoServices } from '../demo/demo-services';
import type { DeviceHub } from '../devices/device-hub';
import type { PrintJob } from '../devices/printer/printer-service';
import { listHidDevices } from '../devices/scanner/hid-scanner';
import type { PaymentEngine } from '../payments/payment-engine';
import type { PaymentProvider } from '../payments/provider';
import type { CartService, VoidBy } from '../sales/cart-service';
import type { RefundService } from '../sales/refund-service';
import type { Checkout } from '../sales/checkout';
import type { OrderRepository, OrderRow } from '../journal/order-repository';
import type { ScanRouter } from '../sales/scan-router';
import { DEMO_USERS } from '../config/demo-config';
import type { Handlers } from './dispatcher';
import type { ManagerChannels } from './manager-handlers';
import type { SettingsChannels } from './settings-handlers';
import type { EventBus } from './event-bus';

export const APP_VERSION = '0.1.0';

function toJobView(job: PrintJob): PrintJobView {
  return {
    id: job.id,
    kind: job.kind,
    label: job.label,
    state: job.state,
    attempts: job.attempts,
    lastError: job.lastError,
    createdAt: job.createdAt,
  };
}

export interface HandlerDeps {
  config: AppConfig;
  users: UserReader;
  sessions: SessionManager;
  catalog: Catalog;
  cart: CartService;
  checkout: Checkout;
  orders: OrderRepository;
  engine: PaymentEngine;
  /** The refund ledger: every payment refund and void goes through it. */
  refunds: RefundService;
  audit: AuditLog;
  permissions: Permissions;
  /** The manager's channels (shifts, reports, refunds, audit), built beside these. */
  manager: Pick<Handlers, ManagerChannels>;
  settingsHandlers: Pick<Handlers, SettingsChannels>;
  demo: DemoServices | null;
  events: EventBus;
  scans: ScanRouter;
  devices: DeviceHub;
  providers: ReadonlyMap<string, PaymentProvider>;
  /** The lanes of a provider with the `lanes` capability (each its own tender); [] otherwise. */
  lanes(providerId: string): string[];
  view(order: OrderRow): OrderView;
  format(amount: number, currency: string): string;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { config, sessions, catalog, cart, engine, permissions } = deps;

  /** A void needs the right or a manager's approval; the void record names both people. */
  const voidAuthority = async (
    user: UserRow,
    action: 'line.void' | 'order.void',
    object: string,
    reason: string,
    approval: ApprovalRequest | undefined,
  ): Promise<VoidBy> => {
    // No approval is asked for a change that cannot happen anyway.
    cart.assertEditable(user.id);
    const { approvedBy } = await permissions.authorize({ user, action, object, reason, approval });
    return { reason, userId: user.id, approvedBy: approvedBy.id };
  };

  /** Voids and refunds ask the terminal's own manager too where it can, unless the call or the config says otherwise. */
  const terminalAuth = (attemptId: string, asked: boolean | undefined) => {
    const attempt = engine.attempt(attemptId);
    const provider = attempt ? deps.providers.get(attempt.provider) : undefined;
    if (!provider?.capabilities.terminalAuthentication) return {};
    const on = asked ?? provider.defaults?.terminalAuthentication ?? false;
    return on ? { options: { terminalAuthentication: true } } : {};
  };

  const overLimit = (discount: Discount | null, base: number): boolean => {
    if (!discount) return false;
    const basisPoints =
      discount.kind === 'percent'
        ? discount.basisPoints
        : base > 0
          ? Math.ceil((discount.amount * 10_000) / base)
          : 10_000;
    return basisPoints > config.security.discountLimitBasisPoints;
  };

  const orderView = (orderId: string): OrderView => {
    const order = deps.orders.byId(orderId);
    if (!order) throw new PosError('NOT_FOUND', 'That sale does not exist.', 'orderId');
    return deps.view(order);
  };

  const defaultTerminal = (providerId: string): string | null => deps.lanes(providerId)[0] ?? null;

  const demoOnly = (): DemoServices => {
    if (!deps.demo) throw new PosError('FORBIDDEN', 'The virtual terminal exists only in demo / training mode.');
    return deps.demo;
  };

  return {
    ...deps.manager,
    ...deps.settingsHandlers,
    'pos:app.info': () => ({
      version: APP_VERSION,
      demo: config.demo,
      store: {
        name: config.store.name,
        address: config.store.address,
        taxId: config.store.taxId,
        currency: config.store.currency,
        locale: config.store.locale,
        ...(config.store.timeZone ? { timeZone: config.store.timeZone } : {}),
      },
      demoPins: config.demo ? DEMO_USERS.map(({ name, role, pin }) => ({ name, role, pin })) : [],
      quickCash: config.store.quickCash,
      cashRoundingStep: config.store.cashRoundingStep,
      discountLimitBasisPoints: config.security.discountLimitBasisPoints,
      varianceLimit: config.security.varianceLimit,
      autoPrint: config.devices.autoPrint && deps.devices.printer.status().state !== 'not-configured',
      tenders: [...deps.providers.values()].flatMap((p): AppInfo['tenders'] => {
        const tender = { provider: p.id, method: p.method, capabilities: { ...p.capabilities } };
        const lanes = deps.lanes(p.id);
        return lanes.length
          ? lanes.map((t) => ({ ...tender, label: `${p.label} – ${t}`, terminal: t }))
          : [{ ...tender, label: p.label, terminal: null }];
      }),
    }),

    'pos:session.users': () => deps.users.listActive(),
    'pos:session.login': ({ userId, pin }) => sessions.login(userId, pin),
    'pos:session.current': () => sessions.current(),
    'pos:session.lock': () => {
      sessions.lock();
      return { ok: true as const };
    },
    'pos:session.logout': () => {
      sessions.logout();
      return { ok: true as const };
    },

    'pos:catalog.search': (input) => {
      sessions.require();
      return catalog.search(input);
    },
    'pos:catalog.grid': (input) => {
      sessions.require();
      return catalog.grid(input);
    },
    'pos:catalog.import': async (input) => {
      const user = sessions.require();
      if (user.role !== 'manager') throw new PosError('FORBIDDEN', 'Only a manager can import the catalogue.');
      const report = await catalog.importCsv(input, (done, total) =>
        deps.events.emit('pos:catalog.importProgress', { done, total }),
      );
      deps.audit.append({
        userId: user.id,
        action: 'catalog.import',
        object: null,
        detail: { imported: report.imported, updated: report.updated, rejected: report.rejected },
      });
      return report;
    },

    'pos:cart.current': () => cart.current(sessions.require().id),
    'pos:cart.scan': ({ code }) => {
      const { kind, order } = deps.scans.route(code);
      return { kind, order };
    },
    'pos:cart.addProduct': ({ productId, qty }) => cart.addProductById(sessions.require().id, productId, qty),
    'pos:cart.setQuantity': async ({ lineId, qtyMilli, reason, approval }) => {
      const user = sessions.require();
      const line = cart.current(user.id).lines.find((l) => l.id === lineId);
      const voidBy =
        line && qtyMilli < line.qtyMilli
          ? await voidAuthority(user, 'line.void', `line:${lineId}`, reason || 'quantity lowered', approval)
          : null;
      return cart.setQuantity(user.id, lineId, qtyMilli, voidBy);
    },
    'pos:cart.removeLine': async ({ lineId, reason, approval }) => {
      const user = sessions.require();
      return cart.removeLine(
        user.id,
        lineId,
        await voidAuthority(user, 'line.void', `line:${lineId}`, reason || 'removed from the sale', approval),
      );
    },
    'pos:cart.setLineDiscount': async ({ lineId, discount, reason, approval }) => {
      const user = sessions.require();
      const line = cart.current(user.id).lines.find((l) => l.id === lineId);
      if (line && overLimit(discount, line.gross))
        await permissions.authorize({
          user,
          action: 'discount.overLimit',
          object: `line:${lineId}`,
          reason: reason || 'line discount',
          approval,
        });
      return cart.setLineDiscount(user.id, lineId, discount);
    },
    'pos:cart.setOrderDiscount': async ({ discount, reason, approval }) => {
      const user = sessions.require();
      const order = cart.current(user.id);
      if (overLimit(discount, order.subtotal - order.lines.reduce((s, l) => s + l.lineDiscount, 0))) {
        await permissions.authorize({
          user,
          action: 'discount.overLimit',
          object: `order:${order.id}`,
          reason: reason || 'order discount',
          approval,
        });
      }
      return cart.setOrderDiscount(user.id, discount);
    },
    'pos:cart.overridePrice': async ({ lineId, unitPrice, reason, approval }) => {
      const user = sessions.require();
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'price.override',
        object: `line:${lineId}`,
        reason,
        amount: unitPrice,
        approval,
      });
      const { order, from, name } = cart.overridePrice(user.id, lineId, unitPrice, approvedBy.id);
      deps.audit.append({
        userId: user.id,
        action: 'price.override',
        object: `order:${order.id}`,
        detail: { product: name, from, to: unitPrice, reason, approvedBy: approvedBy.id },
      });
      return order;
    },
    'pos:cart.cancel': async ({ reason, approval }) => {
      const user = sessions.require();
      const before = cart.current(user.id);
      const voidBy = before.lines.length
        ? await voidAuthority(user, 'order.void', `order:${before.id}`, reason || 'sale voided', approval)
        : null;
      return cart.cancel(user.id, voidBy);
    },

    'pos:tender.cash': ({ orderId, tendered }) => {
      sessions.require();
      return deps.checkout.takeCash(orderId, tendered);
    },
    'pos:tender.start': async ({
      orderId,
      provider,
      terminal,
      amount,
      tip,
      walletCode,
      onScreenTip,
      preauth,
      cashback,
      reason,
      approval,
    }) => {
      const user = sessions.require();
      // What the provider cannot do is refused before any manager's PIN is spent on the sale.
      if (onScreenTip && deps.providers.get(provider)?.capabilities.onScreenTip !== true) {
        const label = deps.providers.get(provider)?.label ?? provider;
        const sentence = `${label} cannot let the customer choose a tip on its terminal.`;
        throw new PosError('INVALID_PAYLOAD', sentence, 'onScreenTip');
      }
      if (cashback > 0 && deps.providers.get(provider)?.capabilities.cashback !== true) {
        const label = deps.providers.get(provider)?.label ?? provider;
        throw new PosError('INVALID_PAYLOAD', `${label} does not give cash back.`, 'cashback');
      }
      // A tip keyed at the till follows the same rules as one changed later: never more than the sale, a manager above the limit.
      if (tip > amount) throw new PosError('INVALID_PAYLOAD', 'A tip cannot be more than the sale itself.', 'tip');
      if (tip * 10_000 > amount * config.security.tipLimitBasisPoints) {
        await permissions.authorize({
          user,
          action: 'payment.tip',
          object: `order:${orderId}`,
          reason: reason || 'tip',
          amount: tip,
          approval,
        });
      }
      if (cashback > 0) {
        // Cash back leaves the drawer: above the store's limit a manager approves it.
        if (cashback > config.security.cashbackLimit) {
          await permissions.authorize({
            user,
            action: 'cashback',
            object: `order:${orderId}`,
            reason: reason || 'cash back',
            amount: cashback,
            approval,
          });
        }
      }
      let wallet: { value: string; masked: string } | undefined;
      if (walletCode !== undefined) {
        const scan = catalog.resolveScan(walletCode);
        if (scan.kind !== 'wallet')
          throw new PosError('INVALID_PAYLOAD', 'That is not a customer payment code.', 'walletCode');
        wallet = { value: scan.wallet.reveal(), masked: scan.wallet.masked };
      }
      return engine.start({
        orderId,
        providerId: provider,
        terminal: terminal ?? defaultTerminal(provider),
        amount,
        tip,
        userId: user.id,
        ...(wallet ? { walletCode: wallet } : {}),
        preauth,
        ...(onScreenTip || cashback
          ? { options: { ...(onScreenTip ? { onScreenTip: true } : {}), ...(cashback ? { cashback } : {}) } }
          : {}),
      });
    },
    'pos:tender.cancel': ({ attemptId }) => engine.cancel(attemptId, sessions.require().id),

    'pos:payments.attention': () => {
      sessions.require();
      const foreign = engine
        .foreignAnswers(50)
        .map(({ at, provider, terminal, reason }) => ({ at, provider, terminal, reason }));
      return { unresolved: engine.unresolved(), flagged: engine.needingAttention(), foreign };
    },
    'pos:payments.capture': async ({ attemptId, amount, tip, reason, approval }) => {
      const user = sessions.require();
      // Every capture takes money on a held card: a manager approves it, for this amount.
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'payment.capture',
        object: `attempt:${attemptId}`,
        reason: reason || 'capture',
        amount: amount + tip,
        approval,
      });
      return engine.capture({ attemptId, amount, tip, userId: approvedBy.id });
    },
    'pos:payments.adjustTip': async ({ attemptId, tip, reason, approval }) => {
      const user = sessions.require();
      const sale = engine.attempt(attemptId);
      const base = sale ? sale.amount : 0;
      // Refused before a manager's PIN is spent on it: a tip is never more than the sale (the engine checks again).
      if (sale && tip > base)
        throw new PosError('INVALID_PAYLOAD', 'A tip cannot be more than the sale itself.', 'tip');
      // A tip above the store's share of the sale needs a manager.
      const overLimit = base > 0 && tip * 10_000 > base * config.security.tipLimitBasisPoints;
      const approvedBy = overLimit
        ? (
            await permissions.authorize({
              user,
              action: 'payment.tip',
              object: `attempt:${attemptId}`,
              reason: reason || 'tip change',
              amount: tip,
              approval,
            })
          ).approvedBy.id
        : user.id;
      return engine.adjustTip({ attemptId, tip, userId: approvedBy });
    },
    'pos:payments.void': async ({ attemptId, reason, approval, terminalAuthentication }) => {
      const user = sessions.require();
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'payment.void',
        object: `attempt:${attemptId}`,
        reason,
        approval,
      });
      return deps.refunds.voidPayment({
        attemptId,
        reason,
        userId: user.id,
        approvedBy: approvedBy.id,
        ...terminalAuth(attemptId, terminalAuthentication),
      });
    },
    'pos:payments.refund': async ({ attemptId, amount, reason, approval, terminalAuthentication }) => {
      const user = sessions.require();
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'refund',
        object: `attempt:${attemptId}`,
        reason,
        amount,
        approval,
      });
      return deps.refunds.refundPayment({
        attemptId,
        amount,
        reason,
        userId: user.id,
        approvedBy: approvedBy.id,
        ...terminalAuth(attemptId, terminalAuthentication),
      });
    },
    'pos:payments.settle': async ({ attemptId, outcome, evidence, reason, approval }) => {
      const user = sessions.require();
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'payment.settle',
        object: `attempt:${attemptId}`,
        reason,
        approval,
      });
      return engine.settle({ attemptId, outcome, evidence, reason, managerId: approvedBy.id });
    },
    'pos:payments.release': async ({ attemptId, reason, approval }) => {
      const user = sessions.require();
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'payment.release',
        object: `attempt:${attemptId}`,
        reason,
        approval,
      });
      return engine.release({ attemptId, managerId: approvedBy.id, reason });
    },
    'pos:payments.resolve': async ({ attemptId, resolution, evidence, reason, approval }) => {
      const user = sessions.require();
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'payment.resolve',
        object: `attempt:${attemptId}`,
        reason,
        approval,
      });
      return deps.refunds.resolvePayment({
        attemptId,
        resolution,
        evidence,
        reason,
        managerId: approvedBy.id,
        userId: user.id,
      });
    },

    'pos:devices.status': () => {
      sessions.require();
      return deps.devices.view();
    },
    'pos:devices.hidList': async () => {
      sessions.require();
      try {
        const devices = await listHidDevices();
        return {
          available: true,
          message: `${devices.length} HID device(s) found.`,
          devices: devices.map((d) => ({
            vendorId: d.vendorId,
            productId: d.productId,
            path: d.path ?? null,
            usagePage: d.usagePage ?? null,
            product: d.product ?? null,
            manufacturer: d.manufacturer ?? null,
            kind: d.kind,
          })),
        };
      } catch (error) {
        return {
          available: false,
          message: error instanceof PosError ? error.message : 'USB HID scanning is not available on this machine.',
          devices: [],
        };
      }
    },
    'pos:print.receipt': async ({ orderId, copy }) => {
      const user = sessions.require();
      const order = orderView(orderId);
      if (copy)
        deps.audit.append({
          userId: user.id,
          action: 'receipt.reprint',
          object: `order:${orderId}`,
          detail: { number: order.number, printed: true },
        });
      return toJobView(
        await deps.devices.printer.printReceipt(
          buildReceipt(order, config.store, { copy, demo: config.demo, format: deps.format }),
        ),
      );
    },
    'pos:print.retry': async ({ jobId }) => {
      sessions.require();
      return toJobView(await deps.devices.printer.retry(jobId));
    },
    'pos:print.testPage': async () => {
      sessions.require();
      return toJobView(await deps.devices.printer.printTestPage());
    },
    'pos:drawer.noSale': async ({ reason, approval }) => {
      const user = sessions.require();
      const { approvedBy } = await permissions.authorize({
        user,
        action: 'drawer.noSale',
        object: 'drawer',
        reason,
        approval,
      });
      deps.audit.append({
        userId: user.id,
        action: 'drawer.open',
        object: 'drawer',
        detail: { reason: 'no-sale', note: reason, approvedBy: approvedBy.id },
      });
      return toJobView(
        await deps.devices.printer.openDrawer({ kind: 'no-sale', approvedBy: approvedBy.name, note: reason }),
      );
    },

    'pos:demo.scan': ({ code }) => {
      sessions.require();
      demoOnly().scanner.scan(code);
      return { ok: true as const };
    },
    'pos:demo.terminal': () => demoOnly().waiting(),
    'pos:demo.act': ({ provider, key, action }) => {
      demoOnly().act(provider, key, action);
      return { ok: true as const };
    },

    'pos:orders.history': ({ query, limit, beforeNumber }) => {
      sessions.require();
      return deps.orders.history(query, limit, beforeNumber);
    },
    'pos:orders.get': ({ orderId }) => {
      sessions.require();
      return orderView(orderId);
    },
    'pos:orders.receipt': ({ orderId, copy }) => {
      const user = sessions.require();
      const order = orderView(orderId);
      if (copy)
        deps.audit.append({
          userId: user.id,
          action: 'receipt.reprint',
          object: `order:${orderId}`,
          detail: { number: order.number },
        });
      return buildReceipt(order, config.store, { copy, demo: config.demo, format: deps.format });
    },
  };
}

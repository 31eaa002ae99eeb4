/**
 * The till's handlers, one per contract channel, assembled into the whole `Handlers` map
 * the dispatcher needs; core.ts calls `createHandlers` once. Each area's handlers live in
 * their own module (`app-info-`, `cart-`, `payment-`, `device-`, `order-handlers.ts`; the
 * manager's and the settings' are built beside these and handed in). Inputs arrive already
 * validated by the dispatcher; every handler that touches the till first asks the session
 * manager for the signed-in user, so permissions hold whatever the renderer shows.
 */
import type { AppInfo, OrderView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { Permissions } from '../auth/permissions';
import type { AuditLog } from '../auth/audit-log';
import type { SessionManager } from '../auth/session-manager';
import type { UserReader } from '../journal/user-repository';
import type { Catalog } from '../catalog/catalog';
import type { AppConfig } from '../config/config-schema';
import type { DemoServices } from '../demo/demo-services';
import type { DeviceHub } from '../devices/device-hub';
import type { PaymentEngine } from '../payments/engine/payment-engine';
import type { PaymentProvider } from '../payments/provider';
import type { CartService } from '../sales/cart-service';
import type { RefundService } from '../sales/refund-service';
import type { Checkout } from '../sales/checkout';
import type { OrderRepository, OrderRow } from '../journal/order-repository';
import type { ScanRouter } from '../sales/scan-router';
import { createAppInfoHandlers } from './app-info-handlers';
import { createCartHandlers } from './cart-handlers';
import { createDeviceHandlers } from './device-handlers';
import type { Handlers } from './dispatcher';
import type { ManagerChannels } from './manager-handlers';
import { createOrderHandlers } from './order-handlers';
import { createPaymentHandlers } from './payment-handlers';
import type { SettingsChannels } from './settings-handlers';
import type { EventBus } from './event-bus';

export { APP_VERSION } from './app-info-handlers';

/** Everything the till's handlers use; each area's module takes the part it needs. */
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
  /** Where the journal's signing key is kept, and how well (for `pos:app.info`). */
  journalKey: AppInfo['journalKey'];
  /** The journal's background integrity check, so far (for `pos:app.info`). */
  journalCheck(): NonNullable<AppInfo['journalCheck']>;
}

/** All the till's handlers: every channel of the contract, or this fails to compile. */
export function createHandlers(deps: HandlerDeps): Handlers {
  /** Printing a receipt and the sales history both look a sale up by id. */
  const orderView = (orderId: string): OrderView => {
    const order = deps.orders.byId(orderId);
    if (!order) throw new PosError('NOT_FOUND', 'That sale does not exist.', 'orderId');
    return deps.view(order);
  };

  return {
    ...deps.manager,
    ...deps.settingsHandlers,
    ...createAppInfoHandlers(deps),
    ...createCartHandlers(deps),
    ...createPaymentHandlers(deps),
    ...createDeviceHandlers({ ...deps, orderView }),
    ...createOrderHandlers({ ...deps, orderView }),
  };
}

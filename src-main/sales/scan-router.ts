/**
 * Every scan, from the window's keyboard wedge or a HID scanner in main, is classified
 * once, here: items go to the cart, customer wallet codes start a wallet payment (never
 * a product lookup), staff badges are refused outside an approval.
 */
import type { OrderView, ScanKind } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { SessionManager } from '../auth/session-manager';
import type { Catalog } from '../catalog/catalog';
import type { PaymentEngine } from '../payments/engine/payment-engine';
import type { PaymentProvider } from '../payments/provider';
import type { CartService } from './cart-service';

export interface ScanRouterDeps {
  sessions: SessionManager;
  catalog: Catalog;
  cart: CartService;
  engine: PaymentEngine;
  providers: ReadonlyMap<string, PaymentProvider>;
  orderView(orderId: string): OrderView;
}

export interface RoutedScan {
  kind: ScanKind;
  /** Safe to show and log: wallet codes and badges are masked. */
  display: string;
  order: OrderView;
}

export function createScanRouter(deps: ScanRouterDeps) {
  const walletProvider = (): PaymentProvider | null =>
    [...deps.providers.values()].find((p) => p.method === 'wallet') ?? null;

  return {
    route(code: string): RoutedScan {
      const user = deps.sessions.require();
      const scan = deps.catalog.resolveScan(code);
      switch (scan.kind) {
        case 'product':
        case 'price-embedded':
        case 'weight-embedded':
          return { ...deps.cart.addScanned(user.id, scan), display: scan.display };
        case 'wallet': {
          const provider = walletProvider();
          if (!provider) throw new PosError('NOT_FOUND', 'Wallet payments are not set up on this till.', 'code');
          const order = deps.cart.current(user.id);
          if (order.lines.length === 0 || order.due === 0)
            throw new PosError('CONFLICT', "Ring up the items before scanning the customer's payment code.", 'code');
          deps.engine.start({
            orderId: order.id,
            providerId: provider.id,
            amount: order.due,
            tip: 0,
            userId: user.id,
            walletCode: { value: scan.wallet.reveal(), masked: scan.wallet.masked },
          });
          return { kind: 'wallet', display: scan.display, order: deps.orderView(order.id) };
        }
        case 'badge':
          throw new PosError(
            'CONFLICT',
            "That is a staff badge: scan it when the till asks for a manager's approval.",
            'code',
          );
        case 'rejected':
          throw new PosError('NOT_FOUND', `${scan.message} Nothing was added.`, 'code');
      }
    },
  };
}

export type ScanRouter = ReturnType<typeof createScanRouter>;

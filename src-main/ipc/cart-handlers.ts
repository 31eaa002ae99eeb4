/**
 * Handlers of the till's selling channels: who is signed in (session), finding products
 * (catalogue search, grid and the manager's CSV import) and the open sale (cart). Lowering a
 * quantity, removing a line or cancelling a sale is a void that needs the right or a
 * manager's approval; a discount above the store's limit and a price override need a
 * manager too, and both the override and the import are audited.
 */
import type { EventPayload } from '../../src-shared/contract';
import type { ImportReport } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { Discount } from '../../src-shared/pricing';
import type { ApprovalRequest } from '../auth/approvals';
import type { AuditLog } from '../auth/audit-log';
import type { Permissions } from '../auth/permissions';
import type { SessionManager } from '../auth/session-manager';
import type { Catalog } from '../catalog/catalog';
import { createImportUploads } from '../catalog/import-upload';
import type { AppConfig } from '../config/config-schema';
import type { UserReader, UserRow } from '../journal/user-repository';
import type { CartService, VoidBy } from '../sales/cart-service';
import type { ScanRouter } from '../sales/scan-router';
import type { Handlers } from './dispatcher';
import type { EventBus } from './event-bus';

export type CartChannels =
  | 'pos:session.users'
  | 'pos:session.login'
  | 'pos:session.current'
  | 'pos:session.lock'
  | 'pos:session.logout'
  | 'pos:catalog.search'
  | 'pos:catalog.grid'
  | 'pos:catalog.importChunk'
  | 'pos:catalog.import'
  | 'pos:catalog.importFile'
  | 'pos:cart.current'
  | 'pos:cart.scan'
  | 'pos:cart.addProduct'
  | 'pos:cart.setQuantity'
  | 'pos:cart.removeLine'
  | 'pos:cart.setLineDiscount'
  | 'pos:cart.setOrderDiscount'
  | 'pos:cart.overridePrice'
  | 'pos:cart.cancel';

export interface CartHandlerDeps {
  config: AppConfig;
  users: UserReader;
  sessions: SessionManager;
  catalog: Catalog;
  cart: CartService;
  audit: AuditLog;
  permissions: Permissions;
  /** Carries the catalogue import's progress to the renderer. */
  events: EventBus;
  scans: ScanRouter;
}

/** Builds the session, catalogue and cart handlers. */
export function createCartHandlers(deps: CartHandlerDeps): Pick<Handlers, CartChannels> {
  const { config, sessions, catalog, cart, permissions } = deps;
  /** A large CSV arrives in chunks before `pos:catalog.import` {uploadId} (issue 12: bounded frames). */
  const uploads = createImportUploads();
  const requireImporter = () => {
    const user = sessions.require();
    if (user.role !== 'manager') throw new PosError('FORBIDDEN', 'Only a manager can import the catalogue.');
    return user;
  };

  const progress = (event: EventPayload<'pos:catalog.importProgress'>) =>
    deps.events.emit('pos:catalog.importProgress', event);
  const audited = (user: UserRow, report: ImportReport) => {
    deps.audit.append({
      userId: user.id,
      action: 'catalog.import',
      object: null,
      detail: { imported: report.imported, updated: report.updated, rejected: report.rejected },
    });
    return report;
  };

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

  return {
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
    'pos:catalog.importChunk': ({ uploadId, index, text }) => {
      requireImporter();
      return { receivedChars: uploads.append(uploadId, index, text) };
    },
    'pos:catalog.import': async (input) => {
      const user = requireImporter();
      const csv = 'csv' in input ? input.csv : uploads.take(input.uploadId);
      return audited(user, await catalog.importCsv({ csv }, progress));
    },
    'pos:catalog.importFile': async ({ path }) => {
      const user = requireImporter();
      return audited(user, await catalog.importFile({ path }, progress));
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
      cart.assertLine(user.id, lineId);
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
      cart.assertLine(user.id, lineId);
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
  };
}

/**
 * Handlers of the sales history: the list of past sales (searchable, paged by number), one
 * sale by id, and its receipt as a document (a copy is audited as a reprint).
 */
import type { OrderView } from '../../src-shared/domain';
import { buildReceipt } from '../../src-shared/receipt';
import type { AuditLog } from '../auth/audit-log';
import type { SessionManager } from '../auth/session-manager';
import type { AppConfig } from '../config/config-schema';
import type { OrderReader } from '../journal/order-repository';
import type { Handlers } from './dispatcher';

export type OrderChannels = 'pos:orders.history' | 'pos:orders.get' | 'pos:orders.receipt';

export interface OrderHandlerDeps {
  config: AppConfig;
  sessions: SessionManager;
  audit: AuditLog;
  orders: Pick<OrderReader, 'history'>;
  format(amount: number, currency: string): string;
  /** A stored sale as the renderer sees it, or NOT_FOUND; shared with the printing channels. */
  orderView(orderId: string): OrderView;
}

/** Builds the sales-history handlers. */
export function createOrderHandlers(deps: OrderHandlerDeps): Pick<Handlers, OrderChannels> {
  const { config, sessions, orderView } = deps;

  return {
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

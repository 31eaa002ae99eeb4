/**
 * When the cash drawer opens for a sale (DESIGN.md §8): only for cash taken, change given, cash
 * back handed over or cash refunded — never for a card sale — and every opening is audited (who,
 * which sale, why) before the kick is sent. A till without a printer has no drawer to kick.
 */
import type { OrderView } from '../../src-shared/domain';
import type { AuditLog } from '../auth/audit-log';
import type { Logger } from '../logger';
import type { PrinterService } from './printer/printer-service';

export interface DrawerPolicy {
  /** Cash was taken for a sale (change may be due). Runs after the reply, so the cashier sees the change due at once. */
  cashTaken(order: OrderView, change: number): void;
  /** Cash back was approved on a card: the drawer opens to hand it over. */
  cashBackGiven(order: OrderView, amount: number): void;
  /** Cash went back to the customer for a refund. */
  cashRefunded(order: OrderView, amount: number): void;
}

export function createDrawerPolicy(deps: {
  /** The till's printer (built after the sales services, hence looked up when needed). */
  printer: () => Pick<PrinterService, 'status' | 'openDrawer'>;
  audit: AuditLog;
  /** Who is signed in now, for the audit entry. */
  userId: () => string | null;
  /** False once the journal is closed (the till is stopping): nothing is audited or kicked then. */
  journalOpen: () => boolean;
  log: Logger;
}): DrawerPolicy {
  const open = (order: OrderView, detail: Record<string, unknown>, kind: 'cash-tender' | 'change'): void => {
    if (!deps.journalOpen() || deps.printer().status().state === 'not-configured') return;
    deps.audit.append({ userId: deps.userId(), action: 'drawer.open', object: `order:${order.id}`, detail });
    void deps
      .printer()
      .openDrawer({ kind, orderNumber: order.number })
      .catch((error) => deps.log.error('Drawer kick failed', error));
  };
  return {
    cashTaken: (order, change) =>
      setImmediate(() => {
        try {
          const kind = change > 0 ? 'change' : 'cash-tender';
          open(order, { reason: kind, number: order.number }, kind);
        } catch (error) {
          deps.log.error(`The drawer was not opened for sale ${order.number}`, error);
        }
      }),
    cashBackGiven: (order, amount) => open(order, { reason: 'cashback', number: order.number, amount }, 'change'),
    cashRefunded: (order, amount) => open(order, { reason: 'refund', amount }, 'change'),
  };
}

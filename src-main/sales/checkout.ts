/**
 * Tenders and completion. A sale completes, in the same transaction as the tender
 * that pays it off, with its totals frozen for history and reports.
 */
import type { OrderView } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import type { JournalTransaction } from '../journal/open-journal';
import type { OrderRepository, OrderRow, SaleFigures } from '../journal/order-repository';
import type { ElectronicTender } from '../payments/engine/payment-engine';

/** What the reports add up from a completed sale besides its frozen totals (stored with it, issue 14). */
export function saleFigures(view: OrderView): SaleFigures {
  return {
    taxes: view.taxes.map((t) => ({ label: t.label, amount: t.amount })),
    discountCount: view.lines.filter((l) => l.lineDiscount > 0).length + (view.orderDiscount ? 1 : 0),
  };
}

export interface CheckoutDeps {
  journal: JournalTransaction;
  orders: OrderRepository;
  cashRoundingStep: number;
  view(order: OrderRow): OrderView;
  changed(order: OrderView): void;
  /** True while an electronic attempt of this order is in flight or unresolved. */
  hasUnresolvedAttempt(orderId: string): boolean;
  /** Told once per cash tender (the drawer opens for cash and change). */
  cashTaken(order: OrderView, tendered: number, change: number): void;
  completed(order: OrderView): void;
  /** Cash back was approved on a card: the drawer opens to hand it out (after the commit). */
  cashBackGiven(order: OrderView, amount: number): void;
}

export function createCheckout(deps: CheckoutDeps) {
  const { journal, orders } = deps;

  function openOrderFor(orderId: string): OrderRow {
    const order = orders.byId(orderId);
    if (!order) throw new PosError('NOT_FOUND', 'That sale does not exist.', 'orderId');
    if (order.status !== 'open')
      throw new PosError('CONFLICT', `Sale ${order.number} is already ${order.status}.`, 'orderId');
    return order;
  }

  /** Completes the order if its tenders cover it. Runs inside the caller's transaction. */
  function completeIfPaid(orderId: string): OrderView {
    const view = deps.view(orders.byId(orderId)!);
    if (view.lines.length > 0 && view.due === 0 && view.status === 'open') {
      const at = orders.complete(
        orderId,
        {
          subtotal: view.subtotal,
          discountTotal: view.discountTotal,
          taxTotal: view.addedTax + view.includedTax,
          total: view.total,
        },
        saleFigures(view),
      );
      // Only the status changed: no need to read and price the order again.
      if (at) return { ...view, status: 'completed', completedAt: at };
    }
    return view;
  }

  const takeCash = (orderId: string, tendered: number) =>
    journal.transaction(() => {
      const order = openOrderFor(orderId);
      const before = deps.view(order);
      if (before.lines.length === 0) throw new PosError('CONFLICT', 'The cart is empty.');
      if (before.due === 0) throw new PosError('CONFLICT', 'This sale is already paid.');
      if (deps.hasUnresolvedAttempt(orderId)) {
        throw new PosError(
          'PAYMENT_IN_PROGRESS',
          'A card or wallet payment for this sale is still being checked; wait for its outcome before taking cash.',
        );
      }
      const settles = tendered >= before.cashDue;
      const applied = settles ? before.cashDue : tendered;
      const change = settles ? tendered - before.cashDue : 0;
      if (settles && before.cashDue !== before.due)
        orders.setCashRounding(orderId, order.cash_rounding + before.cashDue - before.due);
      orders.addTender(orderId, {
        kind: 'cash',
        label: 'Cash',
        amount: applied,
        tendered,
        change,
        tip: 0,
        attemptId: null,
        card: null,
      });
      return { view: completeIfPaid(orderId), change };
    });

  /**
   * Records an approved electronic payment as a tender, inside the engine's transaction. Cash
   * back is charged to the card (inside its amount) and handed out from the drawer: a cash line
   * of minus that much, so the sale's tenders still add up to its total and the drawer expects less.
   */
  function addElectronicTender(orderId: string, tender: ElectronicTender): OrderView {
    const charged = tender.amount + tender.cashback;
    orders.addTender(orderId, { ...tender, amount: charged, tendered: charged, change: 0 });
    if (tender.cashback > 0) {
      orders.addTender(orderId, {
        kind: 'cash',
        label: 'Cash back',
        amount: -tender.cashback,
        tendered: -tender.cashback,
        change: 0,
        tip: 0,
        attemptId: null,
        card: null,
      });
      const cashback = tender.cashback;
      // The drawer opens once the approval is committed (this runs inside the engine's transaction).
      setImmediate(() => deps.cashBackGiven(deps.view(orders.byId(orderId)!), cashback));
    }
    return completeIfPaid(orderId);
  }

  return {
    takeCash(orderId: string, tendered: number): { order: OrderView; change: number; completed: boolean } {
      const { view, change } = takeCash(orderId, tendered);
      deps.changed(view);
      deps.cashTaken(view, tendered, change);
      if (view.status === 'completed') deps.completed(view);
      return { order: view, change, completed: view.status === 'completed' };
    },
    addElectronicTender,
    openOrderFor,
  };
}

export type Checkout = ReturnType<typeof createCheckout>;

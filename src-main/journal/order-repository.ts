/** Orders, lines and tenders: the only place their SQL lives. One writer (the core's connection). */
import { randomUUID } from 'node:crypto';
import type { CardBlock, OrderSummary } from '../../src-shared/domain';
import type { Discount, TaxRate } from '../../src-shared/pricing';
import type { Db } from './open-journal';

export interface OrderRow {
  id: string;
  number: number;
  status: 'open' | 'completed' | 'cancelled';
  currency: string;
  cashier_id: string;
  opened_at: string;
  completed_at: string | null;
  order_discount: string | null;
  cash_rounding: number;
  total: number;
  shift_id: number | null;
  /** How the order's taxes are rounded (store.taxRounding when it was opened). */
  tax_rounding: 'line' | 'order';
}

export interface LineRow {
  id: string;
  order_id: string;
  seq: number;
  product_id: number | null;
  name: string;
  barcode: string | null;
  unit: 'each' | 'kg';
  unit_price: number;
  qty_milli: number;
  discount: string | null;
  /** JSON TaxRate[]: the rates as they were when the line was rung up. */
  tax_codes: string;
  embedded: 'price' | 'weight' | null;
}

export interface TenderRow {
  id: string;
  order_id: string;
  kind: 'cash' | 'card' | 'wallet';
  label: string;
  amount: number;
  tendered: number;
  change: number;
  tip: number;
  /** Cash handed out on a card sale: inside this card tender's amount, and a negative cash line beside it. */
  cashback: number;
  attempt_id: string | null;
  card: string | null;
  created_at: string;
}

export interface NewLine {
  productId: number | null;
  name: string;
  barcode: string | null;
  unit: 'each' | 'kg';
  unitPrice: number;
  qtyMilli: number;
  taxes: readonly TaxRate[];
  embedded: 'price' | 'weight' | null;
}

export interface NewTender {
  kind: TenderRow['kind'];
  label: string;
  amount: number;
  tendered: number;
  change: number;
  tip: number;
  cashback?: number;
  attemptId: string | null;
  card: CardBlock | null;
}

export interface FrozenTotals {
  subtotal: number;
  discountTotal: number;
  taxTotal: number;
  total: number;
}

/** What pricing derived for a completed sale, stored with it so reports and their verify stay SQL (issue 14). */
export interface SaleFigures {
  /** Tax charged per tax label, in the order the sale's pricing lists them. */
  taxes: readonly { label: string; amount: number }[];
  /** Lines with a discount, plus one for an order discount. */
  discountCount: number;
}

export function parseDiscount(json: string | null): Discount | null {
  return json ? (JSON.parse(json) as Discount) : null;
}

export interface OrderReader {
  /** The newest open order, or null. */
  openOrder(): OrderRow | null;
  byId(id: string): OrderRow | null;
  /** The order's lines still on it, in the order they were rung up. */
  lines(orderId: string): LineRow[];
  /** A line still on its order, or null. */
  line(lineId: string): LineRow | null;
  /** The order's tenders, oldest first. */
  tenders(orderId: string): TenderRow[];
  /** What went back to the customer on this order (the refund ledger's done parts). */
  refunded(orderId: string): number;
  /** The number of an open sale of the shift that already took a tender (one is enough), or null. */
  partPaidInShift(shiftId: number): number | null;
  /** Newest first; `query` matches the order number or a line's name or barcode. */
  history(query: string, limit: number, beforeNumber: number | null): OrderSummary[];
}

export interface OrderWriter {
  /** Opens an order with the next sale number (taken in its own immediate transaction). */
  createOrder(
    currency: string,
    cashierId: string,
    shiftId: number | null,
    taxRounding?: OrderRow['tax_rounding'],
  ): OrderRow;
  /** Adds a line after the order's last one; returns its id. */
  addLine(orderId: string, line: NewLine): string;
  setQuantity(lineId: string, qtyMilli: number): void;
  /** Sets a line's price, keeping its list price and who overrode it. */
  overridePrice(lineId: string, unitPrice: number, by: string): void;
  /** Takes a line off its order (kept, marked removed). */
  removeLine(lineId: string): void;
  setLineDiscount(lineId: string, discount: Discount | null): void;
  setOrderDiscount(orderId: string, discount: Discount | null): void;
  /** Journals a tender on the order; returns its id. */
  addTender(orderId: string, tender: NewTender): string;
  setCashRounding(orderId: string, amount: number): void;
  /** A tip changed after approval: the tender of that attempt follows. */
  setTenderTip(attemptId: string, tip: number): void;
  /**
   * Marks the order completed with its frozen totals and the figures pricing derived (the running
   * totals' triggers add them up in the same statement); the completion time, or null if it was not open.
   */
  complete(orderId: string, totals: FrozenTotals, figures: SaleFigures): string | null;
  /** Stores the figures of a sale completed before they were stored (once; later calls change nothing). */
  recordFigures(orderId: string, figures: SaleFigures): void;
  /** Cancels an open order; false when it was not open. */
  cancel(orderId: string): boolean;
}

export type OrderRepository = OrderReader & OrderWriter;

export function createOrderRepository(db: Db): OrderReader & OrderWriter {
  const q = {
    open: db.prepare("SELECT * FROM orders WHERE status = 'open' ORDER BY number DESC LIMIT 1"),
    byId: db.prepare('SELECT * FROM orders WHERE id = ?'),
    nextNumber: db.prepare('SELECT COALESCE(MAX(number), 0) + 1 AS n FROM orders'),
    insertOrder: db.prepare(
      "INSERT INTO orders (id, number, status, currency, cashier_id, opened_at, shift_id, tax_rounding) VALUES (?, ?, 'open', ?, ?, ?, ?, ?)",
    ),
    overridePrice: db.prepare(
      'UPDATE order_lines SET list_price = COALESCE(list_price, unit_price), unit_price = ?, override_by = ? WHERE id = ?',
    ),
    lines: db.prepare('SELECT * FROM order_lines WHERE order_id = ? AND removed_at IS NULL ORDER BY seq'),
    line: db.prepare('SELECT * FROM order_lines WHERE id = ? AND removed_at IS NULL'),
    nextSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM order_lines WHERE order_id = ?'),
    insertLine:
      db.prepare(`INSERT INTO order_lines (id, order_id, seq, product_id, name, barcode, unit, unit_price, qty_milli, tax_codes, embedded)
      VALUES (@id, @orderId, @seq, @productId, @name, @barcode, @unit, @unitPrice, @qtyMilli, @taxes, @embedded)`),
    setQty: db.prepare('UPDATE order_lines SET qty_milli = ? WHERE id = ?'),
    removeLine: db.prepare('UPDATE order_lines SET removed_at = ? WHERE id = ?'),
    setLineDiscount: db.prepare('UPDATE order_lines SET discount = ? WHERE id = ?'),
    setOrderDiscount: db.prepare('UPDATE orders SET order_discount = ? WHERE id = ?'),
    tenders: db.prepare('SELECT * FROM tenders WHERE order_id = ? ORDER BY created_at, rowid'),
    insertTender:
      db.prepare(`INSERT INTO tenders (id, order_id, kind, label, amount, tendered, change, tip, cashback, attempt_id, card, created_at)
      VALUES (@id, @orderId, @kind, @label, @amount, @tendered, @change, @tip, @cashback, @attemptId, @card, @createdAt)`),
    setCashRounding: db.prepare('UPDATE orders SET cash_rounding = ? WHERE id = ?'),
    setTenderTip: db.prepare('UPDATE tenders SET tip = ? WHERE attempt_id = ?'),
    complete:
      db.prepare(`UPDATE orders SET status = 'completed', completed_at = @at, subtotal = @subtotal, discount_total = @discountTotal,
      tax_total = @taxTotal, total = @total WHERE id = @id AND status = 'open'`),
    insertTax: db.prepare('INSERT OR IGNORE INTO order_taxes (order_id, seq, label, amount) VALUES (?, ?, ?, ?)'),
    insertFigures: db.prepare('INSERT OR IGNORE INTO order_figures (order_id, discount_count) VALUES (?, ?)'),
    cancel: db.prepare("UPDATE orders SET status = 'cancelled', completed_at = ? WHERE id = ? AND status = 'open'"),
    // What went back to the customer on this order, from the refund ledger: done parts only.
    refunded:
      db.prepare(`SELECT COALESCE(SUM(rt.amount), 0) FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id
      LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id WHERE r.order_id = @orderId AND (rt.attempt_id IS NULL OR pa.state = 'approved')`),
    partPaid: db.prepare(`SELECT o.number FROM orders o WHERE o.shift_id = ? AND o.status = 'open'
      AND EXISTS (SELECT 1 FROM tenders t WHERE t.order_id = o.id)`),
  };

  function recordFigures(orderId: string, figures: SaleFigures): void {
    figures.taxes.forEach((tax, seq) => q.insertTax.run(orderId, seq, tax.label, tax.amount));
    q.insertFigures.run(orderId, figures.discountCount);
  }

  return {
    openOrder: () => (q.open.get() as OrderRow | undefined) ?? null,
    byId: (id: string) => (q.byId.get(id) as OrderRow | undefined) ?? null,
    createOrder(
      currency: string,
      cashierId: string,
      shiftId: number | null,
      taxRounding: OrderRow['tax_rounding'] = 'line',
    ): OrderRow {
      const id = randomUUID();
      db.transaction(() => {
        const { n } = q.nextNumber.get() as { n: number };
        q.insertOrder.run(id, n, currency, cashierId, new Date().toISOString(), shiftId, taxRounding);
      }).immediate();
      return q.byId.get(id) as OrderRow;
    },
    lines: (orderId: string) => q.lines.all(orderId) as LineRow[],
    line: (lineId: string) => (q.line.get(lineId) as LineRow | undefined) ?? null,
    addLine(orderId: string, line: NewLine): string {
      const id = randomUUID();
      db.transaction(() => {
        const { n } = q.nextSeq.get(orderId) as { n: number };
        q.insertLine.run({ id, orderId, seq: n, ...line, taxes: JSON.stringify(line.taxes) });
      })();
      return id;
    },
    setQuantity: (lineId: string, qtyMilli: number) => void q.setQty.run(qtyMilli, lineId),
    overridePrice: (lineId: string, unitPrice: number, by: string) => void q.overridePrice.run(unitPrice, by, lineId),
    removeLine: (lineId: string) => void q.removeLine.run(new Date().toISOString(), lineId),
    setLineDiscount: (lineId: string, discount: Discount | null) =>
      void q.setLineDiscount.run(discount ? JSON.stringify(discount) : null, lineId),
    setOrderDiscount: (orderId: string, discount: Discount | null) =>
      void q.setOrderDiscount.run(discount ? JSON.stringify(discount) : null, orderId),
    tenders: (orderId: string) => q.tenders.all(orderId) as TenderRow[],
    addTender(orderId: string, tender: NewTender): string {
      const id = randomUUID();
      q.insertTender.run({
        id,
        orderId,
        ...tender,
        cashback: tender.cashback ?? 0,
        card: tender.card ? JSON.stringify(tender.card) : null,
        createdAt: new Date().toISOString(),
      });
      return id;
    },
    setCashRounding: (orderId: string, amount: number) => void q.setCashRounding.run(amount, orderId),
    setTenderTip: (attemptId: string, tip: number) => void q.setTenderTip.run(tip, attemptId),
    complete(orderId: string, totals: FrozenTotals, figures: SaleFigures): string | null {
      const at = new Date().toISOString();
      return db.transaction(() => {
        if ((q.byId.get(orderId) as OrderRow | undefined)?.status !== 'open') return null;
        // Stored first: the completion's own statement adds them to the running totals (migration 008).
        recordFigures(orderId, figures);
        q.complete.run({ id: orderId, at, ...totals });
        return at;
      })();
    },
    recordFigures,
    cancel: (orderId: string) => q.cancel.run(new Date().toISOString(), orderId).changes === 1,
    /** What went back to the customer on this order (the refund ledger's done parts). */
    refunded: (orderId: string) => q.refunded.pluck().get({ orderId }) as number,
    partPaidInShift: (shiftId: number) => (q.partPaid.pluck().get(shiftId) as number | undefined) ?? null,
    /** Newest first; `query` matches the order number or a line's name or barcode. */
    history(query: string, limit: number, beforeNumber: number | null): OrderSummary[] {
      const text = query.trim();
      const asNumber = /^\d+$/.test(text) ? Number(text) : null;
      const rows = db
        .prepare(
          `
        SELECT o.id, o.number, o.status, o.currency, u.name AS cashierName, o.completed_at AS completedAt, o.total,
          (SELECT COALESCE(SUM(rt.amount), 0) FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id
             LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id WHERE r.order_id = o.id AND (rt.attempt_id IS NULL OR pa.state = 'approved')) AS refunded,
          (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id AND l.removed_at IS NULL) AS lineCount,
          (SELECT GROUP_CONCAT(DISTINCT t.kind) FROM tenders t WHERE t.order_id = o.id) AS tenderKinds
        FROM orders o JOIN users u ON u.id = o.cashier_id
        WHERE o.status != 'open'
          AND (@before IS NULL OR o.number < @before)
          AND (@text = '' OR o.number = @asNumber OR EXISTS (
            SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND (l.name LIKE @like ESCAPE '\\' OR l.barcode = @text)))
        ORDER BY o.number DESC LIMIT @limit`,
        )
        .all({
          before: beforeNumber,
          text,
          asNumber,
          like: `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
          limit,
        }) as (Omit<OrderSummary, 'tenderKinds'> & { tenderKinds: string | null })[];
      return rows.map((r) => ({ ...r, tenderKinds: r.tenderKinds ? r.tenderKinds.split(',') : [] }));
    },
  };
}

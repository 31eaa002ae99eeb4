/**
 * The open order (the cart) lives in the journal, not in the renderer: every scan and
 * edit is one durable transaction, so a crash mid-ring-up loses nothing.
 */
import type { OrderView, ProductView, ScanKind } from '../../src-shared/domain';
import { PosError } from '../../src-shared/errors';
import { lineGross, type Discount, type TaxRate } from '../../src-shared/pricing';
import type { ScanResolution } from '../catalog/catalog';
import type { NewVoid } from '../journal/shift-repository';
import type { LineRow, OrderRepository, OrderRow } from '../journal/order-repository';
import { MAX_AMOUNT, MAX_LINES, MAX_QUANTITY, MAX_QUANTITY_MILLI } from '../../src-shared/limits';

/** The catalogue as the cart sees it. */
export interface ProductLookup {
  product(id: string): ProductView | null;
}

/** Scans that name something to sell (the catalogue already found the product). */
export type ItemScan = Extract<ScanResolution, { kind: 'product' | 'price-embedded' | 'weight-embedded' }>;

/** Who voided items and who approved it, for the void record and the Z report. */
export interface VoidBy {
  reason: string;
  userId: string;
  approvedBy: string | null;
}

export interface CartDeps {
  orders: OrderRepository;
  /** The shift a new sale joins (opened on demand). */
  shiftFor(cashierId: string): number;
  /** True while a card or wallet attempt of the order is in flight or unresolved. */
  hasUnresolvedAttempt(orderId: string): boolean;
  recordVoid(entry: NewVoid): void;
  products: ProductLookup;
  taxRates: ReadonlyMap<string, TaxRate>;
  currency: string;
  /** store.taxRounding: kept on each order when it opens, so history never re-rounds. */
  taxRounding?: 'line' | 'order';
  view(order: OrderRow): OrderView;
  changed(order: OrderView): void;
}

export function createCartService(deps: CartDeps) {
  const { orders } = deps;

  function openOrder(cashierId: string): OrderRow {
    return (
      orders.openOrder() ??
      orders.createOrder(deps.currency, cashierId, deps.shiftFor(cashierId), deps.taxRounding ?? 'line')
    );
  }

  function editable(cashierId: string): OrderRow {
    const order = openOrder(cashierId);
    // A card or wallet attempt in flight pays for these items as they are: they may not change under it.
    if (deps.hasUnresolvedAttempt(order.id)) {
      throw new PosError(
        'PAYMENT_IN_PROGRESS',
        'A card or wallet payment for this sale is under way: wait for its outcome (or stop waiting) before changing items.',
      );
    }
    if (orders.tenders(order.id).length > 0) {
      throw new PosError(
        'CONFLICT',
        'Payment has started on this sale: finish or refund the payment before changing items.',
      );
    }
    return order;
  }

  function lineOf(order: OrderRow, lineId: string) {
    const line = orders.line(lineId);
    if (!line || line.order_id !== order.id)
      throw new PosError('NOT_FOUND', 'That line is no longer in the cart.', 'lineId');
    return line;
  }

  function publish(order: OrderRow): OrderView {
    const view = deps.view(orders.byId(order.id)!);
    deps.changed(view);
    return view;
  }

  function taxesOf(product: ProductView): TaxRate[] {
    return product.taxCodes.map((code) => {
      const rate = deps.taxRates.get(code);
      if (!rate) throw new PosError('CONFLICT', `${product.name} uses tax ${code}, which this store does not define.`);
      return rate;
    });
  }

  /**
   * What a sale can hold (src-shared/limits.ts): a line at most MAX_QUANTITY items, the sale at most
   * MAX_AMOUNT of goods before discounts and tax, so every figure stays a safe integer.
   */
  function withinBounds(lines: LineRow[], line: LineRow | null, qtyMilli: number, unitPrice: number) {
    if (qtyMilli > MAX_QUANTITY_MILLI)
      throw new PosError('INVALID_PAYLOAD', `A line holds at most ${MAX_QUANTITY} items.`, 'qtyMilli');
    const others = lines.reduce((sum, l) => (l.id === line?.id ? sum : sum + lineGross(l.unit_price, l.qty_milli)), 0);
    if (others + lineGross(unitPrice, qtyMilli) > MAX_AMOUNT)
      throw new PosError(
        'INVALID_PAYLOAD',
        'That would make the sale larger than the till can take in one sale.',
        'qtyMilli',
      );
  }

  function addProduct(
    cashierId: string,
    product: ProductView,
    qtyMilli: number,
    embedded: 'price' | 'weight' | null,
    unitPrice = product.price,
    barcode = product.barcode,
  ): OrderView {
    const order = editable(cashierId);
    const lines = orders.lines(order.id);
    // A repeat scan of a plain each-item adds to its line (never a new quantity typed by the scanner).
    const same =
      embedded === null && product.unit === 'each'
        ? lines.find(
            (l) =>
              l.product_id === Number(product.id) &&
              l.embedded === null &&
              l.discount === null &&
              l.unit_price === unitPrice,
          )
        : undefined;
    if (!same && lines.length >= MAX_LINES)
      throw new PosError(
        'CONFLICT',
        `A sale holds at most ${MAX_LINES} lines: take payment for this one and start another.`,
      );
    withinBounds(lines, same ?? null, (same?.qty_milli ?? 0) + qtyMilli, unitPrice);
    if (same) orders.setQuantity(same.id, same.qty_milli + qtyMilli);
    else {
      orders.addLine(order.id, {
        productId: Number(product.id),
        name: product.name,
        barcode,
        unit: product.unit,
        unitPrice,
        qtyMilli,
        taxes: taxesOf(product),
        embedded,
      });
    }
    return publish(order);
  }

  return {
    current: (cashierId: string) => deps.view(openOrder(cashierId)),
    /** Throws CONFLICT when the open sale can no longer change (payment started). */
    assertEditable: (cashierId: string) => void editable(cashierId),
    /** Throws NOT_FOUND unless the line is on the open sale: asked before any manager approves a change to it. */
    assertLine: (cashierId: string, lineId: string) => void lineOf(openOrder(cashierId), lineId),

    /** Adds what a scan names; the catalogue resolved it, wallet codes and badges went elsewhere. */
    addScanned(cashierId: string, scan: ItemScan): { kind: ScanKind; order: OrderView } {
      switch (scan.kind) {
        case 'product':
          if (scan.product.unit === 'kg')
            throw new PosError(
              'CONFLICT',
              `${scan.product.name} is sold by weight: weigh it and scan the scale label.`,
              'code',
            );
          return { kind: scan.kind, order: addProduct(cashierId, scan.product, 1000, null) };
        case 'price-embedded':
          return {
            kind: scan.kind,
            order: addProduct(cashierId, scan.product, 1000, 'price', scan.price, scan.barcode),
          };
        case 'weight-embedded':
          return {
            kind: scan.kind,
            order: addProduct(cashierId, scan.product, scan.qtyMilli, 'weight', scan.product.price, scan.barcode),
          };
      }
    },

    addProductById(cashierId: string, productId: string, qty: number): OrderView {
      const product = deps.products.product(productId);
      if (!product) throw new PosError('NOT_FOUND', 'That product is no longer in the catalogue.', 'productId');
      if (product.unit === 'kg')
        throw new PosError(
          'CONFLICT',
          `${product.name} is sold by weight: weigh it and scan the scale label, or enter the weight on its line.`,
        );
      return addProduct(cashierId, product, qty * 1000, null);
    },

    /** Raising a quantity is free; lowering it voids items and needs `voidBy` (checked by the caller). */
    setQuantity(cashierId: string, lineId: string, qtyMilli: number, voidBy: VoidBy | null): OrderView {
      const order = editable(cashierId);
      const line = lineOf(order, lineId);
      // Every refusal comes before a void is recorded.
      if (line.embedded === 'price')
        throw new PosError('CONFLICT', 'A price-label item is one item: scan the label again to add another.');
      if (line.unit === 'each' && qtyMilli % 1000 !== 0)
        throw new PosError('INVALID_PAYLOAD', `${line.name} is sold by the item: use a whole number.`, 'qtyMilli');
      withinBounds(orders.lines(order.id), line, qtyMilli, line.unit_price);
      if (qtyMilli < line.qty_milli) {
        if (!voidBy)
          throw new PosError(
            'APPROVAL_REQUIRED',
            'Lowering a quantity voids items: a manager must approve.',
            'approval',
          );
        const removed = line.qty_milli - qtyMilli;
        deps.recordVoid({
          shiftId: order.shift_id,
          orderId: order.id,
          lineId,
          kind: 'line',
          description: line.name,
          qtyMilli: removed,
          amount: lineGross(line.unit_price, removed),
          ...voidBy,
        });
      }
      orders.setQuantity(lineId, qtyMilli);
      return publish(order);
    },

    removeLine(cashierId: string, lineId: string, voidBy: VoidBy): OrderView {
      const order = editable(cashierId);
      const line = lineOf(order, lineId);
      orders.removeLine(lineId);
      deps.recordVoid({
        shiftId: order.shift_id,
        orderId: order.id,
        lineId,
        kind: 'line',
        description: line.name,
        qtyMilli: line.qty_milli,
        amount: lineGross(line.unit_price, line.qty_milli),
        ...voidBy,
      });
      return publish(order);
    },

    /** Sets a line's price; the list price is kept for the receipt trail and the Z report. */
    overridePrice(
      cashierId: string,
      lineId: string,
      unitPrice: number,
      approvedBy: string,
    ): { order: OrderView; from: number; name: string } {
      const order = editable(cashierId);
      const line = lineOf(order, lineId);
      if (line.embedded === 'price') throw new PosError('CONFLICT', 'A price-label item carries its own price.');
      orders.overridePrice(lineId, unitPrice, approvedBy);
      return { order: publish(order), from: line.unit_price, name: line.name };
    },

    setLineDiscount(cashierId: string, lineId: string, discount: Discount | null): OrderView {
      const order = editable(cashierId);
      const line = lineOf(order, lineId);
      if (discount?.kind === 'amount' && discount.amount > lineGross(line.unit_price, line.qty_milli)) {
        throw new PosError('INVALID_PAYLOAD', 'The discount is larger than the line.', 'discount.amount');
      }
      orders.setLineDiscount(lineId, discount);
      return publish(order);
    },

    setOrderDiscount(cashierId: string, discount: Discount | null): OrderView {
      const order = editable(cashierId);
      orders.setOrderDiscount(order.id, discount);
      return publish(order);
    },

    /** Voids the open sale. Only before any payment; paid sales are refunded instead. */
    cancel(cashierId: string, voidBy: VoidBy | null): OrderView {
      const order = editable(cashierId);
      const before = deps.view(order);
      if (before.lines.length > 0) {
        if (!voidBy)
          throw new PosError('APPROVAL_REQUIRED', "Voiding a sale with items needs a manager's approval.", 'approval');
        deps.recordVoid({
          shiftId: order.shift_id,
          orderId: order.id,
          lineId: null,
          kind: 'order',
          description: `${before.lines.length} line(s)`,
          qtyMilli: 0,
          amount: before.total,
          ...voidBy,
        });
      }
      orders.cancel(order.id);
      publish(order);
      return deps.view(openOrder(cashierId));
    },
  };
}

export type CartService = ReturnType<typeof createCartService>;

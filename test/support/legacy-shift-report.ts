/**
 * TEST ORACLE (issue 14): the report as it was built before running totals — every completed sale's
 * full order view, summed in code — kept verbatim (imports and names adjusted) so the property test can
 * compare the running-totals report with it, figure by figure. `legacyReportDeps` supplies the queries
 * it used (unindexed then; the same SQL).
 *
 * Original summary — builds the X (any time) and Z (at close) report of a shift from the journal: sales (net
 * before tax, after refunds), the refund ledger, late approvals and where each stands, per-
 * provider reconciliation (what it confirmed, what the sales took, what went back), voids
 * with user and product, no-sales and overrides with who approved them, discounts, tips,
 * cash back, taxes, per-tender totals, and payments still unresolved.
 */
import type { AttemptView, OrderView } from '../../src-shared/domain';
import { mulDivRound } from '../../src-shared/money';
import type { Report } from '../../src-shared/report';
import type { AttemptReader } from '../../src-main/journal/attempt-repository';
import type { RefundReader } from '../../src-main/journal/refund-repository';
import type { AuditReportRow } from '../../src-main/journal/report-repository';
import type { Db } from '../../src-main/journal/open-journal';
import type { CashMoveRow, ShiftRow, VoidRow } from '../../src-main/journal/shift-repository';
import { cashbackOf } from '../../src-main/payments/engine/payment-engine';
import { recordStatus } from '../../src-main/sales/refund-service';

export interface LegacyReportDeps {
  /** The report's own queries (sales, voids, audit entries of the shift). */
  report: {
    completedOrderIds(shiftId: number): string[];
    voids(shiftId: number): (VoidRow & { order_number: number })[];
    auditBetween(action: string, from: string, until: string): AuditReportRow[];
  };
  shifts: { cashMoves(shiftId: number): CashMoveRow[] };
  storeName: string;
  currency: string;
  orderView(orderId: string): OrderView;
  userName(id: string | null): string;
  providerLabel(providerId: string): string;
  unresolved(): AttemptView[];
  expectedCash(shift: ShiftRow): number;
  refunds: RefundReader;
  attempts: Pick<AttemptReader, 'byId' | 'lateApprovals'>;
}

type TenderGroup = Report['tenders'][number];
type ProviderLine = Report['providers'][number];

/** The refund kinds that give goods back (a reversal gives back an approval the sale never took; `accepted` swaps one tender for another). */
const GIVES_GOODS_BACK = new Set(['refund', 'void', 'outside']);

export function legacyShiftReport(
  deps: LegacyReportDeps,
  shift: ShiftRow,
  options: { kind: 'X' | 'Z'; number: number | null; copy: boolean; countedCash?: number; at?: string },
): Report {
  const until = shift.closed_at ?? options.at ?? new Date().toISOString();
  const name = (id: string | null) => (id ? deps.userName(id) : null);
  const orders = deps.report.completedOrderIds(shift.id).map((id) => deps.orderView(id));
  const providerOf = (attemptId: string | null): string | null =>
    attemptId ? (deps.attempts.byId(attemptId)?.provider ?? null) : null;

  const taxes = new Map<string, number>();
  for (const order of orders)
    for (const tax of order.taxes) taxes.set(tax.label, (taxes.get(tax.label) ?? 0) + tax.amount);

  // Tenders: what each provider (or the drawer) took, tips and cash back inside, as a terminal's batch counts it.
  const tenderGroups = new Map<string, TenderGroup>();
  const group = (key: string | null): TenderGroup => {
    const id = key ?? 'cash';
    const existing = tenderGroups.get(id);
    if (existing) return existing;
    const created = {
      label: key ? deps.providerLabel(key) : 'Cash',
      count: 0,
      amount: 0,
      tips: 0,
      cashback: 0,
      refunded: 0,
      net: 0,
    };
    tenderGroups.set(id, created);
    return created;
  };
  const providers = new Map<string, ProviderLine>();
  const line = (provider: string): ProviderLine => {
    const existing = providers.get(provider);
    if (existing) return existing;
    const created = {
      label: deps.providerLabel(provider),
      confirmed: { count: 0, amount: 0 },
      asTenders: { count: 0, amount: 0 },
      late: { count: 0, amount: 0 },
      givenBack: 0,
      net: 0,
    };
    providers.set(provider, created);
    return created;
  };
  for (const order of orders) {
    for (const tender of order.tenders) {
      const provider = providerOf(tender.attemptId);
      const g = group(provider);
      if (tender.amount > 0) g.count += 1;
      g.amount += tender.amount + tender.tip;
      g.tips += tender.tip;
      g.cashback += tender.cashback;
      if (provider) {
        line(provider).asTenders.count += 1;
        line(provider).asTenders.amount += tender.amount + tender.tip;
      }
    }
  }

  // The refund ledger of the shift: done parts count; in-flight ones are listed, not counted.
  const records = deps.refunds.byShift(shift.id);
  const parts = deps.refunds.partsOfShift(shift.id);
  const kindOf = new Map(records.map((r) => [r.id, r.kind]));
  let goodsBack = 0;
  let tipsBack = 0;
  let refundedTax = 0;
  for (const record of records) {
    const done = parts.filter((p) => p.refund_id === record.id && p.status === 'done');
    const tip = done.reduce((sum, p) => sum + p.tip, 0);
    const goods = done.reduce((sum, p) => sum + p.amount, 0) - tip;
    if (!GIVES_GOODS_BACK.has(record.kind)) continue;
    goodsBack += goods;
    tipsBack += tip;
    const planned = record.amount - record.tip;
    refundedTax += planned > 0 ? mulDivRound(record.tax, Math.min(goods, planned), planned) : 0;
  }
  for (const part of parts.filter((p) => p.status === 'done')) {
    // Back through the provider (its refund attempt), or on its terminal (the payment it gives back): its batch counts it.
    const provider =
      part.via === 'drawer' ? null : providerOf(part.via === 'provider' ? part.attempt_id : part.original_attempt_id);
    if (part.via !== 'drawer' && provider) line(provider).givenBack += part.amount;
    // A reversal gives back an approval that was never a tender: it is in the provider lines only.
    if (kindOf.get(part.refund_id) !== 'reversal') group(provider).refunded += part.amount;
  }

  const lateApprovals: Report['lateApprovals'] = deps.attempts.lateApprovals(shift.opened_at, until).map((attempt) => {
    const given = deps.refunds.partsOfAttempt(attempt.id);
    const outside = given.some((p) => p.via === 'outside' && p.status === 'done');
    // Accepted by a manager: it became a tender of its sale (and may have been refunded since, like any tender).
    const order = deps.orderView(attempt.order_id);
    const status: Report['lateApprovals'][number]['status'] = order.tenders.some((t) => t.attemptId === attempt.id)
      ? 'accepted'
      : outside
        ? 'refunded-elsewhere'
        : attempt.state === 'voided' || attempt.state === 'refunded'
          ? 'reversed'
          : given.some((p) => p.status === 'in-flight') || attempt.state === 'partially_refunded'
            ? 'reversing'
            : 'open';
    const amount = (attempt.approved_amount ?? attempt.amount) + attempt.tip + cashbackOf(attempt);
    if (status !== 'accepted') {
      line(attempt.provider).late.count += 1;
      line(attempt.provider).late.amount += amount;
    }
    return {
      attemptId: attempt.id,
      provider: deps.providerLabel(attempt.provider),
      orderNumber: order.number,
      at: attempt.raised_at,
      amount,
      status,
    };
  });
  for (const p of providers.values()) {
    p.confirmed = { count: p.asTenders.count + p.late.count, amount: p.asTenders.amount + p.late.amount };
    p.net = p.confirmed.amount - p.givenBack;
  }
  for (const g of tenderGroups.values()) g.net = g.amount - g.refunded;

  const itemsOf = (refundId: string, order: OrderView) => {
    const names = new Map(order.lines.map((l) => [l.id, l.name]));
    return deps.refunds
      .lines(refundId)
      .map((i) => `${i.qty_milli / 1000} × ${names.get(i.line_id) ?? ''}`)
      .join('; ');
  };
  const voidRows = deps.report.voids(shift.id);
  const audit = (action: string) => deps.report.auditBetween(action, shift.opened_at, until);

  const moves = deps.shifts.cashMoves(shift.id);
  const cashGroup = tenderGroups.get('cash');
  const cashback = orders.reduce((s, o) => s + o.tenders.reduce((t, x) => t + x.cashback, 0), 0);
  // Cash taken for sales, before the cash back handed out (which the cash group holds as negative lines).
  const cashSales = (cashGroup?.amount ?? 0) + cashback;
  const cashRefunds = cashGroup?.refunded ?? 0;
  if (cashGroup && cashGroup.count === 0 && cashGroup.refunded === 0 && cashGroup.amount === 0)
    tenderGroups.delete('cash');
  const expected = deps.expectedCash(shift);
  const counted = options.countedCash ?? shift.counted_cash;
  const gross = orders.reduce((s, o) => s + o.subtotal, 0);
  const discounts = orders.reduce((s, o) => s + o.discountTotal, 0);
  const tax = orders.reduce((s, o) => s + o.addedTax + o.includedTax, 0);

  return {
    kind: options.kind,
    number: options.number,
    copy: options.copy,
    storeName: deps.storeName,
    currency: deps.currency,
    generatedAt: options.at ?? new Date().toISOString(),
    shift: {
      id: shift.id,
      openedBy: deps.userName(shift.opened_by),
      openedAt: shift.opened_at,
      closedBy: name(shift.closed_by),
      closeApprovedBy: name(shift.closing_approved_by),
      closedAt: shift.closed_at,
    },
    sales: {
      count: orders.length,
      gross,
      discounts,
      tax,
      refunds: goodsBack,
      refundedTax,
      net: gross - discounts - tax - (goodsBack - refundedTax),
      tips: orders.reduce((s, o) => s + o.tenders.reduce((t, x) => t + x.tip, 0), 0),
      tipsRefunded: tipsBack,
      cashback,
      cashRounding: orders.reduce((s, o) => s + o.cashRounding, 0),
    },
    taxes: [...taxes].map(([label, amount]) => ({ label, amount })),
    tenders: [...tenderGroups.values()],
    refunds: records.map((r) => {
      const order = deps.orderView(r.order_id);
      const own = parts.filter((p) => p.refund_id === r.id);
      return {
        number: r.number,
        orderNumber: order.number,
        at: r.created_at,
        kind: r.kind,
        amount: r.amount,
        tip: r.tip,
        reason: r.reason,
        user: deps.userName(r.user_id),
        approvedBy: name(r.approved_by),
        items: itemsOf(r.id, order) || 'by amount',
        status: recordStatus(own),
      };
    }),
    lateApprovals,
    providers: [...providers.values()],
    voids: voidRows.map((v) => ({
      at: v.at,
      kind: v.kind,
      orderNumber: v.order_number,
      description: v.description,
      amount: v.amount,
      reason: v.reason,
      user: deps.userName(v.user_id),
      approvedBy: name(v.approved_by),
    })),
    noSales: audit('drawer.open')
      .map((a) => ({ a, d: JSON.parse(a.detail) as { reason: string; note?: string; approvedBy?: string } }))
      .filter(({ d }) => d.reason === 'no-sale')
      .map(({ a, d }) => ({
        at: a.at,
        reason: d.note ?? '',
        user: deps.userName(a.user_id),
        approvedBy: name(d.approvedBy ?? null),
      })),
    overrides: audit('price.override').map((a) => {
      const d = JSON.parse(a.detail) as {
        product: string;
        from: number;
        to: number;
        reason: string;
        approvedBy: string;
      };
      return {
        at: a.at,
        product: d.product,
        from: d.from,
        to: d.to,
        reason: d.reason,
        user: deps.userName(a.user_id),
        approvedBy: name(d.approvedBy),
      };
    }),
    discounts: {
      count: orders.reduce(
        (s, o) => s + o.lines.filter((l) => l.lineDiscount > 0).length + (o.orderDiscount ? 1 : 0),
        0,
      ),
      total: discounts,
    },
    cash: {
      float: shift.float_total,
      sales: cashSales,
      cashback,
      refunds: cashRefunds,
      paidIn: moves.filter((m) => m.kind === 'in').reduce((s, m) => s + m.amount, 0),
      paidOut: moves.filter((m) => m.kind === 'out').reduce((s, m) => s + m.amount, 0),
      expected,
      counted: counted ?? null,
      variance: counted === null || counted === undefined ? null : counted - expected,
    },
    cashMoves: moves.map((m) => ({
      at: m.at,
      kind: m.kind,
      amount: m.amount,
      reason: m.reason,
      user: deps.userName(m.user_id),
      approvedBy: name(m.approved_by),
    })),
    unresolved: deps.unresolved().map((a) => ({
      attemptId: a.id,
      provider: deps.providerLabel(a.provider),
      orderNumber: deps.orderView(a.orderId).number,
      amount: a.amount,
      state: a.state,
      since: a.createdAt,
    })),
  };
}

/** The queries the legacy report ran, and expected cash as the shift service computed it, straight from the base rows. */
export function legacyReportDeps(
  db: Db,
  rest: Omit<LegacyReportDeps, 'report' | 'shifts' | 'expectedCash'>,
): LegacyReportDeps {
  const cashMoves = (shiftId: number) =>
    db.prepare('SELECT * FROM cash_moves WHERE shift_id = ? ORDER BY id').all(shiftId) as CashMoveRow[];
  return {
    ...rest,
    report: {
      completedOrderIds: (shiftId) =>
        db
          .prepare("SELECT id FROM orders WHERE shift_id = ? AND status = 'completed' ORDER BY number")
          .pluck()
          .all(shiftId) as string[],
      voids: (shiftId) =>
        db
          .prepare(
            'SELECT v.*, o.number AS order_number FROM voids v JOIN orders o ON o.id = v.order_id WHERE v.shift_id = ? ORDER BY v.id',
          )
          .all(shiftId) as (VoidRow & { order_number: number })[],
      auditBetween: (action, from, until) =>
        db
          .prepare('SELECT at, user_id, detail FROM audit WHERE action = ? AND at >= ? AND at <= ? ORDER BY seq')
          .all(action, from, until) as AuditReportRow[],
    },
    shifts: { cashMoves },
    expectedCash(shift) {
      const sales = db
        .prepare(
          "SELECT COALESCE(SUM(t.amount), 0) FROM tenders t JOIN orders o ON o.id = t.order_id WHERE o.shift_id = ? AND t.kind = 'cash'",
        )
        .pluck()
        .get(shift.id) as number;
      const refunds = db
        .prepare(
          "SELECT COALESCE(SUM(rt.amount), 0) FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id WHERE r.shift_id = ? AND rt.via = 'drawer'",
        )
        .pluck()
        .get(shift.id) as number;
      const moves = cashMoves(shift.id).reduce((sum, m) => sum + (m.kind === 'in' ? m.amount : -m.amount), 0);
      return shift.float_total + sales - refunds + moves;
    },
  };
}

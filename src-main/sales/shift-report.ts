/**
 * Builds the X (any time) and Z (at close) report of a shift from the journal: sales (net
 * before tax, after refunds), the refund ledger, late approvals and where each stands, per-
 * provider reconciliation (what it confirmed, what the sales took, what went back), voids
 * with user and product, no-sales and overrides with who approved them, discounts, tips,
 * cash back, taxes, per-tender totals, and payments still unresolved. The figures come from
 * the shift's running totals (issue 14), the lists from indexed per-shift reads: a report
 * costs the same with 100 or 1,000,000 sales in the journal.
 */
import type { AttemptView, OrderView } from '../../src-shared/domain';
import type { Report } from '../../src-shared/report';
import type { AttemptReader } from '../journal/attempt-repository';
import type { SaleFigures } from '../journal/order-repository';
import type { RefundReader } from '../journal/refund-repository';
import type { ReportReader } from '../journal/report-repository';
import type { ShiftReader, ShiftRow } from '../journal/shift-repository';
import type { Totals } from '../journal/totals-repository';
import { cashbackOf } from '../payments/engine/payment-engine';
import { saleFigures } from './checkout';
import { recordStatus } from './refund-service';

export interface ReportDeps {
  /** The report's own reads: the shift's running totals and its indexed per-shift lists. */
  report: Pick<
    ReportReader,
    | 'shiftTotals'
    | 'predatesTotals'
    | 'salesWithoutFigures'
    | 'voids'
    | 'auditBetween'
    | 'orderNumber'
    | 'refunds'
    | 'refundItems'
    | 'isTender'
    | 'verifyShift'
  >;
  shifts: Pick<ShiftReader, 'cashMoves'>;
  storeName: string;
  currency: string;
  /** Used only for sales completed before their figures were stored (a shift that spans the upgrade to 008). */
  orderView(orderId: string): OrderView;
  /** Stores such a sale's figures (once); the running totals follow in the same statement. */
  recordFigures?(orderId: string, figures: SaleFigures): void;
  userName(id: string | null): string;
  providerLabel(providerId: string): string;
  unresolved(): AttemptView[];
  expectedCash(shift: ShiftRow): number;
  refunds: Pick<RefundReader, 'partsOfShift' | 'partsOfAttempt'>;
  attempts: Pick<AttemptReader, 'lateApprovals'>;
}

type TenderGroup = Report['tenders'][number];
type ProviderLine = Report['providers'][number];

/** The figures of one prefix (`tender:`, `provider:`, `tax:`): key → field → value, in first-met order. */
function grouped(totals: Totals, prefix: string): [string, Map<string, number>][] {
  const groups = new Map<string, Map<string, number>>();
  for (const [figure, value] of totals) {
    if (!figure.startsWith(prefix)) continue;
    const rest = figure.slice(prefix.length);
    const dot = prefix === 'tax:' ? (rest.endsWith('.first') ? rest.length - 6 : rest.length) : rest.lastIndexOf('.');
    const key = rest.slice(0, dot);
    const field = dot < rest.length ? rest.slice(dot + 1) : 'amount';
    const group = groups.get(key) ?? new Map<string, number>();
    group.set(field, value);
    groups.set(key, group);
  }
  return [...groups].sort(([, a], [, b]) => (a.get('first') ?? Infinity) - (b.get('first') ?? Infinity));
}

/**
 * The X or Z report of a shift. Its sums are the shift's running totals (a handful of rows, whatever
 * the history); it lists only the exceptions (refunds, voids, cash moves, no-sales, overrides, late
 * approvals, unresolved payments), each from an indexed per-shift read. `recomputed` (a Z close whose
 * verify disagreed) replaces the running totals with the recomputation from the journal.
 */
export function buildShiftReport(
  deps: ReportDeps,
  shift: ShiftRow,
  options: {
    kind: 'X' | 'Z';
    number: number | null;
    copy: boolean;
    countedCash?: number;
    at?: string;
    recomputed?: Totals;
  },
): Report {
  const until = shift.closed_at ?? options.at ?? new Date().toISOString();
  // A long shift lists thousands of rows by a handful of people: each name is read once.
  const names = new Map<string | null, string>();
  const userName = (id: string | null) => {
    let known = names.get(id);
    if (known === undefined) names.set(id, (known = deps.userName(id)));
    return known;
  };
  const name = (id: string | null) => (id ? userName(id) : null);
  if (deps.recordFigures && deps.report.predatesTotals(shift.opened_at)) {
    // Sales completed before migration 008 have no stored tax rows: priced once, here, then kept.
    for (const orderId of deps.report.salesWithoutFigures(shift.id))
      deps.recordFigures(orderId, saleFigures(deps.orderView(orderId)));
  }
  const totals = options.recomputed ?? deps.report.shiftTotals(shift.id);
  const figure = (key: string) => totals.get(key) ?? 0;

  const taxes = grouped(totals, 'tax:')
    .filter(([, t]) => t.has('first'))
    .map(([label, t]) => ({ label, amount: t.get('amount') ?? 0 }));

  // Tenders: what each provider (or the drawer) took, tips and cash back inside, as a terminal's batch counts it.
  const tenderGroups = new Map<string, TenderGroup>();
  for (const [key, g] of grouped(totals, 'tender:')) {
    if ((g.get('n') ?? 0) <= 0) continue;
    const amount = g.get('amount') ?? 0;
    const refunded = g.get('refunded') ?? 0;
    tenderGroups.set(key, {
      label: key === 'cash' ? 'Cash' : deps.providerLabel(key),
      count: g.get('count') ?? 0,
      amount,
      tips: g.get('tips') ?? 0,
      cashback: g.get('cashback') ?? 0,
      refunded,
      net: amount - refunded,
    });
  }
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
  for (const [provider, p] of grouped(totals, 'provider:')) {
    if ((p.get('n') ?? 0) <= 0) continue;
    const created = line(provider);
    created.asTenders = { count: p.get('asCount') ?? 0, amount: p.get('asAmount') ?? 0 };
    created.givenBack = p.get('givenBack') ?? 0;
  }

  // The refund ledger of the shift: done parts count (in the totals); every record is listed.
  const records = deps.report.refunds(shift.id);
  // Each record's parts by its id: one pass, not a scan of every part per record (quadratic on a long shift).
  const partsOf = new Map<string, ReturnType<RefundReader['partsOfShift']>>();
  for (const part of deps.refunds.partsOfShift(shift.id)) {
    const own = partsOf.get(part.refund_id);
    if (own) own.push(part);
    else partsOf.set(part.refund_id, [part]);
  }

  const lateApprovals: Report['lateApprovals'] = deps.attempts.lateApprovals(shift.opened_at, until).map((attempt) => {
    const given = deps.refunds.partsOfAttempt(attempt.id);
    const outside = given.some((p) => p.via === 'outside' && p.status === 'done');
    // Accepted by a manager: it became a tender of its sale (and may have been refunded since, like any tender).
    const status: Report['lateApprovals'][number]['status'] = deps.report.isTender(attempt.id)
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
      orderNumber: deps.report.orderNumber(attempt.order_id) ?? 0,
      at: attempt.raised_at,
      amount,
      status,
    };
  });
  for (const p of providers.values()) {
    p.confirmed = { count: p.asTenders.count + p.late.count, amount: p.asTenders.amount + p.late.amount };
    p.net = p.confirmed.amount - p.givenBack;
  }

  // Each record's items, "qty × name", from one read of the shift's refund lines.
  const itemsOf = new Map<string, string[]>();
  for (const item of deps.report.refundItems(shift.id)) {
    const text = `${item.qty_milli / 1000} × ${item.name ?? ''}`;
    const own = itemsOf.get(item.refund_id);
    if (own) own.push(text);
    else itemsOf.set(item.refund_id, [text]);
  }
  const voidRows = deps.report.voids(shift.id);
  const audit = (action: string) => deps.report.auditBetween(action, shift.opened_at, until);

  const moves = deps.shifts.cashMoves(shift.id);
  const cashGroup = tenderGroups.get('cash');
  const cashback = figure('sales.cashback');
  // Cash taken for sales, before the cash back handed out (which the cash group holds as negative lines).
  const cashSales = (cashGroup?.amount ?? 0) + cashback;
  const cashRefunds = cashGroup?.refunded ?? 0;
  if (cashGroup && cashGroup.count === 0 && cashGroup.refunded === 0 && cashGroup.amount === 0)
    tenderGroups.delete('cash');
  const expected = options.recomputed
    ? shift.float_total +
      figure('drawer.cashTaken') -
      figure('drawer.cashRefunded') +
      figure('cash.paidIn') -
      figure('cash.paidOut')
    : deps.expectedCash(shift);
  const counted = options.countedCash ?? shift.counted_cash;
  const gross = figure('sales.gross');
  const discounts = figure('sales.discounts');
  const tax = figure('sales.tax');
  const goodsBack = figure('refunds.goods');
  const refundedTax = figure('refunds.tax');

  return {
    kind: options.kind,
    number: options.number,
    copy: options.copy,
    storeName: deps.storeName,
    currency: deps.currency,
    generatedAt: options.at ?? new Date().toISOString(),
    shift: {
      id: shift.id,
      openedBy: userName(shift.opened_by),
      openedAt: shift.opened_at,
      closedBy: name(shift.closed_by),
      closeApprovedBy: name(shift.closing_approved_by),
      closedAt: shift.closed_at,
    },
    sales: {
      count: figure('sales.count'),
      gross,
      discounts,
      tax,
      refunds: goodsBack,
      refundedTax,
      net: gross - discounts - tax - (goodsBack - refundedTax),
      tips: figure('sales.tips'),
      tipsRefunded: figure('refunds.tips'),
      cashback,
      cashRounding: figure('sales.cashRounding'),
    },
    taxes,
    tenders: [...tenderGroups.values()],
    refunds: records.map((r) => {
      const own = partsOf.get(r.id) ?? [];
      return {
        number: r.number,
        orderNumber: r.order_number,
        at: r.created_at,
        kind: r.kind,
        amount: r.amount,
        tip: r.tip,
        reason: r.reason,
        user: userName(r.user_id),
        approvedBy: name(r.approved_by),
        items: itemsOf.get(r.id)?.join('; ') || 'by amount',
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
      user: userName(v.user_id),
      approvedBy: name(v.approved_by),
    })),
    noSales: audit('drawer.open')
      .map((a) => ({ a, d: JSON.parse(a.detail) as { reason: string; note?: string; approvedBy?: string } }))
      .filter(({ d }) => d.reason === 'no-sale')
      .map(({ a, d }) => ({
        at: a.at,
        reason: d.note ?? '',
        user: userName(a.user_id),
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
        user: userName(a.user_id),
        approvedBy: name(d.approvedBy),
      };
    }),
    discounts: { count: figure('discounts.count'), total: discounts },
    cash: {
      float: shift.float_total,
      sales: cashSales,
      cashback,
      refunds: cashRefunds,
      paidIn: figure('cash.paidIn'),
      paidOut: figure('cash.paidOut'),
      expected,
      counted: counted ?? null,
      variance: counted === null || counted === undefined ? null : counted - expected,
    },
    cashMoves: moves.map((m) => ({
      at: m.at,
      kind: m.kind,
      amount: m.amount,
      reason: m.reason,
      user: userName(m.user_id),
      approvedBy: name(m.approved_by),
    })),
    ...(options.recomputed ? { totalsRecomputed: true } : {}),
    unresolved: deps.unresolved().map((a) => ({
      attemptId: a.id,
      provider: deps.providerLabel(a.provider),
      orderNumber: deps.report.orderNumber(a.orderId) ?? 0,
      amount: a.amount,
      state: a.state,
      since: a.createdAt,
    })),
  };
}

/**
 * Builds the X (any time) and Z (at close) report of a shift from the journal: sales,
 * refunds, voids with user and product, no-sales and overrides with who approved them,
 * discounts, tips, taxes, per-provider totals, and payments still unresolved.
 */
import type { AttemptView, OrderView } from '../../src-shared/domain';
import type { Report } from '../../src-shared/report';
import type { Db } from '../journal/open-journal';
import type { ShiftRow } from '../journal/shift-repository';

export interface ReportDeps {
  db: Db;
  storeName: string;
  currency: string;
  orderView(orderId: string): OrderView;
  userName(id: string | null): string;
  providerLabel(providerId: string): string;
  unresolved(): AttemptView[];
  expectedCash(shift: ShiftRow): number;
}

interface AuditRow { at: string; user_id: string | null; detail: string }

export function buildShiftReport(deps: ReportDeps, shift: ShiftRow, options: { kind: 'X' | 'Z'; number: number | null; copy: boolean; countedCash?: number; at?: string }): Report {
  const { db } = deps;
  const until = shift.closed_at ?? options.at ?? new Date().toISOString();
  const name = (id: string | null) => (id ? deps.userName(id) : null);
  const orderIds = db.prepare("SELECT id FROM orders WHERE shift_id = ? AND status = 'completed' ORDER BY number").pluck().all(shift.id) as string[];
  const orders = orderIds.map((id) => deps.orderView(id));

  const taxes = new Map<string, number>();
  for (const order of orders) for (const tax of order.taxes) taxes.set(tax.label, (taxes.get(tax.label) ?? 0) + tax.amount);

  const tenderGroups = new Map<string, { label: string; count: number; amount: number; refunded: number }>();
  const group = (key: string, label: string) => tenderGroups.get(key) ?? tenderGroups.set(key, { label, count: 0, amount: 0, refunded: 0 }).get(key)!;
  for (const order of orders) {
    for (const tender of order.tenders) {
      const attempt = tender.attemptId ? order.attempts.find((a) => a.id === tender.attemptId) : null;
      const g = attempt ? group(attempt.provider, deps.providerLabel(attempt.provider)) : group('cash', 'Cash');
      g.count += 1;
      g.amount += tender.amount;
    }
  }

  const refundRows = db.prepare(`SELECT r.*, o.number AS order_number FROM refunds r JOIN orders o ON o.id = r.order_id WHERE r.shift_id = ? ORDER BY r.number`).all(shift.id) as
    { id: string; number: number; order_number: number; amount: number; reason: string; user_id: string; approved_by: string | null; created_at: string }[];
  const refundTenders = db.prepare(`SELECT rt.kind, rt.amount, pa.provider FROM refund_tenders rt JOIN refunds r ON r.id = rt.refund_id
    LEFT JOIN payment_attempts pa ON pa.id = rt.attempt_id WHERE r.shift_id = ?`).all(shift.id) as { kind: string; amount: number; provider: string | null }[];
  for (const t of refundTenders) (t.provider ? group(t.provider, deps.providerLabel(t.provider)) : group('cash', 'Cash')).refunded += t.amount;
  const itemsOf = db.prepare(`SELECT l.name, rl.qty_milli FROM refund_lines rl JOIN order_lines l ON l.id = rl.line_id WHERE rl.refund_id = ?`);

  const voidRows = db.prepare(`SELECT v.*, o.number AS order_number FROM voids v JOIN orders o ON o.id = v.order_id WHERE v.shift_id = ? ORDER BY v.id`).all(shift.id) as
    { at: string; kind: string; order_number: number; description: string; amount: number; reason: string; user_id: string; approved_by: string | null }[];
  const audit = (action: string) => db.prepare('SELECT at, user_id, detail FROM audit WHERE action = ? AND at >= ? AND at <= ? ORDER BY seq').all(action, shift.opened_at, until) as AuditRow[];
  const paymentVoids = audit('payment.voided');

  const moves = db.prepare('SELECT * FROM cash_moves WHERE shift_id = ? ORDER BY id').all(shift.id) as { at: string; kind: 'in' | 'out'; amount: number; reason: string; user_id: string; approved_by: string | null }[];
  const cashSales = group('cash', 'Cash').amount;
  const cashRefunds = group('cash', 'Cash').refunded;
  if (!tenderGroups.get('cash')?.count && !cashRefunds) tenderGroups.delete('cash');
  const expected = deps.expectedCash(shift);
  const counted = options.countedCash ?? shift.counted_cash;

  return {
    kind: options.kind,
    number: options.number,
    copy: options.copy,
    storeName: deps.storeName,
    currency: deps.currency,
    generatedAt: options.at ?? new Date().toISOString(),
    shift: { id: shift.id, openedBy: deps.userName(shift.opened_by), openedAt: shift.opened_at, closedBy: name(shift.closed_by), closeApprovedBy: name(shift.closing_approved_by), closedAt: shift.closed_at },
    sales: {
      count: orders.length,
      gross: orders.reduce((s, o) => s + o.subtotal, 0),
      discounts: orders.reduce((s, o) => s + o.discountTotal, 0),
      net: orders.reduce((s, o) => s + o.total, 0),
      tips: orders.reduce((s, o) => s + o.tenders.reduce((t, x) => t + x.tip, 0), 0),
      cashRounding: orders.reduce((s, o) => s + o.cashRounding, 0),
    },
    taxes: [...taxes].map(([label, amount]) => ({ label, amount })),
    tenders: [...tenderGroups.values()],
    refunds: refundRows.map((r) => ({
      number: r.number, orderNumber: r.order_number, at: r.created_at, amount: r.amount, reason: r.reason, user: deps.userName(r.user_id), approvedBy: name(r.approved_by),
      items: (itemsOf.all(r.id) as { name: string; qty_milli: number }[]).map((i) => `${i.qty_milli / 1000} × ${i.name}`).join('; ') || 'by amount',
    })),
    voids: [
      ...voidRows.map((v) => ({ at: v.at, kind: v.kind, orderNumber: v.order_number, description: v.description, amount: v.amount, reason: v.reason, user: deps.userName(v.user_id), approvedBy: name(v.approved_by) })),
      ...paymentVoids.map((a) => {
        const d = JSON.parse(a.detail) as { amount: number; reason: string; orderNumber: number; provider: string; approvedBy: string };
        return { at: a.at, kind: 'payment', orderNumber: d.orderNumber, description: deps.providerLabel(d.provider), amount: d.amount, reason: d.reason, user: deps.userName(a.user_id), approvedBy: name(d.approvedBy) };
      }),
    ],
    noSales: audit('drawer.open').map((a) => ({ a, d: JSON.parse(a.detail) as { reason: string; note?: string; approvedBy?: string } }))
      .filter(({ d }) => d.reason === 'no-sale').map(({ a, d }) => ({ at: a.at, reason: d.note ?? '', user: deps.userName(a.user_id), approvedBy: name(d.approvedBy ?? null) })),
    overrides: audit('price.override').map((a) => {
      const d = JSON.parse(a.detail) as { product: string; from: number; to: number; reason: string; approvedBy: string };
      return { at: a.at, product: d.product, from: d.from, to: d.to, reason: d.reason, user: deps.userName(a.user_id), approvedBy: name(d.approvedBy) };
    }),
    discounts: {
      count: orders.reduce((s, o) => s + o.lines.filter((l) => l.lineDiscount > 0).length + (o.orderDiscount ? 1 : 0), 0),
      total: orders.reduce((s, o) => s + o.discountTotal, 0),
    },
    cash: { float: shift.float_total, sales: cashSales, refunds: cashRefunds, paidIn: moves.filter((m) => m.kind === 'in').reduce((s, m) => s + m.amount, 0), paidOut: moves.filter((m) => m.kind === 'out').reduce((s, m) => s + m.amount, 0), expected, counted: counted ?? null, variance: counted === null || counted === undefined ? null : counted - expected },
    cashMoves: moves.map((m) => ({ at: m.at, kind: m.kind, amount: m.amount, reason: m.reason, user: deps.userName(m.user_id), approvedBy: name(m.approved_by) })),
    unresolved: deps.unresolved().map((a) => ({ attemptId: a.id, provider: deps.providerLabel(a.provider), orderNumber: deps.orderView(a.orderId).number, amount: a.amount, state: a.state, since: a.createdAt })),
  };
}

const CSV_HEADER = ['section', 'when', 'what', 'user', 'approved by', 'amount', 'detail'];

function csvCell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // Formula injection guard: spreadsheet apps run cells that start with = + - @.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV rows (amounts in minor units, as everywhere in the journal). */
export function reportCsv(report: Report): string {
  const rows: (string | number | null)[][] = [CSV_HEADER];
  const add = (section: string, when: string | null, what: string, user: string | null, approvedBy: string | null, amount: number | null, detail = '') => rows.push([section, when, what, user, approvedBy, amount, detail]);
  add('report', report.generatedAt, `${report.kind}${report.number ? ` ${report.number}` : ''}${report.copy ? ' COPY' : ''}`, null, null, null, `${report.storeName} ${report.currency}`);
  add('shift', report.shift.openedAt, 'opened', report.shift.openedBy, null, report.cash.float);
  if (report.shift.closedAt) add('shift', report.shift.closedAt, 'closed', report.shift.closedBy, report.shift.closeApprovedBy, report.cash.counted);
  for (const [key, value] of Object.entries(report.sales)) add('sales', null, key, null, null, value);
  for (const tax of report.taxes) add('tax', null, tax.label, null, null, tax.amount);
  for (const t of report.tenders) add('tender', null, t.label, null, null, t.amount, `count ${t.count}; refunded ${t.refunded}`);
  for (const r of report.refunds) add('refund', r.at, `refund ${r.number} of sale ${r.orderNumber}`, r.user, r.approvedBy, r.amount, `${r.items}; ${r.reason}`);
  for (const v of report.voids) add('void', v.at, `${v.kind}: ${v.description}`, v.user, v.approvedBy, v.amount, v.reason);
  for (const n of report.noSales) add('no-sale', n.at, 'drawer opened', n.user, n.approvedBy, null, n.reason);
  for (const o of report.overrides) add('override', o.at, o.product, o.user, o.approvedBy, o.to, `from ${o.from}; ${o.reason}`);
  add('discounts', null, `${report.discounts.count} discounts`, null, null, report.discounts.total);
  for (const m of report.cashMoves) add('cash', m.at, `paid ${m.kind}`, m.user, m.approvedBy, m.amount, m.reason);
  for (const [key, value] of Object.entries(report.cash)) add('cash', null, key, null, null, value);
  for (const u of report.unresolved) add('unresolved', u.since, `${u.provider} sale ${u.orderNumber}`, null, null, u.amount, u.state);
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

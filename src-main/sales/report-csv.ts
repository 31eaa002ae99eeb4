/**
 * The X / Z report as CSV for the bookkeeper: one row per figure or event, in the order of
 * the printed report.
 *
 * - Amounts are decimal numbers in the report's currency (`12.34`, `-5.00`, JPY `1234`):
 *   '.' for the point, no symbol, no thousands separator; signs as in the Report model
 *   (refunds, cash back and paid out are positive amounts named by their row).
 * - Times are the store's local time (`2026-12-06 14:05:09`, which spreadsheets read as a
 *   date-time), with the zone's UTC offset at that instant in the `utc offset` column
 *   (`UTC-05:00`): an hour repeated when the clocks go back stays unambiguous. The first row
 *   names the zone. No UTC `Z` timestamps.
 * - Text cells that a spreadsheet would run as a formula get a leading `'`; amounts and
 *   counts are numbers and are written as they are.
 */
import { toDecimalString } from '../../src-shared/money';
import { csvDateTime, resolvedTimeZone, type LocalTimeOptions } from '../../src-shared/local-time';
import type { Report } from '../../src-shared/report';

const CSV_HEADER = [
  'section',
  'when',
  'utc offset',
  'what',
  'kind',
  'count',
  'amount',
  'tip',
  'user',
  'approved by',
  'status',
  'detail',
] as const;

/** A number written as it is (an amount or a count), never guarded. */
interface NumberCell {
  number: string;
}
type Cell = string | NumberCell | null;

interface Row {
  when?: string | null;
  what?: string;
  kind?: string;
  count?: number;
  amount?: number | null;
  tip?: number;
  user?: string | null;
  approvedBy?: string | null;
  status?: string;
  detail?: string;
}

function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return value.number;
  // Formula injection guard: spreadsheet apps run text cells that start with = + - @ tab CR.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export interface ReportCsvOptions {
  /** The store's IANA zone (config `store.timeZone`); absent = this machine's. */
  timeZone?: string;
}

/** The report as CSV text (CRLF line ends, a header row, then one row per figure or event). */
export function reportCsv(report: Report, options: ReportCsvOptions = {}): string {
  const time: LocalTimeOptions = { timeZone: options.timeZone };
  const decimal = (minor: number): NumberCell => ({ number: toDecimalString(minor, report.currency) });
  const rows: Cell[][] = [[...CSV_HEADER]];
  const add = (section: string, row: Row) => {
    const when = row.when ? csvDateTime(row.when, time) : { time: '', offset: '' };
    rows.push([
      section,
      when.time,
      when.offset,
      row.what ?? '',
      row.kind ?? '',
      row.count === undefined ? null : { number: String(row.count) },
      row.amount === undefined || row.amount === null ? null : decimal(row.amount),
      row.tip === undefined ? null : decimal(row.tip),
      row.user ?? '',
      row.approvedBy ?? '',
      row.status ?? '',
      row.detail ?? '',
    ]);
  };
  const who = (entry: { user: string; approvedBy: string | null }) => ({
    user: entry.user,
    approvedBy: entry.approvedBy,
  });

  add('report', { what: 'time zone', detail: resolvedTimeZone(options.timeZone) });
  add('report', {
    when: report.generatedAt,
    what: `${report.kind}${report.number !== null ? ` ${report.number}` : ''}`,
    kind: report.copy ? 'copy' : 'original',
    detail: report.storeName,
  });
  add('report', { what: 'currency', detail: report.currency });
  add('shift', {
    when: report.shift.openedAt,
    what: `shift ${report.shift.id} opened`,
    amount: report.cash.float,
    user: report.shift.openedBy,
    detail: 'float',
  });
  if (report.shift.closedAt) {
    add('shift', {
      when: report.shift.closedAt,
      what: `shift ${report.shift.id} closed`,
      amount: report.cash.counted,
      user: report.shift.closedBy,
      approvedBy: report.shift.closeApprovedBy,
      detail: 'counted',
    });
  }

  const s = report.sales;
  add('sales', { what: 'sales', count: s.count });
  const salesFigures: [string, number][] = [
    ['gross', s.gross],
    ['discounts', s.discounts],
    ['tax', s.tax],
    ['refunds', s.refunds],
    ['refunded tax', s.refundedTax],
    ['net (before tax, after refunds)', s.net],
    ['tips', s.tips],
    ['tips refunded', s.tipsRefunded],
    ['cash back', s.cashback],
    ['cash rounding', s.cashRounding],
  ];
  for (const [what, amount] of salesFigures) add('sales', { what, amount });
  for (const tax of report.taxes) add('tax', { what: tax.label, amount: tax.amount });

  for (const t of report.tenders) {
    add('tender', {
      what: t.label,
      kind: 'taken',
      count: t.count,
      amount: t.amount,
      detail: 'goods, tips and cash back',
    });
    add('tender', { what: t.label, kind: 'of which tips', amount: t.tips });
    add('tender', { what: t.label, kind: 'of which cash back', amount: t.cashback });
    add('tender', { what: t.label, kind: 'refunded', amount: t.refunded });
    add('tender', { what: t.label, kind: 'net', amount: t.net });
  }

  const c = report.cash;
  const cashFigures: [string, number | null][] = [
    ['float', c.float],
    ['sales', c.sales],
    ['cash back', c.cashback],
    ['refunds', c.refunds],
    ['paid in', c.paidIn],
    ['paid out', c.paidOut],
    ['expected', c.expected],
    ['counted', c.counted],
    ['variance', c.variance],
  ];
  for (const [what, amount] of cashFigures) add('cash', { what, amount });
  for (const m of report.cashMoves)
    add('cash move', {
      when: m.at,
      what: m.kind === 'in' ? 'paid in' : 'paid out',
      amount: m.amount,
      ...who(m),
      detail: m.reason,
    });

  for (const r of report.refunds) {
    add('refund', {
      when: r.at,
      what: `refund ${r.number} of sale ${r.orderNumber}`,
      kind: r.kind,
      amount: r.amount,
      tip: r.tip,
      ...who(r),
      status: r.status,
      detail: [r.items, r.reason].filter(Boolean).join('; '),
    });
  }
  for (const l of report.lateApprovals) {
    add('late approval', {
      when: l.at,
      what: `${l.provider} sale ${l.orderNumber}`,
      amount: l.amount,
      status: l.status,
      detail: l.attemptId,
    });
  }
  for (const p of report.providers) {
    add('provider', { what: p.label, kind: 'confirmed', count: p.confirmed.count, amount: p.confirmed.amount });
    add('provider', { what: p.label, kind: 'as tenders', count: p.asTenders.count, amount: p.asTenders.amount });
    add('provider', { what: p.label, kind: 'late approvals', count: p.late.count, amount: p.late.amount });
    add('provider', { what: p.label, kind: 'given back', amount: p.givenBack });
    add('provider', { what: p.label, kind: 'net', amount: p.net });
  }

  for (const v of report.voids) {
    add('void', {
      when: v.at,
      what: v.description,
      kind: v.kind,
      amount: v.amount,
      ...who(v),
      detail: [v.orderNumber === null ? '' : `sale ${v.orderNumber}`, v.reason].filter(Boolean).join('; '),
    });
  }
  for (const n of report.noSales) add('no-sale', { when: n.at, what: 'drawer opened', ...who(n), detail: n.reason });
  for (const o of report.overrides) {
    add('price override', {
      when: o.at,
      what: o.product,
      amount: o.to,
      ...who(o),
      detail: `from ${toDecimalString(o.from, report.currency)}; ${o.reason}`,
    });
  }
  add('discounts', { what: 'discounts given', count: report.discounts.count, amount: report.discounts.total });
  for (const u of report.unresolved) {
    add('unresolved', {
      when: u.since,
      what: `${u.provider} sale ${u.orderNumber}`,
      amount: u.amount,
      status: u.state,
      detail: u.attemptId,
    });
  }
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * An X or Z report as a receiptline document, for the receipt printer. Sections in a
 * bookkeeper's order: sales down to net, tips, tenders, cash, refunds, late approvals,
 * providers, then voids, no-sales, price overrides and what is still unresolved.
 * Times are the store's local time (local-time.ts); the zone is named in the header.
 */
import { formatLocalDateTime, resolvedTimeZone } from '../../../src-shared/local-time';
import { formatMoney } from '../../../src-shared/money';
import { TOTALS_RECOMPUTED, type Report } from '../../../src-shared/report';
import { escapeReceiptLine as esc } from './receipt-document';

/** Figure rows: a label and a fixed amount column. */
const FIGURES = '{width:*,14}';

export interface ReportDocumentOptions {
  /** The store's IANA zone (config `store.timeZone`); absent = this machine's. */
  timeZone?: string;
}

export function reportDocument(report: Report, locale: string, options: ReportDocumentOptions = {}): string {
  const money = (minor: number | null) => (minor === null ? '—' : formatMoney(minor, report.currency, locale));
  const minus = (minor: number) => money(-minor);
  const at = (iso: string) => formatLocalDateTime(iso, { timeZone: options.timeZone, locale });
  const row = (label: string, value: string) => `${esc(label)} | ${esc(value)}`;
  // receiptline eats leading spaces; `~` is a space it keeps.
  const sub = (label: string, value: string) => `~~${row(label, value)}`;
  /** A line of text across the whole width, indented under the row above (who, when, why). */
  const detail = (text: string) => ['{width:auto}', `|~~${esc(text)} |`, FIGURES];
  const who = (user: string, approvedBy: string | null) =>
    approvedBy && approvedBy !== user ? `${user}, approved by ${approvedBy}` : user;
  const out: string[] = ['{width:auto; border:space; text:wrap}'];
  const section = (title: string, lines: string[]) => {
    if (lines.length) out.push('{width:auto}', '---', `"${esc(title)}`, FIGURES, ...lines);
  };

  out.push(`^^${esc(report.storeName)}`, `^^${report.kind} REPORT${report.number !== null ? ` ${report.number}` : ''}`);
  if (report.copy) out.push('^^^COPY');
  if (report.totalsRecomputed) out.push(`"${esc(TOTALS_RECOMPUTED)}`);
  out.push(row('Shift opened', `${at(report.shift.openedAt)} ${report.shift.openedBy}`));
  if (report.shift.closedAt)
    out.push(
      row(
        'Shift closed',
        `${at(report.shift.closedAt)} ${who(report.shift.closedBy ?? '', report.shift.closeApprovedBy)}`,
      ),
    );
  out.push(row('Printed', at(report.generatedAt)), row('Times in', resolvedTimeZone(options.timeZone)));

  // Sales: the column adds up to net (before tax, after refunds).
  const s = report.sales;
  section(`Sales (${s.count})`, [
    row('Gross', money(s.gross)),
    row(`Discounts (${report.discounts.count})`, minus(s.discounts)),
    row('Tax', minus(s.tax)),
    ...report.taxes.map((t) => sub(`of which ${t.label}`, money(t.amount))),
    row('Refunds', minus(s.refunds)),
    row('Tax refunded', money(s.refundedTax)),
    row('Net before tax', money(s.net)),
    ...(s.cashRounding !== 0 ? [row('Cash rounding', money(s.cashRounding))] : []),
  ]);
  section('Tips (not sales)', [row('Tips taken', money(s.tips)), row('Tips refunded', minus(s.tipsRefunded))]);

  section('Tenders', [
    ...report.tenders.flatMap((t) => [
      row(`${t.label} (${t.count})`, money(t.amount)),
      ...(t.tips ? [sub('of which tips', money(t.tips))] : []),
      ...(t.cashback ? [sub('of which cash back', money(t.cashback))] : []),
      sub('refunded', minus(t.refunded)),
      sub('net', money(t.net)),
    ]),
    ...(s.cashback ? [row('Cash back, all tenders', money(s.cashback))] : []),
  ]);

  const c = report.cash;
  section('Cash', [
    row('Float', money(c.float)),
    row('Cash sales', money(c.sales)),
    row('Cash back', minus(c.cashback)),
    row('Cash refunds', minus(c.refunds)),
    row('Paid in', money(c.paidIn)),
    row('Paid out', minus(c.paidOut)),
    row('Expected cash', money(c.expected)),
    ...(c.counted !== null ? [row('Counted cash', money(c.counted)), row('Variance', money(c.variance))] : []),
  ]);
  section(
    'Cash in / out',
    report.cashMoves.flatMap((m) => [
      row(`Paid ${m.kind} ${at(m.at)}`, money(m.kind === 'in' ? m.amount : -m.amount)),
      ...detail(`${who(m.user, m.approvedBy)}: ${m.reason}`),
    ]),
  );

  section(
    'Refunds',
    report.refunds.flatMap((r) => [
      row(`#${r.number} of sale ${r.orderNumber}`, minus(r.amount)),
      ...(r.tip ? [sub('of which tip', money(r.tip))] : []),
      ...detail(`${r.kind}, ${r.status}, ${at(r.at)}`),
      ...detail(who(r.user, r.approvedBy)),
      ...detail([r.items, r.reason].filter(Boolean).join('; ')),
    ]),
  );
  section(
    'Late approvals',
    report.lateApprovals.flatMap((l) => [
      row(`Sale ${l.orderNumber} ${l.provider}`, money(l.amount)),
      ...detail(`${l.status}, ${at(l.at)}`),
    ]),
  );
  section(
    'Providers',
    report.providers.flatMap((p) => [
      row(`${p.label} confirmed (${p.confirmed.count})`, money(p.confirmed.amount)),
      sub(`as tenders (${p.asTenders.count})`, money(p.asTenders.amount)),
      sub(`late approvals (${p.late.count})`, money(p.late.amount)),
      sub('given back', minus(p.givenBack)),
      sub('net', money(p.net)),
    ]),
  );

  section(
    'Voids',
    report.voids.flatMap((v) => [
      row(`${v.kind} ${v.description}`, money(v.amount)),
      ...detail(`${at(v.at)}${v.orderNumber === null ? '' : `, sale ${v.orderNumber}`}`),
      ...detail(`${who(v.user, v.approvedBy)}: ${v.reason}`),
    ]),
  );
  section(
    'No sales',
    report.noSales.flatMap((n) => [row(at(n.at), ''), ...detail(`${who(n.user, n.approvedBy)}: ${n.reason}`)]),
  );
  section(
    'Price overrides',
    report.overrides.flatMap((o) => [
      row(o.product, money(o.to)),
      ...detail(`${at(o.at)}, from ${money(o.from)}`),
      ...detail(`${who(o.user, o.approvedBy)}: ${o.reason}`),
    ]),
  );
  section(
    'Unresolved payments (carried forward)',
    report.unresolved.flatMap((u) => [
      row(`${u.provider} sale ${u.orderNumber}`, money(u.amount)),
      ...detail(`${u.state} since ${at(u.since)}`),
    ]),
  );
  if (report.journal)
    section('Journal seal', [
      row('Link', String(report.journal.seq)),
      row('Hash', report.journal.hash.slice(0, 16)),
      row('Key', report.journal.keyId),
      ...detail(`Check: npm run journal -- verify --anchor ${report.journal.seq}:${report.journal.hash.slice(0, 16)}`),
    ]);
  return out.join('\n');
}

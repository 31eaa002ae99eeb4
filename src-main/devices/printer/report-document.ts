/** An X or Z report as a receiptline document, for the receipt printer. */
import { formatMoney } from '../../../src-shared/money';
import type { Report } from '../../../src-shared/report';
import { escapeReceiptLine as esc } from './receipt-document';

export function reportDocument(report: Report, locale: string): string {
  const money = (minor: number | null) => (minor === null ? '—' : formatMoney(minor, report.currency, locale));
  const row = (label: string, value: string) => `${esc(label)} | ${esc(value)}`;
  const who = (user: string, approvedBy: string | null) => (approvedBy && approvedBy !== user ? `${user}, approved by ${approvedBy}` : user);
  const out: string[] = ['{width:auto; border:space; text:wrap}'];
  out.push(`^^${esc(report.storeName)}`, `^^${report.kind} REPORT${report.number ? ` ${report.number}` : ''}`);
  if (report.copy) out.push('^^^COPY');
  out.push(row('Shift opened', `${report.shift.openedAt.slice(0, 16).replace('T', ' ')} ${report.shift.openedBy}`));
  if (report.shift.closedAt) out.push(row('Shift closed', `${report.shift.closedAt.slice(0, 16).replace('T', ' ')} ${who(report.shift.closedBy ?? '', report.shift.closeApprovedBy)}`));
  out.push(row('Printed', report.generatedAt.slice(0, 16).replace('T', ' ')), '---', '{width:*,14}');
  out.push(row(`Sales (${report.sales.count})`, money(report.sales.net)), row('Gross', money(report.sales.gross)), row('Discounts', money(-report.sales.discounts)), row('Tips', money(report.sales.tips)));
  for (const tax of report.taxes) out.push(row(tax.label, money(tax.amount)));
  out.push('---');
  for (const t of report.tenders) out.push(row(`${t.label} (${t.count})`, money(t.amount)), ...(t.refunded ? [row('  refunded', money(-t.refunded))] : []));
  out.push('---', row('Float', money(report.cash.float)), row('Cash sales', money(report.cash.sales)), row('Cash refunds', money(-report.cash.refunds)),
    row('Paid in', money(report.cash.paidIn)), row('Paid out', money(-report.cash.paidOut)), row('Expected cash', money(report.cash.expected)));
  if (report.cash.counted !== null) out.push(row('Counted cash', money(report.cash.counted)), row('Variance', money(report.cash.variance)));
  const section = (title: string, lines: string[]) => { if (lines.length) out.push('---', `"${esc(title)}`, ...lines); };
  section('Refunds', report.refunds.map((r) => row(`#${r.number} sale ${r.orderNumber} ${who(r.user, r.approvedBy)}: ${r.items}`, money(-r.amount))));
  section('Voids', report.voids.map((v) => row(`${v.kind} ${v.description} ${who(v.user, v.approvedBy)} (${v.reason})`, money(v.amount))));
  section('No sales', report.noSales.map((n) => row(`${n.at.slice(11, 16)} ${who(n.user, n.approvedBy)}`, n.reason)));
  section('Price overrides', report.overrides.map((o) => row(`${o.product} ${who(o.user, o.approvedBy)}`, `${money(o.from)} → ${money(o.to)}`)));
  section('Cash in / out', report.cashMoves.map((m) => row(`${m.kind} ${who(m.user, m.approvedBy)}: ${m.reason}`, money(m.kind === 'in' ? m.amount : -m.amount))));
  section('Unresolved payments (carried forward)', report.unresolved.map((u) => row(`${u.provider} sale ${u.orderNumber} ${u.state}`, money(u.amount))));
  return out.join('\n');
}

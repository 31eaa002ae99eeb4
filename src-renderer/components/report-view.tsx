/**
 * The on-screen X or Z report: every section of the shared Report model (the printer
 * and the CSV export render the same model), each a table under its heading. Refunds,
 * voids, no-sales, overrides and cash moves name who did them and who approved them.
 */
import { useId, type ReactNode } from 'react';
import { formatMoney } from '../../src-shared/money';
import type { Report } from '../../src-shared/report';
import { dateTime } from '../format/time-text';
import { reportName } from '../stores/reports-store';
import { useLocale } from '../stores/use-stores';

interface Column<Row> {
  label: string;
  numeric?: boolean;
  cell(row: Row): ReactNode;
}

/** One section: a heading and its table, or a line saying there is nothing in it. */
function Section<Row>({ title, rows, columns, empty = 'None.' }: { title: string; rows: readonly Row[]; columns: Column<Row>[]; empty?: string }) {
  const headingId = useId();
  return (
    <section className="report-section" aria-labelledby={headingId}>
      <h4 id={headingId}>{title}</h4>
      {rows.length === 0 ? (
        <p className="hint">{empty}</p>
      ) : (
        <table className="report-table" aria-labelledby={headingId}>
          <thead>
            <tr>{columns.map((c) => <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>{c.label}</th>)}</tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>{columns.map((c) => <td key={c.label} className={c.numeric ? 'num' : undefined}>{c.cell(row)}</td>)}</tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A two-column section of named figures (sales, discounts, cash). */
function Figures({ title, figures }: { title: string; figures: [string, ReactNode][] }) {
  return <Section title={title} rows={figures} columns={[{ label: 'What', cell: ([what]) => what }, { label: 'Amount', numeric: true, cell: ([, value]) => value }]} />;
}

export function ReportView({ report }: { report: Report }) {
  const locale = useLocale();
  const m = (amount: number) => formatMoney(amount, report.currency, locale);
  const at = (iso: string) => dateTime(iso, locale);
  const approvedBy = (who: { approvedBy: string | null }) => who.approvedBy ?? '—';
  const { cash, sales } = report;
  const name = reportName(report);

  return (
    <article className="report" aria-label={name}>
      {report.copy && <p className="receipt-mark">COPY</p>}
      <header>
        <h3>{name}</h3>
        <p>{report.storeName} · printed {at(report.generatedAt)}</p>
        <p>Shift opened by {report.shift.openedBy} at {at(report.shift.openedAt)}</p>
        {report.shift.closedAt && <p>Closed by {report.shift.closedBy ?? '—'} at {at(report.shift.closedAt)}</p>}
      </header>

      <Figures title="Sales" figures={[
        ['Sales', sales.count], ['Gross', m(sales.gross)], ['Discounts', m(sales.discounts)], ['Net', m(sales.net)], ['Tips', m(sales.tips)], ['Cash rounding', m(sales.cashRounding)],
      ]} />
      <Section title="Taxes" rows={report.taxes} columns={[{ label: 'Tax', cell: (t) => t.label }, { label: 'Amount', numeric: true, cell: (t) => m(t.amount) }]} />
      <Section title="Tenders" rows={report.tenders} columns={[
        { label: 'Tender', cell: (t) => t.label }, { label: 'Payments', numeric: true, cell: (t) => t.count },
        { label: 'Taken', numeric: true, cell: (t) => m(t.amount) }, { label: 'Refunded', numeric: true, cell: (t) => m(t.refunded) },
      ]} />
      <Section title="Refunds" rows={report.refunds} columns={[
        { label: 'Refund', cell: (r) => `#${r.number} of sale #${r.orderNumber}` }, { label: 'Time', cell: (r) => at(r.at) }, { label: 'Items', cell: (r) => r.items },
        { label: 'Amount', numeric: true, cell: (r) => m(r.amount) }, { label: 'Reason', cell: (r) => r.reason }, { label: 'By', cell: (r) => r.user }, { label: 'Approved by', cell: approvedBy },
      ]} />
      <Section title="Voids" rows={report.voids} columns={[
        { label: 'Time', cell: (v) => at(v.at) }, { label: 'Kind', cell: (v) => v.kind }, { label: 'Sale', cell: (v) => (v.orderNumber === null ? '—' : `#${v.orderNumber}`) },
        { label: 'What', cell: (v) => v.description }, { label: 'Amount', numeric: true, cell: (v) => m(v.amount) }, { label: 'Reason', cell: (v) => v.reason },
        { label: 'By', cell: (v) => v.user }, { label: 'Approved by', cell: approvedBy },
      ]} />
      <Section title="No-sale drawer openings" rows={report.noSales} columns={[
        { label: 'Time', cell: (n) => at(n.at) }, { label: 'Reason', cell: (n) => n.reason }, { label: 'By', cell: (n) => n.user }, { label: 'Approved by', cell: approvedBy },
      ]} />
      <Section title="Price overrides" rows={report.overrides} columns={[
        { label: 'Time', cell: (o) => at(o.at) }, { label: 'Product', cell: (o) => o.product }, { label: 'From', numeric: true, cell: (o) => m(o.from) },
        { label: 'To', numeric: true, cell: (o) => m(o.to) }, { label: 'Reason', cell: (o) => o.reason }, { label: 'By', cell: (o) => o.user }, { label: 'Approved by', cell: approvedBy },
      ]} />
      <Figures title="Discounts" figures={[['Discounts given', report.discounts.count], ['Total', m(report.discounts.total)]]} />
      <Figures title="Cash" figures={[
        ['Float', m(cash.float)], ['Cash sales', m(cash.sales)], ['Cash refunds', m(cash.refunds)], ['Paid in', m(cash.paidIn)], ['Paid out', m(cash.paidOut)],
        ['Expected in drawer', m(cash.expected)], ['Counted', cash.counted === null ? '—' : m(cash.counted)], ['Variance', cash.variance === null ? '—' : m(cash.variance)],
      ]} />
      <Section title="Cash in and out" rows={report.cashMoves} columns={[
        { label: 'Time', cell: (c) => at(c.at) }, { label: 'Kind', cell: (c) => (c.kind === 'in' ? 'Cash in' : 'Cash out') }, { label: 'Amount', numeric: true, cell: (c) => m(c.amount) },
        { label: 'Reason', cell: (c) => c.reason }, { label: 'By', cell: (c) => c.user }, { label: 'Approved by', cell: approvedBy },
      ]} />
      <Section title="Unresolved payments" empty="None: every payment is decided." rows={report.unresolved} columns={[
        { label: 'Provider', cell: (u) => u.provider }, { label: 'Sale', cell: (u) => `#${u.orderNumber}` }, { label: 'Amount', numeric: true, cell: (u) => m(u.amount) },
        { label: 'State', cell: (u) => u.state }, { label: 'Since', cell: (u) => at(u.since) },
      ]} />
    </article>
  );
}

/**
 * The on-screen X or Z report: every section of the shared Report model (the printer
 * and the CSV export render the same model), each a table under its heading, in a
 * bookkeeper's order: sales down to net, tips, tenders, cash, refunds, late approvals,
 * providers, then voids, no-sales, overrides and what is unresolved. Refunds, voids,
 * no-sales, overrides and cash moves name who did them and who approved them. Times are
 * the store's local time (local-time.ts).
 */
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { formatLocalDateTime } from '../../src-shared/local-time';
import { formatMoney } from '../../src-shared/money';
import { TOTALS_RECOMPUTED, type Report } from '../../src-shared/report';
import { useLocale, useStores } from '../common/use-stores';
import { reportName } from './reports-store';

interface Column<Row> {
  label: string;
  numeric?: boolean;
  cell(row: Row): ReactNode;
}

/** One section: a heading and its table, or a line saying there is nothing in it. */
function Section<Row>({
  title,
  rows,
  columns,
  empty = 'None.',
}: {
  title: string;
  rows: readonly Row[];
  columns: Column<Row>[];
  empty?: string;
}) {
  const headingId = useId();
  return (
    <section className="report-section" aria-labelledby={headingId}>
      <h4 id={headingId}>{title}</h4>
      {rows.length === 0 ? (
        <p className="hint">{empty}</p>
      ) : (
        <table className="report-table" aria-labelledby={headingId}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c.label} className={c.numeric ? 'num' : undefined}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A two-column section of named figures (sales, discounts, cash). */
function Figures({ title, figures }: { title: string; figures: [string, ReactNode][] }) {
  return (
    <Section
      title={title}
      rows={figures}
      columns={[
        { label: 'What', cell: ([what]) => what },
        { label: 'Amount', numeric: true, cell: ([, value]) => value },
      ]}
    />
  );
}

/**
 * The store's time zone, when the app info carries it (config `store.timeZone`); undefined =
 * this machine's, which is also main's default.
 */
export function useStoreTimeZone(): string | undefined {
  return useStore(useStores().appInfo, (s) => {
    const store = s.info?.store;
    return store && 'timeZone' in store && typeof store.timeZone === 'string' ? store.timeZone : undefined;
  });
}

export function ReportView({ report }: { report: Report }) {
  const locale = useLocale();
  const timeZone = useStoreTimeZone();
  const m = (amount: number) => formatMoney(amount, report.currency, locale);
  const minus = (amount: number) => m(-amount);
  const at = (iso: string) => formatLocalDateTime(iso, { timeZone, locale });
  const approvedBy = (who: { approvedBy: string | null }) => who.approvedBy ?? '—';
  const { cash, sales } = report;
  const name = reportName(report);

  return (
    <article className="report" aria-label={name}>
      {report.copy && <p className="receipt-mark">COPY</p>}
      {report.totalsRecomputed && <p role="alert">{TOTALS_RECOMPUTED}</p>}
      <header>
        <h3>{name}</h3>
        <p>
          {report.storeName} · printed {at(report.generatedAt)}
        </p>
        <p>
          Shift opened by {report.shift.openedBy} at {at(report.shift.openedAt)}
        </p>
        {report.shift.closedAt && (
          <p>
            Closed by {report.shift.closedBy ?? '—'}
            {report.shift.closeApprovedBy && report.shift.closeApprovedBy !== report.shift.closedBy
              ? `, approved by ${report.shift.closeApprovedBy}`
              : ''}{' '}
            at {at(report.shift.closedAt)}
          </p>
        )}
      </header>

      <Figures
        title="Sales"
        figures={[
          ['Sales', sales.count],
          ['Gross', m(sales.gross)],
          [`Discounts (${report.discounts.count})`, minus(sales.discounts)],
          ['Tax', minus(sales.tax)],
          ...report.taxes.map((t): [string, ReactNode] => [`of which ${t.label}`, m(t.amount)]),
          ['Refunds', minus(sales.refunds)],
          ['Tax refunded', m(sales.refundedTax)],
          ['Net (before tax, after refunds)', m(sales.net)],
          ...(sales.cashRounding !== 0 ? [['Cash rounding', m(sales.cashRounding)] as [string, ReactNode]] : []),
        ]}
      />
      <Figures
        title="Tips"
        figures={[
          ['Tips taken', m(sales.tips)],
          ['Tips refunded', minus(sales.tipsRefunded)],
        ]}
      />
      <Section
        title="Tenders"
        rows={report.tenders}
        columns={[
          { label: 'Tender', cell: (t) => t.label },
          { label: 'Payments', numeric: true, cell: (t) => t.count },
          { label: 'Taken', numeric: true, cell: (t) => m(t.amount) },
          { label: 'Of which tips', numeric: true, cell: (t) => m(t.tips) },
          { label: 'Of which cash back', numeric: true, cell: (t) => m(t.cashback) },
          { label: 'Refunded', numeric: true, cell: (t) => m(t.refunded) },
          { label: 'Net', numeric: true, cell: (t) => m(t.net) },
        ]}
      />
      <Figures
        title="Cash"
        figures={[
          ['Float', m(cash.float)],
          ['Cash sales', m(cash.sales)],
          ['Cash back', minus(cash.cashback)],
          ['Cash refunds', minus(cash.refunds)],
          ['Paid in', m(cash.paidIn)],
          ['Paid out', minus(cash.paidOut)],
          ['Expected in drawer', m(cash.expected)],
          ['Counted', cash.counted === null ? '—' : m(cash.counted)],
          ['Variance', cash.variance === null ? '—' : m(cash.variance)],
        ]}
      />
      <Section
        title="Cash in and out"
        rows={report.cashMoves}
        columns={[
          { label: 'Time', cell: (c) => at(c.at) },
          { label: 'Kind', cell: (c) => (c.kind === 'in' ? 'Cash in' : 'Cash out') },
          { label: 'Amount', numeric: true, cell: (c) => m(c.amount) },
          { label: 'Reason', cell: (c) => c.reason },
          { label: 'By', cell: (c) => c.user },
          { label: 'Approved by', cell: approvedBy },
        ]}
      />
      <Section
        title="Refunds"
        rows={report.refunds}
        columns={[
          { label: 'Refund', cell: (r) => `#${r.number} of sale #${r.orderNumber}` },
          { label: 'Time', cell: (r) => at(r.at) },
          { label: 'Kind', cell: (r) => r.kind },
          { label: 'Status', cell: (r) => r.status },
          { label: 'Items', cell: (r) => r.items },
          { label: 'Amount', numeric: true, cell: (r) => m(r.amount) },
          { label: 'Of which tip', numeric: true, cell: (r) => m(r.tip) },
          { label: 'Reason', cell: (r) => r.reason },
          { label: 'By', cell: (r) => r.user },
          { label: 'Approved by', cell: approvedBy },
        ]}
      />
      <Section
        title="Late approvals"
        rows={report.lateApprovals}
        columns={[
          { label: 'Time', cell: (l) => at(l.at) },
          { label: 'Provider', cell: (l) => l.provider },
          { label: 'Sale', cell: (l) => `#${l.orderNumber}` },
          { label: 'Amount', numeric: true, cell: (l) => m(l.amount) },
          { label: 'Status', cell: (l) => l.status },
        ]}
      />
      <Section
        title="Providers"
        rows={report.providers}
        columns={[
          { label: 'Provider', cell: (p) => p.label },
          { label: 'Confirmed', numeric: true, cell: (p) => `${m(p.confirmed.amount)} (${p.confirmed.count})` },
          { label: 'As tenders', numeric: true, cell: (p) => `${m(p.asTenders.amount)} (${p.asTenders.count})` },
          { label: 'Late approvals', numeric: true, cell: (p) => `${m(p.late.amount)} (${p.late.count})` },
          { label: 'Given back', numeric: true, cell: (p) => m(p.givenBack) },
          { label: 'Net', numeric: true, cell: (p) => m(p.net) },
        ]}
      />
      <Section
        title="Voids"
        rows={report.voids}
        columns={[
          { label: 'Time', cell: (v) => at(v.at) },
          { label: 'Kind', cell: (v) => v.kind },
          { label: 'Sale', cell: (v) => (v.orderNumber === null ? '—' : `#${v.orderNumber}`) },
          { label: 'What', cell: (v) => v.description },
          { label: 'Amount', numeric: true, cell: (v) => m(v.amount) },
          { label: 'Reason', cell: (v) => v.reason },
          { label: 'By', cell: (v) => v.user },
          { label: 'Approved by', cell: approvedBy },
        ]}
      />
      <Section
        title="No-sale drawer openings"
        rows={report.noSales}
        columns={[
          { label: 'Time', cell: (n) => at(n.at) },
          { label: 'Reason', cell: (n) => n.reason },
          { label: 'By', cell: (n) => n.user },
          { label: 'Approved by', cell: approvedBy },
        ]}
      />
      <Section
        title="Price overrides"
        rows={report.overrides}
        columns={[
          { label: 'Time', cell: (o) => at(o.at) },
          { label: 'Product', cell: (o) => o.product },
          { label: 'From', numeric: true, cell: (o) => m(o.from) },
          { label: 'To', numeric: true, cell: (o) => m(o.to) },
          { label: 'Reason', cell: (o) => o.reason },
          { label: 'By', cell: (o) => o.user },
          { label: 'Approved by', cell: approvedBy },
        ]}
      />
      <Section
        title="Unresolved payments"
        empty="None: every payment is decided."
        rows={report.unresolved}
        columns={[
          { label: 'Provider', cell: (u) => u.provider },
          { label: 'Sale', cell: (u) => `#${u.orderNumber}` },
          { label: 'Amount', numeric: true, cell: (u) => m(u.amount) },
          { label: 'State', cell: (u) => u.state },
          { label: 'Since', cell: (u) => at(u.since) },
        ]}
      />
    </article>
  );
}

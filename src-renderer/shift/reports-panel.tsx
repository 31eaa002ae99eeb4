/**
 * Reports on the shift screen: the report on screen (an X report, the Z a close just
 * wrote, or a stored Z opened again as a COPY) with Print and Export CSV, and the list
 * of Z reports to open, each with its net sales (before tax, after refunds).
 */
import { useStore } from 'zustand';
import { formatLocalDateTime } from '../../src-shared/local-time';
import { formatMoney } from '../../src-shared/money';
import { jobText } from '../common/print-job-text';
import { saveTextFile } from '../common/save-file';
import { useLocale, useStores } from '../common/use-stores';
import { ReportView, useStoreTimeZone } from './report-view';
import { reportName } from './reports-store';

export function ShownReport() {
  const { reports } = useStores();
  const shown = useStore(reports, (s) => s.shown);
  const busy = useStore(reports, (s) => s.busy);
  const job = useStore(reports, (s) => s.printJob);
  if (!shown) return null;

  async function exportCsv() {
    const file = await reports.getState().exportShown();
    if (file) saveTextFile(document, file.filename, file.csv);
  }

  return (
    <section className="shown-report" aria-label={`${reportName(shown)} on screen`}>
      <div className="report-actions">
        <button type="button" disabled={busy !== null} onClick={() => void reports.getState().printShown()}>
          Print
        </button>
        <button type="button" disabled={busy !== null} onClick={() => void exportCsv()}>
          Export CSV
        </button>
        <button type="button" onClick={() => reports.getState().closeReport()}>
          Close report
        </button>
      </div>
      <p role="status" className="hint">
        {job ? `${job.label}: ${jobText(job)}` : busy === 'print' ? 'Sending to the printer…' : ''}
      </p>
      <ReportView report={shown} />
    </section>
  );
}

export function ZReportList() {
  const { reports } = useStores();
  const list = useStore(reports, (s) => s.list);
  const loaded = useStore(reports, (s) => s.listLoaded);
  const busy = useStore(reports, (s) => s.busy);
  const locale = useLocale();
  const timeZone = useStoreTimeZone();
  const currency = useStore(useStores().appInfo, (s) => s.info?.store.currency ?? 'CAD');

  return (
    <section aria-labelledby="z-reports-heading" className="z-reports">
      <h3 id="z-reports-heading">Z reports</h3>
      {!loaded ? (
        <p className="hint">Loading…</p>
      ) : list.length === 0 ? (
        <p className="hint">No shift has been closed yet.</p>
      ) : (
        <table className="history-table" aria-labelledby="z-reports-heading">
          <thead>
            <tr>
              <th scope="col">Z report</th>
              <th scope="col">Closed</th>
              <th scope="col">Closed by</th>
              <th scope="col" className="num">
                Net sales (before tax)
              </th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((z) => (
              <tr key={z.number}>
                <th scope="row">Z {z.number}</th>
                <td>{formatLocalDateTime(z.closedAt, { timeZone, locale })}</td>
                <td>{z.closedBy}</td>
                <td className="num">{formatMoney(z.net, currency, locale)}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Open Z report ${z.number}`}
                    disabled={busy !== null}
                    onClick={() => void reports.getState().openZ(z.number)}
                  >
                    Open
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

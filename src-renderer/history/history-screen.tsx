/** Past orders (F8): search by number or text, open one to see its receipt. */
import { useId, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { formatMoney } from '../../src-shared/money';
import { dateTime } from '../common/time-text';
import { useLocale, useStores } from '../common/use-stores';

const STATUS_TEXT = { open: 'Open', completed: 'Completed', cancelled: 'Cancelled' } as const;

export function HistoryScreen() {
  const { history, commands } = useStores();
  const rows = useStore(history, (s) => s.rows);
  const query = useStore(history, (s) => s.query);
  const loading = useStore(history, (s) => s.loading);
  const more = useStore(history, (s) => s.more);
  const error = useStore(history, (s) => s.error);
  const locale = useLocale();
  const inputId = useId();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void history.getState().search((event.currentTarget.elements.namedItem('q') as HTMLInputElement).value);
  }

  return (
    <section className="history-screen" aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <form role="search" className="history-search" onSubmit={submit}>
        <label htmlFor={inputId}>Search orders</label>
        <input
          id={inputId}
          name="q"
          defaultValue={query}
          autoComplete="off"
          autoFocus
          placeholder="Order number or text"
        />
        <button type="submit">Search</button>
      </form>
      <p role="alert" className="field-error">
        {error ?? ''}
      </p>
      <table className="history-table">
        <caption className="visually-hidden">Orders, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Order</th>
            <th scope="col">Time</th>
            <th scope="col" className="num">
              Total
            </th>
            <th scope="col">Cashier</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <th scope="row">#{row.number}</th>
              <td>{row.completedAt ? dateTime(row.completedAt, locale) : '—'}</td>
              <td className="num">{formatMoney(row.total, row.currency, locale)}</td>
              <td>{row.cashierName}</td>
              <td>{STATUS_TEXT[row.status]}</td>
              <td>
                <button
                  type="button"
                  aria-label={`Open order ${row.number}`}
                  disabled={row.status === 'open'}
                  onClick={() => void commands.openHistoryReceipt(row.id)}
                >
                  Open
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!loading && rows.length === 0 && <p>No orders found.</p>}
      {loading && <p role="status">Loading…</p>}
      {more && !loading && (
        <button type="button" onClick={() => void history.getState().loadOlder()}>
          Load older orders
        </button>
      )}
    </section>
  );
}

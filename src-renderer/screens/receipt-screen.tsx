/**
 * The receipt of a sale that just completed (with the change to hand back) or of an
 * order opened from history. "New sale" has focus, so Enter starts the next sale.
 */
import { useStore } from 'zustand';
import { ReceiptView } from '../components/receipt-view';
import { useMoney, useStores } from '../stores/use-stores';

export function ReceiptScreen() {
  const { receipt, nav, payment, commands } = useStores();
  const current = useStore(receipt, (s) => s.receipt);
  const orderId = useStore(receipt, (s) => s.orderId);
  const loading = useStore(receipt, (s) => s.loading);
  const error = useStore(receipt, (s) => s.error);
  const from = useStore(nav, (s) => s.receiptFrom);
  const lastCash = useStore(payment, (s) => s.lastCash);
  const money = useMoney();
  const change = from === 'sale' && lastCash?.completed && lastCash.orderId === orderId ? lastCash.change : null;

  return (
    <div className="receipt-screen">
      <section aria-labelledby="receipt-heading" className="receipt-side">
        <h2 id="receipt-heading">{from === 'sale' ? 'Sale complete' : 'Receipt'}</h2>
        {change !== null && <p className="change-due" role="status">Change due {money(change)}</p>}
        <div className="receipt-actions">
          {from === 'sale' ? (
            <button type="button" className="primary" autoFocus onClick={() => void commands.newSale()}>New sale</button>
          ) : (
            <button type="button" autoFocus onClick={() => nav.getState().go('history')}>Back to history</button>
          )}
          <button type="button" disabled={!orderId || loading} onClick={() => void receipt.getState().reprint()}>Reprint</button>
        </div>
        <p role="alert" className="field-error">{error ?? ''}</p>
      </section>
      <section className="receipt-paper" aria-label="Receipt preview">
        {current ? <ReceiptView receipt={current} /> : <p>{loading ? 'Loading the receipt…' : ''}</p>}
      </section>
    </div>
  );
}

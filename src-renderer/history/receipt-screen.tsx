/**
 * The receipt of a sale that just completed (with the change to hand back) or of an
 * order opened from history. "New sale" has focus, so Enter starts the next sale.
 * Print sends the receipt to the printer; Reprint prints a COPY and shows it. The
 * order's card and wallet payments are listed with their void / refund actions, and a
 * completed sale can be refunded by item or amount (with its past refunds listed).
 */
import { useStore } from 'zustand';
import { jobText } from '../common/print-job-text';
import { ReceiptView } from '../common/receipt-view';
import { OrderPayments } from '../payment/order-payments';
import { OrderRefunds } from '../refund/order-refunds';
import { useMoney, useStores } from '../common/use-stores';

function PrintStatus({ orderId }: { orderId: string }) {
  const { devices } = useStores();
  const print = useStore(devices, (s) => (s.receiptPrint?.orderId === orderId ? s.receiptPrint : null));
  const retrying = useStore(devices, (s) => s.busy?.startsWith('retry:') ?? false);
  const what = print?.copy ? 'Copy' : 'Receipt';
  const failed = print?.error ?? (print?.job?.state === 'failed' ? jobText(print.job) : null);
  return (
    <>
      <p role="status" className="hint">
        {print && !failed ? `${what}: ${print.job ? jobText(print.job) : 'Sending to the printer…'}` : ''}
      </p>
      <p role="alert" className="field-error">
        {failed ? `${what}: ${failed}` : ''}
      </p>
      {print?.job?.state === 'failed' && (
        <button type="button" disabled={retrying} onClick={() => void devices.getState().retry(print.job!.id)}>
          Retry printing
        </button>
      )}
    </>
  );
}

export function ReceiptScreen() {
  const { receipt, nav, payment, devices, commands } = useStores();
  const current = useStore(receipt, (s) => s.receipt);
  const order = useStore(receipt, (s) => s.order);
  const orderId = useStore(receipt, (s) => s.orderId);
  const loading = useStore(receipt, (s) => s.loading);
  const error = useStore(receipt, (s) => s.error);
  const from = useStore(nav, (s) => s.receiptFrom);
  const lastCash = useStore(payment, (s) => s.lastCash);
  const printing = useStore(
    devices,
    (s) =>
      s.receiptPrint !== null &&
      s.receiptPrint.orderId === orderId &&
      s.receiptPrint.job === null &&
      s.receiptPrint.error === null,
  );
  const money = useMoney();
  const change = from === 'sale' && lastCash?.completed && lastCash.orderId === orderId ? lastCash.change : null;
  const canPrint = !!orderId && !loading && !printing;

  return (
    <div className="receipt-screen">
      <section aria-labelledby="receipt-heading" className="receipt-side">
        <h2 id="receipt-heading">{from === 'sale' ? 'Sale complete' : 'Receipt'}</h2>
        {change !== null && (
          <p className="change-due" role="status">
            Change due {money(change)}
          </p>
        )}
        <div className="receipt-actions">
          {from === 'sale' ? (
            <button type="button" className="primary" autoFocus onClick={() => void commands.newSale()}>
              New sale
            </button>
          ) : (
            <button type="button" autoFocus onClick={() => nav.getState().go('history')}>
              Back to history
            </button>
          )}
          <button type="button" disabled={!canPrint} onClick={() => void commands.printReceipt(false)}>
            Print
          </button>
          <button type="button" disabled={!canPrint} onClick={() => void commands.printReceipt(true)}>
            Reprint
          </button>
        </div>
        {orderId && <PrintStatus orderId={orderId} />}
        <p role="alert" className="field-error">
          {error ?? ''}
        </p>
        {order && order.id === orderId && (
          <>
            <OrderPayments order={order} />
            <OrderRefunds order={order} />
          </>
        )}
      </section>
      <section className="receipt-paper" aria-label="Receipt preview">
        {current ? <ReceiptView receipt={current} /> : <p>{loading ? 'Loading the receipt…' : ''}</p>}
      </section>
    </div>
  );
}

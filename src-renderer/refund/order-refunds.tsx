/**
 * Refunds of a completed sale, on its receipt screen: "Refund…" (lines or an amount, plus
 * tip, back to the original payment, to cash or recorded as refunded on the terminal, with
 * a manager's approval), the refund just made with its status and where the money went,
 * and every record of the sale's refund ledger (refunds, payment voids, reversals of late
 * approvals, refunds done on the terminal, late approvals accepted) with what went back,
 * its tip, its evidence and its receipt.
 */
import { useEffect, useId, useState } from 'react';
import { useStore } from 'zustand';
import type { OrderView } from '../../src-shared/domain';
import { ModalDialog } from '../common/modal-dialog';
import { ReceiptView } from '../common/receipt-view';
import { dateTime } from '../common/time-text';
import { useLocale, useMoney, useStores } from '../common/use-stores';
import { RefundDialog } from './refund-dialog';
import { givenBackText, REFUND_KIND_TEXT, REFUND_STATUS_TEXT, refundTendersText } from './refund-store';

export function OrderRefunds({ order }: { order: OrderView }) {
  const { refunds } = useStores();
  const forOrder = useStore(refunds, (s) => (s.orderId === order.id ? s : null));
  const money = useMoney();
  const locale = useLocale();
  const headingId = useId();
  const [refunding, setRefunding] = useState(false);
  const m = (minor: number) => money(minor, order.currency);

  useEffect(() => {
    if (order.status === 'completed') void refunds.getState().load(order.id);
  }, [refunds, order.id, order.status]);

  if (order.status !== 'completed') return null;
  const refundable = forOrder?.refundable ?? null;
  const list = forOrder?.refunds ?? [];
  const last = forOrder?.last ?? null;
  const receipt = forOrder?.receipt ?? null;
  const numberOf = (refundId: string) => list.find((r) => r.id === refundId)?.number;

  return (
    <section className="order-refunds" aria-labelledby={headingId}>
      <h3 id={headingId}>Refunds</h3>
      {refundable && refundable.total + refundable.tips > 0 ? (
        <button type="button" onClick={() => setRefunding(true)}>
          Refund…
        </button>
      ) : (
        refundable && (
          <p className="hint">
            {refundable.reserved > 0
              ? `The rest (${m(refundable.reserved)}) is being refunded, waiting for the terminal.`
              : 'Everything paid on this sale has been refunded.'}
          </p>
        )
      )}
      <p role="status" className="refund-result">
        {last
          ? `Refund ${last.number} ${REFUND_STATUS_TEXT[last.status].toLowerCase()}: ${givenBackText(last, m)} · ${refundTendersText(last, m)}`
          : ''}
      </p>
      <p role="alert" className="field-error">
        {forOrder?.error ?? ''}
      </p>
      {list.length > 0 && (
        <table className="history-table" aria-label="Refunds of this sale">
          <thead>
            <tr>
              <th scope="col">Refund</th>
              <th scope="col">Kind</th>
              <th scope="col">Time</th>
              <th scope="col" className="num">
                Given back
              </th>
              <th scope="col">Status</th>
              <th scope="col">By</th>
              <th scope="col">Approved by</th>
              <th scope="col">
                <span className="visually-hidden">Receipt</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((refund) => (
              <tr key={refund.id}>
                <th scope="row">#{refund.number}</th>
                <td>
                  {REFUND_KIND_TEXT[refund.kind]}
                  {refund.evidence && <span className="line-tag">Evidence: {refund.evidence}</span>}
                </td>
                <td>{dateTime(refund.createdAt, locale)}</td>
                <td className="num">
                  {givenBackText(refund, m)}
                  {refund.tip > 0 && <span className="line-tag">tip {m(refund.tip)}</span>}
                </td>
                <td>{REFUND_STATUS_TEXT[refund.status]}</td>
                <td>{refund.user}</td>
                <td>{refund.approvedBy ?? '—'}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Receipt of refund ${refund.number}`}
                    onClick={() => void refunds.getState().showReceipt(refund.id)}
                  >
                    Receipt
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {refunding && refundable && (
        <RefundDialog order={order} refundable={refundable} onClose={() => setRefunding(false)} />
      )}
      {receipt && (
        <ModalDialog
          title={`Refund ${numberOf(receipt.refundId) ?? ''} receipt`}
          onClose={() => refunds.getState().closeReceipt()}
        >
          <ReceiptView receipt={receipt.receipt} />
          <div className="dialog-buttons">
            <button type="button" data-autofocus onClick={() => refunds.getState().closeReceipt()}>
              Close
            </button>
          </div>
        </ModalDialog>
      )}
    </section>
  );
}

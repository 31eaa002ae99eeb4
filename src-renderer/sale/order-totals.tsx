/** Subtotal, discounts, each tax, total (and what is paid / still due once tendering began). */
import type { OrderView } from '../../src-shared/domain';
import { useMoney } from '../common/use-stores';

export function OrderTotals({ order }: { order: OrderView }) {
  const money = useMoney();
  const m = (amount: number) => money(amount, order.currency);
  return (
    <dl className="order-totals" aria-label="Totals">
      <div>
        <dt>Subtotal</dt>
        <dd>{m(order.subtotal)}</dd>
      </div>
      {order.discountTotal > 0 && (
        <div>
          <dt>Discounts</dt>
          <dd>−{m(order.discountTotal)}</dd>
        </div>
      )}
      {order.taxes.map((tax) => (
        <div key={tax.code}>
          <dt>{tax.inclusive ? `${tax.label} (incl.)` : tax.label}</dt>
          <dd>{m(tax.amount)}</dd>
        </div>
      ))}
      <div className="grand-total">
        <dt>Total</dt>
        <dd>{m(order.total)}</dd>
      </div>
      {order.cashRounding !== 0 && (
        <div>
          <dt>Cash rounding</dt>
          <dd>{m(order.cashRounding)}</dd>
        </div>
      )}
      {order.paid > 0 && (
        <>
          <div>
            <dt>Paid</dt>
            <dd>{m(order.paid)}</dd>
          </div>
          <div className="due">
            <dt>Due</dt>
            <dd>{m(order.due)}</dd>
          </div>
        </>
      )}
    </dl>
  );
}

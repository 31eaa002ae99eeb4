/**
 * The on-screen rendering of the shared Receipt model (the printer renders the same model).
 * A receipt that is not a plain sale (a refund) carries its title, which names it.
 * Times are in the receipt's zone, as printed (local-time.ts).
 */
import { CARD_LABELS, cardBlockRows } from '../../src-shared/card-block-rows';
import { formatLocalDateTime, type LocalTimeOptions } from '../../src-shared/local-time';
import { formatMoney } from '../../src-shared/money';
import type { Receipt } from '../../src-shared/receipt';

export function ReceiptView({ receipt }: { receipt: Receipt }) {
  const m = (amount: number) => formatMoney(amount, receipt.currency, receipt.locale);
  const time: LocalTimeOptions = { timeZone: receipt.timeZone, locale: receipt.locale };
  return (
    <article className="receipt" aria-label={receipt.title ?? `Receipt for order ${receipt.orderNumber}`}>
      {receipt.demo && <p className="receipt-mark">DEMO — TRAINING RECEIPT</p>}
      {receipt.copy && <p className="receipt-mark">COPY</p>}
      {receipt.audience && (
        <p className="receipt-audience">{receipt.audience === 'merchant' ? 'MERCHANT COPY' : 'CUSTOMER COPY'}</p>
      )}
      {receipt.title && <p className="receipt-mark receipt-title">{receipt.title}</p>}
      <header>
        <h3>{receipt.storeName}</h3>
        {receipt.address.map((line) => (
          <p key={line}>{line}</p>
        ))}
        {receipt.taxId && <p>Tax ID {receipt.taxId}</p>}
        <p>
          Order #{receipt.orderNumber} · {formatLocalDateTime(receipt.at, time)}
        </p>
        <p>Cashier: {receipt.cashierName}</p>
      </header>

      <table className="receipt-lines">
        <tbody>
          {receipt.lines.map((line, index) => (
            <tr key={index}>
              <td>
                {line.name}
                {line.detail && <span className="receipt-detail">{line.detail}</span>}
                {line.discount > 0 && <span className="receipt-detail">Discount −{m(line.discount)}</span>}
              </td>
              <td className="num">{m(line.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <dl className="receipt-totals">
        <div>
          <dt>Subtotal</dt>
          <dd>{m(receipt.subtotal)}</dd>
        </div>
        {receipt.discountTotal > 0 && (
          <div>
            <dt>Discounts</dt>
            <dd>−{m(receipt.discountTotal)}</dd>
          </div>
        )}
        {receipt.taxes.map((tax) => (
          <div key={tax.label}>
            <dt>{tax.inclusive ? `${tax.label} incl.` : tax.label}</dt>
            <dd>{m(tax.amount)}</dd>
          </div>
        ))}
        <div className="grand-total">
          <dt>Total</dt>
          <dd>{m(receipt.total)}</dd>
        </div>
        {receipt.cashRounding !== 0 && (
          <div>
            <dt>Cash rounding</dt>
            <dd>{m(receipt.cashRounding)}</dd>
          </div>
        )}
      </dl>

      {receipt.tenders.map((tender, index) => {
        const cashback = tender.cashback ?? 0;
        const labels = CARD_LABELS[tender.card?.language ?? 'en'];
        return (
          <section key={index} className="receipt-tender" aria-label={`Payment: ${tender.label}`}>
            <dl>
              {/* The sale's part; tip and cash back follow, then what the card was charged in all. */}
              <div>
                <dt>{tender.label}</dt>
                <dd>{m(tender.amount - cashback)}</dd>
              </div>
              {tender.tendered !== tender.amount && (
                <div>
                  <dt>Tendered</dt>
                  <dd>{m(tender.tendered)}</dd>
                </div>
              )}
              {tender.change > 0 && (
                <div>
                  <dt>Change</dt>
                  <dd>{m(tender.change)}</dd>
                </div>
              )}
              {tender.tip > 0 && (
                <div>
                  <dt>{labels.tip}</dt>
                  <dd>{m(tender.tip)}</dd>
                </div>
              )}
              {cashback > 0 && (
                <div>
                  <dt>{labels.cashback}</dt>
                  <dd>{m(cashback)}</dd>
                </div>
              )}
              {tender.charged !== undefined && (
                <div>
                  <dt>
                    <strong>{labels.charged}</strong>
                  </dt>
                  <dd>
                    <strong>{m(tender.charged)}</strong>
                  </dd>
                </div>
              )}
            </dl>
            {tender.card && <CardBlock card={tender.card} time={time} />}
          </section>
        );
      })}

      <footer>
        {receipt.footer.map((line) => (
          <p key={line}>{line}</p>
        ))}
      </footer>
    </article>
  );
}

function CardBlock({ card, time }: { card: NonNullable<Receipt['tenders'][number]['card']>; time: LocalTimeOptions }) {
  const { rows, cvmLine } = cardBlockRows(card, time);
  return (
    <div className="card-block">
      <dl>
        {rows.map((row) => (
          <div key={row.label}>
            <dt>{row.label}</dt>
            <dd>{row.value}</dd>
          </div>
        ))}
      </dl>
      {cvmLine && <p className="cvm-line">{cvmLine}</p>}
    </div>
  );
}

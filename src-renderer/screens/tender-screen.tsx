/**
 * Taking payment: cash (quick amounts ≥ what is due, exact, or typed) and one button per
 * electronic tender (its terminal too; CodePay may let the customer add a tip on the
 * terminal; a wallet tender asks for the customer's code). Attempts are listed as main
 * reports them, including ones main started itself (a wallet code scanned here).
 */
import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { currencyExponent } from '../../src-shared/money';
import type { AppInfo } from '../../src-shared/domain';
import { AttemptList } from '../components/attempt-list';
import { OrderTotals } from '../components/order-totals';
import { WalletCodeDialog } from '../components/wallet-code-dialog';
import { isAttemptOpen } from '../format/attempt-text';
import { parseFixed } from '../format/parse-input';
import { attemptsForOrder } from '../stores/payment-store';
import { useMoney, useStores } from '../stores/use-stores';

type Tender = AppInfo['tenders'][number];

export function TenderScreen() {
  const { cart, payment, appInfo, nav } = useStores();
  const order = useStore(cart, (s) => s.order);
  const known = useStore(payment, (s) => s.attempts);
  const busy = useStore(payment, (s) => s.busy);
  const error = useStore(payment, (s) => s.error);
  const lastCash = useStore(payment, (s) => s.lastCash);
  const info = useStore(appInfo, (s) => s.info);
  const money = useMoney();
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string | null>(null);
  const [onScreenTip, setOnScreenTip] = useState(false);
  const [walletTender, setWalletTender] = useState<Tender | null>(null);

  if (!order || order.status !== 'open') return <p className="cart-empty">No open sale.</p>;

  const m = (amount: number) => money(amount, order.currency);
  const attempts = attemptsForOrder(order, known);
  const electronicBusy = attempts.some(isAttemptOpen);
  // A payment started (keyed here, or a code scanned while the dialog was open): the code dialog is done.
  if (walletTender && electronicBusy) setWalletTender(null);
  // What settles the order in cash: main rounds the due amount (e.g. CAD nickels).
  const cashDue = order.cashDue;
  const quickCash = (info?.quickCash ?? []).filter((amount) => amount >= cashDue && amount !== cashDue);
  const partialCash = lastCash && lastCash.orderId === order.id && !lastCash.completed ? lastCash : null;

  const takeCash = (tendered: number) => void payment.getState().payCash(order.id, tendered);
  const startCard = (tender: Tender) =>
    void payment.getState().startElectronic(order.id, tender, order.due, { onScreenTip: tender.provider === 'codepay' && onScreenTip });

  function submitTyped(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = (event.currentTarget.elements.namedItem('tendered') as HTMLInputElement).value;
    const tendered = parseFixed(text, currencyExponent(order!.currency));
    if (tendered === null || tendered <= 0) return setTypedError('Enter the cash received, for example 20 or 20.00.');
    setTypedError(null);
    setTyped('');
    takeCash(tendered);
  }

  return (
    <div className="tender-screen">
      <section className="tender-main" aria-labelledby="tender-heading">
        <h2 id="tender-heading">Payment — sale #{order.number}</h2>
        <p className="amount-due">Amount due <strong>{m(order.due)}</strong></p>
        {cashDue !== order.due && <p className="hint">In cash: {m(cashDue)} (rounded)</p>}
        {partialCash && <p role="status" className="hint">Cash taken. Still due {m(order.due)}.</p>}
        <p role="alert" className="field-error">{error ?? ''}</p>

        <section aria-labelledby="cash-heading" className="tender-cash">
          <h3 id="cash-heading">Cash</h3>
          <div className="quick-cash" role="group" aria-label="Quick cash">
            <button type="button" className="primary" disabled={busy || cashDue <= 0} onClick={() => takeCash(cashDue)}>Exact cash</button>
            {quickCash.map((amount) => (
              <button key={amount} type="button" disabled={busy} onClick={() => takeCash(amount)}>{m(amount)}</button>
            ))}
          </div>
          <form className="typed-cash" onSubmit={submitTyped}>
            <label>
              Cash received
              <input name="tendered" inputMode="decimal" autoComplete="off" value={typed} onChange={(event) => setTyped(event.target.value)} />
            </label>
            <button type="submit" disabled={busy}>Take cash</button>
          </form>
          <p role="alert" className="field-error">{typedError ?? ''}</p>
        </section>

        {info && info.tenders.length > 0 && (
          <section aria-labelledby="electronic-heading" className="tender-electronic">
            <h3 id="electronic-heading">Card and wallet</h3>
            {info.tenders.some((tender) => tender.provider === 'codepay') && (
              <label className="check">
                <input type="checkbox" checked={onScreenTip} onChange={(event) => setOnScreenTip(event.target.checked)} />
                Customer adds tip on terminal
              </label>
            )}
            <div className="tender-buttons">
              {info.tenders.map((tender) => (
                <button
                  key={`${tender.provider}:${tender.terminal ?? ''}`}
                  type="button"
                  disabled={busy || electronicBusy || order.due <= 0}
                  onClick={() => (tender.method === 'wallet' ? setWalletTender(tender) : startCard(tender))}
                >
                  {tender.label}
                </button>
              ))}
            </div>
            {electronicBusy && <p className="hint">A payment is in progress; a new one can start once it is decided.</p>}
          </section>
        )}

        {attempts.length > 0 && (
          <section aria-labelledby="attempts-heading">
            <h3 id="attempts-heading">Payments on this sale</h3>
            <AttemptList attempts={attempts} />
          </section>
        )}

        <button type="button" onClick={() => nav.getState().go('sale')}>Back to sale (Esc)</button>
      </section>

      {walletTender && (
        <WalletCodeDialog
          orderId={order.id}
          tender={walletTender}
          label={walletTender.label}
          amount={order.due}
          amountText={m(order.due)}
          onClose={() => setWalletTender(null)}
        />
      )}

      <aside className="tender-summary" aria-label="Order summary">
        <OrderTotals order={order} />
      </aside>
    </div>
  );
}

/**
 * Taking payment: cash (quick amounts ≥ what is due, exact, or typed) and one button per
 * electronic tender (its terminal too; a provider that can may let the customer add a tip
 * on the terminal and give cash back, charged to the card and handed over from the drawer,
 * with a manager's approval above the store's limit; a wallet tender asks for the
 * customer's code). What a tender offers follows its provider's capabilities, never its
 * id. Attempts are listed as main reports them, including ones main started itself (a
 * wallet code scanned here).
 */
import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { AppInfo } from '../../src-shared/domain';
import { currencyExponent } from '../../src-shared/money';
import { ApprovalDialog } from '../common/approval-dialog';
import { parseFixed } from '../common/parse-input';
import { OrderTotals } from '../sale/order-totals';
import { useMoney, useStores } from '../common/use-stores';
import { AttemptList } from './attempt-list';
import { isAttemptOpen } from './attempt-text';
import { attemptsForOrder, cashBackOf } from './payment-store';
import { WalletCodeDialog } from './wallet-code-dialog';

type Tender = AppInfo['tenders'][number];

/** The contract's bound on cash back (minor units). */
const CASHBACK_MAX = 100_000;

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
  const [cashbackText, setCashbackText] = useState('');
  const [cashbackError, setCashbackError] = useState<string | null>(null);
  const [walletTender, setWalletTender] = useState<Tender | null>(null);
  const approvalAsk = useStore(payment, (s) => s.approvalAsk);

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
  const tenders = info?.tenders ?? [];
  const anyScreenTip = tenders.some((tender) => tender.capabilities.onScreenTip);
  const anyCashback = tenders.some((tender) => tender.capabilities.cashback);

  const takeCash = (tendered: number) => void payment.getState().payCash(order.id, tendered);

  /** The cash back typed (minor units; 0 when left empty), or null after saying what is wrong. */
  function typedCashback(): number | null {
    if (cashbackText.trim() === '') return 0;
    const amount = parseFixed(cashbackText, currencyExponent(order!.currency));
    const problem =
      amount === null
        ? 'Enter the cash back, for example 20 or 20.00.'
        : amount > CASHBACK_MAX
          ? `At most ${m(CASHBACK_MAX)} cash back.`
          : null;
    setCashbackError(problem);
    return problem ? null : amount;
  }

  async function startCard(tender: Tender) {
    const { cashback: givesCashback, onScreenTip: takesScreenTip } = tender.capabilities;
    if (!givesCashback && cashbackText.trim() !== '') {
      return setCashbackError(`${tender.label} gives no cash back: clear the cash back to pay this way.`);
    }
    const cashback = givesCashback ? typedCashback() : 0;
    if (cashback === null) return;
    const options = { onScreenTip: takesScreenTip && onScreenTip, cashback };
    const attempt = await payment.getState().startElectronic(order!.id, tender, order!.due, options);
    // Cash back is for this one payment: a later one starts without it.
    if (attempt && cashback > 0) setCashbackText('');
  }

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
        <p className="amount-due">
          Amount due <strong>{m(order.due)}</strong>
        </p>
        {cashDue !== order.due && <p className="hint">In cash: {m(cashDue)} (rounded)</p>}
        {partialCash && (
          <p role="status" className="hint">
            Cash taken. Still due {m(order.due)}.
          </p>
        )}
        {cashBackOf(order).map((given, index) => (
          <p key={given.attemptId ?? index} role="status" className="change-due">
            Cash back {m(given.amount)} — give it from the drawer
          </p>
        ))}
        <p role="alert" className="field-error">
          {error ?? ''}
        </p>

        <section aria-labelledby="cash-heading" className="tender-cash">
          <h3 id="cash-heading">Cash</h3>
          <div className="quick-cash" role="group" aria-label="Quick cash">
            <button type="button" className="primary" disabled={busy || cashDue <= 0} onClick={() => takeCash(cashDue)}>
              Exact cash
            </button>
            {quickCash.map((amount) => (
              <button key={amount} type="button" disabled={busy} onClick={() => takeCash(amount)}>
                {m(amount)}
              </button>
            ))}
          </div>
          <form className="typed-cash" onSubmit={submitTyped}>
            <label>
              Cash received
              <input
                name="tendered"
                inputMode="decimal"
                autoComplete="off"
                value={typed}
                onChange={(event) => setTyped(event.target.value)}
              />
            </label>
            <button type="submit" disabled={busy}>
              Take cash
            </button>
          </form>
          <p role="alert" className="field-error">
            {typedError ?? ''}
          </p>
        </section>

        {info && info.tenders.length > 0 && (
          <section aria-labelledby="electronic-heading" className="tender-electronic">
            <h3 id="electronic-heading">Card and wallet</h3>
            {(anyScreenTip || anyCashback) && (
              <div className="terminal-extras">
                {anyScreenTip && (
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={onScreenTip}
                      onChange={(event) => setOnScreenTip(event.target.checked)}
                    />
                    Customer adds tip on terminal
                  </label>
                )}
                {anyCashback && (
                  <>
                    <label>
                      Cash back
                      <input
                        name="cashback"
                        inputMode="decimal"
                        autoComplete="off"
                        value={cashbackText}
                        onChange={(event) => setCashbackText(event.target.value)}
                      />
                    </label>
                    <p className="hint">
                      Charged to the card on top of the sale and handed over from the drawer (CodePay).
                    </p>
                    <p role="alert" className="field-error">
                      {cashbackError ?? ''}
                    </p>
                  </>
                )}
              </div>
            )}
            <div className="tender-buttons">
              {info.tenders.map((tender) => (
                <button
                  key={`${tender.provider}:${tender.terminal ?? ''}`}
                  type="button"
                  disabled={busy || electronicBusy || order.due <= 0}
                  onClick={() => (tender.method === 'wallet' ? setWalletTender(tender) : void startCard(tender))}
                >
                  {tender.label}
                </button>
              ))}
            </div>
            {electronicBusy && (
              <p className="hint">A payment is in progress; a new one can start once it is decided.</p>
            )}
          </section>
        )}

        {attempts.length > 0 && (
          <section aria-labelledby="attempts-heading">
            <h3 id="attempts-heading">Payments on this sale</h3>
            <AttemptList attempts={attempts} />
          </section>
        )}

        <button type="button" onClick={() => nav.getState().go('sale')}>
          Back to sale (Esc)
        </button>
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

      {approvalAsk && approvalAsk.orderId === order.id && (
        <ApprovalDialog
          key={approvalAsk.id}
          title="Approve cash back"
          submitLabel="Start payment"
          defaultReason="Cash back for the customer"
          onApprove={(approval, reason) => payment.getState().approve(approval, reason)}
          onClose={() => payment.getState().dismissApproval()}
        >
          <p>{approvalAsk.message}</p>
          <p>
            Cash back {m(approvalAsk.cashback)} on top of {m(approvalAsk.amount)}: the card is charged{' '}
            {m(approvalAsk.amount + approvalAsk.cashback)}, the customer gets {m(approvalAsk.cashback)} from the drawer.
          </p>
        </ApprovalDialog>
      )}

      <aside className="tender-summary" aria-label="Order summary">
        <OrderTotals order={order} />
      </aside>
    </div>
  );
}

/**
 * Paying by a customer's wallet code (WeChat Pay, Alipay, UnionPay). A scanned code is
 * taken by the scanner path before it reaches this dialog (main starts the payment and
 * the dialog closes); a code the cashier keys in is sent from here. The field is a
 * password field: the full code is never shown on screen.
 */
import { useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { ModalDialog } from '../common/modal-dialog';
import { useStores } from '../common/use-stores';
import type { TenderChoice } from './payment-store';

export function WalletCodeDialog({
  orderId,
  tender,
  label,
  amountText,
  amount,
  onClose,
}: {
  orderId: string;
  tender: TenderChoice;
  label: string;
  amount: number;
  amountText: string;
  onClose(): void;
}) {
  const { payment } = useStores();
  const busy = useStore(payment, (s) => s.busy);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = code.replace(/\s/g, '');
    if (!/^\d{16,24}$/.test(typed)) return setError('A payment code is 16 to 24 digits.');
    setCode('');
    setError(null);
    const attempt = await payment.getState().startElectronic(orderId, tender, amount, { walletCode: typed });
    if (attempt) onClose();
    else setError(payment.getState().error ?? 'The payment did not start.');
  }

  return (
    <ModalDialog title={`${label}: customer's code`} onClose={onClose}>
      <form onSubmit={submit}>
        <p>Scan the code on the customer&apos;s phone now, or type it in. {amountText} will be charged.</p>
        <label>
          Payment code
          <input
            type="password"
            name="wallet-code"
            inputMode="numeric"
            autoComplete="off"
            data-autofocus
            value={code}
            onChange={(event) => setCode(event.target.value)}
          />
        </label>
        <p role="alert" className="field-error">
          {error ?? ''}
        </p>
        <div className="dialog-buttons">
          <button type="submit" className="primary" disabled={busy}>
            Charge {amountText}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/**
 * Demo / training mode: the trainee plays the customer. "Virtual terminal" lists the
 * payments a simulated terminal or gateway is waiting on, with what the customer does
 * next; "Virtual scanner" sends a code through the simulated HID-POS scanner (the scan
 * comes back like any scan from a scanner in main).
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { ProviderCapabilities } from '../../src-shared/domain';
import { useMoney, useStores } from '../common/use-stores';
import { waitingKey, type TerminalAction, type WaitingPayment } from './demo-store';
import { useTenderLabel } from './payment-summary';
import { useCapabilities } from './provider-capabilities';

/** What the pretend customer can do; some only where the payment's provider can (its tender says so). */
const ACTIONS: { action: TerminalAction; label: string; onlyIf?: keyof ProviderCapabilities }[] = [
  { action: 'approve', label: 'Customer approves' },
  { action: 'approve-with-tip', label: 'Approves with tip', onlyIf: 'onScreenTip' },
  { action: 'decline', label: 'Declines' },
  { action: 'walk-away', label: 'Walks away' },
];

function WaitingList() {
  const { demo } = useStores();
  const waiting = useStore(demo, (s) => s.waiting);
  const loaded = useStore(demo, (s) => s.loaded);
  const acting = useStore(demo, (s) => s.acting);
  const money = useMoney();
  const labelOf = useTenderLabel();
  const capabilitiesOf = useCapabilities();
  const offered = (payment: WaitingPayment) =>
    ACTIONS.filter((a) => !a.onlyIf || capabilitiesOf(payment.provider)?.[a.onlyIf] === true);
  const describe = (payment: WaitingPayment) =>
    `${labelOf({ provider: payment.provider, terminal: null })} · ${money(payment.amount, payment.currency)}`;

  if (!loaded) return <p className="hint">Checking the virtual terminal…</p>;
  if (waiting.length === 0) return <p className="hint">No payment is waiting on a terminal.</p>;
  return (
    <ul className="waiting-payments" aria-label="Payments waiting on a terminal">
      {waiting.map((payment) => (
        <li key={waitingKey(payment)} aria-label={describe(payment)}>
          <span className="attempt-label">{describe(payment)}</span>
          <div className="terminal-actions">
            {offered(payment).map(({ action, label }) => (
              <button
                key={action}
                type="button"
                disabled={acting === waitingKey(payment)}
                onClick={() => void demo.getState().act(payment, action)}
              >
                {label}
              </button>
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}

function VirtualScanner() {
  const { demo } = useStores();
  const scanning = useStore(demo, (s) => s.scanning);
  const [code, setCode] = useState('');
  const inputId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (await demo.getState().scan(code)) setCode('');
  }

  return (
    <form className="virtual-scanner" onSubmit={submit}>
      <label htmlFor={inputId} className="visually-hidden">
        Virtual scanner
      </label>
      <input
        id={inputId}
        autoComplete="off"
        spellCheck={false}
        value={code}
        onChange={(event) => setCode(event.target.value)}
      />
      <button type="submit" disabled={scanning}>
        Scan
      </button>
    </form>
  );
}

export function VirtualTerminalPanel() {
  const { demo } = useStores();
  const error = useStore(demo, (s) => s.error);
  const terminalId = useId();
  const scannerId = useId();

  useEffect(() => {
    void demo.getState().load();
  }, [demo]);

  return (
    <aside className="demo-panel" aria-label="Training devices">
      <section aria-labelledby={terminalId}>
        <h2 id={terminalId}>Virtual terminal</h2>
        <p className="hint">You play the customer.</p>
        <WaitingList />
      </section>
      <section aria-labelledby={scannerId}>
        <h2 id={scannerId}>Virtual scanner</h2>
        <VirtualScanner />
      </section>
      <p role="alert" className="field-error">
        {error ?? ''}
      </p>
    </aside>
  );
}

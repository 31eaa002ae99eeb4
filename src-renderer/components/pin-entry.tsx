/** PIN field plus an on-screen pad; the pad and the keyboard edit the same value. */
import { useId, useState, type FormEvent } from 'react';

const PAD = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function PinEntry({ submitLabel, busy, disabled, onSubmit }: {
  submitLabel: string;
  busy: boolean;
  disabled?: boolean;
  onSubmit(pin: string): Promise<boolean>;
}) {
  const [pin, setPin] = useState('');
  const inputId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = (event.currentTarget.elements.namedItem('pin') as HTMLInputElement).value;
    if (!typed) return;
    // A PIN never stays on screen after an attempt, right or wrong.
    setPin('');
    await onSubmit(typed);
  }

  const add = (digit: string) => setPin((current) => (current.length < 8 ? current + digit : current));

  return (
    <form className="pin-entry" onSubmit={submit}>
      <label htmlFor={inputId}>PIN</label>
      <input
        id={inputId}
        name="pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={8}
        value={pin}
        data-autofocus
        autoFocus
        onChange={(event) => setPin(event.target.value.replace(/\D/g, '').slice(0, 8))}
      />
      <div className="pin-pad" role="group" aria-label="PIN pad">
        {PAD.map((digit) => (
          <button key={digit} type="button" onClick={() => add(digit)}>{digit}</button>
        ))}
        <button type="button" onClick={() => setPin('')}>Clear</button>
        <button type="button" onClick={() => add('0')}>0</button>
        <button type="button" aria-label="Delete last digit" onClick={() => setPin((current) => current.slice(0, -1))}>⌫</button>
      </div>
      <button type="submit" className="primary" disabled={busy || disabled || pin.length === 0}>{submitLabel}</button>
    </form>
  );
}

/**
 * A PIN field plus an on-screen pad; the pad and the keyboard edit the same value. Used
 * by the login and lock screens (PinEntry) and by the manager approval dialog.
 */
import { useId } from 'react';

const PAD = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
const MAX_PIN_LENGTH = 8;

export function PinField({
  label,
  value,
  onChange,
  autoFocus = false,
}: {
  label: string;
  value: string;
  onChange(pin: string): void;
  autoFocus?: boolean;
}) {
  const inputId = useId();
  const add = (digit: string) => onChange(value.length < MAX_PIN_LENGTH ? value + digit : value);

  return (
    <div className="pin-field">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        name="pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={MAX_PIN_LENGTH}
        value={value}
        autoFocus={autoFocus}
        data-autofocus={autoFocus ? true : undefined}
        onChange={(event) => onChange(event.target.value.replace(/\D/g, '').slice(0, MAX_PIN_LENGTH))}
      />
      <div className="pin-pad" role="group" aria-label="PIN pad">
        {PAD.map((digit) => (
          <button key={digit} type="button" onClick={() => add(digit)}>
            {digit}
          </button>
        ))}
        <button type="button" onClick={() => onChange('')}>
          Clear
        </button>
        <button type="button" onClick={() => add('0')}>
          0
        </button>
        <button type="button" aria-label="Delete last digit" onClick={() => onChange(value.slice(0, -1))}>
          ⌫
        </button>
      </div>
    </div>
  );
}

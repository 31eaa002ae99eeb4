/** Log in / unlock: a PIN field with its pad and a submit button. */
import { useState, type FormEvent } from 'react';
import { PinField } from '../common/pin-field';

export function PinEntry({
  submitLabel,
  busy,
  disabled,
  onSubmit,
}: {
  submitLabel: string;
  busy: boolean;
  disabled?: boolean;
  onSubmit(pin: string): Promise<boolean>;
}) {
  const [pin, setPin] = useState('');
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const typed = (event.currentTarget.elements.namedItem('pin') as HTMLInputElement).value;
    if (!typed) return;
    // A PIN never stays on screen after an attempt, right or wrong.
    setPin('');
    await onSubmit(typed);
  }

  return (
    <form className="pin-entry" onSubmit={submit}>
      <PinField label="PIN" value={pin} onChange={setPin} autoFocus />
      <button type="submit" className="primary" disabled={busy || disabled || pin.length === 0}>
        {submitLabel}
      </button>
    </form>
  );
}

/**
 * The typed number field of the dialogs (amounts, quantities, percentages): the decimal
 * keypad on touch screens, focused and selected on open so typing replaces the value.
 */
export function AmountInput({
  name,
  value,
  onChange,
  id,
}: {
  name: string;
  value: string;
  onChange(value: string): void;
  id?: string;
}) {
  return (
    <input
      id={id}
      name={name}
      inputMode="decimal"
      autoComplete="off"
      value={value}
      data-autofocus
      onFocus={(event) => event.currentTarget.select()}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

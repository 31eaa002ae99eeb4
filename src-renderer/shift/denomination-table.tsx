/**
 * Counting a drawer: one count field per note and coin of the currency (largest
 * first), each row's amount and the total as they are typed. A currency the till has
 * no table for is counted as one typed total. Used for the float and for the close.
 */
import { useId } from 'react';
import { useMoney } from '../common/use-stores';
import { denominationsFor, parseCount, readCount, TOTAL_KEY, type CountTexts } from './denominations';

export function DenominationTable({
  caption,
  currency,
  texts,
  onChange,
  autoFocus = false,
}: {
  caption: string;
  currency: string;
  texts: CountTexts;
  onChange(texts: CountTexts): void;
  /** The first field takes the focus when a dialog opens (counting starts at once). */
  autoFocus?: boolean;
}) {
  const money = useMoney();
  const totalId = useId();
  const denominations = denominationsFor(currency);
  const { total } = readCount(currency, texts);
  const set = (key: number, text: string) => onChange({ ...texts, [key]: text });

  if (denominations.length === 0) {
    return (
      <div className="cash-count">
        <label htmlFor={totalId}>
          {caption}: cash total ({currency})
        </label>
        <input
          id={totalId}
          inputMode="decimal"
          autoComplete="off"
          data-autofocus={autoFocus || undefined}
          value={texts[TOTAL_KEY] ?? ''}
          onChange={(event) => set(TOTAL_KEY, event.target.value)}
        />
      </div>
    );
  }

  return (
    <table className="cash-count">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Note or coin</th>
          <th scope="col" className="num">
            Count
          </th>
          <th scope="col" className="num">
            Amount
          </th>
        </tr>
      </thead>
      <tbody>
        {denominations.map(({ value, label }, index) => {
          const text = texts[value] ?? '';
          const count = parseCount(text);
          return (
            <tr key={value}>
              <th scope="row">
                <label htmlFor={`${totalId}-${value}`}>{label}</label>
              </th>
              <td className="num">
                <input
                  id={`${totalId}-${value}`}
                  type="number"
                  min={0}
                  max={100_000}
                  step={1}
                  inputMode="numeric"
                  autoComplete="off"
                  data-autofocus={(autoFocus && index === 0) || undefined}
                  aria-invalid={count === null ? true : undefined}
                  value={text}
                  placeholder="0"
                  onChange={(event) => set(value, event.target.value)}
                />
              </td>
              <td className="num">{count === null ? '—' : money(value * count, currency)}</td>
            </tr>
          );
        })}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td />
          <td className="num">{money(total, currency)}</td>
        </tr>
      </tfoot>
    </table>
  );
}

/** The order's lines with their per-line actions (quantity, price, discount, remove). */
import { useState } from 'react';
import type { LineView, OrderView } from '../../src-shared/domain';
import { quantityText } from '../common/parse-input';
import { useMoney, useStores } from '../common/use-stores';
import { DiscountDialog } from './discount-dialog';
import { PriceDialog } from './price-dialog';
import { QuantityDialog } from './quantity-dialog';

type Editing = { line: LineView; what: 'quantity' | 'price' | 'discount' } | null;

export function CartLines({ order }: { order: OrderView }) {
  const { cart } = useStores();
  const money = useMoney();
  const [editing, setEditing] = useState<Editing>(null);

  if (order.lines.length === 0)
    return <p className="cart-empty">No items yet. Scan an item or pick one from the grid.</p>;

  return (
    <>
      <table className="cart-lines" aria-label="Items in this sale">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" className="num">
              Qty
            </th>
            <th scope="col" className="num">
              Price
            </th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col" className="num">
              Discount
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr key={line.id}>
              <th scope="row" className="line-name">
                {line.name}
                {line.embedded && (
                  <span className="line-tag">
                    {line.embedded === 'price' ? 'price from barcode' : 'weight from barcode'}
                  </span>
                )}
              </th>
              <td className="num">
                {line.unit === 'kg' ? `${quantityText(line.qtyMilli, 'kg')} kg` : quantityText(line.qtyMilli, 'each')}
              </td>
              <td className="num">
                {money(line.unitPrice, order.currency)}
                {line.unit === 'kg' ? '/kg' : ''}
              </td>
              <td className="num">{money(line.gross, order.currency)}</td>
              <td className="num">{line.lineDiscount ? `−${money(line.lineDiscount, order.currency)}` : ''}</td>
              <td className="line-actions">
                <div className="line-buttons">
                  <button
                    type="button"
                    aria-label={`Quantity: ${line.name}`}
                    disabled={line.embedded !== null}
                    onClick={() => setEditing({ line, what: 'quantity' })}
                  >
                    Quantity
                  </button>
                  <button
                    type="button"
                    aria-label={`Price: ${line.name}`}
                    disabled={line.embedded === 'price'}
                    onClick={() => setEditing({ line, what: 'price' })}
                  >
                    Price…
                  </button>
                  <button
                    type="button"
                    aria-label={`Discount: ${line.name}`}
                    onClick={() => setEditing({ line, what: 'discount' })}
                  >
                    Discount
                  </button>
                  <button
                    type="button"
                    aria-label={`Remove: ${line.name}`}
                    onClick={() => void cart.getState().removeLine(line.id)}
                  >
                    Remove
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing?.what === 'quantity' && <QuantityDialog line={editing.line} onDone={() => setEditing(null)} />}
      {editing?.what === 'price' && (
        <PriceDialog line={editing.line} currency={order.currency} onDone={() => setEditing(null)} />
      )}
      {editing?.what === 'discount' && (
        <DiscountDialog
          title={`Discount on ${editing.line.name}`}
          current={editing.line.discount}
          currency={order.currency}
          onApply={async (discount) =>
            (await cart.getState().setLineDiscount(editing.line.id, discount))
              ? null
              : (cart.getState().notice?.text ?? 'The discount was not applied.')
          }
          onDone={() => setEditing(null)}
        />
      )}
    </>
  );
}

/** The main screen: scan/search and the grid on one side, the cart and its totals on the other. */
import { useState } from 'react';
import { useStore } from 'zustand';
import { ModalDialog } from '../common/modal-dialog';
import { useStores } from '../common/use-stores';
import { CartLines } from './cart-lines';
import { DiscountDialog } from './discount-dialog';
import { OrderTotals } from './order-totals';
import { ProductGrid } from './product-grid';
import { ScanSearch } from './scan-search';

export function SaleScreen() {
  const { cart, commands } = useStores();
  const order = useStore(cart, (s) => s.order);
  const [dialog, setDialog] = useState<'order-discount' | 'cancel' | null>(null);
  const open = order?.status === 'open' ? order : null;
  const hasLines = !!open && open.lines.length > 0;

  return (
    <div className="sale-screen">
      <section className="catalog-side" aria-label="Find items">
        <ScanSearch />
        <ProductGrid />
      </section>

      <section className="cart-side" aria-labelledby="cart-heading">
        <h2 id="cart-heading">{open ? `Sale #${open.number}` : 'Sale'}</h2>
        {open ? <CartLines order={open} /> : <p className="cart-empty">Loading the sale…</p>}
        {open && <OrderTotals order={open} />}
        <div className="cart-actions">
          <button type="button" className="primary pay" disabled={!hasLines} onClick={() => commands.pay()}>
            Pay (F4)
          </button>
          <button type="button" disabled={!hasLines} onClick={() => setDialog('order-discount')}>
            Order discount
          </button>
          <button type="button" className="danger" disabled={!hasLines} onClick={() => setDialog('cancel')}>
            Cancel sale
          </button>
        </div>
      </section>

      {dialog === 'order-discount' && open && (
        <DiscountDialog
          title="Discount on the whole order"
          current={open.orderDiscount}
          currency={open.currency}
          onApply={async (discount) =>
            (await cart.getState().setOrderDiscount(discount))
              ? null
              : (cart.getState().notice?.text ?? 'The discount was not applied.')
          }
          onDone={() => setDialog(null)}
        />
      )}
      {dialog === 'cancel' && (
        <ModalDialog title="Cancel this sale?" onClose={() => setDialog(null)}>
          <p>Every item is removed and the sale is kept as cancelled.</p>
          <div className="dialog-buttons">
            <button type="button" data-autofocus onClick={() => setDialog(null)}>
              Keep the sale
            </button>
            <button
              type="button"
              className="danger"
              onClick={async () => {
                setDialog(null);
                await cart.getState().cancel();
              }}
            >
              Yes, cancel the sale
            </button>
          </div>
        </ModalDialog>
      )}
    </div>
  );
}

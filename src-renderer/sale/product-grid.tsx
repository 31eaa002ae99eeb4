/** Quick keys by department (`pos:catalog.grid`). */
import { useStore } from 'zustand';
import { useMoney, useStores } from '../common/use-stores';

export function ProductGrid() {
  const { catalog, cart } = useStores();
  const departments = useStore(catalog, (s) => s.departments);
  const department = useStore(catalog, (s) => s.department);
  const products = useStore(catalog, (s) => s.products);
  const error = useStore(catalog, (s) => s.error);
  const money = useMoney();

  return (
    <section className="product-grid" aria-labelledby="grid-heading">
      <h2 id="grid-heading" className="visually-hidden">
        Products
      </h2>
      <div className="departments" role="group" aria-label="Departments">
        <button type="button" aria-pressed={department === null} onClick={() => void catalog.getState().loadGrid(null)}>
          All
        </button>
        {departments.map((name) => (
          <button
            key={name}
            type="button"
            aria-pressed={department === name}
            onClick={() => void catalog.getState().loadGrid(name)}
          >
            {name}
          </button>
        ))}
      </div>
      {error && (
        <p role="alert" className="field-error">
          {error}
        </p>
      )}
      <ul className="grid-keys">
        {products.map((product) => (
          <li key={product.id}>
            <button type="button" onClick={() => void cart.getState().addProduct(product.id)}>
              <span className="key-name">{product.name}</span>
              <span className="price">
                {money(product.price)}
                {product.unit === 'kg' ? '/kg' : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

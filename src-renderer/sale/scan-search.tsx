/**
 * "Scan or search": typing searches the catalogue; Enter with a code-like value is a
 * keyed scan (source 'keyed'), Enter on text with a single result adds it. Wedge scans
 * never reach this box: the detector takes them first.
 */
import { useEffect, useId, useRef, type FormEvent } from 'react';
import { useStore } from 'zustand';
import { isCodeLike } from '../common/parse-input';
import { useMoney, useStores } from '../common/use-stores';

export function ScanSearch() {
  const { catalog, cart, nav, commands } = useStores();
  const query = useStore(catalog, (s) => s.query);
  const results = useStore(catalog, (s) => s.results);
  const searchFocus = useStore(nav, (s) => s.searchFocus);
  const money = useMoney();
  const inputId = useId();
  const input = useRef<HTMLInputElement>(null);

  // Focus on arrival (the cashier types or scans straight away) and on every F2.
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, [searchFocus]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Read the DOM: replayed keystrokes may have landed after the last render.
    const value = input.current?.value.trim() ?? '';
    if (!value) return;
    if (isCodeLike(value)) {
      catalog.getState().clearSearch();
      await commands.scan(value, 'keyed');
    } else if (results.length === 1) {
      catalog.getState().clearSearch();
      await cart.getState().addProduct(results[0].id);
    }
  }

  async function add(productId: string) {
    catalog.getState().clearSearch();
    await cart.getState().addProduct(productId);
    input.current?.focus();
  }

  return (
    <div className="scan-search">
      <form role="search" onSubmit={submit}>
        <label htmlFor={inputId}>Scan or search</label>
        <input
          id={inputId}
          ref={input}
          autoComplete="off"
          spellCheck={false}
          enterKeyHint="enter"
          value={query}
          onChange={(event) => catalog.getState().setQuery(event.target.value)}
        />
      </form>
      {results.length > 0 && (
        <ul className="search-results" aria-label="Search results">
          {results.map((product) => (
            <li key={product.id}>
              <button type="button" onClick={() => void add(product.id)}>
                <span>{product.name}</span>
                <span className="price">
                  {money(product.price)}
                  {product.unit === 'kg' ? '/kg' : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {query.trim() !== '' && results.length === 0 && !isCodeLike(query) && (
        <p className="hint">No products match “{query.trim()}”.</p>
      )}
    </div>
  );
}

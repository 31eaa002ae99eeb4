/** Real codes from the demo catalogue, for tests that scan like a cashier. */
import type Database from 'better-sqlite3';
import { withCheckDigit } from '../../src-main/catalog/gtin';

export interface DemoCodes {
  plain: { barcode: string; name: string; price: number }[];
  /** A price-embedded label (demo rule 23IIIIIVVVVVC) for a PLU item, with the price it carries. */
  priceLabel: { code: string; name: string; price: number };
  /** A weight label (demo rule 21IIIIIVVVVVC) for a by-weight item. */
  weightLabel: { code: string; name: string; grams: number; pricePerKg: number } | null;
}

export function demoCodes(db: Database.Database, labelPrice = 1234): DemoCodes {
  const plain = db
    .prepare(
      "SELECT barcode, name, price FROM products WHERE barcode IS NOT NULL AND unit = 'each' AND active = 1 AND substr(barcode, 1, 2) NOT IN ('21', '23', '02') ORDER BY id LIMIT 5",
    )
    .all() as DemoCodes['plain'];
  const pluItem = db
    .prepare(
      "SELECT plu, name FROM products WHERE plu IS NOT NULL AND unit = 'each' AND active = 1 ORDER BY id LIMIT 1",
    )
    .get() as { plu: string; name: string };
  const kgItem = db
    .prepare(
      "SELECT plu, name, price FROM products WHERE plu IS NOT NULL AND unit = 'kg' AND active = 1 ORDER BY id LIMIT 1",
    )
    .get() as { plu: string; name: string; price: number } | undefined;
  const label = (prefix: string, plu: string, value: number) =>
    withCheckDigit(`${prefix}${plu.padStart(5, '0')}${String(value).padStart(5, '0')}`);
  return {
    plain,
    priceLabel: { code: label('23', pluItem.plu, labelPrice), name: pluItem.name, price: labelPrice },
    weightLabel: kgItem
      ? { code: label('21', kgItem.plu, 1250), name: kgItem.name, grams: 1250, pricePerKg: kgItem.price }
      : null,
  };
}

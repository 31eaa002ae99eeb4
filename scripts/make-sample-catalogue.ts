// Writes resources/sample-catalogue.csv: the demo store's few hundred products.
// Deterministic (same file every run); the first rows are hand-written and referenced
// by tests, the rest are generated with valid UPC-A barcodes (stored as EAN-13).
//   node --import tsx scripts/make-sample-catalogue.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCheckDigit } from '../src-main/catalog/gtin';

const FILE = join(__dirname, '../resources/sample-catalogue.csv');
const HAND_WRITTEN_ROWS = 25; // header + 24 products the tests name

const BRANDS = [
  'Northbay',
  'Maple Ridge',
  'Coastline',
  'Prairie Gold',
  'Harbour & Co',
  'Evergreen',
  'Summit',
  'Bluewater',
  'Fraser Valley',
  'Kootenay',
];
const DEPARTMENTS: { name: string; code: string; taxes: string; items: [string, number][] }[] = [
  {
    name: 'Dairy',
    code: 'DA',
    taxes: 'none',
    items: [
      ['Milk 2% 2 L', 4.89],
      ['Milk 1 L', 2.79],
      ['Greek yogurt 750 g', 5.99],
      ['Butter 454 g', 6.49],
      ['Cream cheese 250 g', 4.29],
      ['Large eggs, dozen', 4.99],
      ['Cottage cheese 500 g', 4.49],
      ['Oat drink 1.75 L', 4.79],
    ],
  },
  {
    name: 'Pantry',
    code: 'PA',
    taxes: 'none',
    items: [
      ['Basmati rice 2 kg', 7.99],
      ['Penne pasta 900 g', 2.99],
      ['Tomato sauce 680 ml', 3.49],
      ['Rolled oats 1 kg', 4.29],
      ['Peanut butter 500 g', 4.99],
      ['Maple syrup 250 ml', 8.99],
      ['Canned chickpeas 540 ml', 1.79],
      ['Olive oil 500 ml', 9.49],
    ],
  },
  {
    name: 'Frozen',
    code: 'FR',
    taxes: 'none',
    items: [
      ['Frozen peas 750 g', 3.29],
      ['Wild blueberries 600 g', 6.99],
      ['Vegetable dumplings 600 g', 7.49],
      ['Fish fillets 400 g', 8.99],
      ['Mixed vegetables 1 kg', 4.49],
    ],
  },
  {
    name: 'Drinks',
    code: 'DR',
    taxes: 'GST',
    items: [
      ['Cola 2 L', 2.79],
      ['Ginger ale 6 × 355 ml', 5.49],
      ['Iced tea 1.89 L', 3.29],
      ['Kombucha 414 ml', 3.99],
      ['Energy drink 473 ml', 3.49],
      ['Sparkling lemon 355 ml', 1.19],
    ],
  },
  {
    name: 'Snacks',
    code: 'SN',
    taxes: 'GST',
    items: [
      ['Tortilla chips 300 g', 3.99],
      ['Salted pretzels 400 g', 3.49],
      ['Granola bars, 6 pack', 4.29],
      ['Popcorn 3 × 85 g', 3.79],
      ['Milk chocolate 100 g', 2.99],
      ['Gummy bears 185 g', 2.49],
    ],
  },
  {
    name: 'Household',
    code: 'HH',
    taxes: 'GST PST',
    items: [
      ['Laundry detergent 1.47 L', 11.99],
      ['Garbage bags, 20', 6.99],
      ['Aluminium foil 15 m', 4.49],
      ['Sponges, 3 pack', 3.29],
      ['Light bulb LED 60 W', 5.99],
      ['Toilet paper, 12 rolls', 12.99],
    ],
  },
  {
    name: 'Personal care',
    code: 'PC',
    taxes: 'GST PST',
    items: [
      ['Toothpaste 100 ml', 3.49],
      ['Shampoo 400 ml', 6.99],
      ['Bar soap, 3 pack', 4.49],
      ['Hand cream 75 ml', 7.99],
      ['Deodorant 85 g', 5.49],
    ],
  },
  {
    name: 'Pet',
    code: 'PT',
    taxes: 'GST PST',
    items: [
      ['Dog food 2 kg', 14.99],
      ['Cat food 12 × 85 g', 11.49],
      ['Cat litter 6 kg', 9.99],
      ['Dog treats 300 g', 6.49],
    ],
  },
  {
    name: 'Stationery',
    code: 'ST',
    taxes: 'GST PST',
    items: [
      ['Notebook A5', 3.99],
      ['Pencils, 10 pack', 2.99],
      ['Sticky notes', 2.49],
      ['Envelopes, 25', 3.49],
    ],
  },
];

function barcode(brand: number, item: number): string {
  // A UPC-A with number system 0 and a Canadian-looking company prefix, zero-padded to EAN-13.
  return withCheckDigit(`006${String(20_000 + brand * 37).padStart(5, '0')}${String(item).padStart(4, '0')}`);
}

function csvCell(text: string): string {
  return /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const handWritten = readFileSync(FILE, 'utf8').split(/\r?\n/).slice(0, HAND_WRITTEN_ROWS);
const rows: string[] = [];
let item = 0;
for (const department of DEPARTMENTS) {
  department.items.forEach(([name, price], index) => {
    BRANDS.forEach((brand, b) => {
      if ((index + b) % 2 !== 0) return; // not every brand makes every product
      item += 1;
      // Brands differ in price by a few cents, deterministically.
      const cents = Math.round(price * 100) + ((b * 17 + index * 5) % 60) - 20;
      rows.push(
        [
          `${department.code}-${String(100 + item)}`,
          `${brand} ${name}`,
          (cents / 100).toFixed(2),
          barcode(b, item),
          '',
          'each',
          department.name,
          department.taxes,
        ]
          .map(csvCell)
          .join(','),
      );
    });
  });
}
writeFileSync(FILE, [...handWritten, ...rows].join('\n') + '\n');
console.error(`${FILE}: ${HAND_WRITTEN_ROWS - 1 + rows.length} products`);

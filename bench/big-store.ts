/**
 * The big store of issue 14: a catalogue of N products with realistic names and a journal of M
 * completed orders made by replicating real sales, cached so a second run skips generation.
 *
 *   node --import tsx bench/big-store.ts --products N [--orders M] [--open-orders X] --out DIR
 *
 * writes DIR/catalogue.csv and the data folder DIR/data (journal.sqlite, and with orders the
 * signing key and anchor of the till that made the sales); prints a JSON summary on stdout.
 *
 * - Catalogue: `brand adjective noun size` names from a vocabulary of several hundred words
 *   (brands and adjectives drawn with a skew, so some words are very common), valid EAN-13
 *   codes, 200 departments, prices, PLUs on 1 product in 50 and a third of those weighed (kg).
 *   The products journal is filled by the catalogue's own import.
 * - Orders: a few dozen varied sales made through the core (test/support/core-harness.ts:
 *   cash, card on the demo's virtual IOTPay and CodePay terminals, tips, split tenders,
 *   discounts, a price override, a line void, refunds, a payment void, a cancelled sale, cash
 *   moves), then their completed orders replicated with INSERT…SELECT in big transactions on a
 *   plain better-sqlite3 connection: ids rewritten (`<id>.<replica>`), numbers renumbered in
 *   time order, timestamps moved so the history spans 400 days, shifts of ~2,500 orders each
 *   (closed), then the open shift (the real sales plus replicas up to X orders). Every table
 *   that hangs off an order (by order_id, or through a refund or payment attempt) is carried
 *   with the columns PRAGMA table_info lists, so new columns and tables come along. The audit
 *   trail is not replicated (it is hash-chained), nor is the signed chain: the replicated rows
 *   have no chain link (`npm run journal -- verify` names them as added outside the till).
 *   Running totals are rebuilt for every shift when src-main/journal/totals-repository.ts
 *   exports `rebuildShiftTotals`.
 * - Cache: /tmp/countertop-bench-cache/<key>, the key naming the generator version, the
 *   schema version (highest migration) and the sizes; written under a temporary name, renamed
 *   when complete.
 */
import Database from 'better-sqlite3';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createCatalog } from '../src-main/catalog/catalog';
import { withCheckDigit } from '../src-main/catalog/gtin';
import { openJournal } from '../src-main/journal/open-journal';
import { MIGRATIONS } from '../src-main/journal/migrations';
import { progress } from './stats';

/** Bump when what the generator writes changes: the cache key carries it. */
export const GENERATOR_VERSION = 3;
export const CACHE_ROOT = '/tmp/countertop-bench-cache';
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

// ---------------------------------------------------------------------------------------------
// Vocabulary

// prettier-ignore
export const BRANDS = [
  'Nordvik', 'Maple Hill', 'Sunfield', 'Bluewater', 'Golden Acre', 'Riverside', 'Harvest Moon', 'Kingsley',
  'Alpine Peak', 'Oakridge', 'Silverleaf', 'Coastal', 'Prairie Gold', 'Evergreen', 'Redwood', 'Lakeshore',
  'Stonebridge', 'Willow Creek', 'Highland', 'Meadowbrook', 'Sierra', 'Northstar', 'Brightwater', 'Clearbrook',
  'Fairway', 'Greenhouse', 'Hillcrest', 'Ironwood', 'Juniper', 'Kestrel', 'Larkspur', 'Moonrise', 'Newbury',
  'Orchard Lane', 'Pinecone', 'Quail Run', 'Rosehip', 'Saffron', 'Tidewater', 'Umbra', 'Valley Fresh',
  'Westbrook', 'Yellowbird', 'Zephyr', 'Abbey', 'Barrow', 'Cedar', 'Dunmore', 'Elmstead', 'Foxglove', 'Granite',
  'Heather', 'Islay', 'Jasmine', 'Kiln', 'Lumen', 'Marlow', 'Nettle', 'Osprey', 'Pebble', 'Quarry', 'Rowan',
  'Sorrel', 'Thistle', 'Upland', 'Verde', 'Wren', 'Yarrow', 'Amberly', 'Bellwether', 'Copperfield', 'Driftwood',
  'Emberton', 'Firefly', 'Glenmore', 'Hearthstone', 'Inglewood', 'Jubilee', 'Kingfisher', 'Lindenhof',
  'Mistral', 'Northwind', 'Oldmill', 'Pemberton',
];

// prettier-ignore
export const ADJECTIVES = [
  'Classic', 'Organic', 'Original', 'Premium', 'Fresh', 'Natural', 'Light', 'Extra', 'Smoked', 'Roasted',
  'Spicy', 'Mild', 'Sweet', 'Salted', 'Unsalted', 'Whole', 'Sliced', 'Crunchy', 'Creamy', 'Smooth', 'Dark',
  'Golden', 'Wild', 'Rustic', 'Artisan', 'Homestyle', 'Traditional', 'Gourmet', 'Zesty', 'Tangy', 'Honey',
  'Garlic', 'Herb', 'Lemon', 'Vanilla', 'Cinnamon', 'Chocolate', 'Strawberry', 'Blueberry', 'Mango', 'Coconut',
  'Almond', 'Hazelnut', 'Maple', 'Caramel', 'Ginger', 'Pepper', 'Chili', 'Barbecue', 'Cheddar', 'Mozzarella',
  'Parmesan', 'Italian', 'French', 'Greek', 'Mexican', 'Thai', 'Indian', 'Japanese', 'Korean', 'Reduced Fat',
  'Low Sodium', 'Sugar Free', 'Gluten Free', 'Vegan', 'Family Size', 'Mini', 'Jumbo', 'Baby', 'Instant',
  'Frozen', 'Chilled', 'Aged', 'Toasted', 'Glazed', 'Stuffed', 'Marinated', 'Pickled', 'Sparkling', 'Still',
  'Decaf', 'Bold', 'Double', 'Triple', 'Ultra', 'Soft', 'Crispy', 'Fluffy', 'Hearty',
];

/** Categories with their product nouns and typical price (minor units) and sizes. */
// prettier-ignore
const CATEGORIES: { name: string; nouns: string[]; price: number; sizes: string[] }[] = [
  { name: 'Bakery', nouns: ['Bread', 'Bagels', 'Croissants', 'Muffins', 'Baguette', 'Rolls', 'Tortillas', 'Pita', 'Scones', 'Brioche'], price: 349, sizes: ['6 pack', '450 g', '675 g', '12 pack', '4 pack'] },
  { name: 'Dairy', nouns: ['Milk', 'Yogurt', 'Butter', 'Cream', 'Cheese', 'Kefir', 'Ricotta', 'Cottage Cheese', 'Sour Cream', 'Feta'], price: 429, sizes: ['1 L', '2 L', '500 g', '250 g', '750 g', '4 L'] },
  { name: 'Produce', nouns: ['Apples', 'Bananas', 'Carrots', 'Potatoes', 'Onions', 'Tomatoes', 'Lettuce', 'Spinach', 'Broccoli', 'Peppers', 'Cucumbers', 'Avocados', 'Grapes', 'Oranges', 'Lemons', 'Mushrooms'], price: 299, sizes: ['1 kg', '2 lb', '3 lb bag', '500 g', 'bunch'] },
  { name: 'Meat', nouns: ['Chicken Breast', 'Ground Beef', 'Pork Chops', 'Sausages', 'Bacon', 'Ham', 'Turkey', 'Steak', 'Meatballs', 'Ribs'], price: 1299, sizes: ['500 g', '1 kg', '375 g', '12 pack', '750 g'] },
  { name: 'Seafood', nouns: ['Salmon', 'Shrimp', 'Tuna', 'Cod', 'Scallops', 'Mussels', 'Crab', 'Sardines', 'Halibut', 'Tilapia'], price: 1499, sizes: ['200 g', '340 g', '454 g', '1 kg', '120 g'] },
  { name: 'Beverages', nouns: ['Cola', 'Lemonade', 'Iced Tea', 'Orange Juice', 'Apple Juice', 'Sparkling Water', 'Spring Water', 'Ginger Ale', 'Root Beer', 'Energy Drink', 'Sports Drink', 'Kombucha'], price: 249, sizes: ['355 mL', '2 L', '12 x 355 mL', '1.75 L', '500 mL', '24 x 500 mL'] },
  { name: 'Coffee and Tea', nouns: ['Coffee', 'Espresso', 'Green Tea', 'Black Tea', 'Chai', 'Herbal Tea', 'Cold Brew', 'Coffee Pods', 'Matcha', 'Rooibos'], price: 899, sizes: ['340 g', '20 bags', '100 bags', '12 pods', '1 kg', '250 g'] },
  { name: 'Snacks', nouns: ['Chips', 'Pretzels', 'Popcorn', 'Crackers', 'Nuts', 'Trail Mix', 'Granola Bars', 'Rice Cakes', 'Tortilla Chips', 'Cookies', 'Wafers', 'Jerky'], price: 399, sizes: ['200 g', '150 g', '6 pack', '300 g', '90 g', '1 kg'] },
  { name: 'Confectionery', nouns: ['Chocolate Bar', 'Gummies', 'Licorice', 'Toffee', 'Lollipops', 'Mints', 'Truffles', 'Fudge', 'Marshmallows', 'Jelly Beans'], price: 249, sizes: ['100 g', '45 g', '200 g', '12 pack', '500 g'] },
  { name: 'Pantry', nouns: ['Pasta', 'Rice', 'Flour', 'Sugar', 'Olive Oil', 'Vinegar', 'Honey', 'Peanut Butter', 'Jam', 'Oats', 'Quinoa', 'Lentils', 'Chickpeas', 'Couscous'], price: 449, sizes: ['500 g', '1 kg', '2 kg', '750 mL', '1 L', '375 mL'] },
  { name: 'Canned', nouns: ['Soup', 'Beans', 'Tomato Sauce', 'Corn', 'Peas', 'Tuna Can', 'Coconut Milk', 'Chili', 'Peaches', 'Pineapple'], price: 199, sizes: ['398 mL', '540 mL', '284 mL', '796 mL', '4 pack'] },
  { name: 'Condiments', nouns: ['Ketchup', 'Mustard', 'Mayonnaise', 'Salsa', 'Hot Sauce', 'Soy Sauce', 'Relish', 'Pesto', 'Hummus', 'Salad Dressing', 'Gravy', 'Curry Paste'], price: 379, sizes: ['500 mL', '250 mL', '1 L', '375 g', '150 mL'] },
  { name: 'Breakfast', nouns: ['Cereal', 'Granola', 'Pancake Mix', 'Maple Syrup', 'Waffles', 'Porridge', 'Muesli', 'Corn Flakes'], price: 549, sizes: ['500 g', '750 g', '1 kg', '375 mL', '8 pack'] },
  { name: 'Frozen', nouns: ['Pizza', 'Ice Cream', 'Fries', 'Dumplings', 'Burritos', 'Lasagna', 'Fish Sticks', 'Vegetables Mix', 'Berries', 'Pierogies', 'Spring Rolls', 'Waffle Cones'], price: 699, sizes: ['1 kg', '750 g', '1.5 L', '400 g', '12 pack'] },
  { name: 'Deli', nouns: ['Salami', 'Prosciutto', 'Pastrami', 'Olives', 'Coleslaw', 'Potato Salad', 'Roast Beef', 'Brie', 'Gouda', 'Pate'], price: 699, sizes: ['100 g', '175 g', '250 g', '300 g', '500 g'] },
  { name: 'Household', nouns: ['Paper Towels', 'Toilet Paper', 'Dish Soap', 'Laundry Detergent', 'Trash Bags', 'Sponges', 'Aluminum Foil', 'Plastic Wrap', 'Bleach', 'Glass Cleaner', 'Fabric Softener', 'Light Bulbs'], price: 799, sizes: ['6 rolls', '12 rolls', '1.5 L', '3 L', '40 count', '2 pack'] },
  { name: 'Personal Care', nouns: ['Shampoo', 'Conditioner', 'Body Wash', 'Toothpaste', 'Deodorant', 'Hand Soap', 'Lotion', 'Razors', 'Sunscreen', 'Lip Balm', 'Cotton Swabs', 'Mouthwash'], price: 699, sizes: ['400 mL', '250 mL', '100 mL', '2 pack', '5 pack', '1 L'] },
  { name: 'Baby', nouns: ['Diapers', 'Wipes', 'Baby Food', 'Formula', 'Baby Shampoo', 'Teething Rings', 'Bibs', 'Pacifiers'], price: 1599, sizes: ['size 3', '72 count', '128 g', '900 g', '2 pack'] },
  { name: 'Pet', nouns: ['Dog Food', 'Cat Food', 'Cat Litter', 'Dog Treats', 'Bird Seed', 'Fish Flakes', 'Chew Toy', 'Pet Shampoo'], price: 1199, sizes: ['2 kg', '8 kg', '12 x 85 g', '500 g', '10 L'] },
  { name: 'Stationery', nouns: ['Pens', 'Pencils', 'Notebook', 'Markers', 'Sticky Notes', 'Envelopes', 'Tape', 'Glue Stick', 'Stapler', 'Printer Paper'], price: 499, sizes: ['10 pack', '3 pack', '100 sheets', '500 sheets', '24 pack'] },
  { name: 'Kitchen', nouns: ['Mug', 'Plate', 'Bowl', 'Frying Pan', 'Saucepan', 'Cutting Board', 'Knife', 'Spatula', 'Whisk', 'Colander', 'Tumbler', 'Teapot'], price: 1499, sizes: ['set of 4', '28 cm', '350 mL', '2 pack', '1.5 L'] },
  { name: 'Hardware', nouns: ['Batteries', 'Extension Cord', 'Flashlight', 'Duct Tape', 'Screwdriver', 'Hammer', 'Nails', 'Lamp', 'Cable', 'Charger', 'Power Bar', 'Glue'], price: 1299, sizes: ['AA 8 pack', '3 m', '2 pack', '100 count', '1 m', '6 outlet'] },
  { name: 'Garden', nouns: ['Potting Soil', 'Seeds', 'Fertilizer', 'Garden Gloves', 'Watering Can', 'Planter', 'Mulch', 'Hose'], price: 1099, sizes: ['25 L', '1 kg', '50 L', '2 pack', '15 m'] },
  { name: 'Health', nouns: ['Vitamins', 'Pain Relief', 'Bandages', 'Cough Syrup', 'Allergy Tablets', 'Antacid', 'Thermometer', 'Hand Sanitizer'], price: 999, sizes: ['60 count', '100 tablets', '30 pack', '250 mL', '500 mL'] },
  { name: 'World Foods', nouns: ['Kimchi', 'Miso', 'Noodles', 'Naan', 'Tahini', 'Salsa Verde', 'Harissa', 'Ramen', 'Tofu', 'Paneer', 'Sushi Rice', 'Gochujang'], price: 499, sizes: ['400 g', '500 g', '4 pack', '350 g', '1 kg'] },
  { name: 'Wine and Beer', nouns: ['Red Wine', 'White Wine', 'Rose', 'Lager', 'Pale Ale', 'Stout', 'Cider', 'Prosecco', 'Pilsner', 'IPA'], price: 1599, sizes: ['750 mL', '6 x 355 mL', '12 x 355 mL', '473 mL', '1.5 L'] },
  { name: 'Spices', nouns: ['Black Pepper', 'Paprika', 'Cumin', 'Oregano', 'Basil', 'Turmeric', 'Chili Flakes', 'Cinnamon Sticks', 'Nutmeg', 'Bay Leaves', 'Sea Salt', 'Garlic Powder'], price: 349, sizes: ['50 g', '100 g', '30 g', '250 g', '1 kg'] },
  { name: 'Baking', nouns: ['Baking Soda', 'Baking Powder', 'Yeast', 'Cocoa', 'Chocolate Chips', 'Icing Sugar', 'Vanilla Extract', 'Sprinkles', 'Cake Mix', 'Brown Sugar'], price: 399, sizes: ['500 g', '250 g', '1 kg', '45 mL', '300 g'] },
  { name: 'Toys', nouns: ['Puzzle', 'Building Blocks', 'Crayons', 'Playing Cards', 'Bubbles', 'Toy Car', 'Plush Bear', 'Board Game'], price: 1299, sizes: ['500 pieces', '24 pack', '1 pack', '100 pieces', 'set'] },
  { name: 'Seasonal', nouns: ['Candles', 'Gift Wrap', 'Greeting Card', 'Party Balloons', 'Napkins', 'Paper Cups', 'String Lights', 'Gift Bag'], price: 599, sizes: ['2 pack', '3 m', '20 pack', '50 count', '1 pack'] },
  { name: 'Electronics', nouns: ['Earbuds', 'USB Cable', 'Phone Case', 'Memory Card', 'Speaker', 'Mouse', 'Keyboard', 'Headphones'], price: 2499, sizes: ['1 m', '64 GB', '2 m', 'black', 'white'] },
  { name: 'Clothing', nouns: ['Socks', 'T-Shirt', 'Gloves', 'Scarf', 'Hat', 'Umbrella', 'Slippers', 'Sunglasses'], price: 1499, sizes: ['3 pack', 'medium', 'large', 'one size', 'small'] },
  { name: 'Ready Meals', nouns: ['Sandwich', 'Wrap', 'Salad Bowl', 'Sushi', 'Quiche', 'Pot Pie', 'Mac and Cheese', 'Curry', 'Stir Fry', 'Burrito Bowl'], price: 799, sizes: ['300 g', '1 serving', '2 servings', '450 g', '8 pieces'] },
  { name: 'Desserts', nouns: ['Cheesecake', 'Brownies', 'Pudding', 'Tiramisu', 'Cupcakes', 'Pie', 'Tart', 'Donuts', 'Eclairs', 'Macarons'], price: 599, sizes: ['6 pack', '4 pack', '500 g', '12 pack', '1 kg'] },
  { name: 'Plant Based', nouns: ['Oat Milk', 'Almond Milk', 'Soy Milk', 'Veggie Burger', 'Plant Sausages', 'Tempeh', 'Seitan', 'Vegan Cheese'], price: 549, sizes: ['1.89 L', '946 mL', '4 pack', '227 g', '200 g'] },
  { name: 'Cleaning', nouns: ['All Purpose Cleaner', 'Floor Cleaner', 'Disinfectant Wipes', 'Scrub Brush', 'Mop', 'Broom', 'Rubber Gloves', 'Drain Cleaner'], price: 699, sizes: ['1 L', '750 mL', '80 count', '1 pack', '2 pack'] },
  { name: 'Frozen Desserts', nouns: ['Gelato', 'Sorbet', 'Frozen Yogurt', 'Ice Pops', 'Ice Cream Sandwiches', 'Sundae Cups'], price: 649, sizes: ['500 mL', '1.5 L', '6 pack', '12 pack', '4 pack'] },
  { name: 'Nuts and Seeds', nouns: ['Almonds', 'Cashews', 'Walnuts', 'Pistachios', 'Pecans', 'Sunflower Seeds', 'Pumpkin Seeds', 'Chia Seeds', 'Flax Seeds', 'Peanuts'], price: 799, sizes: ['200 g', '400 g', '1 kg', '150 g', '750 g'] },
  { name: 'Bulk', nouns: ['Dried Apricots', 'Raisins', 'Dried Mango', 'Granola Clusters', 'Yogurt Raisins', 'Banana Chips', 'Dates', 'Figs'], price: 599, sizes: ['per 100 g', '500 g', '1 kg', '250 g'] },
  { name: 'Floral', nouns: ['Roses', 'Tulips', 'Sunflowers', 'Orchid', 'Bouquet', 'Succulent', 'Lilies', 'Daisies'], price: 999, sizes: ['dozen', 'bunch', '1 pot', '6 stems', 'small'] },
];

/** 40 categories × 5 sections = 200 departments. */
const SECTIONS = ['', 'Fresh', 'Value', 'Local', 'Imported'];
export const DEPARTMENTS = CATEGORIES.flatMap((c) => SECTIONS.map((s) => (s ? `${c.name} – ${s}` : c.name)));

/** Every distinct word the names are made of. */
export function vocabulary(): string[] {
  const words = new Set<string>();
  const add = (phrase: string) => phrase.split(/\s+/).forEach((w) => words.add(w));
  BRANDS.forEach(add);
  ADJECTIVES.forEach(add);
  CATEGORIES.forEach((c) => c.nouns.forEach(add));
  return [...words];
}

/** A small, fast, seeded generator (mulberry32): the same catalogue and queries on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer hash of i (so product i is the same whatever else is generated). */
function mix(i: number, salt: number): number {
  let h = Math.imul(i ^ salt, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** Index in 0…n-1 skewed towards 0 (roughly Zipf): the first brands and adjectives are very common. */
function skewed(i: number, salt: number, n: number): number {
  const u = mix(i, salt) / 4294967296;
  return Math.min(n - 1, Math.floor(n * u * u * u));
}

/** GS1 prefixes outside the store-label (02, 20–29), coupon and badge ranges. */
const GS1_PREFIXES = ['300', '400', '409', '500', '505', '540', '560', '690', '729', '760', '800', '840', '870', '890'];

export interface CatalogueProduct {
  sku: string;
  name: string;
  /** Minor units (per kg for kg items). */
  price: number;
  barcode: string | null;
  plu: string | null;
  unit: 'each' | 'kg';
  department: string;
}

/** The EAN-13 of product i: unique for i below 10^9, never a store label or a badge. */
export function productBarcode(i: number): string {
  return withCheckDigit(`${GS1_PREFIXES[i % GS1_PREFIXES.length]}${String(i).padStart(9, '0')}`);
}

/** PLUs on 1 product in 50 (1000, 1001, …); a third of those are weighed. */
export function productPlu(i: number): string | null {
  return i % 50 === 0 ? String(1000 + i / 50) : null;
}

export function catalogueProduct(i: number): CatalogueProduct {
  const category = CATEGORIES[mix(i, 1) % CATEGORIES.length];
  const section = SECTIONS[mix(i, 2) % SECTIONS.length];
  const noun = category.nouns[mix(i, 3) % category.nouns.length];
  const brand = BRANDS[skewed(i, 4, BRANDS.length)];
  const adjective = ADJECTIVES[skewed(i, 5, ADJECTIVES.length)];
  const plu = productPlu(i);
  const weighed = plu !== null && (i / 50) % 3 === 0;
  const size = category.sizes[mix(i, 6) % category.sizes.length];
  // Prices near the category's typical one, ending in 9.
  const factor = 0.5 + (mix(i, 7) % 1000) / 500;
  const price = Math.max(9, Math.round((category.price * factor) / 10) * 10 - 1);
  return {
    sku: `SKU-${String(i).padStart(7, '0')}`,
    name: weighed ? `${brand} ${adjective} ${noun}` : `${brand} ${adjective} ${noun} ${size}`,
    price,
    // Weighed items are sold by their PLU on a scale label; a few each-items carry only a PLU too.
    barcode: weighed || (plu !== null && i % 150 === 50) ? null : productBarcode(i),
    plu,
    unit: weighed ? 'kg' : 'each',
    department: section ? `${category.name} – ${section}` : category.name,
  };
}

const csvField = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

export const CATALOGUE_HEADER = 'sku,name,price,barcode,plu,unit,department';

export function catalogueLine(p: CatalogueProduct): string {
  return [
    p.sku,
    csvField(p.name),
    (p.price / 100).toFixed(2),
    p.barcode ?? '',
    p.plu ?? '',
    p.unit,
    csvField(p.department),
  ].join(',');
}

/** Writes the catalogue CSV of products 0…size-1 to `path` (streamed in blocks). */
export function writeCatalogueCsv(path: string, size: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `${CATALOGUE_HEADER}\n`);
    const block = 20_000;
    for (let start = 0; start < size; start += block) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(size, start + block); i += 1) lines.push(catalogueLine(catalogueProduct(i)));
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

/** Product indexes sold by the each-unit barcode (no PLU-only or weighed items). */
export function scannableIndex(k: number, size: number): number {
  let i = (k * 7919 + 17) % size;
  while (catalogueProduct(i).barcode === null) i = (i + 1) % size;
  return i;
}

/** A misspelling of `word` (a letter dropped, two swapped, one doubled, or a vowel changed), never the word itself. */
export function misspell(word: string, random: () => number): string {
  const lower = word.toLowerCase();
  for (let tries = 0; tries < 10; tries += 1) {
    const kind = Math.floor(random() * 4);
    const at = 1 + Math.floor(random() * Math.max(1, lower.length - 2));
    let out = lower;
    if (kind === 0) out = lower.slice(0, at) + lower.slice(at + 1);
    else if (kind === 1 && at + 1 < lower.length)
      out = lower.slice(0, at) + lower[at + 1] + lower[at] + lower.slice(at + 2);
    else if (kind === 2) out = lower.slice(0, at) + lower[at] + lower.slice(at);
    else {
      const vowels = 'aeiou';
      const v = [...lower].findIndex((c, j) => j >= at && vowels.includes(c));
      if (v > 0) out = lower.slice(0, v) + vowels[(vowels.indexOf(lower[v]) + 1) % 5] + lower.slice(v + 1);
    }
    if (out !== lower && out.length >= 3) return out;
  }
  return `${lower.slice(0, -1)}`;
}

/** Nouns and brands long enough for a typo to be a typo (≥ 6 letters, one word). */
export function typoTargets(): string[] {
  const words = new Set<string>();
  for (const c of CATEGORIES) for (const n of c.nouns) for (const w of n.split(' ')) if (w.length >= 6) words.add(w);
  for (const b of BRANDS) if (!b.includes(' ') && b.length >= 6) words.add(b);
  return [...words];
}

// ---------------------------------------------------------------------------------------------
// Cache

export interface StoreSpec {
  products: number;
  /** Completed orders of history, in closed shifts of ~2,500. */
  orders: number;
  /** Orders in the open shift (the real sales count towards it); only with orders or on its own. */
  openOrders: number;
}

export interface StoreArtefact {
  /** The cached folder: catalogue.csv, data/journal.sqlite (and the till's key and anchor). */
  dir: string;
  csvPath: string;
  dataDir: string;
  /** True when this call generated it; false when the cache had it. */
  generated: boolean;
  /** Generation time of what this call made (0 when cached), and what the cache recorded. */
  generationMs: number;
  info: StoreInfo;
}

export interface StoreInfo {
  key: string;
  spec: StoreSpec;
  schemaVersion: number;
  generatorVersion: number;
  /** Seconds spent making each part when it was generated. */
  timings: Record<string, number>;
  templateOrders?: number;
  shifts?: { history: number[]; open: number };
  /** Whether running totals were rebuilt (rebuildShiftTotals existed). */
  totalsRebuilt?: boolean;
  journalBytes: number;
  csvBytes: number;
}

export function storeKey(spec: StoreSpec): string {
  const base = `g${GENERATOR_VERSION}-s${SCHEMA_VERSION}-p${spec.products}`;
  return spec.orders > 0 || spec.openOrders > 0 ? `${base}-o${spec.orders}-x${spec.openOrders}` : base;
}

function readInfo(dir: string): StoreInfo | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'info.json'), 'utf8')) as StoreInfo;
  } catch {
    return null;
  }
}

/** Builds `key` into a temporary folder by `make`, then renames it into the cache (another process may win). */
async function cached(key: string, make: (dir: string) => Promise<Partial<StoreInfo>>, spec: StoreSpec) {
  const dir = join(CACHE_ROOT, key);
  const info = readInfo(dir);
  if (info) return { dir, info, generated: false, generationMs: 0 };
  mkdirSync(CACHE_ROOT, { recursive: true });
  const tmp = join(CACHE_ROOT, `.${key}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'data'), { recursive: true });
  const start = performance.now();
  try {
    const extra = await make(tmp);
    const full: StoreInfo = {
      key,
      spec,
      schemaVersion: SCHEMA_VERSION,
      generatorVersion: GENERATOR_VERSION,
      timings: {},
      journalBytes: statSync(join(tmp, 'data', 'journal.sqlite')).size,
      csvBytes: statSync(join(tmp, 'catalogue.csv')).size,
      ...extra,
    };
    full.timings.total = (performance.now() - start) / 1000;
    writeFileSync(join(tmp, 'info.json'), `${JSON.stringify(full, null, 2)}\n`);
    if (existsSync(dir)) rmSync(tmp, { recursive: true, force: true });
    else renameSync(tmp, dir);
    return { dir, info: readInfo(dir)!, generated: true, generationMs: performance.now() - start };
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
}

function artefact(result: { dir: string; info: StoreInfo; generated: boolean; generationMs: number }): StoreArtefact {
  return {
    ...result,
    csvPath: join(result.dir, 'catalogue.csv'),
    dataDir: join(result.dir, 'data'),
  };
}

/** The catalogue CSV and a journal holding it (imported by the catalogue's own importCsv). */
export async function productsStore(products: number): Promise<StoreArtefact> {
  const spec = { products, orders: 0, openOrders: 0 };
  return artefact(
    await cached(
      storeKey(spec),
      async (dir) => {
        const timings: Record<string, number> = {};
        let t = performance.now();
        progress(`big store: writing a ${products.toLocaleString('en')}-product catalogue CSV`);
        writeCatalogueCsv(join(dir, 'catalogue.csv'), products);
        timings.csv = (performance.now() - t) / 1000;
        t = performance.now();
        progress(`big store: importing ${products.toLocaleString('en')} products into a journal`);
        const journal = openJournal(join(dir, 'data', 'journal.sqlite'));
        try {
          const report = await createCatalog({ db: journal.db, currency: 'CAD', taxCodes: [] }).importCsv({
            csv: readFileSync(join(dir, 'catalogue.csv'), 'utf8'),
          });
          if (report.imported !== products)
            throw new Error(`catalogue: ${report.imported} of ${products} imported, ${report.rejected} rejected`);
          journal.db.pragma('wal_checkpoint(TRUNCATE)');
        } finally {
          journal.close();
        }
        timings.import = (performance.now() - t) / 1000;
        return { timings };
      },
      spec,
    ),
  );
}

/** Copies a cached data folder (journal, key, anchor) to `dataDir`, which must not hold a journal yet. */
export function copyDataDir(from: string, dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  for (const name of readdirSync(from)) {
    if (name.endsWith('-wal') || name.endsWith('-shm') || name.endsWith('.lock')) continue;
    copyFileSync(join(from, name), join(dataDir, name));
  }
}

// ---------------------------------------------------------------------------------------------
// The real sales

const MANAGER = { managerId: 'demo-manager', pin: '987654' };

/** Makes a few dozen varied sales through the core in `dataDir` (which holds a catalogue of `products`). */
async function realSales(dataDir: string, products: number): Promise<{ made: number; failures: string[] }> {
  // Imported here so the catalogue helpers above load without the core.
  const { startHarness } = await import('../test/support/core-harness');
  const harness = await startHarness({ dataDir });
  const failures: string[] = [];
  let made = 0;
  const call = harness.call.bind(harness);
  const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const waitingFor = async (provider: string) => {
    for (let i = 0; i < 250; i += 1) {
      const waiting = harness.core.demo!.waiting().filter((w) => w.provider === provider);
      if (waiting.length) return waiting[0].key;
      await sleepMs(20);
    }
    throw new Error(`the virtual ${provider} terminal showed no payment`);
  };
  const card = async (
    orderId: string,
    amount: number,
    provider: 'iotpay-pax' | 'codepay',
    action: 'approve' | 'approve-with-tip',
    tip = 0,
  ) => {
    const attempt = await call('pos:tender.start', {
      orderId,
      provider,
      terminal: provider === 'codepay' ? 'Lane 1' : null,
      amount,
      tip,
      onScreenTip: action === 'approve-with-tip',
      preauth: false,
      cashback: 0,
    });
    await call('pos:demo.act', { provider, key: await waitingFor(provider), action });
    return harness.attempt(attempt.id, (a) => a.state === 'approved' || a.state === 'declined', 15_000);
  };
  try {
    await call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    if (!(await call('pos:shift.current', {})))
      await call('pos:shift.open', { float: [{ denomination: 2000, count: 5 }] });
    await call('pos:shift.cashMove', { kind: 'in', amount: 5000, reason: 'more change', approval: MANAGER });
    const cardSales: { orderId: string; attemptId: string }[] = [];
    const cashSales: string[] = [];
    const codepaySales: { orderId: string; attemptId: string }[] = [];
    for (let s = 0; s < 40; s += 1) {
      try {
        const lines = 1 + ((s * 5) % 7);
        for (let l = 0; l < lines; l += 1) {
          const i = scannableIndex(s * 11 + l, products);
          await call('pos:cart.scan', { code: catalogueProduct(i).barcode!, source: 'wedge' });
        }
        if (s % 9 === 3) {
          // A weighed item on a scale label: 21 + PLU + grams + check digit.
          const weighed = Array.from({ length: 60 }, (_, k) => (k * 150) % products).find(
            (i) => catalogueProduct(i).unit === 'kg',
          );
          if (weighed !== undefined) {
            const plu = catalogueProduct(weighed).plu!;
            const code = withCheckDigit(`21${plu.padStart(5, '0')}${String(800 + s * 37).padStart(5, '0')}`);
            await call('pos:cart.scan', { code, source: 'wedge' });
          }
        }
        let view = (await call('pos:cart.current', {})) as Awaited<ReturnType<typeof harness.ringUp>>;
        const first = view.lines[0];
        if (s % 7 === 2) view = await call('pos:cart.setQuantity', { lineId: first.id, qtyMilli: 3000 });
        if (s % 8 === 5)
          view = await call('pos:cart.setLineDiscount', {
            lineId: first.id,
            discount: { kind: 'percent', basisPoints: 1000 },
            reason: 'damaged box',
            approval: MANAGER,
          });
        if (s % 10 === 6)
          view = await call('pos:cart.setOrderDiscount', {
            discount: { kind: 'amount', amount: 100 },
            reason: 'loyalty',
            approval: MANAGER,
          });
        if (s % 11 === 4)
          view = await call('pos:cart.overridePrice', {
            lineId: first.id,
            unitPrice: Math.max(1, first.unitPrice - 50),
            reason: 'shelf price',
            approval: MANAGER,
          });
        if (s % 12 === 7 && view.lines.length > 1)
          view = await call('pos:cart.removeLine', {
            lineId: view.lines[1].id,
            reason: 'scanned twice',
            approval: MANAGER,
          });
        if (s === 17) {
          await call('pos:cart.cancel', { reason: 'customer left', approval: MANAGER });
          made += 1;
          continue;
        }
        const kind = s % 4;
        if (kind === 0) {
          await call('pos:tender.cash', { orderId: view.id, tendered: view.cashDue });
          cashSales.push(view.id);
        } else if (kind === 1) {
          await call('pos:tender.cash', { orderId: view.id, tendered: Math.ceil((view.cashDue + 1) / 2000) * 2000 });
          cashSales.push(view.id);
        } else if (kind === 2) {
          const a = await card(view.id, view.due, 'iotpay-pax', 'approve');
          if (a.state === 'approved') cardSales.push({ orderId: view.id, attemptId: a.id });
        } else if (s % 8 === 3 || s % 16 === 7) {
          // CodePay: the customer tips on the terminal's screen (or not).
          const a = await card(view.id, view.due, 'codepay', s % 8 === 3 ? 'approve-with-tip' : 'approve');
          if (a.state === 'approved') codepaySales.push({ orderId: view.id, attemptId: a.id });
          if (a.state === 'approved') cardSales.push({ orderId: view.id, attemptId: a.id });
        } else {
          // Split: some cash, the rest on the card.
          const part = Math.min(500, view.due - 1);
          const after = (await call('pos:tender.cash', { orderId: view.id, tendered: part })).order;
          const a = await card(view.id, after.due, 'iotpay-pax', 'approve');
          if (a.state === 'approved') cardSales.push({ orderId: view.id, attemptId: a.id });
        }
        made += 1;
      } catch (error) {
        failures.push(`sale ${s}: ${error instanceof Error ? error.message : String(error)}`);
        await call('pos:cart.cancel', { reason: 'bench cleanup', approval: MANAGER }).catch(() => undefined);
      }
    }
    const steps: [string, () => Promise<unknown>][] = [
      [
        'refund by line to the card',
        async () => {
          const sale = codepaySales[0];
          const refundable = (await call('pos:refunds.refundable', { orderId: sale.orderId })) as {
            lines: { lineId: string }[];
          };
          return call('pos:refunds.create', {
            orderId: sale.orderId,
            lines: [{ lineId: refundable.lines[0].lineId, qtyMilli: 1000 }],
            tip: 0,
            to: 'original',
            reason: 'returned',
            approval: MANAGER,
          });
        },
      ],
      [
        'refund by amount in cash',
        () =>
          call('pos:refunds.create', {
            orderId: cashSales[1],
            lines: [],
            amount: 100,
            tip: 0,
            to: 'cash',
            reason: 'price match',
            approval: MANAGER,
          }),
      ],
      [
        'payment void',
        () =>
          call('pos:payments.void', {
            attemptId: codepaySales.at(-1)!.attemptId,
            reason: 'wrong card',
            approval: MANAGER,
          }),
      ],
      [
        'cash out',
        () => call('pos:shift.cashMove', { kind: 'out', amount: 2000, reason: 'bank drop', approval: MANAGER }),
      ],
      ['no sale', () => call('pos:drawer.noSale', { reason: 'change for the next till', approval: MANAGER })],
    ];
    for (const [label, step] of steps) {
      try {
        await step();
      } catch (error) {
        failures.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    // Let payment voids and refunds on the terminals settle.
    for (let i = 0; i < 100 && harness.core.engine.unresolved().length > 0; i += 1) await sleepMs(50);
    await harness.core.chain.settled();
  } finally {
    await harness.close();
  }
  return { made, failures };
}

// ---------------------------------------------------------------------------------------------
// Replication

interface Column {
  name: string;
  type: string;
  pk: number;
}

const columnsOf = (db: Database.Database, table: string) =>
  db.prepare(`PRAGMA table_info("${table}")`).all() as Column[];

/** Columns holding the id of a replicated row: rewritten `<id>.<replica>`. */
const ID_COLUMNS = new Set([
  'id',
  'order_id',
  'line_id',
  'attempt_id',
  'original_attempt_id',
  'original_tender_id',
  'refund_id',
  'tender_id',
]);
/** Unique keys of payment attempts: suffixed like ids. */
const UNIQUE_TEXT = new Set(['reference', 'request_id']);
const isTimestamp = (name: string) => name === 'at' || name.endsWith('_at') || name === 'locked_until';

interface TablePlan {
  table: string;
  /** The template's rows of this table with their order's rank (`bench_rank`), as a join from `tpl_orders o`. */
  from: string;
}

/**
 * The tables that hang off an order: order_id, or a refund / payment attempt of one. Derived tables
 * (running totals: names with "total") are rebuilt, not copied; the audit, chain and print queue are
 * not per order.
 */
function tablePlans(db: Database.Database): TablePlan[] {
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[]
  ).filter((t) => !t.includes('total') && !t.includes('fts') && t !== 'orders');
  const plans: TablePlan[] = [{ table: 'orders', from: 'tpl_orders o JOIN orders t ON t.id = o.id' }];
  const names = new Map(tables.map((t) => [t, columnsOf(db, t).map((c) => c.name)]));
  for (const table of tables)
    if (names.get(table)!.includes('order_id'))
      plans.push({ table, from: `tpl_orders o JOIN "${table}" t ON t.order_id = o.id` });
  for (const table of tables) {
    const columns = names.get(table)!;
    if (columns.includes('order_id')) continue;
    if (columns.includes('refund_id'))
      plans.push({
        table,
        from: `tpl_orders o JOIN refunds r ON r.order_id = o.id JOIN "${table}" t ON t.refund_id = r.id`,
      });
    else if (columns.includes('attempt_id'))
      plans.push({
        table,
        from: `tpl_orders o JOIN payment_attempts a ON a.order_id = o.id JOIN "${table}" t ON t.attempt_id = a.id`,
      });
  }
  return plans;
}

/**
 * Snapshots the template rows of `plan` into a temporary table, and returns the INSERT…SELECT
 * that copies them for replicas @from…@to: every column as stored, ids and keys suffixed with the
 * replica, numbers continued from @base in time order, times moved by the replica's delta, the
 * shift mapped; only the orders whose global index is below @limit.
 */
function replicateSql(db: Database.Database, plan: TablePlan, index: number): string {
  const tpl = `tpl_${index}`;
  db.exec(`CREATE TEMP TABLE ${tpl} AS SELECT t.*, o.o_rank AS bench_rank FROM ${plan.from}`);
  const columns = columnsOf(db, plan.table);
  const pkColumns = columns.filter((c) => c.pk > 0);
  const insert: string[] = [];
  const select: string[] = [];
  for (const c of columns) {
    // A lone INTEGER PRIMARY KEY is the rowid: let SQLite number the copies.
    if (pkColumns.length === 1 && c.pk === 1 && c.type.toUpperCase() === 'INTEGER') continue;
    insert.push(`"${c.name}"`);
    const col = `t."${c.name}"`;
    if (ID_COLUMNS.has(c.name) || (plan.table === 'payment_attempts' && UNIQUE_TEXT.has(c.name)))
      select.push(`CASE WHEN ${col} IS NULL THEN NULL ELSE ${col} || '.' || rep.k END`);
    else if (c.name === 'number') select.push(`@base + ROW_NUMBER() OVER (ORDER BY rep.k, ${col})`);
    else if (c.name === 'shift_id') select.push(`CASE WHEN ${col} IS NULL THEN NULL ELSE rep.shift_id END`);
    else if (isTimestamp(c.name))
      select.push(`CASE WHEN ${col} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', ${col}, rep.delta) END`);
    else select.push(col);
  }
  return `INSERT INTO "${plan.table}" (${insert.join(', ')}) SELECT ${select.join(', ')} FROM rep JOIN ${tpl} t
    WHERE rep.k BETWEEN @from AND @to AND (rep.k - @k0) * @per + t.bench_rank < @limit ORDER BY rep.k, t.bench_rank`;
}

const DAY_S = 86_400;
const SHIFT_ORDERS = 2_500;
const HISTORY_DAYS = 400;

/** Replicates the completed orders of `dataDir`'s journal into `spec.orders` of history and the open shift. */
async function replicate(dataDir: string, spec: StoreSpec): Promise<Partial<StoreInfo>> {
  const db = new Database(join(dataDir, 'journal.sqlite'));
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -262144');
    db.pragma('temp_store = MEMORY');
    const openShift = db.prepare('SELECT * FROM shifts WHERE closed_at IS NULL').get() as
      { id: number; opened_at: string; opened_by: string; float_counts: string; float_total: number } | undefined;
    if (!openShift) throw new Error('the real sales left no open shift');
    // The template: the completed orders of the real sales, ranked; their anchor is the first one's opening.
    db.exec(`CREATE TEMP TABLE tpl_orders AS
      SELECT id, ROW_NUMBER() OVER (ORDER BY number) - 1 AS o_rank, number, opened_at FROM orders WHERE status = 'completed' ORDER BY number`);
    const per = db.prepare('SELECT COUNT(*) FROM tpl_orders').pluck().get() as number;
    if (per < 10) throw new Error(`only ${per} real sales completed`);
    const anchor = db.prepare('SELECT MIN(opened_at) FROM tpl_orders').pluck().get() as string;
    const anchorMs = Date.parse(anchor);
    db.exec('CREATE TEMP TABLE rep (k INTEGER PRIMARY KEY, shift_id INTEGER, delta TEXT NOT NULL)');
    const plans = tablePlans(db);
    // o_rank comes from the template order of each row (t for orders, o for the others).
    const statements = plans.map((plan, index) => {
      const sql = replicateSql(db, plan, index);
      return { table: plan.table, statement: db.prepare(sql), numbered: sql.includes('@base') };
    });
    const maxNumber = (table: string) =>
      db.prepare(`SELECT MAX(0, COALESCE(MAX(number), 0)) FROM "${table}"`).pluck().get() as number;
    const insertRep = db.prepare('INSERT INTO rep (k, shift_id, delta) VALUES (?, ?, ?)');
    /** Copies replicas from…to (whose first is k0), up to `limit` orders counted from k0. */
    const copyReplicas = (from: number, to: number, k0: number, limit: number) => {
      for (const { table, statement, numbered } of statements) {
        const params: Record<string, number> = { from, to, k0, per, limit };
        if (numbered) params.base = maxNumber(table);
        statement.run(params);
      }
    };

    // Template numbers out of the way (negative) so the history takes the low numbers, in time order.
    db.transaction(() => {
      db.exec('UPDATE orders SET number = -number');
      db.exec('UPDATE refunds SET number = -number');
    })();

    const historyShifts: number[] = [];
    const replicas = Math.ceil(spec.orders / per);
    const perShift = Math.max(1, Math.round(SHIFT_ORDERS / per));
    const span = HISTORY_DAYS * DAY_S;
    const batch = Math.max(1, Math.floor(50_000 / per));
    const insertShift = db.prepare(`INSERT INTO shifts (opened_by, opened_at, float_counts, float_total, closed_by,
      closing_approved_by, closed_at, counted, counted_cash, expected_cash, variance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)`);
    const iso = (ms: number) => new Date(ms).toISOString();
    // Replica k's sales start `startS(k)` seconds after the anchor (negative: before it); the last shift ends a day before.
    const startS = (k: number) => -(span + DAY_S) + (k * span) / Math.max(1, replicas);
    db.transaction(() => {
      for (let k0 = 0; k0 < replicas; k0 += perShift) {
        const opened = anchorMs + startS(k0) * 1000;
        const closed = anchorMs + startS(Math.min(replicas, k0 + perShift)) * 1000 - 60_000;
        const id = Number(
          insertShift.run(
            openShift.opened_by,
            iso(opened - 60_000),
            openShift.float_counts,
            openShift.float_total,
            'demo-manager',
            'demo-manager',
            iso(Math.max(closed, opened)),
            openShift.float_counts,
          ).lastInsertRowid,
        );
        historyShifts.push(id);
        for (let k = k0; k < Math.min(replicas, k0 + perShift); k += 1)
          insertRep.run(k, id, `${startS(k).toFixed(3)} seconds`);
      }
    })();
    // The product's running totals: loaded before the copy so the copy runs without their per-row triggers
    // (`withoutTotalsTriggers`), then rebuilt once per shift from the copied rows.
    const totalsPath = join(__dirname, '../src-main/journal/totals-repository.ts');
    const totals = existsSync(totalsPath)
      ? ((await import(pathToFileURL(totalsPath).href)) as {
          rebuildShiftTotals?: (db: Database.Database, shiftId: number) => unknown;
          withoutTotalsTriggers?: <T>(db: Database.Database, load: () => T) => T;
        })
      : {};
    const bulk = <T>(load: () => T): T =>
      totals.withoutTotalsTriggers ? totals.withoutTotalsTriggers(db, load) : load();
    const started = performance.now();
    bulk(() => {
      for (let from = 0; from < replicas; from += batch) {
        const to = Math.min(replicas, from + batch) - 1;
        db.transaction(() => copyReplicas(from, to, 0, spec.orders))();
        if (((from / batch) | 0) % 10 === 0)
          progress(
            `big store: ${Math.min(spec.orders, (to + 1) * per).toLocaleString('en')} of ${spec.orders.toLocaleString('en')} orders of history (${((performance.now() - started) / 1000).toFixed(0)} s)`,
          );
      }

      // The real sales after the history, then the open shift's replicas after them.
      db.transaction(() => {
        const base = maxNumber('orders');
        db.prepare('UPDATE orders SET number = @base - number WHERE number < 0').run({ base });
        const refundBase = maxNumber('refunds');
        db.prepare('UPDATE refunds SET number = @base - number WHERE number < 0').run({ base: refundBase });
      })();
      const openReplicas = Math.max(0, Math.ceil((spec.openOrders - per) / per));
      const openLimit = Math.max(0, spec.openOrders - per);
      if (openReplicas > 0) {
        db.exec('DELETE FROM rep');
        const k0 = replicas + 1;
        db.transaction(() => {
          // Within the hour before the real sales, a replica every few seconds.
          for (let j = 0; j < openReplicas; j += 1)
            insertRep.run(k0 + j, openShift.id, `${(-3600 + (j * 3500) / openReplicas).toFixed(3)} seconds`);
        })();
        for (let from = k0; from < k0 + openReplicas; from += batch) {
          const to = Math.min(k0 + openReplicas, from + batch) - 1;
          db.transaction(() => copyReplicas(from, to, k0, openLimit))();
        }
        db.prepare('UPDATE shifts SET opened_at = ? WHERE id = ?').run(
          iso(Math.min(Date.parse(openShift.opened_at), anchorMs - 3_700_000)),
          openShift.id,
        );
      }
    });
    const timings: Record<string, number> = { replicate: (performance.now() - started) / 1000 };

    // Running totals for every shift filled, when the product keeps them.
    let totalsRebuilt = false;
    if (typeof totals.rebuildShiftTotals === 'function') {
      const t = performance.now();
      progress(`big store: rebuilding running totals of ${historyShifts.length + 1} shifts`);
      for (const shiftId of [...historyShifts, openShift.id]) {
        db.transaction(() => totals.rebuildShiftTotals!(db, shiftId))();
      }
      timings.totals = (performance.now() - t) / 1000;
      totalsRebuilt = true;
    }
    db.pragma('journal_mode = WAL');
    return { templateOrders: per, shifts: { history: historyShifts, open: openShift.id }, totalsRebuilt, timings };
  } finally {
    db.close();
  }
}

/** A journal of `products` products, `orders` orders of history and `openOrders` in the open shift (cached). */
export async function ordersStore(spec: StoreSpec): Promise<StoreArtefact> {
  const products = await productsStore(spec.products);
  return artefact(
    await cached(
      storeKey(spec),
      async (dir) => {
        copyFileSync(products.csvPath, join(dir, 'catalogue.csv'));
        copyDataDir(products.dataDir, join(dir, 'data'));
        let t = performance.now();
        progress('big store: making real sales through the core');
        const { made, failures } = await realSales(join(dir, 'data'), spec.products);
        for (const failure of failures) progress(`big store: ${failure}`);
        const timings: Record<string, number> = { sales: (performance.now() - t) / 1000 };
        progress(`big store: ${made} real sales; replicating`);
        t = performance.now();
        const info = await replicate(join(dir, 'data'), spec);
        return { ...info, timings: { ...timings, ...info.timings } };
      },
      spec,
    ),
  );
}

/** The store for `spec`: products only when it has no orders. */
export function bigStore(spec: StoreSpec): Promise<StoreArtefact> {
  return spec.orders > 0 || spec.openOrders > 0 ? ordersStore(spec) : productsStore(spec.products);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      products: { type: 'string' },
      orders: { type: 'string', default: '0' },
      'open-orders': { type: 'string', default: '0' },
      out: { type: 'string' },
    },
  });
  const count = (name: string, text: string | undefined) => {
    const n = Number(text?.replace(/[_,]/g, '').replace(/k$/i, '000').replace(/m$/i, '000000'));
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number (10000, 100k, 1m)`);
    return n;
  };
  if (!values.products || !values.out)
    throw new Error(
      'usage: node --import tsx bench/big-store.ts --products N [--orders M] [--open-orders X] --out DIR',
    );
  const spec = {
    products: count('products', values.products),
    orders: count('orders', values.orders),
    openOrders: count('open-orders', values['open-orders']),
  };
  if (spec.products < 1000) throw new Error('--products must be at least 1000');
  const store = await bigStore(spec);
  const dataDir = join(values.out, 'data');
  if (existsSync(join(dataDir, 'journal.sqlite'))) throw new Error(`${dataDir} already holds a journal`);
  copyDataDir(store.dataDir, dataDir);
  copyFileSync(store.csvPath, join(values.out, 'catalogue.csv'));
  process.stdout.write(
    `${JSON.stringify({ out: values.out, dataDir, csv: join(values.out, 'catalogue.csv'), cache: store.dir, generated: store.generated, generationS: store.generationMs / 1000, info: store.info }, null, 2)}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/**
 * What one sale can hold: a repeat scan cannot push a line past MAX_QUANTITY items, and no line
 * change can make the sale's goods worth more than MAX_AMOUNT (so every figure stays a safe integer).
 * A refused change records no void and leaves the sale as it was.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MAX_AMOUNT, MAX_QUANTITY_MILLI } from '../../src-shared/limits';
import { startHarness, type Harness } from '../support/core-harness';
import { demoCodes } from '../support/demo-codes';

const MANAGER = { managerId: 'demo-manager', pin: '987654' };
let h: Harness;
beforeEach(async () => {
  h = await startHarness({});
});
afterEach(async () => {
  await h.close();
});

it('refuses a line beyond the most items a line holds, by repeat scan or by quantity', async () => {
  await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
  const code = demoCodes(h.core.journal.db).plain[0].barcode;
  const { order } = await h.call('pos:cart.scan', { code, source: 'wedge' });
  const full = await h.call('pos:cart.setQuantity', { lineId: order.lines[0].id, qtyMilli: MAX_QUANTITY_MILLI });
  expect(full.lines[0].qtyMilli).toBe(MAX_QUANTITY_MILLI);
  await expect(h.call('pos:cart.scan', { code, source: 'wedge' })).rejects.toMatchObject({
    code: 'INVALID_PAYLOAD',
    field: 'qtyMilli',
  });
  expect((await h.call('pos:cart.current', {})).lines[0].qtyMilli).toBe(MAX_QUANTITY_MILLI);
});

it('refuses a change that makes the sale larger than one sale can be', async () => {
  await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
  const code = demoCodes(h.core.journal.db).plain[0].barcode;
  const { order } = await h.call('pos:cart.scan', { code, source: 'wedge' });
  const unitPrice = MAX_AMOUNT / 10;
  await h.call('pos:cart.overridePrice', { lineId: order.lines[0].id, unitPrice, reason: 'bulk', approval: MANAGER });
  const ten = await h.call('pos:cart.setQuantity', { lineId: order.lines[0].id, qtyMilli: 10_000 });
  expect(ten.subtotal).toBe(MAX_AMOUNT);
  await expect(h.call('pos:cart.setQuantity', { lineId: order.lines[0].id, qtyMilli: 11_000 })).rejects.toMatchObject({
    code: 'INVALID_PAYLOAD',
  });
  const voids = () => h.core.journal.db.prepare('SELECT COUNT(*) AS n FROM voids').get() as { n: number };
  expect(voids().n).toBe(0);
  expect((await h.call('pos:cart.current', {})).subtotal).toBe(MAX_AMOUNT);
});

it('records no void when a quantity change on a price-label line is refused', async () => {
  await h.call('pos:session.login', { userId: 'demo-cashier', pin: '1234' });
  const { order } = await h.call('pos:cart.scan', {
    code: demoCodes(h.core.journal.db).priceLabel.code,
    source: 'wedge',
  });
  await expect(
    h.call('pos:cart.setQuantity', { lineId: order.lines[0].id, qtyMilli: 500, reason: 'fewer', approval: MANAGER }),
  ).rejects.toMatchObject({ code: 'CONFLICT' });
  const voids = h.core.journal.db.prepare('SELECT COUNT(*) AS n FROM voids').get() as { n: number };
  expect(voids.n).toBe(0);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../src-shared/contract';
import { resolveConfig } from '../../src-main/config/demo-config';
import { createCore, type Core } from '../../src-main/core';
import { writeConfig } from '../support/host-process';
import { demoCodes } from '../support/demo-codes';

const quiet = { info: () => undefined, error: () => undefined };

async function call<K extends ChannelName>(core: Core, channel: K, input: ChannelInput<K>): Promise<ChannelOutput<K>> {
  const reply = await core.dispatch(channel, input);
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), reply.error);
  return reply.result as ChannelOutput<K>;
}

describe('the core under Node with a real SQLite journal', () => {
  let dir: string;
  let core: Core;
  const open = async () =>
    createCore({
      config: resolveConfig(writeConfig(dir, { demo: true, dataDir: join(dir, 'data') })),
      resourcesDir: join(__dirname, '../../resources'),
      log: quiet,
    });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ct-core-'));
    core = await open();
    await core.ready;
  });
  afterEach(async () => {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rings up a cash sale with a price-embedded label, nickel rounding and change, durably', async () => {
    const codes = demoCodes(core.journal.db);
    const users = await call(core, 'pos:session.users', {});
    const cashier = users.find((u) => u.role === 'cashier')!;
    await expect(call(core, 'pos:cart.current', {})).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
    await call(core, 'pos:session.login', { userId: cashier.id, pin: '1234' });

    await call(core, 'pos:cart.scan', { code: codes.plain[0].barcode, source: 'wedge' });
    await call(core, 'pos:cart.scan', { code: codes.plain[1].barcode, source: 'wedge' });
    const labelled = await call(core, 'pos:cart.scan', { code: codes.priceLabel.code, source: 'wedge' });
    expect(labelled.kind).toBe('price-embedded');
    const labelLine = labelled.order.lines.find((l) => l.embedded === 'price')!;
    expect(labelLine).toMatchObject({ unitPrice: codes.priceLabel.price, qtyMilli: 1000, name: codes.priceLabel.name });

    const first = labelled.order.lines.find(
      (l) => l.barcode === codes.plain[0].barcode || l.name === codes.plain[0].name,
    )!;
    const order = await call(core, 'pos:cart.setQuantity', { lineId: first.id, qtyMilli: 3000 });
    expect(order.lines).toHaveLength(3);
    expect(order.subtotal).toBe(codes.plain[0].price * 3 + codes.plain[1].price + codes.priceLabel.price);
    expect(order.total).toBe(order.subtotal - order.discountTotal + order.addedTax);
    expect(order.cashDue % 5).toBe(0);

    const unknown = await core.dispatch('pos:cart.scan', { code: '4006381333931', source: 'wedge' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await call(core, 'pos:cart.current', {})).lines).toHaveLength(3);

    const paid = await call(core, 'pos:tender.cash', { orderId: order.id, tendered: order.cashDue + 1000 });
    expect(paid.completed).toBe(true);
    expect(paid.change).toBe(1000);
    expect(paid.order.status).toBe('completed');
    expect(paid.order.cashRounding).toBe(order.cashDue - order.due);

    const receipt = await call(core, 'pos:orders.receipt', { orderId: order.id, copy: false });
    expect(receipt).toMatchObject({ demo: true, copy: false, total: order.total, orderNumber: order.number });
    expect(receipt.tenders[0]).toMatchObject({ label: 'Cash', change: 1000 });

    // A new sale is waiting, and the old one is in history after the journal is reopened.
    expect((await call(core, 'pos:cart.current', {})).id).not.toBe(order.id);
    await core.close();
    core = await open();
    await call(core, 'pos:session.login', { userId: cashier.id, pin: '1234' });
    const history = await call(core, 'pos:orders.history', {});
    expect(history[0]).toMatchObject({ id: order.id, status: 'completed', total: order.total, tenderKinds: ['cash'] });
    expect(
      (await call(core, 'pos:orders.history', { query: codes.priceLabel.name.split(' ')[0] })).map((o) => o.id),
    ).toContain(order.id);
    const copy = await call(core, 'pos:orders.receipt', { orderId: order.id, copy: true });
    expect(copy.copy).toBe(true);
  });

  it('keeps the open cart across a restart and refuses to edit it once paying started', async () => {
    const codes = demoCodes(core.journal.db);
    await call(core, 'pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    const scanned = await call(core, 'pos:cart.scan', { code: codes.plain[2].barcode, source: 'keyed' });
    await call(core, 'pos:cart.scan', { code: codes.plain[2].barcode, source: 'keyed' });
    await core.close();
    core = await open();
    await call(core, 'pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    const cart = await call(core, 'pos:cart.current', {});
    expect(cart.id).toBe(scanned.order.id);
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0].qtyMilli).toBe(2000);
    await call(core, 'pos:tender.cash', { orderId: cart.id, tendered: 100 });
    await expect(call(core, 'pos:cart.removeLine', { lineId: cart.lines[0].id })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('applies line and order discounts in main and reports taxes per code', async () => {
    const codes = demoCodes(core.journal.db);
    await call(core, 'pos:session.login', { userId: 'demo-cashier', pin: '1234' });
    const { order } = await call(core, 'pos:cart.scan', { code: codes.plain[3].barcode, source: 'wedge' });
    const discounted = await call(core, 'pos:cart.setLineDiscount', {
      lineId: order.lines[0].id,
      discount: { kind: 'percent', basisPoints: 1000 },
    });
    expect(discounted.lines[0].lineDiscount).toBe(Math.round(codes.plain[3].price / 10));
    const both = await call(core, 'pos:cart.setOrderDiscount', { discount: { kind: 'amount', amount: 10 } });
    expect(both.discountTotal).toBe(discounted.lines[0].lineDiscount + 10);
    expect(both.total).toBe(both.subtotal - both.discountTotal + both.addedTax);
  });
});

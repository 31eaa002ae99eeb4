/**
 * Voids at the till need a manager when a cashier does them: removing a line opens the
 * approval dialog (main answered APPROVAL_REQUIRED), a wrong PIN is refused on screen
 * and the line stays, the right PIN removes it with the same call. Lowering a quantity,
 * overriding a price and voiding the whole sale go the same way. Chromium against the
 * headless host in demo mode.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src-main/config/demo-config';
import {
  approveAsManager,
  cartRows,
  logInAsDemo,
  useStation,
  rowOf,
  SAMPLE,
  scan,
  typePin,
  type DemoPin,
  type Station,
} from './e2e-helpers';

const DEMO_BADGES = {
  cashier: DEMO_USERS.find((u) => u.role === 'cashier')!.badge,
  manager: DEMO_USERS.find((u) => u.role === 'manager')!.badge,
};
const WATER = SAMPLE.water;
const CHOCOLATE = SAMPLE.chocolate;

describe("cart voids with a manager's approval, in Chromium against the headless host", () => {
  let station: Station;
  let page: Page;
  let pins: Record<'cashier' | 'manager', DemoPin>;

  useStation(
    // The badge-alone case below needs the store's permission (issue 12: badge + PIN by default).
    (dataDir) => ({ demo: true, dataDir, security: { badgeAlone: true } }),
    (opened) => {
      station = opened;
      page = opened.page;
    },
  );

  it('removing a line asks for a manager: a wrong PIN is refused and the line stays; the right PIN removes it', async () => {
    pins = await logInAsDemo(page, 'cashier');
    await scan(page, WATER.code);
    await expect.poll(() => rowOf(page, WATER.name).count(), { timeout: 10_000 }).toBe(1);
    await scan(page, CHOCOLATE.code);
    await expect.poll(() => rowOf(page, CHOCOLATE.name).count(), { timeout: 10_000 }).toBe(1);

    await page.getByRole('button', { name: `Remove: ${WATER.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${WATER.name}` });
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await dialog.getByLabel('Reason').inputValue()).toBe('Removed from the sale');

    const wrong = pins.manager.pin === '1111' ? '2222' : '1111';
    await dialog.getByRole('radio', { name: pins.manager.name }).check();
    await typePin(dialog, wrong);
    await dialog.getByRole('button', { name: 'Remove item', exact: true }).click();
    await expect.poll(() => dialog.getByRole('alert').innerText(), { timeout: 10_000 }).toMatch(/wrong manager PIN/i);
    expect(await dialog.getByLabel('Manager PIN').inputValue()).toBe('');
    expect(await rowOf(page, WATER.name).count()).toBe(1);
    expect(await cartRows(page).count()).toBe(2);

    await typePin(dialog, pins.manager.pin);
    await dialog.getByRole('button', { name: 'Remove item', exact: true }).click();
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => rowOf(page, WATER.name).count(), { timeout: 10_000 }).toBe(0);
    expect(await rowOf(page, CHOCOLATE.name).count()).toBe(1);
    expect(station.pageErrors).toEqual([]);
  }, 90_000);

  it('lowering a quantity and overriding a price wait for the manager the same way', async () => {
    await scan(page, CHOCOLATE.code);
    await expect
      .poll(() => rowOf(page, CHOCOLATE.name).getByRole('cell').first().innerText(), { timeout: 10_000 })
      .toBe('2');
    await page.getByRole('button', { name: `Quantity: ${CHOCOLATE.name}` }).click();
    const quantity = page.getByRole('dialog', { name: `Quantity of ${CHOCOLATE.name}` });
    await quantity.getByLabel('Quantity').fill('1');
    await quantity.getByRole('button', { name: 'Set quantity' }).click();
    const lower = page.getByRole('dialog', { name: `Lower the quantity of ${CHOCOLATE.name}` });
    await expect.poll(() => lower.isVisible(), { timeout: 10_000 }).toBe(true);
    await approveAsManager(lower, pins.manager, 'Customer took one back', 'Set quantity');
    await expect.poll(() => page.getByRole('dialog').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => rowOf(page, CHOCOLATE.name).getByRole('cell').first().innerText()).toBe('1');

    await page.getByRole('button', { name: `Price: ${CHOCOLATE.name}` }).click();
    const price = page.getByRole('dialog', { name: `Price of ${CHOCOLATE.name}` });
    await price.getByLabel(/^New unit price/).fill('2.99');
    await price.getByLabel('Reason').fill('Shelf label says 2.99');
    await price.getByRole('button', { name: 'Set price' }).click();
    const override = page.getByRole('dialog', { name: `New price for ${CHOCOLATE.name}` });
    await expect.poll(() => override.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await override.getByLabel('Reason').inputValue()).toBe('Shelf label says 2.99');
    await approveAsManager(override, pins.manager, 'Shelf label says 2.99', 'Override price');
    await expect.poll(() => page.getByRole('dialog').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => rowOf(page, CHOCOLATE.name).innerText()).toContain('$2.99');
    expect(station.pageErrors).toEqual([]);
  }, 60_000);

  it('cancelling the sale asks for a manager too, and leaves the till on a new empty sale', async () => {
    const before = await page.getByRole('heading', { name: /^Sale #\d+$/ }).innerText();
    await page.getByRole('button', { name: 'Cancel sale' }).click();
    await page
      .getByRole('dialog', { name: 'Cancel this sale?' })
      .getByRole('button', { name: 'Yes, cancel the sale' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Void this sale' });
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true);
    await approveAsManager(dialog, pins.manager, 'Customer left without paying', 'Void the sale');
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Sale cancelled' }).count(), { timeout: 10_000 })
      .toBe(1);
    await expect.poll(() => page.getByRole('heading', { name: /^Sale #\d+$/ }).innerText()).not.toBe(before);
    expect(await cartRows(page).count()).toBe(0);
    expect(station.pageErrors).toEqual([]);
  }, 60_000);
  it("a manager's staff badge scanned at the prompt approves; a cashier's badge is refused and the item stays", async () => {
    await scan(page, WATER.code);
    await expect.poll(() => rowOf(page, WATER.name).count(), { timeout: 10_000 }).toBe(1);
    await page.getByRole('button', { name: `Remove: ${WATER.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${WATER.name}` });
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(true);
    // The demo staff badges (src-main/config/demo-config.ts): scanned, they go to the prompt, not the cart.
    await scan(page, DEMO_BADGES.cashier);
    await expect.poll(() => dialog.getByRole('alert').innerText(), { timeout: 10_000 }).toMatch(/not a manager/i);
    expect(await rowOf(page, WATER.name).count()).toBe(1);
    expect(await dialog.getByLabel('Manager PIN').inputValue()).toBe('');
    await scan(page, DEMO_BADGES.manager);
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => rowOf(page, WATER.name).count(), { timeout: 10_000 }).toBe(0);
    expect(station.pageErrors).toEqual([]);
  }, 90_000);
});

/**
 * A YabandPay sale (EUR: YabandPay runs only in EUR / CHF, so the demo store sells in
 * euros with a de-DE locale and the demo catalogue's prices read as euros), approved on
 * the virtual terminal, then part of it refunded with a manager's approval.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  approveAsManager,
  cents,
  customerDoes,
  logInAsDemo,
  useStation,
  receiptOf,
  ringUpAndPay,
  SAMPLE,
  salePayment,
  type Station,
} from './e2e-helpers';

const REFUND = 100;

describe('YabandPay sale in EUR with a partial refund, in Chromium against the headless host', () => {
  let station: Station;
  let page: Page;

  useStation(
    (dataDir) => ({
      demo: true,
      dataDir,
      store: { name: 'Countertop Demo Café', currency: 'EUR', locale: 'de-DE', cashRoundingStep: 1 },
    }),
    (opened) => {
      station = opened;
      page = opened.page;
    },
  );

  it('the customer approves, then a manager refunds 1,00 € of it and the payment shows partially refunded', async () => {
    const pins = await logInAsDemo(page);
    const { orderNumber, due } = await ringUpAndPay(page, SAMPLE.water.code, SAMPLE.water.name);
    expect(await page.locator('.amount-due').innerText()).toContain('€');
    expect(due).toBeGreaterThan(REFUND);

    await page.getByRole('button', { name: 'YabandPay card terminal', exact: true }).click();
    await customerDoes(page, 'Customer approves');

    const receipt = receiptOf(page, orderNumber);
    await expect.poll(() => receipt.isVisible(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => salePayment(page).innerText(), { timeout: 10_000 }).toContain('Approved');
    expect(cents(/Refundable: (.*)/.exec(await salePayment(page).innerText())![1])).toBe(due);

    await salePayment(page).getByRole('button', { name: 'Refund payment…', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Refund payment' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel(/^Refund amount/).fill('1,00');
    await approveAsManager(dialog, pins.manager, 'Returned one bottle', 'Refund payment');
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);

    await expect.poll(() => salePayment(page).innerText(), { timeout: 30_000 }).toContain('Partially refunded');
    const refundable = async () => cents(/Refundable: (.*)/.exec(await salePayment(page).innerText())![1]);
    await expect.poll(refundable, { timeout: 10_000 }).toBe(due - REFUND);
    expect(station.pageErrors).toEqual([]);
  }, 120_000);
});

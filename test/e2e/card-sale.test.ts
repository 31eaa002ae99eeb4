/**
 * A card sale on the IOTPay PAX terminal (demo simulator): the cashier picks the card
 * tender, the trainee plays the customer on the virtual terminal, and the receipt
 * carries the card block: masked number, auth number and the terminal's approval text,
 * never the expiry date (the simulator sends one: expireDate "1022").
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  customerDoes,
  logInAsDemo,
  useStation,
  receiptOf,
  ringUpAndPay,
  SAMPLE,
  salePayment,
  type Station,
} from './e2e-helpers';

describe('card sale (IOTPay PAX) in Chromium against the headless host', () => {
  let station: Station;
  let page: Page;

  useStation(
    (dataDir) => ({ demo: true, dataDir }),
    (opened) => {
      station = opened;
      page = opened.page;
    },
  );

  it('the customer approves on the virtual terminal and the receipt shows the card block without an expiry date', async () => {
    await logInAsDemo(page);
    const { orderNumber, due } = await ringUpAndPay(page, SAMPLE.water.code, SAMPLE.water.name);
    expect(due).toBeGreaterThan(0);

    const cardTender = page.getByRole('button', { name: 'Card (IOTPay terminal)', exact: true });
    await cardTender.click();
    // While the terminal waits, the tender screen says so and offers no second payment.
    await expect
      .poll(() => page.getByRole('list', { name: 'Card and wallet payments' }).innerText())
      .toMatch(/Sending to terminal…|Waiting for the card…/);
    expect(await cardTender.isDisabled()).toBe(true);

    await customerDoes(page, 'Customer approves');

    const receipt = receiptOf(page, orderNumber);
    await expect.poll(() => receipt.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await page.getByRole('heading', { name: 'Sale complete' }).isVisible()).toBe(true);

    const card = receipt.getByRole('region', { name: /^Payment: / });
    await expect.poll(() => card.count()).toBe(1);
    const block = await card.innerText();
    // Masked number: only the last 4 digits show.
    expect(block).toMatch(/Number\s+\*{4} \d{4}\b/);
    // The gateway's own ids are ids, not card numbers: never masked.
    expect(block).toMatch(/Reference\s+[A-Z]*\d{6,}/);
    expect(block).not.toMatch(/Number\s+\d{13,19}\b/);
    expect(block).toMatch(/Auth #\s+\S+/);
    expect(block).toMatch(/Approved/);

    // Never the expiry date, in any form, anywhere on the page.
    const pageText = await page.locator('body').innerText();
    expect(pageText).not.toMatch(/expir|exp\.? ?date|\b10\/22\b|\b1022\b/i);
    expect(await page.content()).not.toMatch(/expireDate|\b1022\b/);

    // The order's payment list shows the approved card payment.
    await expect.poll(() => salePayment(page).innerText()).toContain('Approved');
    expect(station.pageErrors).toEqual([]);
  }, 120_000);
});

/**
 * A cash sale driven as a cashier would: the built renderer in Debian Chromium against
 * the headless host in demo mode, controls found by role and accessible name, items
 * scanned as keyboard-wedge bursts. Needs `npm run build` first (npm test does it).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartRows, cents, logInAsDemo, openStation, rowOf, SAMPLE, scan, type Station } from './e2e-helpers';

const WATER = SAMPLE.water;
const CHOCOLATE = SAMPLE.chocolate;
/** Smoked ham (PLU 302) on a scale label: prefix 23, item 00302, price 00685 ($6.85), check digit. */
const HAM_LABEL = { code: withCheckDigit('230030200685'), name: 'Smoked ham' };
const UNKNOWN = '4006381333931';

function withCheckDigit(twelve: string): string {
  const sum = [...twelve].reduce((total, digit, i) => total + Number(digit) * (i % 2 === 0 ? 1 : 3), 0);
  return twelve + ((10 - (sum % 10)) % 10);
}

describe('cash sale in Chromium against the headless host', () => {
  let station: Station;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    station = await openStation((dataDir) => ({ demo: true, dataDir }));
    ({ page, pageErrors } = station);
    await page.goto(station.host.url);
  }, 90_000);

  afterAll(async () => {
    await station?.close();
  });

  it('rings up scanned items, changes a quantity, takes cash with change, and finds the order in history after a reload', async () => {
    await expect.poll(() => page.getByText('DEMO / TRAINING MODE').isVisible(), { timeout: 15_000 }).toBe(true);
    await logInAsDemo(page);
    const saleHeading = await page.getByRole('heading', { name: /^Sale #\d+$/ }).innerText();
    const orderNumber = Number(saleHeading.replace(/\D/g, ''));

    // The scanner's Enter must not press the focused button.
    const bakery = page.getByRole('group', { name: 'Departments' }).getByRole('button', { name: 'Bakery' });
    await bakery.focus();
    await scan(page, WATER.code);
    await expect
      .poll(
        () =>
          page
            .getByRole('status')
            .filter({ hasText: `Added ${WATER.name}` })
            .count(),
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(await bakery.getAttribute('aria-pressed')).toBe('false');

    await scan(page, CHOCOLATE.code);
    await expect.poll(() => rowOf(page, CHOCOLATE.name).count(), { timeout: 10_000 }).toBe(1);
    await scan(page, HAM_LABEL.code);
    await expect.poll(() => rowOf(page, HAM_LABEL.name).count(), { timeout: 10_000 }).toBe(1);
    expect(await rowOf(page, HAM_LABEL.name).innerText()).toContain('$6.85');
    expect(await cartRows(page).count()).toBe(3);

    // Quantity typed at human speed: held back by the wedge detector, then replayed into the field.
    await page.getByRole('button', { name: `Quantity: ${WATER.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Quantity of ${WATER.name}` });
    await dialog.getByLabel('Quantity').focus();
    await page.keyboard.press('3');
    await page.waitForTimeout(120);
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => rowOf(page, WATER.name).getByRole('cell').first().innerText()).toBe('3');

    await page.keyboard.press('F4');
    await expect
      .poll(() => page.getByRole('heading', { name: `Payment — sale #${orderNumber}` }).isVisible())
      .toBe(true);
    const due = await page.locator('.amount-due').innerText();
    const rounded = page.getByText(/^In cash: /);
    const cashDue = cents((await rounded.count()) ? await rounded.innerText() : due);
    await page.getByLabel('Cash received').fill('50');
    await page.getByRole('button', { name: 'Take cash' }).click();

    const change = ((5000 - cashDue) / 100).toFixed(2);
    await expect.poll(() => page.getByText(`Change due $${change}`).isVisible(), { timeout: 15_000 }).toBe(true);
    const receipt = page.getByRole('article', { name: `Receipt for order ${orderNumber}` });
    await expect.poll(() => receipt.isVisible()).toBe(true);
    const receiptText = await receipt.innerText();
    expect(receiptText).toContain('DEMO');
    expect(receiptText).toContain(WATER.name);
    expect(receiptText).toContain(HAM_LABEL.name);
    expect(receiptText).toMatch(new RegExp(`Change\\s+\\$${change.replace('.', '\\.')}`));

    await page.reload();
    if (await page.getByRole('heading', { name: 'Log in' }).isVisible()) await logInAsDemo(page);
    await expect.poll(() => page.getByRole('button', { name: 'Pay (F4)' }).isVisible(), { timeout: 15_000 }).toBe(true);
    await page.keyboard.press('F8');
    const openButton = page.getByRole('button', { name: `Open order ${orderNumber}` });
    await expect.poll(() => openButton.isVisible(), { timeout: 15_000 }).toBe(true);
    const historyRow = page.getByRole('row').filter({ has: openButton });
    expect(await historyRow.innerText()).toContain('Completed');
    await openButton.click();
    await expect.poll(() => receipt.isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Reprint', exact: true }).click();
    await expect.poll(() => receipt.getByText('COPY', { exact: true }).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('heading', { name: 'History' }).isVisible()).toBe(true);

    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('an unknown barcode shows a message and leaves the cart unchanged', async () => {
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('button', { name: 'Pay (F4)' }).isVisible()).toBe(true);
    await scan(page, WATER.code);
    await expect.poll(() => cartRows(page).count(), { timeout: 10_000 }).toBe(1);
    const before = await page.getByRole('table', { name: 'Items in this sale' }).innerText();

    await scan(page, UNKNOWN);
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: UNKNOWN }).isVisible(), { timeout: 10_000 })
      .toBe(true);
    expect(await page.getByRole('table', { name: 'Items in this sale' }).innerText()).toBe(before);
    // Nothing of the scan went into the focused search box either.
    expect(await page.getByLabel('Scan or search').inputValue()).toBe('');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('a scan while the quantity field has focus lands in the cart, not in the field, and its Enter confirms nothing', async () => {
    await page.getByRole('button', { name: `Quantity: ${WATER.name}` }).click();
    const dialog = page.getByRole('dialog', { name: `Quantity of ${WATER.name}` });
    const quantity = dialog.getByLabel('Quantity');
    await quantity.focus();
    await scan(page, CHOCOLATE.code);
    await expect.poll(() => rowOf(page, CHOCOLATE.name).count()).toBe(1);
    expect(await quantity.inputValue()).toBe('1');
    expect(await dialog.isVisible()).toBe(true);
    // Esc closes the dialog only; the sale screen stays.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await rowOf(page, WATER.name).getByRole('cell').first().innerText()).toBe('1');
    expect(await page.getByRole('button', { name: 'Pay (F4)' }).isVisible()).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});

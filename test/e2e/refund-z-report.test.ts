/**
 * The refund and close-of-day path as a cashier drives it in Chromium against the
 * headless host (demo mode): two items rung up (one scanned twice), paid in cash, the
 * sale opened from history, one of the two loaves refunded to cash with the demo
 * manager's PIN, the shift closed counting exactly the expected cash, and the Z report
 * naming the cashier who refunded and the manager who approved; reopened, it is a COPY.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  approveAsManager,
  cents,
  countDrawer,
  logInAsDemo,
  openCloseShift,
  openRefundDialog,
  useStation,
  rowOf,
  saleNumber,
  SAMPLE,
  scan,
  type Station,
} from './e2e-helpers';

const LOAF = SAMPLE.sourdough;
const CHOCOLATE = SAMPLE.chocolate;

describe('refund from history and the Z report, in Chromium against the headless host', () => {
  let station: Station;
  let page: Page;

  useStation(
    (dataDir) => ({ demo: true, dataDir }),
    (opened) => {
      station = opened;
      page = opened.page;
    },
  );

  it("a cashier refunds one item with the manager's PIN; the Z report lists it with both names; reopened it says COPY", async () => {
    const pins = await logInAsDemo(page, 'cashier');
    const orderNumber = await saleNumber(page);

    // Two items, the loaf scanned twice: one line of quantity 2.
    await scan(page, LOAF.code);
    await expect.poll(() => rowOf(page, LOAF.name).count(), { timeout: 10_000 }).toBe(1);
    await scan(page, LOAF.code);
    await expect
      .poll(() => rowOf(page, LOAF.name).getByRole('cell').first().innerText(), { timeout: 10_000 })
      .toBe('2');
    await scan(page, CHOCOLATE.code);
    await expect.poll(() => rowOf(page, CHOCOLATE.name).count(), { timeout: 10_000 }).toBe(1);

    await page.keyboard.press('F4');
    await expect
      .poll(() => page.getByRole('heading', { name: `Payment — sale #${orderNumber}` }).isVisible(), {
        timeout: 10_000,
      })
      .toBe(true);
    await page.getByRole('button', { name: 'Exact cash' }).click();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Sale complete' }).isVisible(), { timeout: 15_000 })
      .toBe(true);

    // The sale, opened from history.
    const dialog = await openRefundDialog(page, orderNumber);
    // The stepper is bounded by what is still refundable (2 loaves).
    const loaves = dialog.getByLabel(`Quantity to refund: ${LOAF.name}`);
    await loaves.fill('5');
    await expect.poll(() => loaves.inputValue()).toBe('2');
    await dialog.getByRole('button', { name: `One fewer: ${LOAF.name}` }).click();
    await expect.poll(() => loaves.inputValue()).toBe('1');
    await dialog.getByRole('radio', { name: 'Cash', exact: true }).check();
    // A cashier cannot refund alone: the approval part of the dialog asks for the manager's PIN.
    expect(await dialog.getByRole('group', { name: 'PIN pad' }).isVisible()).toBe(true);
    await approveAsManager(dialog, pins.manager, 'Customer returned one loaf', 'Refund');
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);

    const result = page.getByRole('status').filter({ hasText: /^Refund 1 / });
    await expect.poll(() => result.innerText(), { timeout: 10_000 }).toBe('Refund 1 completed: $5.50 · Cash $5.50');
    const refundRow = page
      .getByRole('table', { name: 'Refunds of this sale' })
      .getByRole('row')
      .filter({ hasText: '#1' });
    expect(await refundRow.innerText()).toMatch(new RegExp(`${pins.cashier.name}\\s+${pins.manager.name}`));
    await page.getByRole('button', { name: 'Receipt of refund 1' }).click();
    const refundReceipt = page.getByRole('article', { name: `REFUND 1 of sale ${orderNumber}` });
    await expect.poll(() => refundReceipt.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await refundReceipt.innerText()).toContain(LOAF.name);
    await page.getByRole('dialog', { name: 'Refund 1 receipt' }).getByRole('button', { name: 'Close' }).click();

    // Close the shift (as the cashier, with the manager's approval), counting exactly what is expected.
    const { close, figure } = await openCloseShift(page);
    // Cash taken (14.66 rounded to 14.65) less the loaf given back in cash.
    await expect.poll(async () => cents(await figure('Expected').innerText()), { timeout: 10_000 }).toBe(1465 - 550);
    const expected = cents(await figure('Expected').innerText());
    await countDrawer(close, expected);
    await expect.poll(() => figure('Variance').innerText()).toMatch(/\$0\.00 \(exact\)/);
    expect(cents(await figure('Counted').innerText())).toBe(expected);
    await approveAsManager(close, pins.manager, 'End of day', 'Close shift');
    await expect.poll(() => close.count(), { timeout: 15_000 }).toBe(0);

    const z = page.getByRole('article', { name: 'Z report 1' });
    await expect.poll(() => z.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await z.getByText('COPY', { exact: true }).count()).toBe(0);
    const zRefund = z
      .getByRole('table', { name: 'Refunds', exact: true })
      .getByRole('row')
      .filter({ hasText: `#1 of sale #${orderNumber}` });
    const zRefundText = await zRefund.innerText();
    expect(zRefundText).toContain(pins.cashier.name);
    expect(zRefundText).toContain(pins.manager.name);
    expect(zRefundText).toContain('$5.50');
    expect(await z.getByRole('table', { name: 'Cash', exact: true }).innerText()).toMatch(/Variance\s+\$0\.00/);
    expect(await page.getByRole('heading', { name: 'No shift is open' }).isVisible()).toBe(true);

    // Reopened from the list, the stored Z is a copy; it prints and exports.
    await page.getByRole('button', { name: 'Open Z report 1' }).click();
    await expect.poll(() => z.getByText('COPY', { exact: true }).isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByRole('button', { name: 'Print', exact: true }).click();
    await expect
      .poll(
        () =>
          page
            .getByRole('status')
            .filter({ hasText: /^Z report 1 \(copy\): / })
            .count(),
        { timeout: 10_000 },
      )
      .toBe(1);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('z-report-1.csv');

    expect(station.pageErrors).toEqual([]);
  }, 180_000);
});

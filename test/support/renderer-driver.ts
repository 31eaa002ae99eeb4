/**
 * Drives the real renderer in Chromium the way a cashier does (controls by role and
 * accessible name), without a test runner, so benchmarks and tests can share it.
 */
import type { Locator, Page } from 'playwright-core';

export type DemoRole = 'cashier' | 'manager';

/** The cart table's body rows. */
export const cartRows = (page: Page): Locator =>
  page.getByRole('table', { name: 'Items in this sale' }).locator('tbody tr');

export const saleHeading = (page: Page): Locator => page.getByRole('heading', { name: /^Sale #\d+$/ });

/** Picks the demo user of `role` on the login screen and types the PIN printed there on the pad. */
export async function logInAsDemoUser(page: Page, role: DemoRole, timeoutMs = 15_000): Promise<void> {
  await page.getByRole('heading', { name: 'Log in' }).waitFor({ timeout: timeoutMs });
  const line = (
    await page
      .getByRole('region', { name: 'Demo PINs' })
      .getByText(new RegExp(`\\(${role}\\)`))
      .innerText()
  ).trim();
  const match = new RegExp(`^(.*) \\(${role}\\): (\\d+)$`).exec(line);
  if (!match) throw new Error(`no demo PIN for a ${role} in "${line}"`);
  const [, name, pin] = match;
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
  const pad = page.getByRole('group', { name: 'PIN pad' });
  for (const digit of pin) await pad.getByRole('button', { name: digit, exact: true }).click();
  await page.getByRole('button', { name: 'Log in' }).click();
  await saleHeading(page).waitFor({ timeout: timeoutMs });
}

/** A keyboard-wedge scanner: a fast burst of keys, then Enter, into whatever has focus. */
export async function wedgeScan(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press('Enter');
}

/** Cancels the open sale with the Cancel sale button and its confirmation, and waits for an empty cart. */
export async function cancelSaleByClicking(page: Page, timeoutMs = 10_000): Promise<void> {
  await page.getByRole('button', { name: 'Cancel sale' }).click({ timeout: timeoutMs });
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /^Yes, cancel/ })
    .click({ timeout: timeoutMs });
  await cartRows(page).first().waitFor({ state: 'detached', timeout: timeoutMs });
  await saleHeading(page).waitFor({ timeout: timeoutMs });
}

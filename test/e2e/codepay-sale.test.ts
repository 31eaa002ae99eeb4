/**
 * A CodePay sale on "Lane 1" where the customer adds a tip on the terminal's screen,
 * then the payment voided from the order with a manager's approval. The demo CodePay
 * terminal approves with a 15 % tip and authorises voids on the terminal.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  approveAsManager,
  cents,
  customerDoes,
  logInAsDemo,
  useStation,
  orderPayments,
  receiptOf,
  ringUpAndPay,
  SAMPLE,
  salePayment,
  type Station,
} from './e2e-helpers';

describe('CodePay sale with an on-screen tip, then a void, in Chromium against the headless host', () => {
  let station: Station;
  let page: Page;

  useStation(
    (dataDir) => ({ demo: true, dataDir }),
    (opened) => {
      station = opened;
      page = opened.page;
    },
  );

  it('the customer approves with a tip, the receipt shows it, and a manager voids the payment', async () => {
    const pins = await logInAsDemo(page);
    const { orderNumber, due } = await ringUpAndPay(page, SAMPLE.water.code, SAMPLE.water.name);

    await page.getByRole('checkbox', { name: 'Customer adds tip on terminal' }).check();
    await page.getByRole('button', { name: 'Card (CodePay terminal) – Lane 1', exact: true }).click();
    await customerDoes(page, 'Approves with tip');

    const receipt = receiptOf(page, orderNumber);
    await expect.poll(() => receipt.isVisible(), { timeout: 30_000 }).toBe(true);
    const payment = receipt.getByRole('region', { name: /^Payment: / });
    await expect.poll(() => payment.count()).toBe(1);
    const tipRow = /Tip\s+(\$\d+\.\d{2})/.exec(await payment.innerText());
    expect(tipRow, 'the receipt shows the tip').not.toBeNull();
    const tip = cents(tipRow![1]);
    expect(tip).toBeGreaterThan(0);
    // The simulator's customer tips 15 % of the goods amount.
    expect(Math.abs(tip - Math.round(due * 0.15))).toBeLessThanOrEqual(1);

    // Void from the order, with the demo manager's approval.
    await expect.poll(() => salePayment(page).innerText(), { timeout: 10_000 }).toContain('Approved');
    await salePayment(page).getByRole('button', { name: 'Void payment', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Void payment' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await approveAsManager(dialog, pins.manager, 'Customer changed their mind', 'Void payment');
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);

    // The terminal authorises the void: the sale's payment shows voided, the void itself approved.
    await expect.poll(() => salePayment(page).innerText(), { timeout: 30_000 }).toContain('Voided');
    const voidEntry = orderPayments(page)
      .getByRole('listitem')
      .filter({ hasText: /^Void · / });
    await expect.poll(() => voidEntry.innerText(), { timeout: 30_000 }).toContain('Approved');
    expect(
      await salePayment(page)
        .getByRole('button', { name: /Void payment|Refund payment/ })
        .count(),
    ).toBe(0);
    // The void went to the terminal asking its own manager to authorise it: journaled by the engine's option name
    // (the CodePay adapter sends it as required_terminal_authentication, test/unit/main/payments/codepay-envelope.test.ts).
    const journal = new Database(join(station.dir, 'data', 'journal.sqlite'), { readonly: true });
    const voidOptions = journal
      .prepare("SELECT options FROM payment_attempts WHERE kind = 'void'")
      .pluck()
      .all() as string[];
    journal.close();
    expect(voidOptions.map((o) => JSON.parse(o))).toEqual([{ terminalAuthentication: true }]);
    expect(station.pageErrors).toEqual([]);
  }, 120_000);
});

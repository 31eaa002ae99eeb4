/**
 * A tip that goes back, as a cashier and a manager drive it in Chromium against the headless
 * host (demo mode): a CodePay sale where the customer adds a tip on the terminal's screen, the
 * sale refunded in full from history — the item and the tip, to the original card — with the
 * manager's PIN, then the shift closed. The Z report shows the CodePay tender with its tip
 * and the refund, and its CodePay net is the terminal's own batch total. The UI has no batch
 * close button, so the batch is closed through the host's contract over its WebSocket, as a
 * manager, after the Z report is on screen.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseDecimalString } from '../../src-shared/money';
import { connectHost } from '../support/host-client';
import {
  approveAsManager,
  cents,
  countDrawer,
  customerDoes,
  logInAsDemo,
  openCloseShift,
  openRefundDialog,
  receiptOf,
  ringUpAndPay,
  SAMPLE,
  useStation,
  type Station,
} from './e2e-helpers';

const WATER = SAMPLE.water;
const CODEPAY = 'Card (CodePay terminal)';

/** The cells of a report table's row, by column heading. */
async function rowCells(table: Locator, row: Locator): Promise<Record<string, string>> {
  const headings = await table.locator('thead th').allInnerTexts();
  const cells = await row.locator('td').allInnerTexts();
  return Object.fromEntries(headings.map((heading, i) => [heading.trim(), (cells[i] ?? '').trim()]));
}

describe("a CodePay sale with a tip refunded in full, the Z report and the terminal's batch, in Chromium against the headless host", () => {
  let station: Station;
  let page: Page;

  useStation(
    (dataDir) => ({ demo: true, dataDir }),
    (opened) => {
      station = opened;
      page = opened.page;
    },
  );

  it('the customer tips on the terminal; the item and the tip go back to the card; the Z report nets CodePay to the batch total', async () => {
    const pins = await logInAsDemo(page, 'cashier');
    const { orderNumber, due } = await ringUpAndPay(page, WATER.code, WATER.name);

    await page.getByRole('checkbox', { name: 'Customer adds tip on terminal' }).check();
    await page.getByRole('button', { name: `${CODEPAY} – Lane 1`, exact: true }).click();
    await customerDoes(page, 'Approves with tip');
    const receipt = receiptOf(page, orderNumber);
    await expect.poll(() => receipt.isVisible(), { timeout: 30_000 }).toBe(true);
    const tipRow = /Tip\s+(\$\d+\.\d{2})/.exec(await receipt.getByRole('region', { name: /^Payment: / }).innerText());
    expect(tipRow, 'the receipt shows the tip').not.toBeNull();
    const tip = cents(tipRow![1]);
    // The simulated customer tips 15 % of the goods.
    expect(Math.abs(tip - Math.round(due * 0.15))).toBeLessThanOrEqual(1);
    const charged = due + tip;
    expect(tip).toBeGreaterThan(0);

    // From history: the item and the tip back to the card, with the manager's PIN.
    const dialog = await openRefundDialog(page, orderNumber);
    const water = dialog.getByLabel(`Quantity to refund: ${WATER.name}`);
    await water.fill('1');
    await expect.poll(() => water.inputValue()).toBe('1');
    await dialog.getByRole('checkbox', { name: 'Refund the tip' }).check();
    await dialog.getByRole('radio', { name: 'Original payment' }).check();
    await approveAsManager(dialog, pins.manager, 'Customer returned it', 'Refund');
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);

    // The terminal refunds it: goods and tip together, to the card.
    const money = (minor: number) => `$${(minor / 100).toFixed(2)}`;
    const result = page.getByRole('status').filter({ hasText: /^Refund 1 / });
    await expect
      .poll(() => result.innerText(), { timeout: 30_000 })
      .toBe(`Refund 1 completed: ${money(charged)} · Card ${money(charged)}`);
    const refundRow = page
      .getByRole('table', { name: 'Refunds of this sale' })
      .getByRole('row')
      .filter({ hasText: '#1' });
    expect(await refundRow.innerText()).toContain(`tip ${money(tip)}`);
    await expect
      .poll(() => page.getByText('Everything paid on this sale has been refunded.').isVisible(), { timeout: 10_000 })
      .toBe(true);

    // Close the shift: nothing was taken in cash, so the drawer holds its (empty) float.
    const { close, figure } = await openCloseShift(page);
    await expect.poll(async () => cents(await figure('Expected').innerText()), { timeout: 10_000 }).toBe(0);
    await countDrawer(close, 0);
    await approveAsManager(close, pins.manager, 'End of day', 'Close shift');
    await expect.poll(() => close.count(), { timeout: 15_000 }).toBe(0);

    // The Z report: the CodePay tender with its tip and the refund, netting to zero.
    const z = page.getByRole('article', { name: 'Z report 1' });
    await expect.poll(() => z.isVisible(), { timeout: 10_000 }).toBe(true);
    const tenders = z.getByRole('table', { name: 'Tenders', exact: true });
    const codepay = await rowCells(tenders, tenders.getByRole('row').filter({ hasText: CODEPAY }));
    expect(cents(codepay['Taken'])).toBe(charged);
    expect(cents(codepay['Of which tips'])).toBe(tip);
    expect(cents(codepay['Refunded'])).toBe(charged);
    const zNet = cents(codepay['Net']);
    expect(zNet).toBe(0);
    const refunds = z.getByRole('table', { name: 'Refunds', exact: true });
    const refund = await rowCells(refunds, refunds.getByRole('row').filter({ hasText: `#1 of sale #${orderNumber}` }));
    expect(cents(refund['Amount'])).toBe(charged);
    expect(cents(refund['Of which tip'])).toBe(tip);
    expect(refund['Status']).toBe('completed');
    expect(await z.getByRole('table', { name: 'Tips', exact: true }).innerText()).toMatch(
      new RegExp(`Tips taken\\s+\\${money(tip)}[\\s\\S]*Tips refunded\\s+-\\${money(tip)}`),
    );
    const providers = z.getByRole('table', { name: 'Providers', exact: true });
    const provider = await rowCells(providers, providers.getByRole('row').filter({ hasText: CODEPAY }));
    expect(cents(provider['Given back'])).toBe(charged);
    expect(cents(provider['Net'])).toBe(zNet);
    expect(station.pageErrors).toEqual([]);

    // The terminal's own books: the manager closes its batch; its net total is the Z report's CodePay net.
    const host = await connectHost(station.host.origin, station.host.token);
    try {
      await host.invoke('pos:session.login', { userId: 'demo-manager', pin: pins.manager.pin });
      const batch = await host.invoke('pos:terminals.batchClose', { name: 'Lane 1' });
      expect(batch.ok).toBe(true);
      // The sale (goods + tip) and its refund (goods + tip).
      const [, count, total] = /^Batch closed: (\d+) transactions?, net (-?\d+\.\d{2}) CAD$/.exec(batch.message) ?? [];
      expect(batch.message, 'the batch close names its net total').toMatch(/net -?\d+\.\d{2} CAD$/);
      expect(Number(count)).toBe(2);
      expect(parseDecimalString(total, 'CAD')).toBe(zNet);
      const stored = await host.invoke('pos:reports.z', { number: 1, copy: true });
      expect(stored.providers.find((p) => p.label === CODEPAY)).toMatchObject({
        confirmed: { count: 1, amount: charged },
        givenBack: charged,
        net: parseDecimalString(total, 'CAD'),
      });
      expect(stored.tenders.find((t) => t.label === CODEPAY)).toMatchObject({
        amount: charged,
        tips: tip,
        refunded: charged,
        net: parseDecimalString(total, 'CAD'),
      });
    } finally {
      host.close();
    }
  }, 180_000);
});

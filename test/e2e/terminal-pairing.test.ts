/**
 * A CodePay terminal paired at the till by a manager, in Chromium against the headless
 * host (demo mode): Devices → the demo terminal asks to pair → accepted as "Lane 2" →
 * listed with its status, and offered as a tender on the payment screen.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { logInAsDemo, useStation, ringUpAndPay, SAMPLE, type Station } from './e2e-helpers';

describe('CodePay terminal pairing, in Chromium against the headless host', () => {
  let station: Station;
  let page: Page;

  useStation(
    (dataDir) => ({ demo: true, dataDir }),
    (opened) => {
      station = opened;
      page = opened.page;
    },
  );

  it('the manager accepts the demo terminal as Lane 2; it is listed and becomes a tender', async () => {
    await logInAsDemo(page, 'manager');
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Devices' }).click();
    const panel = page.getByRole('region', { name: 'CodePay terminals' });
    const terminals = panel.getByRole('table', { name: 'CodePay terminals' });
    await expect.poll(() => terminals.getByRole('rowheader', { name: 'Lane 1' }).count(), { timeout: 15_000 }).toBe(1);

    await panel.getByRole('button', { name: 'Demo terminal asks to pair' }).click();
    const asking = panel.getByRole('list', { name: 'Terminals asking to pair' }).getByRole('listitem');
    await expect.poll(() => asking.count(), { timeout: 15_000 }).toBe(1);
    await asking.getByRole('button', { name: /^Accept .* as…$/ }).click();
    const dialog = page.getByRole('dialog', { name: /^Accept / });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Terminal name').fill('Lane 2');
    await dialog.getByRole('button', { name: 'Accept', exact: true }).click();
    await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);

    const lane2 = terminals.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Lane 2' }) });
    await expect.poll(() => lane2.count(), { timeout: 15_000 }).toBe(1);
    expect(await lane2.innerText()).toContain('paired');
    expect(await asking.count()).toBe(0);

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Sale' }).click();
    await ringUpAndPay(page, SAMPLE.water.code, SAMPLE.water.name);
    const tenders = page.getByRole('region', { name: 'Card and wallet' });
    await expect
      .poll(() => tenders.getByRole('button', { name: 'Card (CodePay terminal) – Lane 2', exact: true }).isVisible(), {
        timeout: 15_000,
      })
      .toBe(true);
    expect(
      await tenders.getByRole('button', { name: 'Card (CodePay terminal) – Lane 1', exact: true }).isVisible(),
    ).toBe(true);
    expect(station.pageErrors).toEqual([]);
  }, 120_000);
});

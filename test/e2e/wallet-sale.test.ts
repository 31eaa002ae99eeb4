/**
 * A wallet sale: after ringing up, the cashier scans the customer's WeChat Pay code
 * with a keyboard-wedge scanner. Main recognises a payment code (never a product),
 * starts the wallet payment by itself, and the demo wallet approves it. The full code
 * must never appear on the page: a watcher installed before the app loads records any
 * moment the page's text or any field's value holds it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logInAsDemo, openStation, receiptOf, rowOf, SAMPLE, saleNumber, scan, type Station } from './e2e-helpers';

/** WeChat Pay: 18 digits starting 10–15 (DESIGN §5). */
const WECHAT_CODE = '134567890123456789';

/** Runs in the page before the app: flags any DOM state that shows the code in full. */
function watchFor(code: string): void {
  const seen = ((window as unknown as { __codeSeen: string[] }).__codeSeen = [] as string[]);
  const check = (where: string) => {
    const body = document.body;
    if (body && (body.innerText.includes(code) || body.innerHTML.includes(code))) seen.push(`text (${where})`);
    for (const field of document.querySelectorAll('input, textarea')) {
      if ((field as HTMLInputElement).value.includes(code))
        seen.push(`field ${field.outerHTML.slice(0, 80)} (${where})`);
    }
  };
  new MutationObserver(() => check('mutation')).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
  document.addEventListener('input', () => check('input'), true);
}

const codeSightings = (page: Page) => page.evaluate(() => (window as unknown as { __codeSeen: string[] }).__codeSeen);

describe('wallet sale (customer code scanned) in Chromium against the headless host', () => {
  let station: Station;
  let page: Page;

  beforeAll(async () => {
    station = await openStation((dataDir) => ({ demo: true, dataDir }));
    page = station.page;
    await page.addInitScript(watchFor, WECHAT_CODE);
    await page.goto(station.host.url);
  }, 90_000);

  afterAll(async () => {
    await station?.close();
  });

  it('a scanned WeChat code starts the payment by itself, the demo wallet approves, and the code is never shown', async () => {
    await logInAsDemo(page);
    const orderNumber = await saleNumber(page);
    await scan(page, SAMPLE.water.code);
    await expect.poll(() => rowOf(page, SAMPLE.water.name).count(), { timeout: 10_000 }).toBe(1);

    // The customer's code, scanned on the sale screen: no product lookup, no tender button pressed.
    await scan(page, WECHAT_CODE);
    // It moves to the payment screen (or, if the wallet is quick, already to the receipt).
    const moved = async () =>
      (await page.getByRole('heading', { name: `Payment — sale #${orderNumber}` }).isVisible()) ||
      (await receiptOf(page, orderNumber).isVisible());
    await expect.poll(moved, { timeout: 10_000 }).toBe(true);
    expect(
      await page
        .getByRole('alert')
        .filter({ hasText: /not found|unknown/i })
        .count(),
    ).toBe(0);

    // The demo wallet approves after a few status queries (every 2 s).
    const receipt = receiptOf(page, orderNumber);
    await expect.poll(() => receipt.isVisible(), { timeout: 45_000 }).toBe(true);
    const wallet = receipt.getByRole('region', { name: /^Payment: / });
    await expect.poll(() => wallet.count()).toBe(1);
    const block = await wallet.innerText();
    expect(block).toContain('WeChat Pay');
    expect(block).toMatch(/Wallet order #|Reference/);

    // Never the full code: not in the receipt, not in any message, not in any field, at any moment.
    expect(await page.content()).not.toContain(WECHAT_CODE);
    expect(await codeSightings(page)).toEqual([]);
    expect(station.pageErrors).toEqual([]);
  }, 120_000);
});

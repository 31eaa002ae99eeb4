/**
 * What every E2E test does the same way: start a headless host with its own config and
 * data directory, open the built renderer in Chromium collecting page errors, log in
 * with the demo PINs printed on the login screen, scan like a keyboard-wedge scanner,
 * read amounts off the screen, and act as a manager in the approval dialog.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium } from '../support/browser';
import { HOST_ENTRY, startHost, writeConfig, type HostProcess } from '../support/host-process';

/** From resources/sample-catalogue.csv. */
export const SAMPLE = {
  water: { code: '2000000010007', name: 'Sparkling water 500 ml' },
  chocolate: { code: '2000000010151', name: 'Dark chocolate bar 100 g' },
  /** No tax: one loaf is exactly $5.50, so a refund of one keeps the drawer countable in nickels. */
  sourdough: { code: '2000000010045', name: 'Sourdough loaf' },
} as const;

export interface Station {
  dir: string;
  host: HostProcess;
  browser: Browser;
  page: Page;
  /** Uncaught page errors, failed requests and console errors seen so far. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * Starts a host on a fresh data directory with `config(dataDir)` and opens the renderer.
 * Needs `npm run build` first (npm test does it).
 */
export async function openStation(config: (dataDir: string) => Record<string, unknown>): Promise<Station> {
  if (!existsSync(HOST_ENTRY)) throw new Error(`${HOST_ENTRY} is missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), 'countertop-e2e-'));
  const pageErrors: string[] = [];
  let host: HostProcess | undefined;
  let browser: Browser | undefined;
  try {
    host = await startHost(writeConfig(dir, config(join(dir, 'data'))));
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
    });
    page.on('console', (message) => {
      // A <meta> CSP cannot carry frame-ancestors; the host sends it as a header too.
      const text = message.text();
      // Resource failures are reported with their URL by the response listener.
      if (
        message.type() === 'error' &&
        !text.includes('frame-ancestors') &&
        !text.startsWith('Failed to load resource')
      )
        pageErrors.push(text);
    });
    const opened = host;
    const openedBrowser = browser;
    return {
      dir,
      host: opened,
      browser: openedBrowser,
      page,
      pageErrors,
      async close() {
        await openedBrowser.close();
        await opened.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await host?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export interface DemoPin {
  name: string;
  pin: string;
}

/** The demo PINs the login screen prints, by role. */
export async function readDemoPins(page: Page): Promise<Record<'cashier' | 'manager', DemoPin>> {
  const pins = page.getByRole('region', { name: 'Demo PINs' });
  const read = async (role: 'cashier' | 'manager'): Promise<DemoPin> => {
    const text = await pins.getByText(new RegExp(`\\(${role}\\)`)).innerText();
    const [, name, pin] = new RegExp(`^(.*) \\(${role}\\): (\\d+)$`).exec(text.trim())!;
    return { name, pin };
  };
  return { cashier: await read('cashier'), manager: await read('manager') };
}

/** Presses the digits on a PIN pad (the login screen's, or a dialog's when scoped to it). */
export async function typePin(scope: Page | Locator, pin: string): Promise<void> {
  for (const digit of pin)
    await scope.getByRole('group', { name: 'PIN pad' }).getByRole('button', { name: digit, exact: true }).click();
}

/** Logs in with a demo user's printed PIN; resolves with every demo PIN for later approvals. */
export async function logInAsDemo(
  page: Page,
  role: 'cashier' | 'manager' = 'cashier',
): Promise<Record<'cashier' | 'manager', DemoPin>> {
  await expect.poll(() => page.getByRole('heading', { name: 'Log in' }).isVisible(), { timeout: 15_000 }).toBe(true);
  const pins = await readDemoPins(page);
  await page.getByRole('button', { name: new RegExp(`^${pins[role].name}`) }).click();
  await typePin(page, pins[role].pin);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect
    .poll(() => page.getByRole('heading', { name: /^Sale #\d+$/ }).isVisible(), { timeout: 15_000 })
    .toBe(true);
  return pins;
}

/** Gap between a scanner's keys (a real one sends a key every 2–10 ms). */
const SCAN_KEY_GAP_S = 0.005;

function scanKey(ch: string): { key: string; code: string; text: string; vk: number } {
  if (ch === '\n') return { key: 'Enter', code: 'Enter', text: '\r', vk: 13 };
  if (/\d/.test(ch)) return { key: ch, code: `Digit${ch}`, text: ch, vk: ch.charCodeAt(0) };
  if (/[a-z]/i.test(ch))
    return { key: ch, code: `Key${ch.toUpperCase()}`, text: ch, vk: ch.toUpperCase().charCodeAt(0) };
  return { key: ch, code: '', text: ch, vk: 0 };
}

/**
 * A keyboard-wedge scanner: a burst of real (trusted) key events, then Enter. The keys
 * carry their own timestamps 5 ms apart, as a scanner's do, and are sent in one go:
 * typing them one CDP round trip at a time lets a busy test machine stretch a single
 * gap past the detector's 50 ms and split the scan into "typing", which no scanner does.
 */
export async function scan(page: Page, code: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const start = Date.now() / 1000;
    await Promise.all(
      [...code, '\n'].flatMap((ch, i) => {
        const { key, code: keyCode, text, vk } = scanKey(ch);
        const timestamp = start + i * SCAN_KEY_GAP_S;
        const common = { key, code: keyCode, windowsVirtualKeyCode: vk, nativeVirtualKeyCode: vk };
        return [
          cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', ...common, text, unmodifiedText: text, timestamp }),
          cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', ...common, timestamp: timestamp + SCAN_KEY_GAP_S / 2 }),
        ];
      }),
    );
  } finally {
    await cdp.detach();
  }
}

/**
 * The first amount in a text, in minor units, whatever the locale writes:
 * "$1,234.50" → 123450, "1.234,50 €" → 123450, "Due 6.85" → 685.
 */
export function cents(text: string): number {
  const match = /(\d{1,3}(?:[,.\s\u00a0\u202f]\d{3})*|\d+)[.,](\d{2})(?!\d)/.exec(text);
  if (!match) throw new Error(`no amount in "${text}"`);
  return Number(match[1].replace(/\D/g, '')) * 100 + Number(match[2]);
}

/** The sale heading's number. */
export async function saleNumber(page: Page): Promise<number> {
  return Number((await page.getByRole('heading', { name: /^Sale #\d+$/ }).innerText()).replace(/\D/g, ''));
}

/** The cart's rows, and the one for an item. */
export const cartRows = (page: Page) => page.getByRole('table', { name: 'Items in this sale' }).locator('tbody tr');
export const rowOf = (page: Page, name: string) =>
  cartRows(page).filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}`) }) });

/** Rings up one item by scan and opens the payment screen; resolves with the order number and amount due. */
export async function ringUpAndPay(
  page: Page,
  code: string,
  name: string,
): Promise<{ orderNumber: number; due: number }> {
  const orderNumber = await saleNumber(page);
  await scan(page, code);
  await expect.poll(() => rowOf(page, name).count(), { timeout: 10_000 }).toBe(1);
  await page.keyboard.press('F4');
  await expect
    .poll(() => page.getByRole('heading', { name: `Payment — sale #${orderNumber}` }).isVisible(), { timeout: 10_000 })
    .toBe(true);
  return { orderNumber, due: cents(await page.locator('.amount-due').innerText()) };
}

/** The virtual terminal panel (demo mode). */
export const virtualTerminal = (page: Page) => page.getByRole('region', { name: 'Virtual terminal' });

/** Waits for the one payment waiting on the virtual terminal and plays the customer's part. */
export async function customerDoes(
  page: Page,
  action: 'Customer approves' | 'Approves with tip' | 'Declines' | 'Walks away',
): Promise<void> {
  const button = virtualTerminal(page).getByRole('button', { name: action, exact: true });
  await expect.poll(() => button.count(), { timeout: 20_000 }).toBe(1);
  await button.click();
}

/** The receipt on screen for an order. */
export const receiptOf = (page: Page, orderNumber: number) =>
  page.getByRole('article', { name: `Receipt for order ${orderNumber}` });

/**
 * Fills the manager approval dialog (the only manager is preselected; the PIN goes in
 * on the dialog's own pad) and approves.
 */
export async function approveAsManager(
  dialog: Locator,
  manager: DemoPin,
  reason: string,
  submit: string,
): Promise<void> {
  await dialog.getByRole('radio', { name: manager.name }).check();
  await typePin(dialog, manager.pin);
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: submit, exact: true }).click();
}

/** The order's payment list on the receipt screen, and the entry of its card or wallet payment (kind "Payment"). */
export const orderPayments = (page: Page) => page.getByRole('list', { name: 'Payments on this order' });
export const salePayment = (page: Page) =>
  orderPayments(page)
    .getByRole('listitem')
    .filter({ hasText: /^Payment · / });

/** Opens the sale from history (F8) and its refund dialog, returning the dialog. */
export async function openRefundDialog(page: Page, orderNumber: number): Promise<Locator> {
  await page.keyboard.press('F8');
  const open = page.getByRole('button', { name: `Open order ${orderNumber}` });
  await expect.poll(() => open.isVisible(), { timeout: 15_000 }).toBe(true);
  await open.click();
  await expect.poll(() => receiptOf(page, orderNumber).isVisible(), { timeout: 10_000 }).toBe(true);
  await page.getByRole('button', { name: 'Refund…' }).click();
  const dialog = page.getByRole('dialog', { name: `Refund sale #${orderNumber}` });
  await expect.poll(() => dialog.isVisible()).toBe(true);
  return dialog;
}

/** Opens the shift screen (F9) and its close dialog; `figure` reads one of its cash figures (Expected, Counted, Variance). */
export async function openCloseShift(page: Page): Promise<{ close: Locator; figure(what: string): Locator }> {
  await page.keyboard.press('F9');
  await expect
    .poll(() => page.getByRole('heading', { name: /^Shift \d+ is open$/ }).isVisible(), { timeout: 10_000 })
    .toBe(true);
  await page.getByRole('button', { name: 'Close shift…' }).click();
  const close = page.getByRole('dialog', { name: 'Close shift' });
  await expect.poll(() => close.isVisible()).toBe(true);
  return {
    close,
    figure: (what) => close.locator('.cash-compare div').filter({ has: page.getByText(what, { exact: true }) }),
  };
}

/** The Canadian notes and coins the drawer count asks for (label of its field, value in cents). */
const CAD_PIECES: [string, number][] = [
  ['$100 notes', 10000],
  ['$50 notes', 5000],
  ['$20 notes', 2000],
  ['$10 notes', 1000],
  ['$5 notes', 500],
  ['$2 coins', 200],
  ['$1 coins', 100],
  ['25¢ coins', 25],
  ['10¢ coins', 10],
  ['5¢ coins', 5],
];

/** Types a drawer count that adds up to exactly `amount` cents, fewest pieces first, into the count fields in `scope`. */
export async function countDrawer(scope: Locator, amount: number): Promise<void> {
  let rest = amount;
  for (const [label, value] of CAD_PIECES) {
    const count = Math.floor(rest / value);
    rest -= count * value;
    if (count > 0) await scope.getByLabel(label, { exact: true }).fill(String(count));
  }
  if (rest !== 0) throw new Error(`${amount} cents cannot be counted in Canadian notes and coins`);
}

/**
 * Opens a station for the describe block (before its tests) and closes it after;
 * `ready` hands the opened station to the test's own variables.
 */
export function useStation(
  config: (dataDir: string) => Record<string, unknown>,
  ready: (station: Station) => void,
): void {
  let opened: Station | undefined;
  beforeAll(async () => {
    opened = await openStation(config);
    ready(opened);
    await opened.page.goto(opened.host.url);
  }, 90_000);
  afterAll(async () => {
    await opened?.close();
  });
}

import type { Page } from 'playwright-core';
import { it } from 'vitest';
import { openStation } from './e2e-helpers';
async function burst(page: Page, code: string) {
  const cdp = await page.context().newCDPSession(page);
  const start = Date.now() / 1000;
  const keys = [...code].map((ch) => ({ key: ch, code: /\d/.test(ch) ? `Digit${ch}` : `Key${ch.toUpperCase()}`, text: ch, vk: ch.toUpperCase().charCodeAt(0) }));
  keys.push({ key: 'Enter', code: 'Enter', text: '\r', vk: 13 });
  const sends = keys.flatMap((k, i) => {
    const timestamp = start + i * 0.005;
    return [
      cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: k.key, code: k.code, text: k.text, unmodifiedText: k.text, windowsVirtualKeyCode: k.vk, nativeVirtualKeyCode: k.vk, timestamp }),
      cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: k.key, code: k.code, windowsVirtualKeyCode: k.vk, nativeVirtualKeyCode: k.vk, timestamp: timestamp + 0.002 }),
    ];
  });
  await Promise.all(sends);
  await cdp.detach();
}
it('gaps', async () => {
  const station = await openStation((dataDir) => ({ demo: true, dataDir }));
  const { page } = station;
  try {
    await page.addInitScript(() => {
      const t: number[] = [];
      (window as any).__t = t;
      window.addEventListener('keydown', (e) => t.push(e.timeStamp), true);
    });
    await page.goto(station.host.url);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    const out: string[] = [];
    for (let round = 0; round < 15; round++) {
      await page.evaluate(() => { (window as any).__t.length = 0; });
      await burst(page, '134567890123456789');
      await page.waitForTimeout(100);
      const t: number[] = await page.evaluate(() => (window as any).__t);
      const gaps = t.slice(1).map((x, i) => x - t[i]);
      out.push(`${t.length} max ${Math.max(...gaps).toFixed(1)} avg ${(gaps.reduce((a, b) => a + b, 0) / gaps.length).toFixed(1)}`);
    }
    console.log('GAPS', out.join(' | '));
  } finally { await station.close(); }
}, 120000);

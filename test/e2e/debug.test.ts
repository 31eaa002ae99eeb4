import { it } from 'vitest';
import { logInAsDemo, openStation, SAMPLE, scan } from './e2e-helpers';
it('debug', async () => {
  const station = await openStation((dataDir) => ({ demo: true, dataDir }));
  const { page } = station;
  try {
    await page.goto(station.host.url);
    await logInAsDemo(page);
    console.log('focused', await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200)));
    await scan(page, SAMPLE.water.code);
    await page.waitForTimeout(1500);
    console.log(await page.locator('body').innerText());
    await page.screenshot({ path: '/tmp/debug.png' });
    console.log(station.pageErrors);
  } finally { await station.close(); }
}, 60000);

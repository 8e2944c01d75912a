/**
 * `npx tsx scripts/console-screens.ts [folder]`: screenshots of the console for a closing note, in
 * Chromium (zh-CN, Asia/Shanghai, 1600x900) against nine simulated cameras and the gateway in its
 * own process: `console-lost-video.png` (one camera taken off the network: its tile shows the
 * lost-video overlay over the dimmed last picture, the others play) and `console-saved-view.png`
 * (a saved view, 夜班大门 with the 9th camera in cell 1, restored after a reload). Default folder:
 * /work/screens. Not a test: it checks only that what it photographs is on the page.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { waitUntil } from '../bench/lib/console-timings.js';
import { login, startGateway, stopDashboardRun } from '../bench/lib/dashboard-gateway.js';
import { launchChromium } from '../test/helpers/browser.js';
import { startCameras } from '../test/dashboard/helpers.js';

const folder = resolve(process.argv[2] ?? '/work/screens');
mkdirSync(folder, { recursive: true });

async function allPlaying(page: Page, count: number): Promise<void> {
  await waitUntil(async () => (await page.locator('.grid .tile[data-frames="yes"]').count()) >= count && (await page.locator('.grid .tile-lost').count()) === 0, 60_000, `${count} tiles playing`, 200);
}

const dataDir = mkdtempSync(join(tmpdir(), 'cg-screens-'));
const { cameras, config } = await startCameras(9);
const gateway = await startGateway(dataDir, config);
const browser = await launchChromium();
try {
  const token = await login(gateway.url);
  const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await context.addCookies([{ name: 'cg_token', value: token, url: gateway.url, httpOnly: true, sameSite: 'Strict' }]);
  const page = await context.newPage();
  await page.goto(gateway.url);
  await page.click('.toolbar button[data-layout="4"]');
  await allPlaying(page, 4);
  await page.waitForTimeout(2000);

  // Lost video: 西门 (cam-2) leaves the network; its overlay names it and the reason.
  await cameras[1]!.control.goOffline();
  await page.locator('.grid .tile[data-camera="cam-2"] .tile-lost', { hasText: '视频丢失' }).waitFor({ timeout: 15_000 });
  await page.waitForTimeout(4000); // "since" reads a few seconds
  const lost = (await page.locator('.grid .tile[data-camera="cam-2"] .tile-lost').innerText()).replace(/\s+/g, ' ');
  await page.screenshot({ path: join(folder, 'console-lost-video.png') });
  console.log(`console-lost-video.png: cam-2 overlay "${lost}"`);
  await cameras[1]!.control.goOnline();
  await allPlaying(page, 4);

  // A saved view: 广场 (cam-9) in cell 1 of the 4-view, saved as 夜班大门; the grid is changed,
  // then the page reloaded: the last view comes back.
  await page.locator('.grid .cell[data-cell="0"] .tile-select').click();
  await page.locator('.camera-list .camera-item[data-camera="cam-9"]').click();
  await page.fill('input[name=view-name]', '夜班大门');
  await page.click('.saved-views button[type=submit]');
  await page.locator('.saved-views [role=status]', { hasText: '夜班大门' }).waitFor();
  await page.waitForTimeout(800); // the current grid reaches the gateway (debounced 300 ms)
  await page.reload();
  await page.locator('.grid .cell[data-cell="0"] .tile[data-camera="cam-9"]').waitFor({ timeout: 15_000 });
  await allPlaying(page, 4);
  await page.waitForTimeout(1500);
  const chosen = await page.locator('select[name=saved-view] option:checked').innerText();
  await page.screenshot({ path: join(folder, 'console-saved-view.png') });
  console.log(`console-saved-view.png: after reload the view "${chosen}" with cell 1 = ${await page.locator('.grid .cell[data-cell="0"] .tile').getAttribute('data-camera')}`);
  await context.close();
} finally {
  await stopDashboardRun({ browser, gateway, cameras, dataDir });
}
process.exit(0);

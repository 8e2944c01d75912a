/**
 * Browser timings of the console and the TV wall for `npm run bench -- dashboard`: first picture,
 * a camera dragged into a cell, a wall page switch, and a lost camera's overlay.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { RunningCamera } from '../../simulators/onvif-camera/index.js';

export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, stepMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A browser context logged in with the session cookie (what the login form sets). */
export async function loggedIn(browser: Browser, url: string, token: string, viewport = { width: 1600, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  await context.addCookies([{ name: 'cg_token', value: token, url, httpOnly: true, sameSite: 'Strict' }]);
  return context;
}

/** Pictures drawn by the player in the first tile matched by `selector` (0 when none yet); read from the page (the tiles play in it). */
export async function tileFrames(page: Page, selector: string): Promise<number> {
  return page
    .evaluate((sel) => {
      const host = document.querySelector(`${sel} .tile-video`);
      return (host as (Element & { cgPlayer?: { frames: number } }) | null)?.cgPlayer?.frames ?? 0;
    }, selector)
    .catch(() => 0);
}

/**
 * When the first of the page's tiles (or of those matched by `selector`) showed its first picture,
 * by the page's own clock (epoch ms; 0 when none yet). The page notes it as the picture is shown, so
 * a poll that gets through a busy page late does not count its own delay.
 */
async function firstPictureAt(page: Page, selector = '.tile'): Promise<number> {
  return page
    .evaluate((sel) => {
      const times = [...document.querySelectorAll(`${sel} .tile-video`)].map((f) => (f as Element & { cgPlayer?: { firstFrameAt?: number } }).cgPlayer?.firstFrameAt ?? 0).filter((t) => t > 0);
      return times.length ? Math.min(...times) : 0;
    }, selector)
    .catch(() => 0);
}

/** Console open (logged in) -> the first tile with a picture. */
export async function firstTileMs(browser: Browser, url: string, token: string): Promise<number> {
  const context = await loggedIn(browser, url, token);
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(url);
  let shownAt = 0;
  await waitUntil(async () => (shownAt = await firstPictureAt(page)) > 0, 90_000, 'the first tile');
  await context.close();
  return shownAt - started;
}

/** A camera put from the list into cell 1 -> its first picture there, for each camera in turn. */
export async function cellChangeMs(browser: Browser, url: string, token: string, cameraIds: readonly string[]): Promise<number[]> {
  const context = await loggedIn(browser, url, token);
  const page = await context.newPage();
  await page.goto(url);
  await page.click('.toolbar button[data-layout="4"]');
  await page.locator('.grid .cell[data-cell="0"]').waitFor();
  const times: number[] = [];
  for (const id of cameraIds) {
    // Cell 1 is the selected cell: a click on the camera in the list puts it there (as a drag does).
    await page.locator('.grid .cell[data-cell="0"] .tile-select').click();
    const started = Date.now();
    await page.locator(`.camera-list .camera-item[data-camera="${id}"]`).click();
    let shownAt = 0;
    await waitUntil(async () => (shownAt = await firstPictureAt(page, `.grid .cell[data-cell="0"] .tile[data-camera="${id}"]`)) > 0, 90_000, `${id} in cell 1`);
    times.push(shownAt - started);
  }
  await context.close();
  return times;
}

interface SwitchRecord {
  at: number;
  tiles: Array<{ camera: string; frames: number; lastFrameAt: number }>;
}

/**
 * A wall rotating its pages: per switch, the longest a tile of the new page went without a picture
 * (from its last picture before the switch, or from the switch to its first picture).
 */
export async function pageSwitchGapsMs(browser: Browser, url: string, wallToken: string, cameraIds: readonly string[], switches: number): Promise<number[]> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.goto(`${url}/wall?layout=2x2&cameras=${cameraIds.join(',')}&rotate=12&token=${wallToken}`);
  const read = () => page.evaluate(() => (window as unknown as { cgWall: { switches: SwitchRecord[] } }).cgWall.switches);
  const gaps: number[] = [];
  for (let n = 1; n <= switches; n++) {
    await waitUntil(async () => (await read()).length >= n, 60_000, `wall switch ${n}`, 50);
    const s = (await read())[n - 1]!;
    let gap = 0;
    for (const tile of s.tiles) {
      if (tile.frames > 0) gap = Math.max(gap, s.at - tile.lastFrameAt);
      else {
        // A stream that fails (the gateway retries it) shows "video lost", not a picture: count the
        // wait up to 30 s, then report it as such instead of ending the benchmark.
        await waitUntil(async () => (await tileFrames(page, `.wall-grid .tile[data-camera="${tile.camera}"]`)) > 0, 30_000, `${tile.camera} after the switch`).catch(() => undefined);
        gap = Math.max(gap, Date.now() - s.at);
        console.log(`wall switch ${n}: ${tile.camera} had no picture at the switch (stream ${JSON.stringify(tile)})`);
      }
    }
    gaps.push(gap);
  }
  await context.close();
  return gaps;
}

/** A camera killed (leaves the network) -> its console tile shows the lost-video overlay; then it comes back. */
export async function lostOverlayMs(browser: Browser, url: string, token: string, camera: RunningCamera, cameraId: string, runs: number): Promise<number[]> {
  const context = await loggedIn(browser, url, token);
  const page = await context.newPage();
  await page.goto(url);
  await page.click('.toolbar button[data-layout="4"]');
  await page.locator('.grid .cell[data-cell="1"] .tile-select').click();
  await page.locator(`.camera-list .camera-item[data-camera="${cameraId}"]`).click();
  const tile = `.grid .tile[data-camera="${cameraId}"]`;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await waitUntil(async () => (await tileFrames(page, tile)) > 0 && (await page.locator(`${tile} .tile-lost`).count()) === 0, 60_000, `${cameraId} playing`, 50);
    await new Promise((r) => setTimeout(r, 1000));
    const started = performance.now();
    if (i % 2 === 0) await camera.control.goOffline();
    else camera.control.hangVideo(true);
    await waitUntil(async () => ((await page.locator(`${tile} .tile-lost`).textContent({ timeout: 100 }).catch(() => '')) ?? '').length > 0, 15_000, 'the lost overlay');
    times.push(performance.now() - started);
    if (i % 2 === 0) await camera.control.goOnline();
    else camera.control.hangVideo(false);
  }
  await context.close();
  return times;
}

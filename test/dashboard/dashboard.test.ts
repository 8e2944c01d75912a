import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCamera } from '../../simulators/onvif-camera/index.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { SCREENSHOTS, loginThroughForm, playingTiles, startCameras, tilePlayers, waitForTilePlaying } from './helpers.js';

let cameras: RunningCamera[];
let gw: TestGateway;
let browser: Browser;
/** The data directory a restarted gateway reuses (removed at the end). */
let reusedDataDir: string | undefined;

beforeAll(async () => {
  const started = await startCameras(9);
  cameras = started.cameras;
  gw = await startTestGateway({ config: { ...started.config, streaming: { graceMs: 1000 } } });
  await waitFor(() => gw.gateway.mirror.snapshot().filter((m) => /^cameras\/[^/]+\/state$/.test(m.topic) && (m.payload as { online: boolean }).online).length === 9, 20_000, 'nine cameras online');
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  await Promise.all((cameras ?? []).map((c) => c.stop()));
  if (reusedDataDir) rmSync(reusedDataDir, { recursive: true, force: true });
});

const pan = (i: number) => cameras[i]!.state.ptz.panDeg;

describe('officer console', () => {
  it('logs in and shows moving video in the grid', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await loginThroughForm(page, gw.url, 'officer');
    await page.waitForSelector('.grid .tile');
    for (const id of ['cam-1', 'cam-2', 'cam-3', 'cam-4']) await waitForTilePlaying(page, id);
    const tile = page.locator('.tile[data-camera="cam-1"]');
    const first = await tile.screenshot();
    await page.waitForTimeout(1500);
    const second = await tile.screenshot();
    expect(first.equals(second)).toBe(false);
    // The session token lives only in the HttpOnly cookie: not in storage, not readable by script.
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
    expect(stored).not.toMatch(/cg_token|[A-Za-z0-9_-]{43}/);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'cg_token')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // No console errors, CSP violations included.
    await page.close();
  }, 90_000);

  it('drags right to pan the focused camera, stops on release, saves and goes to a preset', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await loginThroughForm(page, gw.url, 'officer');
    await page.click('.tile[data-camera="cam-1"] .tile-select');
    const pad = page.locator('.ptz-pad');
    await pad.waitFor();
    await waitForTilePlaying(page, 'cam-1');
    const box = (await pad.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;

    const before = pan(0);
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + box.width * 0.4, cy, { steps: 5 });
    await waitFor(() => pan(0) > before + 3, 5000, 'the simulator to pan right');
    await page.mouse.up();
    await waitFor(() => cameras[0]!.state.ptz.panTiltStatus === 'IDLE', 1500, 'the camera to stop after release');
    const stoppedAt = pan(0);
    await page.waitForTimeout(600);
    expect(Math.abs(pan(0) - stoppedAt)).toBeLessThan(0.5);

    await page.fill('#preset-name', '大门');
    await page.click('text=保存当前位置');
    const presetButton = page.locator('ul.presets button', { hasText: '大门' });
    await presetButton.waitFor();
    const saved = pan(0);
    // Move away with the keyboard, then go back to the preset.
    await pad.focus();
    await page.keyboard.down('ArrowRight');
    await waitFor(() => pan(0) > saved + 3, 5000, 'the arrow key to pan');
    await page.keyboard.up('ArrowRight');
    await waitFor(() => cameras[0]!.state.ptz.panTiltStatus === 'IDLE', 1500, 'stop after the arrow key');
    await presetButton.click();
    await waitFor(() => Math.abs(pan(0) - saved) < 1, 10_000, 'the camera to return to the preset');

    await page.screenshot({ path: join(SCREENSHOTS, 'console.png') });
    await page.close();
  });
});

describe('TV wall', () => {
  it('shows nine playing tiles with a wall token, and a refusal without a valid one', async () => {
    const admin = await gw.login('admin');
    const created = (await (await gw.api('/api/wall-tokens', { method: 'POST', token: admin, json: { label: 'guard room TV' } })).json()) as { token: string };
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${gw.url}/wall?layout=3x3&token=${created.token}`);
    await page.waitForSelector('.wall-grid');
    await waitFor(async () => (await playingTiles(page)) === 9, 40_000, 'nine playing tiles');
    expect(await page.locator('.wall-grid .tile').count()).toBe(9);
    await expect(page.locator('.wall-clock').textContent()).resolves.toMatch(/\d{2}:\d{2}:\d{2}/);
    await page.screenshot({ path: join(SCREENSHOTS, 'wall.png') });

    // A network drop: the gateway goes away and comes back on the same address; every tile
    // reconnects by itself (the wall token lives in the database, so it still works).
    const port = Number(new URL(gw.url).port);
    const { config, dataDir } = gw;
    await gw.gateway.stop();
    reusedDataDir = dataDir;
    gw = await startTestGateway({ dataDir, config: { http: { port }, cameras: config.cameras, streaming: { graceMs: 1000 } } });
    await waitFor(async () => {
      const states = await tilePlayers(page);
      return states.length === 9 && states.every((s) => s.connects >= 2 && s.status === 'playing');
    }, 40_000, 'every tile to reconnect and play again');
    await page.close();

    const refused = await browser.newPage();
    await refused.goto(`${gw.url}/wall?layout=3x3&token=not-a-valid-token`);
    await refused.waitForSelector('.wall.refused');
    expect(await refused.textContent('.wall.refused')).toContain('电视墙链接无效');
    expect(await refused.locator('.tile-video, video').count()).toBe(0);
    await refused.close();
  });
});

describe('phone view', () => {
  it('plays one camera and pans it with a touch drag on the pad', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await loginThroughForm(page, `${gw.url}/phone`, 'officer');
    await page.waitForSelector('.phone .tile');
    const cameraId = await page.locator('.phone .tile').getAttribute('data-camera');
    const index = Number(cameraId!.split('-')[1]) - 1;
    await waitForTilePlaying(page, cameraId!);
    const box = (await page.locator('.ptz-pad').boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const before = pan(index);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
    for (let step = 1; step <= 5; step++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x + (box.width * 0.4 * step) / 5, y }] });
    await waitFor(() => pan(index) > before + 3, 5000, 'a touch drag to pan the camera');
    await page.screenshot({ path: join(SCREENSHOTS, 'phone.png') });
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await waitFor(() => cameras[index]!.state.ptz.panTiltStatus === 'IDLE', 1500, 'the camera to stop when the finger lifts');
    await context.close();
  });
});

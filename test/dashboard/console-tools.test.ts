/**
 * The console's tile tools and the phone layout (issue 15), in Chromium against four simulated
 * cameras: box zoom moves the camera toward the box, a snapshot downloads a JPEG named
 * camera+time, scrolling zooms the picture with no PTZ command reaching the camera, full screen of
 * a tile and of the grid, and the phone (44 px targets, one-row header, landscape full-screen
 * video, the holder's name, takeover for admins).
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCamera } from '../../simulators/onvif-camera/index.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, TEST_USERS, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { loginThroughForm, startCameras, waitForTilePlaying } from './helpers.js';

let cameras: RunningCamera[];
let gw: TestGateway;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  const started = await startCameras(4);
  cameras = started.cameras;
  const users = Object.values(TEST_USERS).map((u) => ({ name: u.name, password: u.password, role: u.role, ...(u.name === 'officer' ? { displayName: '张值班' } : {}) }));
  gw = await startTestGateway({ config: { ...started.config, auth: { users }, streaming: { graceMs: 1000 } } });
  await waitFor(() => gw.gateway.mirror.snapshot().filter((m) => /^cameras\/[^/]+\/state$/.test(m.topic) && (m.payload as { online: boolean }).online).length === 4, 30_000, 'four cameras online');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await gw?.stop();
  await Promise.all((cameras ?? []).map((c) => c.stop()));
});

async function newPage(viewport = { width: 1600, height: 900 }, extra: Parameters<Browser['newContext']>[0] = {}): Promise<Page> {
  const context = await browser.newContext({ viewport, ...extra });
  contexts.push(context);
  return context.newPage();
}

const PTZ_OPERATIONS = /Move|Stop|GotoPreset|GotoHomePosition/;
const ptzCallsSince = (i: number, at: number) => cameras[i]!.state.soapCalls.filter((c) => c.at >= at && PTZ_OPERATIONS.test(c.operation));

describe('tile tools', () => {
  it('scrolling zooms the picture without moving the camera; snapshot downloads a JPEG; full screen of a tile and of the grid', async () => {
    const page = await newPage();
    await loginThroughForm(page, gw.url, 'officer');
    await page.click('.toolbar button[data-layout="4"]');
    for (const id of ['cam-1', 'cam-2']) await waitForTilePlaying(page, id, 60_000);
    const tile = (id: string) => `.grid .tile[data-camera="${id}"]`;

    // Digital zoom on cam-2: the picture grows, the camera receives no PTZ command.
    const wheelAt = Date.now();
    const frameBefore = (await page.locator(`${tile('cam-2')} .tile-video`).boundingBox())!;
    const t2 = (await page.locator(tile('cam-2')).boundingBox())!;
    await page.mouse.move(t2.x + t2.width * 0.3, t2.y + t2.height * 0.3);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -120);
    await page.locator(`${tile('cam-2')} .tile-tool`, { hasText: '×' }).waitFor({ timeout: 3000 });
    const frameAfter = (await page.locator(`${tile('cam-2')} .tile-video`).boundingBox())!;
    expect(frameAfter.width).toBeGreaterThan(frameBefore.width * 1.5);
    await page.waitForTimeout(500);
    expect(ptzCallsSince(1, wheelAt)).toEqual([]);
    // The zoom button puts the picture back.
    await page.click(`${tile('cam-2')} .tile-tool:has-text("×")`);
    expect((await page.locator(`${tile('cam-2')} .tile-video`).boundingBox())!.width).toBeCloseTo(frameBefore.width, 0);

    // Snapshot of cam-2 (西门): a JPEG download named after the camera and the time.
    const download = page.waitForEvent('download');
    await page.click(`${tile('cam-2')} .tile-tool.snapshot`);
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^西门_\d{8}-\d{6}\.jpg$/);
    const bytes = readFileSync((await file.path())!);
    expect(bytes.length).toBeGreaterThan(1000);
    expect([bytes[0], bytes[1], bytes[2]]).toEqual([0xff, 0xd8, 0xff]); // SOI + a marker
    expect([bytes[bytes.length - 2], bytes[bytes.length - 1]]).toEqual([0xff, 0xd9]); // EOI

    // Full screen: the tile, then the grid with its toolbar.
    const fullscreenClass = () => page.evaluate(() => document.fullscreenElement?.className ?? null);
    await page.click(`${tile('cam-2')} .tile-tool.fullscreen`);
    await waitFor(async () => /\btile\b/.test((await fullscreenClass()) ?? ''), 3000, 'the tile in full screen');
    expect(await page.evaluate(() => document.fullscreenElement?.getAttribute('data-camera'))).toBe('cam-2');
    await page.evaluate(() => document.exitFullscreen());
    await waitFor(async () => (await fullscreenClass()) === null, 3000, 'full screen to end');
    await page.click('.grid-area .toolbar button[aria-label="全屏显示画面"]');
    await waitFor(async () => ((await fullscreenClass()) ?? '').includes('grid-area'), 3000, 'the grid in full screen');
    await page.evaluate(() => document.exitFullscreen());
  }, 150_000);

  // The cell under the aim layer is not draggable: an HTML drag of the cell (to swap tiles) used to
  // start with the box, cancel its pointer events and send no RelativeMove at all.
  it('box zoom moves the camera toward the box', async () => {
    const page = await newPage();
    await loginThroughForm(page, gw.url, 'officer');
    await page.click('.toolbar button[data-layout="4"]');
    await waitForTilePlaying(page, 'cam-1', 60_000);
    const tile = (id: string) => `.grid .tile[data-camera="${id}"]`;
    // Box zoom on cam-1: a box right of centre turns the camera right and zooms in.
    await page.click(`${tile('cam-1')} .tile-select`);
    await page.check('input[name=aim]');
    await waitFor(() => cameras[0]!.state.ptz.panTiltStatus === 'IDLE', 3000, 'idle before the box');
    const { panDeg: pan0, zoom: zoom0 } = cameras[0]!.state.ptz;
    const boxAt = Date.now();
    const box = (await page.locator(tile('cam-1')).boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.5, { steps: 4 });
    await page.mouse.move(box.x + box.width * 0.85, box.y + box.height * 0.6, { steps: 4 });
    // The officer sees the box while dragging.
    expect(await page.locator(`${tile('cam-1')} .aim-box`).count()).toBe(1);
    await page.mouse.up();
    const turned = () => ((cameras[0]!.state.ptz.panDeg - pan0 + 540) % 360) - 180;
    // The box's centre is a quarter of the picture right of centre (15 degrees of the 60 at 1x); its
    // width a fifth of the picture (zoom in by about 5x). The simulated camera moves at its own speed.
    const ptz = () => cameras[0]!.state.ptz;
    await waitFor(() => ptz().panTiltStatus === 'IDLE' && ptz().zoomStatus === 'IDLE' && ptz().zoom > zoom0 + 0.5 && turned() > 5, 25_000, `the camera to turn toward the box and zoom in (pan ${pan0} -> ${ptz().panDeg}, zoom ${zoom0} -> ${ptz().zoom})`);
    expect(turned()).toBeGreaterThan(12);
    expect(turned()).toBeLessThan(18);
    expect(ptz().zoom / zoom0).toBeGreaterThan(4);
    expect(ptz().zoom / zoom0).toBeLessThan(6);
    // One RelativeMove, and the tiles stayed where they were.
    expect(ptzCallsSince(0, boxAt).map((c) => c.operation)).toEqual(['RelativeMove']);
    expect(await page.locator('.grid .cell[data-cell="0"] .tile').getAttribute('data-camera')).toBe('cam-1');
    await page.uncheck('input[name=aim]');
    // Release the control lock the box took, for the phone test's officer (another session).
    await page.click('.lock-bar.mine button.release');
    await page.locator('.lock-bar.mine').waitFor({ state: 'detached', timeout: 5000 });
  }, 150_000);
});

describe('grid start', () => {
  it("starts the tiles from the camera list before the feed's snapshot arrives", async () => {
    const page = await newPage();
    // The feed's WebSocket is held: it never reaches the gateway, so no snapshot comes.
    await page.routeWebSocket(/\/api\/feed/, () => undefined);
    await loginThroughForm(page, gw.url, 'officer');
    await page.click('.toolbar button[data-layout="4"]');
    for (const id of ['cam-1', 'cam-2', 'cam-3', 'cam-4']) await waitForTilePlaying(page, id, 60_000);
    expect(await page.locator('.grid .tile[data-camera="cam-2"] figcaption').innerText()).toContain('西门');
    await page.context().close();
  }, 120_000);
});

describe('phone', () => {
  it('has 44 px targets and a one-row header, fills a landscape screen with the video, shows the holder, and lets an admin take over', async () => {
    // An officer (张值班) holds cam-1 from the console.
    const officer = await gw.login('officer');
    expect((await gw.api('/api/cameras/cam-1/lock', { method: 'POST', token: officer, json: {} })).status).toBe(200);
    const phone = await newPage({ width: 390, height: 844 }, { isMobile: true, hasTouch: true });
    await loginThroughForm(phone, `${gw.url}/phone`, 'admin');
    await waitForTilePlaying(phone, 'cam-1', 60_000);

    // Touch targets: every visible button, select and input of the page at least 44 x 44 px.
    const small = await phone.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.phone button, .phone select, .phone input')]
        .filter((el) => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden')
        .map((el) => ({ el: el.className || el.tagName, label: el.getAttribute('aria-label') ?? el.textContent?.trim() ?? '', ...el.getBoundingClientRect().toJSON() }))
        .filter((r) => r.width < 44 || r.height < 44)
        .map((r) => `${r.el} "${r.label}" ${Math.round(r.width)}x${Math.round(r.height)}`),
    );
    expect(small).toEqual([]);
    // One-row header: its height is that of one row of 44 px targets (plus padding), and no horizontal overflow.
    const header = (await phone.locator('.phone .topbar').boundingBox())!;
    expect(header.height).toBeLessThan(70);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The holder by display name, and takeover for the admin.
    await phone.locator('.lock-bar.other', { hasText: '张值班' }).waitFor({ timeout: 5000 });
    await phone.click('.lock-bar button.takeover');
    await phone.locator('.lock-bar.mine').waitFor({ timeout: 5000 });
    const { controller } = (await (await gw.api('/api/cameras/cam-1/lock', { token: officer })).json()) as { controller: { name: string } | null };
    expect(controller?.name).toBe('admin');

    // Landscape: the video fills the screen.
    await phone.setViewportSize({ width: 844, height: 390 });
    await waitFor(async () => {
      const b = await phone.locator('.phone .tile').boundingBox();
      return b !== null && b.width >= 840 && b.height >= 386 && b.x <= 2 && b.y <= 2;
    }, 3000, 'the video to fill the landscape screen');
  }, 150_000);
});

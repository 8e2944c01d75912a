/**
 * PTZ feedback on the console's pad (issue 20): the knob shows the move at once, before the camera
 * or its video can, and a dot and a line show where the camera reports it points, following it
 * while the pad is held and settling when it stops.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCamera } from '../../simulators/onvif-camera/index.js';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { loginThroughForm, startCameras } from './helpers.js';

let cameras: RunningCamera[];
let gw: TestGateway;
let browser: Browser;

beforeAll(async () => {
  const started = await startCameras(1);
  cameras = started.cameras;
  gw = await startTestGateway({ config: { ...started.config, streaming: { graceMs: 1000 } } });
  await waitFor(() => gw.gateway.mirror.snapshot().some((m) => m.topic === 'cameras/cam-1/state' && (m.payload as { online: boolean; position: unknown }).online && (m.payload as { position: unknown }).position), 20_000, 'the camera online with a position');
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  await Promise.all((cameras ?? []).map((c) => c.stop()));
});

describe('PTZ pad feedback', () => {
  it('moves the knob at once, shows the reported position following the camera, and settles when it stops', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await loginThroughForm(page, gw.url, 'officer');
    await page.click('.tile[data-camera="cam-1"] .tile-select');
    const pad = page.locator('.ptz-pad');
    await pad.waitFor();
    const dot = page.locator('.ptz-position');
    const readout = page.locator('.ptz-reported');
    // Before any move: the feed's position (the gateway polls the camera).
    await dot.waitFor({ timeout: 10_000 });
    const startX = Number(await dot.getAttribute('data-x'));
    const box = (await pad.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const panBefore = cameras[0]!.state.ptz.panDeg;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + box.width * 0.4, cy, { steps: 3 });
    // The knob is where the pointer is, with no wait for the camera.
    expect(Number(await page.locator('.ptz-knob').getAttribute('data-x'))).toBeGreaterThan(0.5);
    // The reported position follows the turning camera while the pad is held (asked 4 times a second,
    // not at the feed's 2 s poll).
    await waitFor(async () => Number(await dot.getAttribute('data-x')) !== startX && (await readout.getAttribute('data-moving')) === 'true', 3000, 'the dot to follow the moving camera');
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      seen.add((await dot.getAttribute('data-x'))!);
      await page.waitForTimeout(200);
    }
    expect(seen.size).toBeGreaterThan(2);
    await page.mouse.up();
    expect(cameras[0]!.state.ptz.panDeg).not.toBe(panBefore);
    expect(Number(await page.locator('.ptz-knob').getAttribute('data-x'))).toBe(0);
    // Stopped: the line says so and the dot is where the camera says it is.
    await waitFor(async () => (await readout.getAttribute('data-moving')) === 'false', 5000, 'the readout to say the camera is still');
    const status = (await (await gw.api('/api/cameras/cam-1/ptz/status', { token: await gw.login('officer') })).json()) as { position: { x: number } };
    expect(Number(await dot.getAttribute('data-x'))).toBeCloseTo(status.position.x, 2);
    await page.close();
  }, 90_000);
});

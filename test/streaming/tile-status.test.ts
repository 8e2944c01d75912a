/**
 * The console's video tile says why a camera has no picture (issue 12 item 4): the player in the
 * tile shows the gateway's status message in the console's language, and clears it once the
 * picture is back. Real cameras feature, real console, Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRig, type CameraRig } from '../cameras/helpers.js';
import { loginThroughForm, waitForTilePlaying } from '../dashboard/helpers.js';
import { launchChromium } from '../helpers/browser.js';
import { waitFor } from '../helpers/wait.js';

let rig: CameraRig;
let browser: Browser;

beforeAll(async () => {
  rig = await startRig({ encoderLingerMs: 300 });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await rig?.stop();
});


const notice = async (page: Page): Promise<string> => (await page.locator('.tile[data-camera="gate"] .cg-notice').textContent({ timeout: 1000 }).catch(() => null)) ?? '';

it('an officer sees "camera offline" in Chinese on the tile while the camera is down, and the picture after', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    await loginThroughForm(page, rig.gw.url, 'officer');
    await page.waitForSelector('.tile[data-camera="gate"]');
    await waitForTilePlaying(page, 'gate');
    expect(await notice(page)).toBe('');
    await rig.sim.control.goOffline();
    try {
      await waitFor(async () => /摄像机离线|连不上摄像机|视频中断/.test(await notice(page)), 10_000, 'the tile to say the camera is unreachable');
      await waitFor(async () => /摄像机离线/.test(await notice(page)), 10_000, 'the tile to say the camera is offline');
    } finally {
      await rig.sim.control.goOnline();
    }
    await waitFor(async () => (await notice(page)) === '', 15_000, 'the notice to go once the picture is back');
    await waitForTilePlaying(page, 'gate');
  } finally {
    await page.close();
  }
}, 90_000);

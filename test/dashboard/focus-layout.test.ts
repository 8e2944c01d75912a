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
  gw = await startTestGateway({ config: started.config });
  await waitFor(() => gw.gateway.mirror.snapshot().some((m) => m.topic === 'cameras/cam-1/state' && (m.payload as { online: boolean }).online), 20_000, 'the camera online');
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  await Promise.all((cameras ?? []).map((c) => c.stop()));
});

describe('camera focus card', () => {
  it('keeps the PTZ pad, speed slider and preset form inside its card (no horizontal scroll)', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await loginThroughForm(page, gw.url, 'officer');
    await page.click('.tile[data-camera="cam-1"] .tile-select');
    await page.locator('.ptz-pad').waitFor();
    await page.locator('#preset-name').waitFor();
    const overflow = await page.evaluate(() => {
      const card = document.querySelector('aside.focus')!;
      const inner = card.getBoundingClientRect().right - parseFloat(getComputedStyle(card).paddingRight);
      const sticking = [...card.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > inner + 0.5).map((e) => e.tagName.toLowerCase() + (e.className ? `.${String(e.className)}` : ''));
      return { sticking, pageScroll: document.documentElement.scrollWidth - window.innerWidth };
    });
    expect(overflow).toEqual({ sticking: [], pageScroll: 0 });
    await page.close();
  }, 60_000);
});

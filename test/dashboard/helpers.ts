import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { TEST_USERS } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';

export const SCREENSHOTS = join(process.cwd(), 'test-results');
mkdirSync(SCREENSHOTS, { recursive: true });

const NAMES = ['东门', '西门', '停车场', '北门', '南门', '地库入口', '一号楼', '二号楼', '广场'];

/** N simulated PTZ cameras with demo-sized streams, and the gateway configuration that uses them. */
export async function startCameras(count: number): Promise<{ cameras: RunningCamera[]; config: Record<string, unknown> }> {
  const cameras: RunningCamera[] = [];
  for (let i = 0; i < count; i++) {
    cameras.push(
      await startCameraSimulator({
        id: `cam-${i + 1}`,
        name: NAMES[i] ?? `Camera ${i + 1}`,
        main: { width: 960, height: 540, fps: 10, bitrateKbps: 1024 },
        sub: { width: 640, height: 360, fps: 10, bitrateKbps: 384 },
        initialPosition: { panDeg: (i * 40) % 360, tiltDeg: -5 },
        encoderLingerMs: 500,
      }),
    );
  }
  const list = cameras.map((c, i) => ({ id: `cam-${i + 1}`, name: NAMES[i] ?? `Camera ${i + 1}`, host: c.urls.host, port: c.urls.onvifPort, username: c.credentials.username, password: c.credentials.password }));
  return { cameras, config: { cameras: { list } } };
}

/** Logs in through the page's own form. */
export async function loginThroughForm(page: Page, url: string, user: keyof typeof TEST_USERS): Promise<void> {
  await page.goto(url);
  try {
    await page.locator('input[name=name]').waitFor({ timeout: 30_000 });
  } catch (err) {
    // Say what the page showed instead of the form: the text, the pending requests.
    const text = await page.evaluate(() => document.body?.innerText.slice(0, 300) ?? '').catch(() => '(page closed)');
    await page.screenshot({ path: join(SCREENSHOTS, `login-stuck-${Date.now()}.png`) }).catch(() => undefined);
    throw new Error(`the login form did not appear at ${url}; the page showed: ${JSON.stringify(text)}`, { cause: err });
  }
  await page.fill('input[name=name]', TEST_USERS[user].name);
  await page.fill('input[name=password]', TEST_USERS[user].password);
  await page.click('button[type=submit]');
}

function playerFrame(page: Page, cameraId: string): Frame | undefined {
  return page.frames().find((f) => f.url().includes('/player.html') && new URL(f.url()).searchParams.get('camera') === cameraId);
}

/** Waits until the tile of a camera plays (the gateway's player reports frames). */
export async function waitForTilePlaying(page: Page, cameraId: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      const frame = playerFrame(page, cameraId);
      if (!frame) return false;
      const state = (await frame.evaluate(() => (window as unknown as { cgPlayer?: { status: string; frames: number } }).cgPlayer).catch(() => undefined)) as
        | { status: string; frames: number }
        | undefined;
      return state?.status === 'playing' && state.frames > 0;
    },
    timeoutMs,
    `the tile of ${cameraId} to play`,
  );
}

/** Number of player frames on the page that are playing. */
export async function playingTiles(page: Page): Promise<number> {
  let playing = 0;
  for (const frame of page.frames().filter((f) => f.url().includes('/player.html'))) {
    const state = (await frame.evaluate(() => (window as unknown as { cgPlayer?: { status: string; frames: number } }).cgPlayer).catch(() => undefined)) as
      | { status: string; frames: number }
      | undefined;
    if (state?.status === 'playing' && state.frames > 0) playing++;
  }
  return playing;
}

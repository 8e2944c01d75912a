import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
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

/** What a tile's player knows (live-player.js state; the fields the tests read). */
export interface TilePlayerState {
  camera: string;
  status: string;
  format: string | null;
  frames: number;
  lastFrameAt: number;
  connects: number;
  notice: string;
  stream: { state: string; reason: { code?: string } | null } | null;
  audio: { codec: string; carried: boolean; muted: boolean } | null;
  webrtcState?: string;
  webrtcStats?: Record<string, number | null>;
  webrtcAudioStats?: Record<string, number>;
  webrtcError?: string;
  fallbackReason?: string | null;
}

/**
 * The players of the page's tiles (`.tile[data-camera] .tile-video`), in page order; `cameraId`:
 * that camera's only. Read from the page itself: the tiles play in it, not in frames of their own.
 */
export async function tilePlayers(page: Page, cameraId?: string): Promise<TilePlayerState[]> {
  return page
    .evaluate((camera) => {
      const selector = camera === null ? '.tile[data-camera] .tile-video' : `.tile[data-camera="${CSS.escape(camera)}"] .tile-video`;
      return [...document.querySelectorAll(selector)].flatMap((host) => {
        const p = (host as Element & { cgPlayer?: Record<string, unknown> }).cgPlayer;
        if (!p) return [];
        // Only what a structured clone carries (no elements, tracks, functions).
        const { element: _e, audioTrack: _a, setMuted: _s, ...plain } = p;
        return [JSON.parse(JSON.stringify(plain)) as Record<string, unknown>];
      });
    }, cameraId ?? null)
    .catch(() => []) as Promise<TilePlayerState[]>;
}

/** The player of a camera's (first) tile on the page; undefined when none plays there. */
export async function tilePlayer(page: Page, cameraId: string): Promise<TilePlayerState | undefined> {
  return (await tilePlayers(page, cameraId))[0];
}

/** Waits until the tile of a camera plays (the gateway's player reports frames). */
export async function waitForTilePlaying(page: Page, cameraId: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      const state = await tilePlayer(page, cameraId);
      return state?.status === 'playing' && state.frames > 0;
    },
    timeoutMs,
    `the tile of ${cameraId} to play`,
  );
}

/** Number of tile players on the page that are playing. */
export async function playingTiles(page: Page): Promise<number> {
  return (await tilePlayers(page)).filter((s) => s.status === 'playing' && s.frames > 0).length;
}

/** Whether a `/player.html` page (one player, `window.cgPlayer`) plays. */
export async function playerPagePlays(page: Page): Promise<boolean> {
  const state = (await page.evaluate(() => (window as unknown as { cgPlayer?: { status: string; frames: number } }).cgPlayer).catch(() => undefined)) as { status: string; frames: number } | undefined;
  return state?.status === 'playing' && state.frames > 0;
}

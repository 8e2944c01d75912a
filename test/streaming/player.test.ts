/**
 * The player page in real Chromium: both formats play from the camera simulator, the picture
 * changes, the frame stamp read back from the canvas/video gives the glass-to-glass latency, a
 * killed ffmpeg does not stop the picture, and an H.265 camera falls back to JSMpeg because
 * this Chromium cannot play H.265 through MSE; a camera that refuses the gateway's RTSP login is
 * said in plain words over the picture (zh-CN by default, en), in both formats.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import type { TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { gatewayFfmpegs, startStreamingGateway } from './helpers.js';
import { readStamp, watchStamps } from './player-stamps.js';

let sim: RunningCamera;
let hevc: RunningCamera;
let locked: RunningCamera;
let gw: TestGateway;
let browser: Browser;
let token: string;

beforeAll(async () => {
  sim = await startCameraSimulator({ name: 'Gate', encoderLingerMs: 300 });
  hevc = await startCameraSimulator({ name: 'Hevc', h265: true, encoderLingerMs: 300, main: { width: 640, height: 360, fps: 15, bitrateKbps: 512 } });
  locked = await startCameraSimulator({ name: 'Locked', encoderLingerMs: 300 });
  gw = await startStreamingGateway({ gate: sim, hevc, locked }, { graceMs: 500 }, { locked: 'not-the-password' });
  token = await gw.login('viewer');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  await Promise.all([sim?.stop(), hevc?.stop(), locked?.stop()]);
});

interface PlayerState {
  format: string | null;
  status: string;
  frames: number;
  mime: string | null;
  fallbackReason: string | null;
  error: string | null;
  stream: { state: string; reason: { code: string } | null } | null;
  notice: string;
}

const playerState = (page: Page): Promise<PlayerState> => page.evaluate(() => (window as unknown as { cgPlayer: PlayerState }).cgPlayer);

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

describe.each(['jsmpeg', 'mse'] as const)('player page, %s', (format) => {
  it('plays, the picture changes, and the frame stamp gives the glass-to-glass latency', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${gw.url}/player.html?camera=gate&profile=sub&format=${format}&token=${encodeURIComponent(token)}`);
      await waitFor(async () => (await playerState(page)).frames > 10, 20000, `${format} frames in Chromium`);
      const state = await playerState(page);
      expect(state.format).toBe(format);
      if (format === 'mse') expect(state.mime).toMatch(/avc1\./);
      const { latencies, frames, checksums } = await watchStamps(page);
      expect(latencies.length).toBeGreaterThanOrEqual(5);
      expect(frames[frames.length - 1]!).toBeGreaterThan(frames[0]!); // the camera's frame counter advances on screen
      expect(checksums.size).toBeGreaterThan(1); // and the pixels change
      latencies.forEach((l) => expect(l).toBeGreaterThan(0));
      console.log(`${format}: glass-to-glass median ${median(latencies)} ms (samples ${latencies.join(', ')})`);

      if (format === 'mse') {
        // ffmpeg killed: the gateway restarts it, the page gets a new init segment and goes on
        const [pid] = gatewayFfmpegs(sim);
        process.kill(pid!, 'SIGKILL');
        const killedAt = Date.now();
        const last = frames[frames.length - 1]!;
        await waitFor(async () => {
          const { stamp } = await readStamp(page);
          return stamp !== undefined && stamp.frame !== last && (await playerState(page)).status === 'playing' && gatewayFfmpegs(sim).length === 1 && stamp.wallMs > killedAt;
        }, 15000, 'the picture to continue after ffmpeg was killed');
      }
    } finally {
      await page.close();
    }
  });
});

describe('codec fallback', () => {
  it('an H.265 camera plays through JSMpeg in a Chromium without H.265 MSE', async () => {
    const page = await browser.newPage();
    try {
      expect(await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="hvc1.1.6.L93.B0"'))).toBe(false);
      await page.goto(`${gw.url}/player.html?camera=hevc&format=auto&token=${encodeURIComponent(token)}`);
      await waitFor(async () => (await playerState(page)).frames > 5, 25000, 'frames after the fallback');
      const state = await playerState(page);
      expect(state.format).toBe('jsmpeg');
      expect(state.fallbackReason).toMatch(/H265/);
      const { frames } = await watchStamps(page, 3);
      expect(frames.length).toBeGreaterThanOrEqual(2);
    } finally {
      await page.close();
    }
  });
});

describe.each(['jsmpeg', 'mse'] as const)('status, %s', (format) => {
  it('says why there is no picture: RTSP login refused, in Chinese by default and in English', async () => {
    const page = await browser.newPage();
    try {
      for (const [lang, words] of [['', /拒绝视频登录/], ['&lang=en', /refused the video login/]] as const) {
        await page.goto(`${gw.url}/player.html?camera=locked&profile=sub&format=${format}&badge=0${lang}&token=${encodeURIComponent(token)}`);
        await waitFor(async () => (await playerState(page)).stream?.reason?.code === 'stream.auth_failed', 8000, 'stream.auth_failed on the page');
        const state = await playerState(page);
        expect(state.stream?.state).toBe('failed');
        expect(state.error).toBeNull();
        expect(await page.textContent('.cg-notice')).toMatch(words);
        expect(await page.isVisible('.cg-notice')).toBe(true);
      }
      // a camera that plays: the status frames went past the decoder and the notice is gone
      await page.goto(`${gw.url}/player.html?camera=gate&profile=sub&format=${format}&token=${encodeURIComponent(token)}`);
      await waitFor(async () => (await playerState(page)).frames > 10, 20000, 'frames');
      const state = await playerState(page);
      expect(state.stream?.state).toBe('playing');
      expect(state.error).toBeNull();
      expect(await page.isVisible('.cg-notice')).toBe(false);
    } finally {
      await page.close();
    }
  });
});

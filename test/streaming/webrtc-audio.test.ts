/**
 * The camera's microphone on WebRTC (issue 20, item 4), in Chromium from a network namespace (as
 * test/streaming/webrtc.test.ts): the console's tile starts muted and says the audio codec; a
 * click on its button turns the sound on, and the simulator's 1 kHz tone is then found in the
 * audio that reached the page (a WebAudio analyser's peak, the inbound-rtp audio level). A camera
 * without a microphone plays its video as before, with no sound button.
 */
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { loginThroughForm, tilePlayer } from '../dashboard/helpers.js';
import { CHROMIUM_ARGS } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createNetns, netnsUnavailableReason, type TestNetns } from '../helpers/netns.js';
import { waitFor } from '../helpers/wait.js';

const unavailable = netnsUnavailableReason();
if (unavailable) console.warn(`WebRTC audio test skipped: ${unavailable}`);

const TONE_HZ = 1000;

interface PlayerAudio {
  format: string | null;
  frames: number;
  audio: { codec: string; carried: boolean; muted: boolean } | null;
  muted: boolean | null;
}

async function playerAudio(page: Page, cameraId: string): Promise<PlayerAudio | undefined> {
  return (await page
    .evaluate((camera) => {
      const host = document.querySelector(`.tile[data-camera="${CSS.escape(camera)}"] .tile-video`);
      const p = (host as (Element & { cgPlayer?: { format: string | null; frames: number; audio: PlayerAudio['audio']; element: HTMLVideoElement | null } }) | null)?.cgPlayer;
      return p ? { format: p.format, frames: p.frames, audio: p.audio, muted: p.element ? p.element.muted : null } : undefined;
    }, cameraId)
    .catch(() => undefined)) as PlayerAudio | undefined;
}

/** In the camera's tile: the strongest frequency of the received audio track over ~1.5 s. */
const listen = (cameraId: string): string => `(async () => {
  const p = document.querySelector('.tile[data-camera="${cameraId}"] .tile-video').cgPlayer;
  const ctx = new AudioContext();
  await ctx.resume();
  const source = ctx.createMediaStreamSource(new MediaStream([p.audioTrack]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 4096;
  source.connect(analyser);
  const bins = new Float32Array(analyser.frequencyBinCount);
  const peaks = [];
  for (let i = 0; i < 15; i++) {
    await new Promise((r) => setTimeout(r, 100));
    analyser.getFloatFrequencyData(bins);
    let best = 0;
    for (let b = 1; b < bins.length; b++) if (bins[b] > bins[best]) best = b;
    peaks.push({ hz: (best * ctx.sampleRate) / analyser.fftSize, db: bins[best] });
  }
  await ctx.close();
  return peaks;
})()`;


describe.skipIf(unavailable !== undefined)('camera audio on WebRTC', () => {
  let ns: TestNetns;
  let withMic: RunningCamera;
  let silent: RunningCamera;
  let gw: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    ns = createNetns();
    const small = { main: { width: 640, height: 360, fps: 10, bitrateKbps: 600 }, sub: { width: 320, height: 180, fps: 10, bitrateKbps: 200 }, encoderLingerMs: 500 };
    withMic = await startCameraSimulator({ id: 'cam-mic', audio: 'pcmu', audioToneHz: TONE_HZ, ...small });
    silent = await startCameraSimulator({ id: 'cam-silent', ...small });
    const entry = (id: string, name: string, c: RunningCamera) => ({ id, name, host: c.urls.host, port: c.urls.onvifPort, username: c.credentials.username, password: c.credentials.password });
    const cameras = { list: [entry('cam-mic', '东门', withMic), entry('cam-silent', '西门', silent)] };
    gw = await startTestGateway({ config: { http: { host: ns.hostAddress, port: 0 }, cameras, webrtc: { enabled: true } } });
    browser = await chromium.launch({ executablePath: ns.chromiumLauncher(), headless: true, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await withMic?.stop();
    await silent?.stop();
    ns?.remove();
  });

  it('starts muted with the codec in the tile; the button turns the sound on and the tone arrives', async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await loginThroughForm(page, `http://${ns.hostAddress}:${gw.gateway.http.port}/`, 'officer');
    const tile = page.locator('.tile[data-camera="cam-mic"]');
    await waitFor(async () => (await playerAudio(page, 'cam-mic'))?.audio?.carried === true && (await playerAudio(page, 'cam-mic'))!.frames > 5, 30_000, 'the tile on WebRTC with its sound').catch(async (err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify(await playerAudio(page, 'cam-mic'))}`);
    });
    // Muted by default: the player's element, its state, the tile's button.
    expect(await playerAudio(page, 'cam-mic')).toMatchObject({ format: 'webrtc', audio: { codec: 'PCMU', carried: true, muted: true }, muted: true });
    const button = tile.locator('button.tile-audio');
    await button.waitFor({ timeout: 5000 });
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    expect(await button.textContent()).toContain('开启声音');
    expect(await tile.locator('.tile-audio-codec').getAttribute('data-audio')).toBe('PCMU');
    // A person clicks: sound on.
    await button.click();
    await waitFor(async () => (await button.getAttribute('aria-pressed')) === 'true', 5000, 'the button to say the sound is on');
    expect(await playerAudio(page, 'cam-mic')).toMatchObject({ audio: { muted: false }, muted: false });
    expect(await button.textContent()).toContain('静音');
    // The camera's tone, decoded by the browser: a peak at 1 kHz (analyser bins are ~12 Hz wide at 48 kHz).
    const peaks = (await page.evaluate(listen('cam-mic'))) as Array<{ hz: number; db: number }>;
    const atTone = peaks.filter((p) => Math.abs(p.hz - TONE_HZ) < 30 && p.db > -60);
    expect(atTone.length, JSON.stringify(peaks)).toBeGreaterThanOrEqual(10);
    // The inbound-rtp audio figures: packets and a level well above silence (the tone's peak is 0.24 of full scale).
    const stats = (await tilePlayer(page, 'cam-mic'))?.webrtcAudioStats as { packets: number; level: number } | undefined;
    expect(stats?.packets).toBeGreaterThan(50);
    expect(stats?.level).toBeGreaterThan(0.05);
    // And the gateway passed the camera's packets through (no transcode: G.711 as the camera sent it).
    const sessions = (await (await gw.api('/api/webrtc/sessions', { token: await gw.login('admin') })).json()) as { sessions: Array<{ camera: string; audio: unknown; audioPackets: number }> };
    const mine = sessions.sessions.find((s) => s.camera === 'cam-mic')!;
    expect(mine.audio).toEqual({ codec: 'PCMU', carried: true });
    expect(mine.audioPackets).toBeGreaterThan(50);
    // Muted again: the element is silent.
    await button.click();
    await waitFor(async () => (await playerAudio(page, 'cam-mic'))?.muted === true, 5000, 'muted again');

    // The camera without a microphone: video on WebRTC, no sound button, no audio codec.
    await waitFor(async () => (await playerAudio(page, 'cam-silent'))?.format === 'webrtc' && (await playerAudio(page, 'cam-silent'))!.frames > 5, 30_000, 'the silent camera on WebRTC').catch(async (err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify((await tilePlayer(page, 'cam-silent')) ?? 'no player in the tile')}`);
    });
    expect((await playerAudio(page, 'cam-silent'))!.audio).toBeNull();
    expect(await page.locator('.tile[data-camera="cam-silent"] button.tile-audio').count()).toBe(0);
    expect(await page.locator('.tile[data-camera="cam-silent"] .tile-audio-codec').count()).toBe(0);
    await page.close();
  }, 120_000);
});

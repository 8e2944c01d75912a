/**
 * The dashboards' tiles ask the player for `start=mse` (issue 15, first picture): while WebRTC
 * connects (offer, ICE, DTLS), the player shows the stream's cached GOP over MSE at once; at
 * WebRTC's first picture the MSE picture goes and its socket becomes a media-less status socket.
 * In Chromium from a network namespace (as test/streaming/webrtc.test.ts), one simulated camera.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { CHROMIUM_ARGS } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createNetns, netnsUnavailableReason, type TestNetns } from '../helpers/netns.js';
import { waitFor } from '../helpers/wait.js';
import { gatewayFfmpegs } from './helpers.js';

const unavailable = netnsUnavailableReason();
if (unavailable) console.warn(`WebRTC bridge test skipped: ${unavailable}`);

interface PlayerState {
  format: string | null;
  status: string;
  frames: number;
  connects: number;
  fallbackReason: string | null;
  webrtcState?: string;
}

/** Notes, at the player's first picture, whether the MSE bridge drew it and the WebRTC connection's state. */
const FIRST_PICTURE_PROBE = `(() => {
  const look = () => {
    const p = window.cgPlayer;
    if (p && p.frames > 0) {
      window.__firstPicture = { byBridge: document.querySelector('.cg-bridge video') !== null, webrtcState: p.webrtcState || 'new' };
      return;
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();`;

const player = (page: Page) => page.evaluate(() => (window as unknown as { cgPlayer: PlayerState }).cgPlayer);

describe.skipIf(unavailable !== undefined)('WebRTC tiles start on MSE (start=mse)', () => {
  let ns: TestNetns;
  let camera: RunningCamera;
  let gw: TestGateway;
  let refusing: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    ns = createNetns();
    camera = await startCameraSimulator({ id: 'cam-1', main: { width: 640, height: 360, fps: 10, bitrateKbps: 600 }, sub: { width: 320, height: 180, fps: 10, bitrateKbps: 200 } });
    const cameras = { list: [{ id: 'cam-1', name: '东门', host: camera.urls.host, port: camera.urls.onvifPort, username: camera.credentials.username, password: camera.credentials.password }] };
    gw = await startTestGateway({ config: { http: { host: ns.hostAddress, port: 0 }, cameras, webrtc: { enabled: true } } });
    refusing = await startTestGateway({ config: { http: { host: ns.hostAddress, port: 0 }, cameras, webrtc: { enabled: false } } });
    browser = await chromium.launch({ executablePath: ns.chromiumLauncher(), headless: true, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await refusing?.stop();
    await camera?.stop();
    ns?.remove();
  });

  it('shows the cached pictures over MSE before WebRTC connects, then hands over to WebRTC with one status socket', async () => {
    const token = await gw.login('viewer');
    const admin = await gw.login('admin');
    const url = (extra: string) => `http://${ns.hostAddress}:${gw.gateway.http.port}/player.html?camera=cam-1&profile=sub&lang=en&token=${token}${extra}`;
    // The stream runs already (another viewer): the gateway holds its GOP since the last keyframe.
    const first = await browser.newPage();
    await first.goto(url(''));
    await waitFor(async () => (await player(first)).frames > 5, 20_000, 'the first viewer');

    const page = await browser.newPage();
    await page.addInitScript(FIRST_PICTURE_PROBE);
    const sockets: Array<{ url: string; closed: () => boolean }> = [];
    page.on('websocket', (ws) => sockets.push({ url: ws.url(), closed: () => ws.isClosed() }));
    await page.goto(url('&start=mse'));
    await waitFor(() => page.evaluate(() => (window as unknown as { __firstPicture?: unknown }).__firstPicture !== undefined), 20_000, 'the first picture');
    const at = await page.evaluate(() => (window as unknown as { __firstPicture: { byBridge: boolean; webrtcState: string } }).__firstPicture);
    expect(at.byBridge).toBe(true);
    expect(at.webrtcState).not.toBe('connected');

    // WebRTC takes over: the MSE picture goes, pictures go on, and the gateway counts the WebRTC
    // viewer and a status socket for this page (plus the first page's two).
    await waitFor(async () => (await player(page)).webrtcState === 'connected' && (await page.locator('.cg-bridge').count()) === 0, 20_000, 'WebRTC to take over');
    const s = await player(page);
    expect(s).toMatchObject({ format: 'webrtc', status: 'playing', fallbackReason: null });
    const frames = s.frames;
    await waitFor(async () => (await player(page)).frames > frames + 5, 10_000, 'WebRTC pictures after the hand-over');
    // The MSE socket closed; a media-less status socket (media=0) took its place.
    await waitFor(() => sockets.filter((x) => !x.closed()).length === 1, 5000, 'one socket left');
    expect(sockets.map((x) => `${/media=0/.test(x.url) ? 'status' : 'media'} ${x.closed() ? 'closed' : 'open'}`)).toEqual(['media closed', 'status open']);
    const viewers = async () => {
      const list = ((await (await gw.api('/api/streams', { token: admin })).json()) as { streams: { camera: string; profile: string; viewers: number }[] }).streams;
      return list.find((x) => x.camera === 'cam-1' && x.profile === 'sub')?.viewers;
    };
    await waitFor(async () => (await viewers()) === 4, 10_000, "the gateway's sinks: two WebRTC viewers and two status sockets");
    await page.close();
    await first.close();
  }, 90_000);

  it('stays on MSE when the gateway refuses WebRTC, with no second picture left behind and no second start of the stream', async () => {
    const token = await refusing.login('viewer');
    const page = await browser.newPage();
    const sockets: Array<{ url: string; closed: () => boolean }> = [];
    page.on('websocket', (ws) => sockets.push({ url: ws.url(), closed: () => ws.isClosed() }));
    await page.goto(`http://${ns.hostAddress}:${refusing.gateway.http.port}/player.html?camera=cam-1&profile=sub&lang=en&start=mse&token=${token}`);
    await waitFor(async () => {
      const s = await player(page);
      return s.format === 'mse' && s.frames > 3;
    }, 20_000, 'MSE frames after the refusal');
    expect((await player(page)).fallbackReason).toContain('webrtc.disabled');
    expect(await page.locator('.cg-bridge').count()).toBe(0);
    expect(await page.locator('.cg-stage video').count()).toBe(1);
    // WebRTC starts after the bridge's first picture; refused, the bridge's socket goes on as the
    // tile's MSE socket (a new socket would start the picture again: a cold camera twice).
    expect(sockets.map((x) => `${/media=0/.test(x.url) ? 'status' : 'media'} ${x.closed() ? 'closed' : 'open'}`)).toEqual(['media open']);
    expect((await player(page)).connects).toBe(1);
    // The stream starts again (its ffmpeg killed): the kept socket gets a new init segment, and the
    // tile plays on from it on the same socket.
    for (const pid of gatewayFfmpegs(camera)) process.kill(pid, 'SIGKILL');
    const before = (await player(page)).frames;
    await waitFor(async () => (await player(page)).frames > before + 10, 20_000, 'pictures after the stream started again').catch(async (err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify({ ...(await player(page)), element: undefined })}`);
    });
    expect(await player(page)).toMatchObject({ format: 'mse', status: 'playing', connects: 1 });
    await page.close();
  }, 60_000);
});

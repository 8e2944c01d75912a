/**
 * WebRTC (WHEP) live video in Chromium, from a network namespace (the browser reaches the gateway
 * on a non-loopback address, as on the guard room's LAN; no real LAN address is involved): the
 * camera's own H.264 without any transcode, sharing the MSE stream's ffmpeg; the player falls back
 * to MSE when WebRTC is refused.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { CHROMIUM_ARGS } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { createNetns, netnsUnavailableReason, type TestNetns } from '../helpers/netns.js';
import { waitFor } from '../helpers/wait.js';
import { gatewayFfmpegProcesses, gatewayFfmpegs } from './helpers.js';
import { watchStamps } from './player-stamps.js';

const unavailable = netnsUnavailableReason();
if (unavailable) console.warn(`WebRTC test skipped: ${unavailable}`);

interface PlayerState {
  format: string | null;
  status: string;
  frames: number;
  fallbackReason: string | null;
  webrtcState?: string;
  webrtcPlayoutDelayZero?: boolean;
}

const player = (page: Page) => page.evaluate(() => (window as unknown as { cgPlayer: PlayerState }).cgPlayer);

describe.skipIf(unavailable !== undefined)('WebRTC live video', () => {
  let ns: TestNetns;
  let camera: RunningCamera;
  let hevc: RunningCamera;
  let gw: TestGateway;
  let refusing: TestGateway;
  let browser: Browser;

  beforeAll(async () => {
    ns = createNetns();
    camera = await startCameraSimulator({ id: 'cam-1', main: { width: 640, height: 360, fps: 15, bitrateKbps: 800 }, sub: { width: 320, height: 180, fps: 10, bitrateKbps: 200 } });
    hevc = await startCameraSimulator({ id: 'cam-h265', h265: true, encoderLingerMs: 300, main: { width: 640, height: 360, fps: 15, bitrateKbps: 512 } });
    const entry = (id: string, c: RunningCamera) => ({ id, name: id, host: c.urls.host, port: c.urls.onvifPort, username: c.credentials.username, password: c.credentials.password });
    const cameras = { list: [{ ...entry('cam-1', camera), name: '东门' }, entry('cam-h265', hevc)] };
    gw = await startTestGateway({ logLevel: process.env.WEBRTC_DEBUG ? 'debug' : undefined, config: { http: { host: ns.hostAddress, port: 0 }, cameras, webrtc: { enabled: true } } });
    refusing = await startTestGateway({ config: { http: { host: ns.hostAddress, port: 0 }, cameras, webrtc: { enabled: false } } });
    browser = await chromium.launch({ executablePath: ns.chromiumLauncher(), headless: true, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await refusing?.stop();
    await camera?.stop();
    await hevc?.stop();
    ns?.remove();
  });

  it('plays the camera\'s own H.264 over WebRTC, with no transcode and the MSE stream\'s one ffmpeg', async () => {
    const token = await gw.login('viewer');
    const page = await browser.newPage();
    await page.goto(`http://${ns.hostAddress}:${gw.gateway.http.port}/player.html?camera=cam-1&profile=main&lang=en&token=${token}`);
    await waitFor(async () => {
      const s = await player(page);
      return s.format === 'webrtc' && s.frames > 15;
    }, 20_000, 'WebRTC frames').catch(async (err: unknown) => {
      throw new Error(`${String(err)}: player ${JSON.stringify({ ...(await player(page)), element: undefined })}`);
    });
    const s = await player(page);
    // webrtcPlayoutDelayZero: the answer carries the playout-delay extension (each picture shown once decoded).
    expect(s).toMatchObject({ format: 'webrtc', status: 'playing', fallbackReason: null, webrtcState: 'connected', webrtcPlayoutDelayZero: true });
    // The stamps advance: live pictures, not one frozen frame.
    const { frames } = await watchStamps(page, 4);
    expect(new Set(frames).size).toBeGreaterThan(1);
    // One ffmpeg for the camera's main profile, copying the video (the mse stream feeds WebRTC).
    const res = await gw.api('/api/streams', { token: await gw.login('admin') });
    const list = ((await res.json()) as { streams: { camera: string; profile: string; format: string; viewers: number }[] }).streams.filter((x) => x.camera === 'cam-1');
    expect(list.map((x) => `${x.profile}/${x.format}`)).toEqual(['main/mse']);
    // two sinks: the WebRTC viewer and the player's status socket
    expect(list[0]!.viewers).toBe(2);
    // The gateway's own ffmpeg children that read this camera (by their sockets): exactly one, copying.
    const readers = gatewayFfmpegs(camera);
    expect(readers).toHaveLength(1);
    const args = gatewayFfmpegProcesses().find((p) => p.pid === readers[0])!.argv.join(' ');
    expect(args).toContain('-map 0:v:0 -c:v copy');
    expect(args).not.toMatch(/libx264|mpeg1video|-c:v (?!copy)/);
    type Session = { connected: boolean; camera: string; sentPictures: number; cameraRtpPictures: number };
    const session = async () => ((await (await gw.api('/api/webrtc/sessions', { token: await gw.login('admin') })).json()) as { sessions: Session[] }).sessions[0];
    expect(await session()).toMatchObject({ camera: 'cam-1', connected: true });
    // Past the cached GOP, the pictures go out from the camera's own RTP as it arrives (webrtc.cameraRtp),
    // not two pictures later from ffmpeg's fragments: soon most of the pictures sent (the cached GOP
    // went first; on a loaded machine the first seconds can still be near half and half).
    let last: Session | undefined;
    await waitFor(async () => {
      last = await session();
      return last !== undefined && last.cameraRtpPictures > last.sentPictures / 2;
    }, 10_000, 'most pictures from the camera RTP').catch((err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify(last)}`);
    });
    await page.close();
    // Closing the page hangs up (DELETE with keepalive) or the connection times out: the session goes.
    await waitFor(async () => {
      const r = await gw.api('/api/webrtc/sessions', { token: await gw.login('admin') });
      return ((await r.json()) as { sessions: unknown[] }).sessions.length === 0;
    }, 20_000, 'the WebRTC session to end');
  }, 60_000);

  it('falls back to MSE when the gateway refuses WebRTC (turned off), saying why', async () => {
    const token = await refusing.login('viewer');
    const page = await browser.newPage();
    await page.goto(`http://${ns.hostAddress}:${refusing.gateway.http.port}/player.html?camera=cam-1&profile=sub&lang=en&token=${token}`);
    await waitFor(async () => {
      const s = await player(page);
      return s.format === 'mse' && s.frames > 3;
    }, 20_000, 'MSE frames after the refusal');
    expect((await player(page)).fallbackReason).toContain('webrtc.disabled');
    await page.close();
  }, 40_000);

  it('goes WebRTC -> MSE -> JSMpeg for an H.265 camera that this Chromium cannot play through MSE', async () => {
    const token = await gw.login('viewer');
    const page = await browser.newPage();
    await page.goto(`http://${ns.hostAddress}:${gw.gateway.http.port}/player.html?camera=cam-h265&profile=main&lang=en&token=${token}`);
    await waitFor(async () => {
      const s = await player(page);
      return s.format === 'jsmpeg' && s.frames > 3;
    }, 25_000, 'JSMpeg frames after both refusals');
    const s = (await page.evaluate(() => (window as unknown as { cgPlayer: { webrtcError?: string; fallbackReason: string | null } }).cgPlayer)) as { webrtcError?: string; fallbackReason: string | null };
    expect(s.webrtcError).toContain('webrtc.codec'); // the gateway sends WebRTC only for H.264
    expect(s.fallbackReason).toMatch(/H265|H\.265|hev1|hvc1/i); // and this browser's MSE cannot play H.265
    await page.close();
  }, 40_000);

  it('refuses a body that is not an SDP offer, with a clear message', async () => {
    const token = await gw.login('viewer');
    const notSdp = await gw.api('/api/webrtc/cam-1', { method: 'POST', token, headers: { 'content-type': 'application/sdp' }, body: 'hello' });
    expect(notSdp.status).toBe(400);
    expect(await notSdp.json()).toMatchObject({ messageCode: 'webrtc.offer-invalid' });
    const json = await gw.api('/api/webrtc/cam-1', { method: 'POST', token, json: { sdp: 'v=0' } });
    expect(json.status).toBe(415);
    const big = await gw.api('/api/webrtc/cam-1', { method: 'POST', token, headers: { 'content-type': 'application/sdp' }, body: 'v=0\r\n' + 'a=x\r\n'.repeat(20_000) });
    expect(big.status).toBe(413);
    const unknown = await gw.api('/api/webrtc/nope', { method: 'POST', token, headers: { 'content-type': 'application/sdp' }, body: 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n' });
    expect(unknown.status).toBe(404);
  });
});

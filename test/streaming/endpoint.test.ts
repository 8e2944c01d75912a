/**
 * The streaming endpoint against a real gateway, real ffmpeg and the camera simulator's RTSP:
 * tokens, both formats' wire format, one shared ffmpeg per stream, stop after the grace period,
 * restart after a kill, a stall and a camera reboot, the H.265 fallback, slow viewers.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { readBoxes, moofStartsWithKeyframe } from '../../src/streaming/fmp4-splitter.js';
import { parseJsmpegHeader } from '../../src/streaming/jsmpeg-format.js';
import type { StreamStatus } from '../../src/streaming/types.js';
import type { TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { control, gatewayFfmpegs, openViewer, sleep, startStreamingGateway } from './helpers.js';

let sim: RunningCamera;
let hevc: RunningCamera;
let gw: TestGateway;
let token: string;

beforeAll(async () => {
  sim = await startCameraSimulator({ name: 'Gate', encoderLingerMs: 300, rebootSeconds: 1 });
  hevc = await startCameraSimulator({ name: 'Hevc', h265: true, encoderLingerMs: 300, main: { width: 640, height: 360, fps: 15, bitrateKbps: 512 } });
  gw = await startStreamingGateway({ gate: sim, hevc }, { graceMs: 800, stallTimeoutMs: 2000, viewerQueueBytes: 256 * 1024, slowViewerCloseMs: 3000, helloTimeoutMs: 2000 });
  token = await gw.login('viewer');
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all([sim?.stop(), hevc?.stop()]);
});

async function statusOf(camera: string, profile: string, format: string): Promise<StreamStatus | undefined> {
  const body = (await (await gw.api('/api/streams', { token })).json()) as { streams: StreamStatus[] };
  return body.streams.find((s) => s.camera === camera && s.profile === profile && s.format === format);
}

function upgradeStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const v = openViewer(gw, path, undefined);
    v.ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      res.once('end', () => res.socket?.destroy());
    });
    v.ws.once('open', () => reject(new Error('upgrade accepted')));
  });
}

describe('access', () => {
  it('refuses an upgrade without a valid token, accepts a wall token', async () => {
    expect(await upgradeStatus('/api/streams/gate?profile=sub')).toBe(401);
    expect(await upgradeStatus('/api/streams/gate?profile=sub&token=not-a-token')).toBe(401);
    const wall = gw.gateway.tokens.issueWall('lobby wall', 'admin');
    const v = openViewer(gw, '/api/streams/gate?profile=sub', wall.token);
    await waitFor(() => v.binary.length > 0, 10000, 'jsmp header for the wall');
    await v.close();
  });

  it('closes with a reason for an unknown camera, profile or format', async () => {
    const unknown = openViewer(gw, '/api/streams/nope', token);
    expect(await unknown.closed).toMatchObject({ code: 4404, reason: expect.stringContaining('nope') });
    const badProfile = openViewer(gw, '/api/streams/gate?profile=hd', token);
    expect(await badProfile.closed).toMatchObject({ code: 4400, reason: expect.stringContaining('profile') });
    const badFormat = openViewer(gw, '/api/streams/gate?format=webrtc', token);
    expect(await badFormat.closed).toMatchObject({ code: 4400, reason: expect.stringContaining('format') });
    const noHello = openViewer(gw, '/api/streams/gate?format=mse', token);
    expect(await noHello.closed).toMatchObject({ code: 4400, reason: expect.stringContaining('hello') });
  });
});

describe('jsmpeg', () => {
  it('sends the jsmp header with the profile size, then MPEG-TS; viewers share one ffmpeg that stops after the grace period', async () => {
    const a = openViewer(gw, '/api/streams/gate?profile=sub&format=jsmpeg', token);
    await waitFor(() => a.binary.length > 10, 15000, 'MPEG-TS for the first viewer');
    expect(parseJsmpegHeader(a.binary[0]!.data)).toEqual({ width: 640, height: 360 });
    expect(a.binary[0]!.data.length).toBe(8);
    for (const r of a.binary.slice(1)) expect(r.data[0]).toBe(0x47); // TS sync byte
    const b = openViewer(gw, '/api/streams/gate?profile=sub&format=jsmpeg', token);
    await waitFor(() => b.binary.length > 3, 5000, 'MPEG-TS for the second viewer');
    // the second viewer starts with the cached GOP: an MPEG1 sequence header comes first
    const firstTs = b.binary[1]!.data;
    expect(firstTs.includes(Buffer.from([0, 0, 1, 0xb3]))).toBe(true);
    expect(gatewayFfmpegs(sim)).toHaveLength(1);
    expect(await statusOf('gate', 'sub', 'jsmpeg')).toMatchObject({ viewers: 2, state: 'running', codec: 'mpeg1video' });
    await a.close();
    await sleep(1200); // longer than the grace period: b still watches, so ffmpeg stays
    expect(gatewayFfmpegs(sim)).toHaveLength(1);
    await b.close();
    await waitFor(() => gatewayFfmpegs(sim).length === 0, 5000, 'ffmpeg to stop after the grace period');
    // The stream leaves the status list once its pipeline has finished stopping (just after ffmpeg exits).
    await waitFor(async () => (await statusOf('gate', 'sub', 'jsmpeg')) === undefined, 2000, 'the stream to leave the status list');
  });
});

describe('mse', () => {
  it('negotiates the codec, sends the init segment, then fragments starting at a keyframe', async () => {
    const v = openViewer(gw, '/api/streams/gate?profile=sub&format=mse', token, ['avc1.42E01E', 'avc1.640028']);
    await waitFor(() => v.binary.length > 5, 15000, 'fMP4 fragments');
    expect(control(v)[0]).toMatchObject({ type: 'mse', mime: expect.stringMatching(/^video\/mp4; codecs="avc1\.[0-9A-F]{6}"$/), width: 640, height: 360 });
    const init = v.binary[0]!.data;
    expect(readBoxes(init).map((b) => b.type)).toEqual(['ftyp', 'moov']);
    const first = v.binary[1]!.data;
    const moof = readBoxes(first).find((b) => b.type === 'moof')!;
    expect(moofStartsWithKeyframe(first, moof)).toBe(true);
    const w = openViewer(gw, '/api/streams/gate?profile=sub&format=mse', token, ['avc1.42E01E']);
    await waitFor(() => w.binary.length > 1, 5000, 'a second MSE viewer gets init + cached GOP');
    expect(gatewayFfmpegs(sim)).toHaveLength(1);
    await Promise.all([v.close(), w.close()]);
  });

  it('falls back to jsmpeg on the same socket when the browser cannot play the H.265 camera', async () => {
    const v = openViewer(gw, '/api/streams/hevc?profile=main&format=mse', token, ['avc1.42E01E', 'avc1.640028']);
    await waitFor(() => v.binary.length > 3, 20000, 'jsmpeg after the fallback');
    expect(control(v)[0]).toMatchObject({ type: 'jsmpeg', reason: expect.stringContaining('H265'), width: 640, height: 360 });
    expect(parseJsmpegHeader(v.binary[0]!.data)).toEqual({ width: 640, height: 360 });
    const h = openViewer(gw, '/api/streams/hevc?profile=main&format=mse', token, ['hvc1.1.6.L93.B0']);
    await waitFor(() => h.binary.length > 1, 20000, 'H.265 passthrough for a player that can play it');
    expect(control(h)[0]).toMatchObject({ type: 'mse', mime: expect.stringContaining('hvc1.') });
    await Promise.all([v.close(), h.close()]);
  });
});

describe('recovery', () => {
  it('restarts ffmpeg after a kill, a stall and a camera reboot; the viewer keeps receiving', async () => {
    const v = openViewer(gw, '/api/streams/gate?profile=sub&format=mse', token, ['avc1.42E01E']);
    await waitFor(() => v.binary.length > 5, 15000, 'first fragments');
    const receivedAfter = async (what: string, timeoutMs: number): Promise<void> => {
      const n = v.binary.length;
      await waitFor(() => v.binary.length > n + 3, timeoutMs, what);
    };

    const [pid] = gatewayFfmpegs(sim);
    process.kill(pid!, 'SIGKILL');
    await waitFor(async () => (await statusOf('gate', 'sub', 'mse'))?.restarts === 1, 5000, 'a restart after the kill');
    await receivedAfter('fragments after the kill', 10000);
    expect(v.text.filter((m) => m.type === 'mse')).toHaveLength(2); // a fresh init segment for the new run

    const [stuck] = gatewayFfmpegs(sim);
    process.kill(stuck!, 'SIGSTOP'); // no output, no exit: only the watchdog notices
    await waitFor(async () => (await statusOf('gate', 'sub', 'mse'))?.restarts === 2, 8000, 'a restart after the stall');
    expect((await statusOf('gate', 'sub', 'mse'))!.lastError).toMatch(/^stalled/);
    await receivedAfter('fragments after the stall', 10000);

    await sim.control.reboot(1); // resolves when the camera is back
    const back = Date.now();
    await receivedAfter('fragments within 5 s of the camera coming back', 5000);
    const recoveredMs = Date.now() - back;
    const status = (await statusOf('gate', 'sub', 'mse'))!;
    expect(status.restarts).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(status)).not.toContain(sim.credentials.password);
    console.log(`stream recovered ${recoveredMs} ms after the camera came back; last error: ${status.lastError}`);
    const metrics = await (await gw.api('/metrics')).text();
    expect(metrics).toMatch(/streaming_viewers\{camera="gate",profile="sub",format="mse"\} 1/);
    expect(metrics).toMatch(/streaming_ffmpeg_restarts_total\{camera="gate",profile="sub",format="mse"\} [3-9]/);
    await v.close();
  });
});

/**
 * A WebSocket client that completes the handshake, says hello, and then never reads a byte: a
 * Python child with a 4 KiB receive buffer (Node cannot set SO_RCVBUF), like a phone on a dead
 * link. Killed by the test.
 */
const FROZEN_CLIENT = `
import base64, json, os, socket, struct, sys, time
host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect((host, port))
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(f"GET {path} HTTP/1.1\\r\\nHost: {host}\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: {key}\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n".encode())
answer = s.recv(4096)
if not answer.startswith(b"HTTP/1.1 101"):
    sys.exit(2)
print("ready", flush=True)
time.sleep(60)
`;

function frozenViewer(gateway: TestGateway, path: string): Promise<{ kill(): void }> {
  const url = new URL(gateway.url);
  const child = spawn('python3', ['-c', FROZEN_CLIENT, url.hostname, url.port, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve({ kill: () => child.kill('SIGKILL') }));
    child.once('exit', (code) => reject(new Error(`frozen client exited early (${code})`)));
  });
}

describe('backpressure', () => {
  it('a viewer that never reads does not delay a fast one, is closed, and memory stays bounded', async () => {
    // Its own gateway with a high MPEG1 bitrate, and a camera jumping to a new direction every
    // frame, so that the frozen viewer's kernel buffers (about 3 MiB on loopback) fill in seconds.
    const jumping = setInterval(() => sim.control.setPosition({ panDeg: Math.random() * 360 }), 60);
    let frozen: { kill(): void } | undefined;
    const heavy = await startStreamingGateway({ gate: sim }, { jsmpegBitrateKbps: 24000, viewerQueueBytes: 512 * 1024, slowViewerCloseMs: 2000, graceMs: 200 });
    try {
      const viewerToken = await heavy.login('viewer');
      const path = '/api/streams/gate?profile=main&format=jsmpeg';
      const fast = openViewer(heavy, path, viewerToken);
      await waitFor(() => fast.binary.length > 20, 15000, 'the fast viewer to play');
      const memBefore = process.memoryUsage();
      frozen = await frozenViewer(heavy, `${path}&token=${encodeURIComponent(viewerToken)}`);
      const from = fast.binary.length;
      const startedAt = Date.now();
      let peakQueued = 0;
      const watch = setInterval(() => {
        for (const c of heavy.gateway.ws.clients) peakQueued = Math.max(peakQueued, c.bufferedAmount);
      }, 50);
      // the gateway gives up on it (skipping for slowViewerCloseMs once its queue is full)
      const viewers = async (): Promise<number> => ((await heavy.api('/api/streams', { token: viewerToken }).then((r) => r.json())) as { streams: StreamStatus[] }).streams[0]!.viewers;
      await waitFor(async () => (await viewers()) === 1, 25000, 'the frozen viewer to be closed');
      clearInterval(watch);
      const frozenFor = Date.now() - startedAt;
      const got = fast.binary.slice(from);
      const gaps = got.slice(1).map((r, i) => r.at - got[i]!.at);
      const status = (await heavy.api('/api/streams', { token: viewerToken }).then((r) => r.json())) as { streams: StreamStatus[] };
      const stream = status.streams[0]!;
      const memAfter = process.memoryUsage();
      console.log(
        `frozen viewer closed after ${frozenFor} ms; its peak queue ${Math.round(peakQueued / 1024)} KiB; fast viewer got ${got.length} pictures meanwhile, longest gap ${Math.max(...gaps)} ms; ` +
          `dropped ${stream.droppedUnits}; heap+external grew ${Math.round((memAfter.heapUsed + memAfter.external - memBefore.heapUsed - memBefore.external) / 1048576)} MiB`,
      );
      expect(stream.droppedUnits).toBeGreaterThan(0);
      expect(stream.viewers).toBe(1);
      // bounded: the queue limit plus at most one picture (a 24 Mbit/s MPEG1 picture is < 512 KiB)
      expect(peakQueued).toBeLessThan(2 * 512 * 1024);
      // the fast viewer kept getting every picture (15 fps camera; each picture is at least one
      // message) while the frozen one was skipped
      expect(got.length).toBeGreaterThan((frozenFor / 1000) * 15 * 0.8);
      expect(Math.max(...gaps)).toBeLessThan(1000);
      await fast.close();
    } finally {
      frozen?.kill();
      clearInterval(jumping);
      sim.control.setPosition({ panDeg: 0 });
      await heavy.stop();
    }
  });
});

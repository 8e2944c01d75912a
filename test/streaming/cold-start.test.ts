/**
 * What makes a cold stream start sooner, against a real gateway, real ffmpeg and the camera
 * simulator: a page's streams prepared before its players connect (POST /api/streams/prepare,
 * held for the grace period, at least 5 s), and spare ffmpeg processes that a new stream takes
 * instead of starting its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { moofStartsWithKeyframe, readBoxes } from '../../src/streaming/fmp4-splitter.js';
import type { StreamManager } from '../../src/streaming/manager.js';
import type { StreamStatus } from '../../src/streaming/types.js';
import type { TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { gatewayFfmpegProcesses, openViewer, startStreamingGateway } from './helpers.js';

let sim: RunningCamera;
let gw: TestGateway;
let token: string;

beforeAll(async () => {
  sim = await startCameraSimulator({ name: 'Gate', encoderLingerMs: 300, sub: { width: 320, height: 180, fps: 10, bitrateKbps: 200 } });
  gw = await startStreamingGateway({ gate: sim }, { graceMs: 500, spareProcesses: 1 });
  token = await gw.login('viewer');
});
afterAll(async () => {
  await gw?.stop();
  await sim?.stop();
});

function manager(): StreamManager {
  const service = gw.gateway.features.flatMap((f) => f.services).find((s) => s.name === 'stream-manager');
  return service as StreamManager;
}

async function streamOf(camera: string): Promise<StreamStatus | undefined> {
  const body = (await (await gw.api('/api/streams', { token })).json()) as { streams: StreamStatus[] };
  return body.streams.find((s) => s.camera === camera && s.profile === 'sub' && s.format === 'mse');
}

const prepare = (streams: unknown): Promise<Response> => gw.api('/api/streams/prepare', { method: 'POST', token, json: { streams } });

describe('prepared streams', () => {
  it('starts a stream before its viewer, which then gets the cached keyframe at once; unknown cameras are skipped', async () => {
    const res = await prepare([
      { camera: 'gate', profile: 'sub', format: 'mse' },
      { camera: 'nope', profile: 'sub', format: 'mse' },
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ prepared: ['gate'], skipped: ['nope'], holdMs: 5000 });
    // Running with nobody watching yet.
    await waitFor(async () => (await streamOf('gate'))?.state === 'running', 15_000, 'the prepared stream to run');
    expect((await streamOf('gate'))?.viewers).toBe(0);
    const v = openViewer(gw, '/api/streams/gate?profile=sub&format=mse', token, ['avc1.42E01E', 'avc1.640028']);
    await waitFor(() => v.binary.length >= 2, 10_000, 'init and the first fragment');
    // The first fragment after the init segment is the cached keyframe (sent on join, not the next one to come).
    const first = v.binary[1]!.data;
    const moof = readBoxes(first).find((b) => b.type === 'moof')!;
    expect(moofStartsWithKeyframe(first, moof)).toBe(true);
    expect(v.binary[1]!.at - v.binary[0]!.at).toBeLessThan(100); // in the same burst as the init
    await v.close();
  });

  it('stops a prepared stream that nobody came to watch after its hold', async () => {
    await waitFor(async () => (await streamOf('gate')) === undefined, 10_000, 'the watched stream to stop after its grace');
    expect((await prepare([{ camera: 'gate', profile: 'sub', format: 'mse' }])).status).toBe(200);
    await waitFor(async () => (await streamOf('gate'))?.state === 'running', 15_000, 'the prepared stream to run');
    await waitFor(async () => (await streamOf('gate')) === undefined, 10_000, 'the unwatched prepared stream to stop');
  });

  it('refuses a bad body and more than 16 streams', async () => {
    expect((await prepare([])).status).toBe(400);
    expect((await prepare([{ camera: 'gate', profile: 'big', format: 'mse' }])).status).toBe(400);
    expect((await prepare(Array.from({ length: 17 }, () => ({ camera: 'gate', profile: 'sub', format: 'mse' })))).status).toBe(400);
  });
});

describe('spare ffmpeg', () => {
  it('keeps one waiting, gives it to a new stream and starts the next', async () => {
    await waitFor(() => manager().sparePids.length === 1, 5000, 'a spare ffmpeg');
    const spare = manager().sparePids[0]!;
    expect(gatewayFfmpegProcesses().map((p) => p.pid)).toContain(spare);
    const v = openViewer(gw, '/api/streams/gate?profile=sub&format=mse', token, ['avc1.42E01E', 'avc1.640028']);
    await waitFor(() => v.binary.length >= 2, 10_000, 'pictures from the spare');
    expect(manager().get({ cameraId: 'gate', profile: 'sub', format: 'mse' })?.pid).toBe(spare);
    await waitFor(() => manager().sparePids.length === 1 && manager().sparePids[0] !== spare, 5000, 'the next spare');
    await v.close();
  });
});

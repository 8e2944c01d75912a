/**
 * Cameras that misbehave: offline and back on their own (API, bus feed via MQTT availability),
 * a camera without presets answers a clear 501, a clock 2 hours off (and a later jump) works,
 * STREAM_SOURCES hands ffmpeg an RTSP URL with credentials, snapshots are proxied, discovery
 * finds a camera and marks it when added, cameras are added and removed at run time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { camerasFeature } from '../../src/cameras/feature.js';
import { STREAM_SOURCES } from '../../src/cameras/stream-sources.js';
import type { CapabilityRegistry } from '../../src/core/capabilities.js';
import { freePort } from '../../src/core/net.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { cameraEntry, cameraJson, fastCameraConfig, FAST_PTZ_SPEEDS, sleep, waitOnline } from './helpers.js';

let plain: RunningCamera;
let noPresets: RunningCamera;
let skewed: RunningCamera;
let spare: RunningCamera;
let discoveryPort: number;
let gw: TestGateway;
let admin: string;
let capabilities: CapabilityRegistry | undefined;

beforeAll(async () => {
  discoveryPort = await freePort();
  plain = await startCameraSimulator({ name: 'Plain', ptzSpeeds: FAST_PTZ_SPEEDS });
  noPresets = await startCameraSimulator({ name: 'NoPresets', presets: false, ptzSpeeds: FAST_PTZ_SPEEDS });
  skewed = await startCameraSimulator({ name: 'Skewed', clockOffsetMs: 2 * 3600_000, ptzSpeeds: FAST_PTZ_SPEEDS });
  spare = await startCameraSimulator({ name: 'Spare', discovery: { port: discoveryPort } });
  gw = await startTestGateway({
    // A stand-in for the streaming feature: it reaches STREAM_SOURCES through the capability registry.
    features: [camerasFeature, (ctx) => ((capabilities = ctx.capabilities), { name: 'streaming-stand-in', services: [] })],
    config: {
      ...fastCameraConfig([cameraEntry('plain', plain), cameraEntry('bare', noPresets), cameraEntry('skewed', skewed)], {
        discovery: { targets: [`127.0.0.1:${discoveryPort}`], maxDurationMs: 5000 },
      }),
    },
  });
  admin = await gw.login('admin');
  for (const id of ['plain', 'bare', 'skewed']) await waitOnline(gw, id);
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all([plain, noPresets, skewed, spare].map((s) => s?.stop()));
});

describe('camera availability and capabilities', () => {
  it('goes offline within 10 s when the camera disappears and comes back on its own', async () => {
    await plain.control.goOffline();
    const t0 = Date.now();
    await waitOnline(gw, 'plain', false, 10_000);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const res = await gw.api('/api/cameras/plain/ptz/stop', { method: 'POST', token: admin });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/offline/);
    await plain.control.goOnline();
    await waitOnline(gw, 'plain', true, 10_000);
    expect((await gw.api('/api/cameras/plain/ptz/relative', { method: 'POST', token: admin, json: { x: 0.05 } })).status).toBe(200);
  });

  it('a camera without preset support answers with a clear error that says so', async () => {
    const cam = await cameraJson(gw, 'bare', admin);
    expect(cam.capabilities).toMatchObject({ ptz: true, presets: false, home: false, continuousMove: true });
    for (const [method, path, json] of [
      ['GET', '/api/cameras/bare/presets', undefined],
      ['POST', '/api/cameras/bare/presets', { name: '大门' }],
      ['POST', '/api/cameras/bare/ptz/home', {}],
    ] as const) {
      const res = await gw.api(path, { method, token: admin, ...(json ? { json } : {}) });
      expect(res.status).toBe(501);
      expect(((await res.json()) as { error: string }).error).toMatch(/camera "bare" does not support (presets|a home position)/);
    }
    // Moves still work.
    expect((await gw.api('/api/cameras/bare/ptz/absolute', { method: 'POST', token: admin, json: { x: 0.25, y: 0 } })).status).toBe(200);
    await gw.api('/api/cameras/bare/lock', { method: 'DELETE', token: admin });
  });

  it('works with a camera whose clock is 2 hours off, and after its clock jumps', async () => {
    const cam = await cameraJson(gw, 'skewed', admin);
    expect(Math.abs((cam.clockOffsetMs as number) - 7_200_000)).toBeLessThan(5000);
    expect((await gw.api('/api/cameras/skewed/ptz/absolute', { method: 'POST', token: admin, json: { x: 0.5, y: 0 } })).status).toBe(200);
    await waitFor(() => Math.round(skewed.state.ptz.panDeg) === 90 && skewed.state.ptz.panTiltStatus === 'IDLE', 5000, 'skewed camera moved');
    skewed.control.jumpClock(-3 * 3600_000); // now 1 hour behind
    const res = await gw.api('/api/cameras/skewed/ptz/absolute', { method: 'POST', token: admin, json: { x: -0.5, y: 0 } });
    expect(res.status).toBe(200);
    await waitFor(() => Math.round(skewed.state.ptz.panDeg) === 270, 5000, 'moved after clock jump');
    expect(skewed.state.soapCalls.some((c) => c.outcome === 'ter:NotAuthorized')).toBe(true); // the refusal happened and was recovered
    await gw.api('/api/cameras/skewed/lock', { method: 'DELETE', token: admin });
  });

  it('provides STREAM_SOURCES: RTSP URL with credentials, codec and size from the profile', async () => {
    const sources = capabilities!.require(STREAM_SOURCES);
    const main = await sources.resolve('plain', 'main');
    expect(main).toMatchObject({ cameraId: 'plain', codec: 'h264', width: 1280, height: 720, fps: 15 });
    expect(main.rtspUrl).toBe(plain.urls.rtsp.main!.replace('rtsp://', 'rtsp://admin:admin123@'));
    const sub = await sources.resolve('plain', 'sub');
    expect(sub).toMatchObject({ width: 640, height: 360 });
    expect(sources.list().map((c) => c.id).sort()).toEqual(['bare', 'plain', 'skewed']);
    await expect(sources.resolve('nope', 'main')).rejects.toThrow(/no camera "nope"/);
    // The password never reaches a browser.
    const list = await (await gw.api('/api/cameras', { token: admin })).text();
    expect(list).not.toContain('admin123');
  });

  it('proxies a snapshot JPEG', async () => {
    const viewer = await gw.login('viewer');
    const res = await gw.api('/api/cameras/plain/snapshot?profile=sub', { token: viewer });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 2).toString('hex')).toBe('ffd8');
  });

  it('discovers a camera, adds it at run time (persisted, audited), marks it, and removes it', async () => {
    const found = await gw.api('/api/cameras/discover', { method: 'POST', token: admin, json: { durationMs: 400 } });
    expect(found.status).toBe(200);
    const cams = ((await found.json()) as { cameras: Array<{ name: string; host: string; port: number; addedAs: string | null }> }).cameras;
    expect(cams).toHaveLength(1);
    expect(cams[0]).toMatchObject({ name: 'Spare', host: '127.0.0.1', port: Number(new URL(spare.urls.onvif).port), addedAs: null });
    const add = await gw.api('/api/cameras', { method: 'POST', token: admin, json: { id: 'spare', name: '备用', host: cams[0]!.host, port: cams[0]!.port, username: 'admin', password: 'admin123' } });
    expect(add.status).toBe(201);
    await waitOnline(gw, 'spare');
    const again = ((await (await gw.api('/api/cameras/discover', { method: 'POST', token: admin, json: { durationMs: 300 } })).json()) as { cameras: Array<{ addedAs: string | null }> }).cameras;
    expect(again[0]!.addedAs).toBe('spare');
    expect((await gw.api('/api/cameras/plain', { method: 'DELETE', token: admin })).status).toBe(409); // from the config file
    const audit = ((await (await gw.api('/api/audit?action=camera.add', { token: admin })).json()) as { entries: Array<{ detail: { password?: string } }> }).entries;
    expect(audit[0]!.detail.password).toBe('[redacted]');
    expect((await gw.api('/api/cameras/spare', { method: 'DELETE', token: admin })).status).toBe(200);
    expect((await gw.api('/api/cameras/spare', { token: admin })).status).toBe(404);
    await sleep(10);
  });
});


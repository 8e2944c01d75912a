/**
 * Acceptance: two independent ONVIF client libraries from npm drive the simulator over real
 * SOAP/HTTP: `onvif` (full connect flow, URIs, every PTZ move, presets, home, PullPoint events)
 * and `node-onvif` (connect, profiles, PTZ move and stop).
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../../simulators/onvif-camera/index.js';
import { httpRequest, waitFor } from './helpers.js';

const require = createRequire(import.meta.url);
type Callback = (err: Error | null, result?: unknown, xml?: string) => void;
type OnvifMethod = (...args: unknown[]) => void;
interface OnvifCam {
  connect(cb: Callback): void;
  profiles: Array<{ $: { token: string }; videoEncoderConfiguration?: { resolution: { width: number } } }>;
  defaultProfile: { $: { token: string } };
  on(event: 'event', listener: (message: unknown, xml: string) => void): void;
  removeAllListeners(event: string): void;
  [method: string]: unknown;
}
const { Cam } = require('onvif') as { Cam: new (opts: Record<string, unknown>) => OnvifCam };
const NodeOnvif = require('node-onvif') as {
  OnvifDevice: new (opts: { xaddr: string; user: string; pass: string }) => {
    init(): Promise<unknown>;
    getProfileList(): Array<{ token: string; stream: { rtsp: string }; video: { encoder: { resolution: { width: number } } } }>;
    getCurrentProfile(): { token: string; stream: { rtsp: string } };
    ptzMove(p: { speed: { x: number; y: number; z: number }; timeout: number }): Promise<unknown>;
    ptzStop(): Promise<unknown>;
  };
};

function call<T = unknown>(cam: OnvifCam, method: string, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    (cam[method] as OnvifMethod).call(cam, ...args, (err: Error | null, result?: unknown) => (err ? reject(err) : resolve(result as T)));
  });
}

let sim: RunningCamera;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  sim = await startCameraSimulator({ name: 'Gate East', ptzSpeeds: { panDegPerSec: 200, tiltDegPerSec: 120, zoomGenericPerSec: 1 } });
});
afterAll(async () => {
  await sim?.stop();
});

async function waitIdle(): Promise<void> {
  await waitFor(() => !sim.state.ptz.panTiltStatus.startsWith('M') && sim.state.ptz.zoomStatus === 'IDLE', 5000, 'PTZ idle');
}

describe('onvif (npm) client', () => {
  let cam: OnvifCam;

  it('connects: GetSystemDateAndTime, GetServices, GetProfiles, GetVideoSources', async () => {
    const url = new URL(sim.urls.onvif);
    cam = new Cam({ hostname: url.hostname, port: Number(url.port), username: 'admin', password: 'admin123', autoconnect: false, timeout: 10_000 });
    await call(cam, 'connect');
    expect(cam.profiles.map((p) => p.$.token)).toEqual(['main', 'sub']);
    expect(cam.defaultProfile.$.token).toBe('main');
    expect(cam.profiles[1]!.videoEncoderConfiguration!.resolution.width).toBe(640);
    const ops = sim.state.soapCalls.map((c) => c.operation);
    expect(ops).toEqual(expect.arrayContaining(['GetSystemDateAndTime', 'GetServices', 'GetProfiles', 'GetVideoSources']));
    expect(ops).not.toContain('GetCapabilities'); // GetServices worked, no fallback needed
  });

  it('gets the stream and snapshot URIs, and the snapshot is a JPEG behind auth', async () => {
    const stream = await call<{ uri: string }>(cam, 'getStreamUri', { protocol: 'RTSP' });
    expect(stream.uri).toBe(sim.urls.rtsp.main);
    const snap = await call<{ uri: string }>(cam, 'getSnapshotUri', {});
    expect(snap.uri).toBe(sim.urls.snapshot.main);
    expect((await httpRequest(snap.uri, { method: 'GET' })).status).toBe(401);
    const ok = await httpRequest(snap.uri, { method: 'GET', headers: { Authorization: `Basic ${Buffer.from('admin:admin123').toString('base64')}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('image/jpeg');
    expect(ok.body.subarray(0, 2).toString('hex')).toBe('ffd8');
  });

  it('ContinuousMove moves at speed and Stop stops it', async () => {
    const before = sim.state.ptz.panDeg;
    await call(cam, 'continuousMove', { x: 0.5, y: 0, zoom: 0 });
    await sleep(400);
    const status = await call<{ moveStatus: { panTilt: string } }>(cam, 'getStatus', {});
    expect(status.moveStatus.panTilt).toBe('MOVING');
    await call(cam, 'stop', { panTilt: true, zoom: true });
    const after = sim.state.ptz;
    expect(after.panTiltStatus).toBe('IDLE');
    // 0.5 x 200 deg/s for ~0.4 s: roughly 40 degrees, certainly not instant and not nothing
    const moved = (after.panDeg - before + 360) % 360;
    expect(moved).toBeGreaterThan(25);
    expect(moved).toBeLessThan(80);
    await sleep(200);
    expect(sim.state.ptz.panDeg).toBe(after.panDeg);
  });

  it('AbsoluteMove and RelativeMove reach their targets, reported by GetStatus', async () => {
    await call(cam, 'absoluteMove', { x: 0.5, y: 0, zoom: 0 });
    expect(sim.state.ptz.panTiltStatus).toBe('MOVING');
    await waitIdle();
    expect(sim.state.ptz.panDeg).toBeCloseTo(90, 3);
    const tiltMid = (-90 + 20) / 2;
    expect(sim.state.ptz.tiltDeg).toBeCloseTo(tiltMid, 3);
    await call(cam, 'relativeMove', { x: 0.1, y: 0, zoom: 0.1 });
    await waitIdle();
    expect(sim.state.ptz.panDeg).toBeCloseTo(108, 3);
    expect(sim.state.ptz.zoom).toBeCloseTo(1 + 0.1 * 29, 3);
    const status = await call<{ position: { x: number; y: number; zoom: number }; moveStatus: { panTilt: string } }>(cam, 'getStatus', {});
    expect(status.position.x).toBeCloseTo(0.6, 4);
    expect(status.moveStatus.panTilt).toBe('IDLE');
  });

  it('sets, lists, goes to and removes a preset; sets and goes home', async () => {
    const answer = await call(cam, 'setPreset', { presetName: 'GateView' });
    const token = sim.state.presets[0]!.token;
    expect(JSON.stringify(answer)).toContain(token); // the client hands back the raw SetPresetResponse
    const presets = await call<Record<string, { $: { token: string } }>>(cam, 'getPresets', {});
    expect(Object.keys(presets)).toEqual(['GateView']);
    expect(presets.GateView!.$.token).toBe(token);
    await call(cam, 'absoluteMove', { x: -0.5, y: 0.5, zoom: 0 });
    await waitIdle();
    expect(sim.state.ptz.panDeg).toBeCloseTo(270, 3);
    await call(cam, 'gotoPreset', { preset: token });
    await waitIdle();
    expect(sim.state.ptz.panDeg).toBeCloseTo(108, 3);
    await call(cam, 'removePreset', { presetToken: token });
    expect(await call(cam, 'getPresets', {})).toEqual({});
    await expect(call(cam, 'gotoPreset', { preset: token })).rejects.toThrow(/no preset/);

    await call(cam, 'setHomePosition', {});
    await call(cam, 'absoluteMove', { x: 0, y: 0, zoom: 0 });
    await waitIdle();
    await call(cam, 'gotoHomePosition', {});
    await waitIdle();
    expect(sim.state.ptz.panDeg).toBeCloseTo(108, 3);
  });

  it("receives a motion event through its PullPoint loop", async () => {
    const received: string[] = [];
    cam.on('event', (_message, xml) => received.push(xml));
    await waitFor(() => sim.state.eventSubscriptions > 0, 5000, 'a PullPoint subscription');
    await sleep(200); // let the first (Initialized) pull come back and the next one wait
    const figure = sim.control.addMovingFigure({ durationMs: 300 });
    await waitFor(() => received.some((x) => x.includes('MotionAlarm') && x.includes('Name="State" Value="true"')), 5000, 'motion event');
    await figure;
    cam.removeAllListeners('event');
    const ops = sim.state.soapCalls.map((c) => c.operation);
    expect(ops).toEqual(expect.arrayContaining(['CreatePullPointSubscription', 'PullMessages', 'Renew']));
  });

  it('authenticates with HTTP Digest when WS-Security is off', async () => {
    const url = new URL(sim.urls.onvif);
    const digestCam = new Cam({ hostname: url.hostname, port: Number(url.port), username: 'admin', password: 'admin123', autoconnect: false, useWSSecurity: false });
    await call(digestCam, 'connect');
    expect(digestCam.profiles).toHaveLength(2);
  });
});

describe('node-onvif client', () => {
  it('connects, lists profiles, moves and stops', async () => {
    const device = new NodeOnvif.OnvifDevice({ xaddr: sim.urls.onvif, user: 'admin', pass: 'admin123' });
    await device.init();
    const profiles = device.getProfileList();
    expect(profiles.map((p) => p.token)).toEqual(['main', 'sub']);
    expect(profiles[0]!.video.encoder.resolution.width).toBe(1280);
    expect(device.getCurrentProfile().stream.rtsp).toBe(sim.urls.rtsp.main);
    const before = sim.state.ptz.tiltDeg;
    await device.ptzMove({ speed: { x: 0, y: -1, z: 0 }, timeout: 5 });
    await sleep(300);
    expect(sim.state.ptz.panTiltStatus).toBe('MOVING');
    await device.ptzStop();
    expect(sim.state.ptz.panTiltStatus).toBe('IDLE');
    expect(sim.state.ptz.tiltDeg).toBeLessThan(before - 10);
  });
});

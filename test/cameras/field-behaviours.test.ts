/**
 * The gateway against the camera simulator's field behaviours (simulators/onvif-camera/behaviours.ts):
 * a camera that answers GetServices without a login and a wrong password, a strict event service
 * with 8 subscription slots, no PTZ node, a wrong service path, ASCII-only preset names, the same
 * host:port under another path, and a viewer asking for an immediate reconnect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { STREAM_SOURCES, type StreamSources } from '../../src/cameras/stream-sources.js';
import { camerasFeature } from '../../src/cameras/feature.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { cameraEntry, cameraJson, fastCameraConfig, FAST_PTZ_SPEEDS, openJoystick, sleep, waitOnline } from './helpers.js';

const TERMINATION_MS = 1500;

let loginFree: RunningCamera;
let strict: RunningCamera;
let noPtz: RunningCamera;
let ascii: RunningCamera;
let gw: TestGateway;
let admin: string;

beforeAll(async () => {
  [loginFree, strict, noPtz, ascii] = await Promise.all([
    startCameraSimulator({ name: 'LoginFree', behaviours: ['login-free-services'] }),
    startCameraSimulator({ name: 'Strict', behaviours: ['strict-renew', 'subscription-slots'] }),
    startCameraSimulator({ name: 'NoPtz', behaviours: ['no-ptz', 'html-404'] }),
    startCameraSimulator({ name: 'Ascii', behaviours: ['ascii-preset-names'], ptzSpeeds: FAST_PTZ_SPEEDS }),
  ]);
  gw = await startTestGateway({
    config: fastCameraConfig(
      [
        { ...cameraEntry('wrongpw', loginFree), password: 'not-the-password' },
        { ...cameraEntry('wrongpw-strict', ascii), password: 'not-the-password' },
        cameraEntry('strict', strict),
        cameraEntry('noptz', noPtz),
        cameraEntry('ascii', ascii),
        { ...cameraEntry('wrongpath', noPtz), path: '/onvif/no_such_service' },
      ],
      { events: true, eventSubscription: { terminationMs: TERMINATION_MS, pullTimeoutMs: 300, retryMs: 200, maxRetryMs: 2000 } },
    ),
  });
  admin = await gw.login('admin');
  for (const id of ['strict', 'noptz', 'ascii']) await waitOnline(gw, id);
}, 60_000);
afterAll(async () => {
  await gw?.stop().catch(() => {});
  await Promise.all([loginFree, strict, noPtz, ascii].map((s) => s?.stop()));
});

describe('camera field behaviours', () => {
  it('a camera that answers GetServices without a login but refuses the password is "login refused", not online', async () => {
    const cam = await waitFor(async () => {
      const c = await cameraJson(gw, 'wrongpw', admin);
      return c.status === 'login_refused' ? c : undefined;
    }, 10_000, 'login refused');
    expect(cam.online).toBe(false);
    expect(cam.capabilities).toBeNull();
    expect(String(cam.lastError)).toMatch(/refused the configured user name or password/);
    const res = await gw.api('/api/cameras/wrongpw/ptz/stop', { method: 'POST', token: admin });
    expect(res.status).toBe(503);
    // A camera that wants a login for GetServices too: the same state.
    await waitFor(async () => (await cameraJson(gw, 'wrongpw-strict', admin)).status === 'login_refused', 10_000, 'login refused (strict camera)');
  });

  it('events flow from a strict camera with 8 slots over several renewals, with at most 2 subscriptions in use, none after stop', async () => {
    strict.control.resetPeakSubscriptions();
    const motions: boolean[] = [];
    const off = gw.gateway.bus.on('camera.motion', (e) => e.cameraId === 'strict' && motions.push(e.state));
    try {
      const start = Date.now();
      let state = false;
      // Several renew cycles (lifetime 1.5 s, renewed at half-life): every motion change arrives.
      while (Date.now() - start < 4 * TERMINATION_MS) {
        state = !state;
        const before = motions.length;
        strict.control.motion(state);
        await waitFor(() => motions.length > before, 3000, `motion ${state} delivered`);
        expect(motions.at(-1)).toBe(state);
        expect(strict.control.subscriptionsInUse()).toBeLessThanOrEqual(2);
        await sleep(150);
      }
    } finally {
      off();
    }
    expect(strict.control.peakSubscriptions()).toBeLessThanOrEqual(2);
    expect(strict.state.soapCalls.filter((c) => c.operation === 'Renew' && c.outcome !== 'ok')).toEqual([]);
    expect(strict.state.soapCalls.filter((c) => c.operation === 'Renew' && c.outcome === 'ok').length).toBeGreaterThanOrEqual(3);
    const camera = await cameraJson(gw, 'strict', admin);
    expect(camera.events).toBe('ok');
    const health = camera.eventHealth as { state: string; subscribed: boolean; lastPullOkAt: string | null };
    expect(health).toMatchObject({ state: 'ok', subscribed: true });
    expect(Date.now() - Date.parse(health.lastPullOkAt!)).toBeLessThan(3000);
    const metrics = await (await gw.api('/metrics', { token: admin })).text();
    expect(metrics).toMatch(/gateway_camera_event_subscriptions\{camera="strict"\} 1/);
  });

  it('a camera without a PTZ node: reasons say what was seen, and the joystick is refused at once without taking the lock', async () => {
    const cam = await cameraJson(gw, 'noptz', admin);
    expect(cam.capabilities).toMatchObject({ ptz: false, presets: false });
    const res = await gw.api('/api/cameras/noptz/presets', { token: admin });
    expect(res.status).toBe(501);
    const { error } = (await res.json()) as { error: string };
    expect(error).toMatch(/does not support pan\/tilt\/zoom \(it advertises no PTZ service\)/);
    expect(error).not.toMatch(/MaximumNumberOfPresets/);
    expect(noPtz.state.soapCalls.some((c) => c.operation === 'GetNodes')).toBe(false);
    const officer = await gw.login('officer');
    const js = await openJoystick(gw, 'noptz', officer);
    expect((await js.closed).code).toBe(4501);
    expect(js.messages[0]).toMatchObject({ type: 'error', status: 501 });
    const lock = (await (await gw.api('/api/cameras/noptz/lock', { token: admin })).json()) as { controller: unknown };
    expect(lock.controller).toBeNull();
  });

  it('a wrong service path is reported with the HTTP status the camera answered', async () => {
    const cam = await waitFor(async () => {
      const c = await cameraJson(gw, 'wrongpath', admin);
      return c.lastError ? c : undefined;
    }, 10_000, 'an error for the wrong path');
    expect(String(cam.lastError)).toMatch(/HTTP 404/);
    expect(String(cam.lastError)).not.toMatch(/Wrong ONVIF SOAP response/);
  });

  it('an ASCII-only camera keeps "P<n>" while the gateway keeps the Chinese name; fault texts are joined', async () => {
    const res = await gw.api('/api/cameras/ascii/presets', { method: 'POST', token: admin, json: { name: '大门' } });
    expect(res.status).toBe(201);
    const saved = (await res.json()) as { name: string; cameraName: string; token: string };
    expect(saved.name).toBe('大门');
    expect(saved.cameraName).toMatch(/^P\d+$/);
    expect(ascii.state.presets.map((p) => p.name)).toContain(saved.cameraName);
    const list = (await (await gw.api('/api/cameras/ascii/presets', { token: admin })).json()) as { presets: Array<{ name: string }> };
    expect(list.presets.map((p) => p.name)).toContain('大门');
    const second = await gw.api('/api/cameras/ascii/presets', { method: 'POST', token: admin, json: { name: '停车场' } });
    expect(second.status).toBe(201);
    expect(((await second.json()) as { cameraName: string }).cameraName).not.toBe(saved.cameraName);
    // The camera's own refusal, as the driver reports it: Reason and Detail apart.
    const driver = (await import('../../devices/onvif-camera/driver.js')).OnvifCameraDriver;
    const d = new driver({ label: 'ascii', host: '127.0.0.1', port: Number(new URL(ascii.urls.onvif).port), username: 'admin', password: 'admin123', requestTimeoutMs: 2000 });
    try {
      await d.connect();
      await expect(d.setPreset('大门')).rejects.toThrow(/Invalid preset name: The preset name is not allowed/);
    } finally {
      d.close();
    }
    await gw.api('/api/cameras/ascii/lock', { method: 'DELETE', token: admin });
  });

  it('the same host and port under another path is another camera, not a duplicate', async () => {
    const u = new URL(noPtz.urls.onvif);
    const base = { name: 'Channel', host: u.hostname, port: Number(u.port), username: 'admin', password: 'admin123' };
    expect((await gw.api('/api/cameras', { method: 'POST', token: admin, json: { ...base, id: 'ch2', path: '/onvif/channel2' } })).status).toBe(201);
    expect((await gw.api('/api/cameras', { method: 'POST', token: admin, json: { ...base, id: 'ch1' } })).status).toBe(409);
    await gw.api('/api/cameras/ch2', { method: 'DELETE', token: admin });
  });

  it('event failures show as "failing" on the state and back off; the camera gets its slot back; then "ok" again', async () => {
    strict.control.resetPeakSubscriptions();
    strict.control.failNextCalls(6);
    await waitFor(async () => (await cameraJson(gw, 'strict', admin)).events === 'failing', 5000, 'events failing');
    const health = (await cameraJson(gw, 'strict', admin)).eventHealth as { failures: number; retryAt: string | null };
    expect(health.failures).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await cameraJson(gw, 'strict', admin)).events === 'ok', 10_000, 'events ok again');
    expect(strict.control.peakSubscriptions()).toBeLessThanOrEqual(2);
    // An Unsubscribe the camera refused (one of the failed calls) leaves that slot until its termination time.
    await waitFor(() => strict.control.subscriptionsInUse() === 1, 2 * TERMINATION_MS + 1000, 'the refused subscription expired');
  });

  it('after the gateway stops, the strict camera holds none of its subscriptions', async () => {
    expect(strict.control.subscriptionsInUse()).toBeGreaterThanOrEqual(1);
    await gw.stop();
    expect(strict.control.subscriptionsInUse()).toBe(0);
    expect(strict.state.soapCalls.some((c) => c.operation === 'Unsubscribe' && c.outcome === 'ok')).toBe(true);
  });
});

describe('reconnect now', () => {
  let slowGw: TestGateway;
  let cam: RunningCamera;
  afterAll(async () => {
    await slowGw?.stop();
    await cam?.stop();
  });

  it('a camera back from an outage is online within 2 s of reconnectNow instead of waiting for the back-off', async () => {
    cam = await startCameraSimulator({ name: 'Outage' });
    let src: StreamSources | undefined;
    slowGw = await startTestGateway({
      features: [camerasFeature, (ctx) => ({ name: 'stand-in', services: [{ name: 'grab', start: async () => void (src = ctx.capabilities.require(STREAM_SOURCES)), stop: async () => {} }] })],
      config: fastCameraConfig([cameraEntry('out', cam)], { reconnect: { initialMs: 20_000, maxMs: 30_000 } }),
    });
    await waitOnline(slowGw, 'out');
    await cam.control.goOffline();
    await waitOnline(slowGw, 'out', false, 10_000);
    await cam.control.goOnline();
    await sleep(300);
    expect((await cameraJson(slowGw, 'out')).online).toBe(false); // the back-off (>= 10 s) still runs
    const t0 = Date.now();
    src!.reconnectNow('out');
    await waitOnline(slowGw, 'out', true, 2000);
    expect(Date.now() - t0).toBeLessThan(2000);
    src!.reconnectNow('no-such-camera'); // harmless
  });
});

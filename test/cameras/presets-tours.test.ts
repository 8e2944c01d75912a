/**
 * Presets with Chinese names round-trip through the gateway and the camera; a tour visits its
 * presets in order with dwell within 10 % (measured at the simulator); manual control pauses it
 * and it resumes after the idle time; the current step shows on the API and on MQTT; MQTT
 * commands move the camera.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { sleep, startRig, type CameraRig } from './helpers.js';

let rig: CameraRig;
let officer: string;

beforeAll(async () => {
  rig = await startRig({}, { lock: { idleMs: 60_000 } }, { config: { mqtt: { integrations: [{ name: 'ha', password: 'ha-password-1' }] } } });
  officer = await rig.gw.login('officer');
});
afterAll(async () => {
  await rig?.stop();
});

const api = (path: string, method = 'GET', json?: unknown) => rig.gw.api(path, { method, token: officer, ...(json !== undefined ? { json } : {}) });
const enc = encodeURIComponent;

async function idle(): Promise<void> {
  await sleep(60);
  await waitFor(() => rig.sim.state.ptz.panTiltStatus === 'IDLE' && rig.sim.state.ptz.zoomStatus === 'IDLE', 5000, 'camera idle');
}

async function saveAt(x: number, name: string): Promise<string> {
  expect((await api('/api/cameras/gate/ptz/absolute', 'POST', { x, y: 0 })).status).toBe(200);
  await idle();
  const res = await api('/api/cameras/gate/presets', 'POST', { name });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

describe('presets', () => {
  it('save, list, rename, goto and delete presets with Chinese names', async () => {
    const gate = await saveAt(0.5, '大门');
    await saveAt(-0.5, '停车场');
    expect(rig.sim.state.presets.map((p) => p.name)).toEqual(['大门', '停车场']); // on the camera itself
    const list = (await (await api('/api/cameras/gate/presets')).json()) as { presets: Array<{ name: string; token: string }> };
    expect(list.presets.map((p) => p.name)).toEqual(['大门', '停车场']);
    expect((await api('/api/cameras/gate/presets', 'POST', { name: '大门' })).status).toBe(409);

    const renamed = await api(`/api/cameras/gate/presets/${enc('大门')}`, 'PATCH', { name: '北门 & <东>' });
    expect(renamed.status).toBe(200);
    const after = (await (await api('/api/cameras/gate/presets')).json()) as { presets: Array<{ name: string; token: string }> };
    expect(after.presets.find((p) => p.token === gate)!.name).toBe('北门 & <东>');

    expect((await api(`/api/cameras/gate/presets/${enc('北门 & <东>')}/goto`, 'POST', {})).status).toBe(200);
    await idle();
    expect(rig.sim.state.ptz.panDeg).toBeCloseTo(90, 1);

    const del = await api(`/api/cameras/gate/presets/${enc('停车场')}`, 'DELETE');
    expect(del.status).toBe(200);
    expect(rig.sim.state.presets.map((p) => p.name)).toEqual(['大门']);
    expect((await api(`/api/cameras/gate/presets/${enc('停车场')}/goto`, 'POST', {})).status).toBe(404);
  });
});

describe('tours', () => {
  it('visits the presets in order with the dwell time (within 10 %), shows the step on API and MQTT, pauses and resumes', async () => {
    await api(`/api/cameras/gate/presets/${enc('北门 & <东>')}`, 'PATCH', { name: '东门' });
    await saveAt(0, '路口');
    await saveAt(-0.5, '停车场');
    const dwellMs = 1200;
    const steps = ['东门', '路口', '停车场'].map((preset) => ({ preset, dwellMs }));
    expect((await api(`/api/cameras/gate/tours/${enc('日间巡逻')}`, 'PUT', { steps, loop: true })).status).toBe(200);

    const client = await mqtt.connectAsync(rig.gw.mqttUrl, { username: 'ha', password: 'ha-password-1', clientId: 'ha', protocolVersion: 4 });
    const states: Array<{ tour: { step: number; phase: string } | null }> = [];
    client.on('message', (_t, payload) => states.push(JSON.parse(payload.toString()) as (typeof states)[number]));
    await client.subscribeAsync('community/cameras/gate/state');

    // Record arrivals (IDLE) and departures (MOVING) at the simulator.
    const visits: Array<{ pan: number; arrived: number; left?: number }> = [];
    let wasMoving = false; // idle at 停车场 before the tour: that is no visit
    const sampler = setInterval(() => {
      const s = rig.sim.state.ptz;
      const moving = s.panTiltStatus === 'MOVING';
      if (wasMoving && !moving) visits.push({ pan: Math.round(s.panDeg), arrived: performance.now() });
      if (!wasMoving && moving && visits.length) visits[visits.length - 1]!.left = performance.now();
      wasMoving = moving;
    }, 5);
    try {
      expect((await api(`/api/cameras/gate/tours/${enc('日间巡逻')}/start`, 'POST', {})).status).toBe(200);
      await waitFor(() => visits.filter((v) => v.left !== undefined).length >= 4, 15_000, 'four completed visits');
      const done = visits.filter((v) => v.left !== undefined).slice(0, 4);
      expect(done.map((v) => v.pan % 360)).toEqual([90, 0, 270, 90]);
      console.log(`tour dwell at the simulator minus ${dwellMs} ms: ${done.map((v) => Math.round(v.left! - v.arrived - dwellMs)).join(', ')} ms`);
      for (const v of done) expect(Math.abs(v.left! - v.arrived - dwellMs)).toBeLessThan(dwellMs * 0.1);
      const running = (await (await api('/api/cameras/gate/tour')).json()) as { running: { name: string; step: number; stepCount: number; loops: number } };
      expect(running.running).toMatchObject({ name: '日间巡逻', stepCount: 3 });
      expect(running.running.loops).toBeGreaterThanOrEqual(1);
      expect(states.some((s) => s.tour?.step === 2)).toBe(true);
      expect(states.some((s) => s.tour?.step === 3)).toBe(true);

      // Manual control pauses the tour; releasing the lock resumes it after the idle time.
      expect((await api('/api/cameras/gate/lock', 'POST', {})).status).toBe(200);
      await waitFor(async () => ((await (await api('/api/cameras/gate/tour')).json()) as { running: { phase: string } }).running.phase === 'paused', 2000, 'paused');
      await idle();
      const pausedAt = rig.sim.state.soapCalls.length;
      await sleep(1500);
      expect(rig.sim.state.soapCalls.slice(pausedAt).filter((c) => c.operation === 'GotoPreset')).toHaveLength(0);
      expect((await api('/api/cameras/gate/lock', 'DELETE')).status).toBe(200);
      await waitFor(() => rig.sim.state.soapCalls.slice(pausedAt).some((c) => c.operation === 'GotoPreset'), 3000, 'resumed');
      expect(states.some((s) => s.tour?.phase === 'paused')).toBe(true);

      // A preset a tour uses cannot be deleted.
      const del = await api(`/api/cameras/gate/presets/${enc('路口')}`, 'DELETE');
      expect(del.status).toBe(409);
      expect(((await del.json()) as { error: string }).error).toMatch(/日间巡逻/);
      expect((await api('/api/cameras/gate/tour/stop', 'POST', {})).status).toBe(200);
      await idle();

      // MQTT: preset:<name> moves the camera.
      await client.publishAsync('community/cameras/gate/ptz/set', 'preset:停车场', { qos: 1 });
      await waitFor(() => Math.round(rig.sim.state.ptz.panDeg) === 270 && rig.sim.state.ptz.panTiltStatus === 'IDLE', 5000, 'camera at 停车场');
      const errors: string[] = [];
      client.on('message', (t, p) => t.endsWith('gateway/errors') && errors.push(p.toString()));
      await client.subscribeAsync('community/gateway/errors');
      await client.publishAsync('community/cameras/gate/ptz/set', 'preset:不存在', { qos: 1 });
      await waitFor(() => errors.length > 0, 3000, 'error for unknown preset');
      expect(errors[0]).toMatch(/no preset/);
    } finally {
      clearInterval(sampler);
      await client.endAsync();
    }
  });
});

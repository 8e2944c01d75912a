/**
 * Acceptance over the wire (gateway <-> camera simulator): the joystick moves the camera, a release
 * puts Stop on the wire within 300 ms, a destroyed socket within 600 ms, a silent one by the dead-man;
 * moves are coalesced; the control lock answers 409 naming the holder and an admin takes over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { callsSince, openJoystick, sleep, startRig, type CameraRig } from './helpers.js';

let rig: CameraRig;

beforeAll(async () => {
  rig = await startRig({}, { lock: { idleMs: 60_000 } });
});
afterAll(async () => {
  await rig?.stop();
});

async function idle(): Promise<void> {
  await waitFor(() => rig.sim.state.ptz.panTiltStatus === 'IDLE', 3000, 'camera idle');
}

describe('joystick', () => {
  it('moves the camera right while held and puts Stop on the wire within 300 ms of release', async () => {
    const token = await rig.gw.login('officer');
    const js = await openJoystick(rig.gw, 'gate', token);
    expect(js.messages[0]).toMatchObject({ type: 'ready', camera: 'gate' });
    const start = rig.sim.state.ptz.panDeg;
    const t0 = Date.now();
    for (let i = 0; i < 6; i++) {
      js.send({ pan: 0.5, tilt: 0, zoom: 0 });
      await sleep(100);
    }
    expect(rig.sim.state.ptz.panTiltStatus).toBe('MOVING');
    const moved = (rig.sim.state.ptz.panDeg - start + 360) % 360;
    expect(moved).toBeGreaterThan(20); // right = increasing azimuth
    expect(moved).toBeLessThan(180);
    // Coalescing: six identical messages in 600 ms -> one move plus at most one refresh.
    expect(callsSince(rig.sim, 'ContinuousMove', t0).length).toBeLessThanOrEqual(2);
    const released = Date.now();
    js.send({ pan: 0, tilt: 0, zoom: 0 });
    await waitFor(() => callsSince(rig.sim, 'Stop', released).length > 0, 2000, 'Stop on the wire');
    expect(callsSince(rig.sim, 'Stop', released)[0]! - released).toBeLessThan(300);
    await idle();
    await js.close();
  });

  it('sends Stop within 600 ms when the client socket is destroyed abruptly', async () => {
    const token = await rig.gw.login('officer');
    const js = await openJoystick(rig.gw, 'gate', token);
    js.send({ pan: -0.5, tilt: 0.2, zoom: 0 });
    await waitFor(() => rig.sim.state.ptz.panTiltStatus === 'MOVING', 2000, 'moving');
    const cut = Date.now();
    (js.ws as unknown as { _socket: { destroy(): void } })._socket.destroy();
    await waitFor(() => callsSince(rig.sim, 'Stop', cut).length > 0, 2000, 'Stop after socket loss');
    expect(callsSince(rig.sim, 'Stop', cut)[0]! - cut).toBeLessThan(600);
    await idle();
    await js.closed;
  });

  it('stops by the dead-man when the socket stays open but silent', async () => {
    const token = await rig.gw.login('officer');
    const js = await openJoystick(rig.gw, 'gate', token);
    const sent = Date.now();
    js.send({ pan: 0.3, tilt: 0, zoom: 0 });
    await waitFor(() => callsSince(rig.sim, 'Stop', sent).length > 0, 2000, 'dead-man Stop');
    const after = callsSince(rig.sim, 'Stop', sent)[0]! - sent;
    expect(after).toBeGreaterThanOrEqual(450);
    expect(after).toBeLessThan(900);
    await waitFor(() => js.messages.some((m) => m.type === 'stopped' && m.reason === 'deadman'), 1000, 'stopped message');
    await js.close();
  });

  it('refuses bad vectors with a clear message and keeps the session', async () => {
    const token = await rig.gw.login('officer');
    const js = await openJoystick(rig.gw, 'gate', token);
    js.send({ pan: 5, tilt: 0, zoom: 0 });
    js.ws.send('not json');
    await waitFor(() => js.messages.filter((m) => m.type === 'error').length === 2, 2000, 'two errors');
    expect(String(js.messages[1]!.error)).toMatch(/pan must be a number from -1 to 1/);
    expect(js.ws.readyState).toBe(js.ws.OPEN);
    await js.close();
  });

  it('lock: a second officer gets 409 naming the holder; an admin takes over', async () => {
    const officer = await rig.gw.login('officer');
    const js = await openJoystick(rig.gw, 'gate', officer);
    js.send({ pan: 0.2, tilt: 0, zoom: 0 });
    const other = await rig.gw.login('officer2');
    const res = await rig.gw.api('/api/cameras/gate/ptz/relative', { method: 'POST', token: other, json: { x: 0.1 } });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: string; details: { holder: { name: string } } };
    expect(body.error).toMatch(/controlled by officer/);
    expect(body.details.holder.name).toBe('officer');
    const js2 = await openJoystick(rig.gw, 'gate', other);
    expect(js2.messages[0]).toMatchObject({ type: 'error', status: 409 });
    expect((await js2.closed).code).toBe(4409);
    // An officer may not take over; an admin may.
    expect((await rig.gw.api('/api/cameras/gate/lock', { method: 'POST', token: other, json: { takeover: true } })).status).toBe(403);
    const admin = await rig.gw.login('admin');
    const take = await rig.gw.api('/api/cameras/gate/lock', { method: 'POST', token: admin, json: { takeover: true } });
    expect(take.status).toBe(200);
    expect(((await take.json()) as { controller: { name: string } }).controller.name).toBe('admin');
    await waitFor(() => js.messages.some((m) => m.type === 'preempted'), 2000, 'officer told');
    expect((await js.closed).code).toBe(4409);
    await waitFor(() => rig.sim.state.ptz.panTiltStatus === 'IDLE', 2000, 'stopped after takeover');
    const lock = (await (await rig.gw.api('/api/cameras/gate/lock', { token: other })).json()) as { controller: { name: string } };
    expect(lock.controller.name).toBe('admin');
    expect((await rig.gw.api('/api/cameras/gate/lock', { method: 'DELETE', token: admin })).status).toBe(200);
    // The move sessions are in the audit log with the user.
    const audit = (await (await rig.gw.api('/api/audit?limit=200', { token: admin })).json()) as { entries?: Array<{ action: string; user: string }> };
    const actions = (audit.entries ?? []).map((e) => `${e.user}:${e.action}`);
    expect(actions).toContain('officer:camera.ptz.session.start');
    expect(actions).toContain('officer:camera.ptz.session.end');
    expect(actions).toContain('admin:camera.lock.acquire');
  });
});

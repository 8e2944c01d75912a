/**
 * An alarm's camera action is one SOAP call on the camera's wire (GotoPreset with the token
 * remembered from the last listing), not GetPresets then GotoPreset; a preset saved again here is
 * followed at once (the remembered tokens are forgotten), and a preset removed by another client
 * behind the gateway's back is looked up again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnvifCameraDriver } from '../../devices/onvif-camera/driver.js';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import type { Alarm } from '../../src/alarms/model.js';
import { FAST_PTZ_SPEEDS, cameraEntry, fastCameraConfig, waitOnline } from '../cameras/helpers.js';
import { waitFor } from '../helpers/wait.js';
import { startAlarmRig, type AlarmRig } from './rig.js';

let cam: RunningCamera;
let rig: AlarmRig;

beforeAll(async () => {
  cam = await startCameraSimulator({ ptzSpeeds: FAST_PTZ_SPEEDS });
  rig = await startAlarmRig({ config: { ...fastCameraConfig([cameraEntry('gate', cam, 'Gate')]), alarms: { groupWindowS: 0 } } });
  await waitOnline(rig.gw, 'gate');
}, 60_000);

afterAll(async () => {
  await rig?.stop();
  await cam?.stop();
});

const moveTo = async (x: number, pan: number) => {
  await rig.call('/api/cameras/gate/ptz/absolute', { json: { x, y: 0 } });
  await waitFor(() => Math.round(cam.state.ptz.panDeg) === pan && cam.state.ptz.panTiltStatus === 'IDLE', 5000, `camera at pan ${pan}`);
};

/** Presses, waits for the camera action's outcome and the camera at rest; returns the SOAP operations sent meanwhile. */
async function press(): Promise<{ operations: string[]; alarm: Alarm }> {
  const before = cam.state.soapCalls.length;
  const event = await rig.button.press();
  const alarm = await waitFor(async () => {
    const { alarms } = await rig.call<{ alarms: Alarm[] }>('/api/alarms?limit=5');
    const found = alarms.find((a) => (a.raw as { eventId?: string } | null)?.eventId === event.eventId);
    const full = found ? await rig.call<Alarm>(`/api/alarms/${found.id}`) : undefined;
    return full?.actions?.length && full.actions.every((a) => a.status !== 'running') ? full : undefined;
  }, 10_000, 'the camera action done');
  await waitFor(() => cam.state.ptz.panTiltStatus === 'IDLE', 5000, 'camera at rest');
  await rig.call(`/api/alarms/${alarm.id}/close`, { json: { as: 'false' } });
  // Polls (GetStatus) and the like may interleave: keep the preset calls.
  const operations = cam.state.soapCalls.slice(before).map((c) => c.operation).filter((op) => /Preset/.test(op));
  return { operations, alarm };
}

describe('alarm preset goto', () => {
  it('sends only GotoPreset on an alarm, follows a preset saved again here, and looks a vanished token up again', async () => {
    await moveTo(0.5, 90);
    await rig.call('/api/cameras/gate/presets', { json: { name: 'door' } });
    await moveTo(0, 0);
    const admin = await rig.gw.login('admin');
    // Saving the rule lists the camera's presets (validation): their tokens are remembered.
    await rig.call('/api/alarm-rules', {
      method: 'PUT',
      token: admin,
      json: { yaml: `- id: to-door\n  name: To the door\n  trigger: { source: button, kind: press }\n  actions:\n    - { type: camera, camera: gate, preset: door, returnAfterS: 1 }\n` },
    });
    const first = await press();
    expect(first.alarm.actions![0]).toMatchObject({ action: 'camera', status: 'ok' });
    expect(first.operations).toEqual(['GotoPreset']);
    expect(Math.round(cam.state.ptz.panDeg)).toBe(90);

    // Removed and saved again at another place through the gateway: the new token is used.
    await rig.call('/api/cameras/gate/presets/door', { method: 'DELETE' });
    await moveTo(0.25, 45);
    await rig.call('/api/cameras/gate/presets', { json: { name: 'door' } });
    await moveTo(0, 0);
    const second = await press();
    expect(second.alarm.actions![0]).toMatchObject({ action: 'camera', status: 'ok' });
    expect(second.operations).toEqual(['GetPresets', 'GotoPreset']);
    expect(Math.round(cam.state.ptz.panDeg)).toBe(45);

    // Removed on the camera by another client: the remembered token fails, the preset is looked up again and reported missing.
    const token = (await rig.call<{ presets: Array<{ token: string; name: string }> }>('/api/cameras/gate/presets')).presets.find((p) => p.name === 'door')!.token;
    await moveTo(0, 0);
    await press(); // remembers the current token again
    const other = new OnvifCameraDriver({ label: 'another client', host: '127.0.0.1', port: Number(new URL(cam.urls.onvif).port), username: cam.credentials.username, password: cam.credentials.password, requestTimeoutMs: 2000 });
    await other.connect();
    await other.removePreset(token);
    other.close();
    const third = await press();
    expect(third.operations.slice(-2)).toEqual(['GotoPreset', 'GetPresets']);
    expect(third.alarm.actions![0]).toMatchObject({ action: 'camera', status: 'failed' });
    expect(third.alarm.actions![0]!.detail).toContain('door');
  }, 60_000);
});

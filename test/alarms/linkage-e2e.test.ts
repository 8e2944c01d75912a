/**
 * The acceptance path in one test, against the simulators over real sockets: a button press turns
 * the camera to the rule's preset (checked on the camera simulator, taking the lock from the
 * officer who held it), sounds a warning at alarm priority on the simulated speaker, pops up on the
 * dashboards' feed with that camera, sounds the button's siren, is stored with every action's
 * outcome and raises a work order assigned to the grid's worker; the pop-up shows in Chromium on
 * the console (with sound) and on a wall (the camera enlarged); acknowledging stops the warning.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { SpeakerFleet } from '../../simulators/speaker/fleet.js';
import type { Alarm } from '../../src/alarms/model.js';
import type { WorkOrder } from '../../src/alarms/work-orders.js';
import { FAST_PTZ_SPEEDS, cameraEntry, fastCameraConfig, waitOnline } from '../cameras/helpers.js';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { loginThroughForm } from '../dashboard/helpers.js';
import { openSocket } from '../helpers/ws.js';
import { waitFor } from '../helpers/wait.js';
import { startAlarmRig, type AlarmRig } from './rig.js';

let cam: RunningCamera;
let rig: AlarmRig;
let fleet: SpeakerFleet;
let recordDir: string;
let browser: Browser | undefined;

beforeAll(async () => {
  cam = await startCameraSimulator({ ptzSpeeds: FAST_PTZ_SPEEDS });
  rig = await startAlarmRig({
    devices: [{ id: 'spk-1', kind: 'speakers', password: 'pw-spk-1-secret', groups: [] }],
    config: {
      ...fastCameraConfig([cameraEntry('gate', cam, '东门')]),
      alarms: {
        devices: [{ id: 'btn-b3', name: '3号楼一键报警', location: 'Building 3 unit 2', cameraId: 'gate' }],
        grids: [{ id: 'east', name: '东区网格', buildings: ['3'], devices: ['btn-b3'], supervisor: '李书记' }],
        workers: [{ id: 'wang', name: '王网格员', grid: 'east' }],
      },
    },
  });
  recordDir = mkdtempSync(join(tmpdir(), 'cg-alarm-spk-'));
  fleet = new SpeakerFleet({ speakers: [{ id: 'spk-1', password: 'pw-spk-1-secret', groups: [] }], baseTopic: rig.gw.config.mqtt.baseTopic, dataDir: recordDir });
  await fleet.start({ mqttUrl: rig.gw.mqttUrl });
  await waitOnline(rig.gw, 'gate');
  await waitFor(() => rig.gw.gateway.presence.get('speakers', 'spk-1')?.availability === 'online', 5000, 'speaker online');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
  await rig?.stop();
  await cam?.stop();
  if (recordDir) rmSync(recordDir, { recursive: true, force: true });
});

describe('button press -> linkage -> work order', () => {
  it('turns the camera, warns on the speaker, pops up, stores the alarm and assigns a work order', async () => {
    const moveTo = async (x: number, pan: number) => {
      expect((await rig.gw.api('/api/cameras/gate/ptz/absolute', { method: 'POST', token: rig.officer, json: { x, y: 0 } })).status).toBe(200);
      await waitFor(() => Math.round(cam.state.ptz.panDeg) === pan && cam.state.ptz.panTiltStatus === 'IDLE', 5000, `camera at pan ${pan}`);
    };
    await moveTo(0.5, 90);
    await rig.call('/api/cameras/gate/presets', { json: { name: 'east-door' } });
    await moveTo(0, 0); // the officer now holds the control lock
    const admin = await rig.gw.login('admin');
    await rig.call('/api/alarm-rules', {
      method: 'PUT',
      token: admin,
      json: {
        yaml: `
- id: button-east
  name: 一键报警（3号楼）
  trigger: { source: button, kind: press }
  workOrder: true
  actions:
    - { type: camera, camera: gate, preset: east-door, returnAfterS: 120 }
    - { type: speaker, speakers: [spk-1], text: 'Attention please, an alarm was raised. Security is on the way.', language: en }
    - { type: popup, enlargeS: 20 }
    - { type: siren, durationS: 30 }
    - { type: mqtt, message: one-key alarm }
`,
      },
    });
    const feed = openSocket(rig.gw.url, `/api/feed?token=${rig.officer}`);
    await feed.opened;
    browser = await launchChromium();
    const consolePage = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await loginThroughForm(consolePage, rig.gw.url, 'officer');
    await consolePage.waitForSelector('[role=tablist]');
    const wallToken = (await rig.call<{ token: string }>('/api/wall-tokens', { json: { label: 'guard room TV' }, token: admin })).token;
    const wallPage = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await wallPage.goto(`${rig.gw.url}/wall?layout=2x2&token=${wallToken}`);
    await wallPage.waitForSelector('.wall-grid');
    await new Promise((r) => setTimeout(r, 500)); // both pages' feeds connected

    await rig.button.press();
    await waitFor(() => Math.round(cam.state.ptz.panDeg) === 90 && cam.state.ptz.panTiltStatus === 'IDLE', 10_000, 'camera at the preset');
    const popup = (await waitFor(
      () => feed.messages.find((m) => (m as { name?: string; payload?: { popup?: boolean } }).name === 'alarms.alarm' && (m as { payload: { popup: boolean } }).payload.popup),
      5000,
      'pop-up on the feed',
    )) as { payload: { id: number; cameraId: string; kind: string } };
    expect(popup.payload).toMatchObject({ cameraId: 'gate', kind: 'press' });
    await consolePage.waitForSelector(`.alarm-popup[data-alarm="${popup.payload.id}"] .alarm-camera[data-camera="gate"]`, { timeout: 5000 });
    expect(await consolePage.evaluate(() => (window as unknown as { cgAlarmSounds?: number }).cgAlarmSounds ?? 0)).toBeGreaterThan(0);
    await wallPage.waitForSelector(`.wall-alarm-popup[data-alarm="${popup.payload.id}"] .tile[data-camera="gate"]`, { timeout: 5000 });
    const speaker = fleet.get('spk-1');
    const heard = await waitFor(() => speaker.recordings.find((r) => r.samples > 8000), 15_000, 'the warning at the speaker');
    expect(heard.play).toMatchObject({ class: 'alarm' });
    const peak = Math.max(...heard.chunks.flatMap((c) => [...c].map(Math.abs)));
    expect(peak).toBeGreaterThan(1000); // speech, not silence
    await waitFor(() => rig.button.siren === true, 5000, 'siren on');

    const alarm = await waitFor(async () => {
      const a = await rig.call<Alarm>(`/api/alarms/${popup.payload.id}`);
      return a.actions?.every((x) => x.status !== 'running') && a.workOrderId ? a : undefined;
    }, 10_000, 'alarm with its outcomes');
    expect(alarm.rules).toEqual(['button-east']);
    expect(Object.fromEntries(alarm.actions!.map((x) => [x.action, x.status]))).toEqual({ camera: 'ok', speaker: 'ok', popup: 'ok', siren: 'ok', mqtt: 'ok' });
    expect(alarm.clip).toMatchObject({ cameraId: 'gate' });
    const order = await rig.call<WorkOrder>(`/api/work-orders/${alarm.workOrderId}`);
    expect(order).toMatchObject({ origin: 'alarm', alarmId: alarm.id, grid: 'east', worker: 'wang', status: 'assigned' });

    // Acknowledge from the console's pop-up: the warning stops, the camera is given back, the siren goes off.
    await consolePage.click(`.alarm-popup[data-alarm="${alarm.id}"] button.primary`);
    await waitFor(async () => (await rig.call<Alarm>(`/api/alarms/${alarm.id}`)).status === 'acknowledged', 5000, 'acknowledged from the console');
    await consolePage.waitForSelector('.alarm-popup', { state: 'detached', timeout: 5000 });
    await waitFor(() => rig.button.siren === false, 5000, 'siren off');
    const cameraView = await rig.call<{ lock: unknown }>('/api/cameras/gate');
    expect(cameraView.lock ?? null).toBeNull();
    feed.ws.close();
  }, 60_000);
});

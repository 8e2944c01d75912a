/**
 * Issue 12 item 6 against the real cameras feature (ONVIF registry with its reconnect back-off up
 * to 30 s): a viewer waits through a camera outage; once the camera is back, pictures come again
 * within ~3 s because the waiting viewer makes the gateway reconnect now.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRig, waitOnline, type CameraRig } from '../cameras/helpers.js';
import { waitFor } from '../helpers/wait.js';
import { openViewer, sleep, statuses } from './helpers.js';

let rig: CameraRig;
let token: string;

beforeAll(async () => {
  // the shipped back-off (1 s doubling to 30 s), not the tests' fast one
  rig = await startRig({ encoderLingerMs: 300 }, { reconnect: { initialMs: 1000, maxMs: 30000 } });
  token = await rig.gw.login('viewer');
});
afterAll(async () => {
  await rig?.stop();
});

it('a viewer gets pictures again within ~3 s of the camera coming back from a 12 s outage', async () => {
  const v = openViewer(rig.gw, '/api/streams/gate?profile=sub&format=mse', token, ['avc1.42E01E', 'avc1.640028']);
  await waitFor(() => v.binary.length > 5, 15000, 'pictures before the outage');
  await rig.sim.control.goOffline();
  await waitOnline(rig.gw, 'gate', false, 10000);
  await waitFor(() => statuses(v).some((s) => s.reason?.code === 'camera.offline'), 5000, 'the viewer told camera.offline');
  await sleep(12000); // long enough for the camera back-off to reach 8-16 s
  await rig.sim.control.goOnline();
  const back = Date.now();
  const n = v.binary.length;
  await waitFor(() => v.binary.length > n + 3, 20000, 'pictures after the camera came back');
  const ms = Date.now() - back;
  console.log(`pictures again ${ms} ms after the camera came back`);
  expect(ms).toBeLessThan(3000);
  expect(statuses(v).at(-1)?.state).toBe('playing');
  await v.close();
});

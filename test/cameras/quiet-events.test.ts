/**
 * A quiet camera (no events for longer than the subscription lives) keeps its one subscription:
 * a PullMessages never waits past the renewal time, so the subscription does not lapse between
 * events and nothing raised after the quiet spell is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { waitFor } from '../helpers/wait.js';
import { cameraEntry, fastCameraConfig, sleep, waitOnline } from './helpers.js';

const TERMINATION_MS = 2000;

let cam: RunningCamera;
let gw: TestGateway;

beforeAll(async () => {
  cam = await startCameraSimulator({ name: 'Quiet', behaviours: ['strict-renew', 'subscription-slots'] });
  // The default pull timeout (30 s) is far longer than this subscription's life.
  gw = await startTestGateway({ config: fastCameraConfig([cameraEntry('quiet', cam)], { events: true, eventSubscription: { terminationMs: TERMINATION_MS } }) });
  await waitOnline(gw, 'quiet');
}, 60_000);
afterAll(async () => {
  await gw?.stop().catch(() => {});
  await cam?.stop();
});

describe('a quiet camera', () => {
  it('keeps one subscription through a quiet spell longer than its lifetime and delivers the next event', async () => {
    await waitFor(() => cam.control.subscriptionsInUse() === 1, 5000, 'subscribed');
    const createdBefore = cam.control.subscriptionsCreated();
    await sleep(3 * TERMINATION_MS);
    const motions: boolean[] = [];
    const off = gw.gateway.bus.on('camera.motion', (e) => e.cameraId === 'quiet' && motions.push(e.state));
    try {
      cam.control.motion(true);
      await waitFor(() => motions.includes(true), 2000, 'motion after the quiet spell');
    } finally {
      off();
    }
    expect(cam.control.subscriptionsCreated()).toBe(createdBefore);
    expect(cam.control.subscriptionsInUse()).toBe(1);
  });
});

/**
 * The cameras feature frees everything on stop: camera connections (keep-alive sockets and a
 * PullPoint long poll in flight), poll and reconnect timers, joystick sessions, tour timers.
 * The simulator is started before tracking begins, so only the gateway's handles are watched.
 */
import { expect, it } from 'vitest';
import { startCameraSimulator } from '../../simulators/onvif-camera/index.js';
import { startTestGateway } from '../helpers/gateway.js';
import { trackHandles } from '../helpers/open-handles.js';
import { waitFor } from '../helpers/wait.js';
import { cameraEntry, fastCameraConfig, FAST_PTZ_SPEEDS, openJoystick, waitOnline } from './helpers.js';

it('leaves no socket or timer open after the gateway stops with cameras connected and moving', async () => {
  const sim = await startCameraSimulator({ ptzSpeeds: FAST_PTZ_SPEEDS });
  const offline = await startCameraSimulator({ name: 'Down' });
  await offline.control.goOffline(); // a camera being retried with backoff
  const tracker = trackHandles();
  try {
    const gw = await startTestGateway({ config: fastCameraConfig([cameraEntry('gate', sim), cameraEntry('down', offline)]) });
    await waitOnline(gw, 'gate');
    await waitFor(() => sim.state.eventSubscriptions > 0, 5000, 'PullPoint subscription');
    const js = await openJoystick(gw, 'gate', await gw.login('officer'));
    js.send({ pan: 0.4, tilt: 0, zoom: 0 });
    await waitFor(() => sim.state.ptz.panTiltStatus === 'MOVING', 2000, 'moving');
    await gw.stop();
    await js.closed;
    await waitFor(() => tracker.open().every((h) => h.stack.includes("simulators/onvif-camera")), 3000, 'every handle to be closed').catch(() => undefined);
    // The simulator runs in this process too: its own subscription timers are freed by its stop().
    const leaks = tracker.open().filter((h) => !h.stack.includes("simulators/onvif-camera"));
    expect(leaks).toEqual([]);
    // The joystick's end on shutdown stopped the camera.
    await waitFor(() => sim.state.ptz.panTiltStatus === 'IDLE', 2000, 'stopped');
  } finally {
    tracker.stop();
    await sim.stop();
    await offline.stop();
  }
});

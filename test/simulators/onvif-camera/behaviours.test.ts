/**
 * The camera simulator's field behaviours as data: resolved by name (unknown names refused),
 * chosen on the CLI with --behaviour, switched at run time through the control API; and the
 * Initialized event state that every new subscriber gets at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { OnvifCameraDriver, type CameraEvent } from '../../../devices/onvif-camera/driver.js';
import { resolveBehaviours } from '../../../simulators/onvif-camera/behaviours.js';
import { runCameraSimulatorCli } from '../../../simulators/onvif-camera/cli.js';
import { startCameraSimulator, type RunningCamera } from '../../../simulators/onvif-camera/index.js';
import { waitFor } from '../../helpers/wait.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

describe('camera simulator field behaviours', () => {
  it('resolves named behaviours and flags, and refuses unknown names', () => {
    expect(resolveBehaviours(['strict-renew', 'subscription-slots'])).toMatchObject({ strictRenew: true, subscriptionSlots: 8, noPtz: false });
    expect(resolveBehaviours(['subscription-slots'], { subscriptionSlots: 2 }).subscriptionSlots).toBe(2);
    expect(resolveBehaviours(['cgi-server'])).toMatchObject({ loginFreeServices: true, ignoreMoveTimeout: true, asciiPresetNames: true, strictRenew: true, subscriptionSlots: 8 });
    expect(() => resolveBehaviours(['no-such-habit'])).toThrow(/unknown camera behaviour "no-such-habit"/);
  });

  it('takes --behaviour on the command line (repeatable) and switches at run time', async () => {
    const run = await runCameraSimulatorCli(['--behaviour', 'strict-renew', '--behaviour', 'no-ptz', '--subscription-slots', '3', '--log-level', 'silent']);
    stops.push(() => run.stop());
    const cam = run.cameras[0]!;
    expect(cam.control.behaviours).toMatchObject({ strictRenew: true, noPtz: true, subscriptionSlots: 3, asciiPresetNames: false });
    cam.control.setBehaviours(['ascii-preset-names'], { noPtz: false });
    expect(cam.control.behaviours).toMatchObject({ strictRenew: true, noPtz: false, asciiPresetNames: true, subscriptionSlots: 3 });
  });

  it('a new subscriber gets the Initialized motion state at once, before any motion', async () => {
    const sim: RunningCamera = await startCameraSimulator({ name: 'Init' });
    stops.push(() => sim.stop());
    const d = new OnvifCameraDriver({ label: 'init', host: '127.0.0.1', port: Number(new URL(sim.urls.onvif).port), username: 'admin', password: 'admin123', requestTimeoutMs: 2000 });
    stops.push(async () => d.shutdown());
    await d.connect();
    const events: CameraEvent[] = [];
    d.startEvents((e) => events.push(e), () => {}, { pullTimeoutMs: 500 });
    const first = await waitFor(() => events[0], 3000, 'the Initialized event');
    expect(first).toMatchObject({ topic: 'VideoSource/MotionAlarm', data: { State: 'false' } });
    expect(sim.state.eventsPublished).toBe(0);
  });
});

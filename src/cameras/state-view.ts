/** The one shape of a camera's state, for the API and the retained MQTT state topic. */
import type { CameraStatePayload } from '../../devices/onvif-camera/topics.js';
import type { ManagedCamera } from './camera.js';
import type { ControlLock } from './lock.js';
import type { TourRunner } from './tour-runner.js';

/** The contract's camera state (devices/onvif-camera/topics.ts is its single definition). */
export type CameraStateView = CameraStatePayload;

export function cameraStateView(cam: ManagedCamera, lock: ControlLock, tours: TourRunner): CameraStateView {
  const live = cam.live;
  const holder = lock.holder(cam.id);
  const tour = tours.status(cam.id);
  return {
    online: live.online,
    status: live.status,
    events: cam.eventHealth?.state ?? null,
    name: cam.def.name,
    position: live.position,
    moving: live.moving ?? null,
    controller: holder ? { name: holder.name, displayName: holder.displayName ?? holder.name, kind: holder.kind, since: holder.since } : null,
    tour: tour ? { name: tour.name, phase: tour.phase, step: tour.step, stepCount: tour.stepCount, preset: tour.preset, since: tour.since } : null,
    at: new Date().toISOString(),
  };
}

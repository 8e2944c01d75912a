/** The one shape of a camera's state, for the API and the retained MQTT state topic. */
import type { ManagedCamera } from './camera.js';
import type { ControlLock } from './lock.js';
import type { TourRunner } from './tour-runner.js';

export interface CameraStateView {
  online: boolean;
  name: string;
  position: { x: number; y: number; zoom: number } | null;
  moving: boolean | null;
  controller: { name: string; kind: string; since: string } | null;
  tour: { name: string; phase: string; step: number; stepCount: number; preset: string; since: string } | null;
  at: string;
}

export function cameraStateView(cam: ManagedCamera, lock: ControlLock, tours: TourRunner): CameraStateView {
  const live = cam.live;
  const holder = lock.holder(cam.id);
  const tour = tours.status(cam.id);
  return {
    online: live.online,
    name: cam.def.name,
    position: live.position,
    moving: live.moving ?? null,
    controller: holder ? { name: holder.name, kind: holder.kind, since: holder.since } : null,
    tour: tour ? { name: tour.name, phase: tour.phase, step: tour.step, stepCount: tour.stepCount, preset: tour.preset, since: tour.since } : null,
    at: new Date().toISOString(),
  };
}

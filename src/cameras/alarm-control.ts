import { capabilityKey } from '../core/capabilities.js';
import type { ControlLock } from './lock.js';
import type { PresetService } from './presets.js';
import type { CameraRegistry } from './registry.js';

/** What the alarms feature may do with cameras: turn one to a preset ahead of anyone, and give it back. */
export interface AlarmCameraControl {
  has(cameraId: string): boolean;
  isOnline(cameraId: string): boolean;
  /** The camera's presets by display name (asks the camera). */
  presetNames(cameraId: string): Promise<string[]>;
  /** Takes the control lock from whoever holds it (joysticks close, tours pause) and goes to the preset. */
  gotoPreset(cameraId: string, preset: string, holder: string): Promise<void>;
  /** Gives the lock back (tours resume after their idle time). */
  release(cameraId: string, holder: string): void;
}

export const ALARM_CAMERAS = capabilityKey<AlarmCameraControl>('alarm-cameras');

export function alarmCameraControl(deps: { registry: CameraRegistry; lock: ControlLock; presets: PresetService }): AlarmCameraControl {
  return {
    has: (id) => deps.registry.has(id),
    isOnline: (id) => deps.registry.has(id) && deps.registry.get(id).live.online,
    presetNames: async (id) => (await deps.presets.list(id)).flatMap((p) => [p.name, p.token]),
    async gotoPreset(cameraId, preset, holder) {
      deps.lock.preempt(cameraId, holder);
      await deps.presets.goto(cameraId, { name: holder, role: 'admin', kind: 'alarm' }, preset);
    },
    release: (cameraId, holder) => void deps.lock.release(cameraId, { name: holder }),
  };
}

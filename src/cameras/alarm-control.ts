import { capabilityKey } from '../core/capabilities.js';
import { NotFoundError } from '../core/errors.js';
import type { ControlLock } from './lock.js';
import type { PresetService, PresetView } from './presets.js';
import type { PtzControl } from './ptz-control.js';
import type { CameraRegistry } from './registry.js';

/** What the alarms feature may do with cameras: turn one to a preset ahead of anyone, and give it back. */
export interface AlarmCameraControl {
  has(cameraId: string): boolean;
  isOnline(cameraId: string): boolean;
  /** The camera's presets by display name (asks the camera; remembers the tokens for gotoPreset). */
  presetNames(cameraId: string): Promise<string[]>;
  /** Takes the control lock from whoever holds it (joysticks close, tours pause) and goes to the preset. */
  gotoPreset(cameraId: string, preset: string, holder: string): Promise<void>;
  /** Gives the lock back (tours resume after their idle time). */
  release(cameraId: string, holder: string): void;
}

export const ALARM_CAMERAS = capabilityKey<AlarmCameraControl>('alarm-cameras');

/** How long a camera's preset tokens are trusted without asking it again (changes made here forget them at once). */
export const PRESET_TOKENS_TTL_MS = 5 * 60_000;

/**
 * An alarm's preset goto is one SOAP call, not two: the preset's token is remembered from the last
 * time the camera's presets were listed (rule validation, the camera coming online, the previous
 * alarm), so the alarm path does not wait for GetPresets. Saving, renaming or removing a preset
 * here forgets the camera's tokens; a token the camera no longer knows is looked up again once.
 */
export function alarmCameraControl(deps: { registry: CameraRegistry; lock: ControlLock; presets: PresetService; ptz: PtzControl; now?: () => number }): AlarmCameraControl {
  const now = deps.now ?? Date.now;
  const known = new Map<string, { at: number; presets: PresetView[] }>();
  deps.presets.onChange((cameraId) => known.delete(cameraId));
  const remember = (cameraId: string, presets: PresetView[]): PresetView[] => {
    known.set(cameraId, { at: now(), presets });
    return presets;
  };
  const listed = async (cameraId: string): Promise<PresetView[]> => remember(cameraId, await deps.presets.list(cameraId));
  /** By token first, then by display name (as PresetService.find). */
  const pick = (presets: readonly PresetView[], preset: string): PresetView | undefined => {
    const wanted = preset.normalize('NFC');
    return presets.find((p) => p.token === wanted) ?? presets.find((p) => p.name === wanted);
  };
  const actor = (holder: string) => ({ name: holder, role: 'admin' as const, kind: 'alarm' as const });
  return {
    has: (id) => deps.registry.has(id),
    isOnline: (id) => deps.registry.has(id) && deps.registry.get(id).live.online,
    presetNames: async (id) => (await listed(id)).flatMap((p) => [p.name, p.token]),
    async gotoPreset(cameraId, preset, holder) {
      deps.lock.preempt(cameraId, holder);
      const entry = known.get(cameraId);
      const cached = entry && now() - entry.at < PRESET_TOKENS_TTL_MS ? pick(entry.presets, preset) : undefined;
      if (cached) {
        try {
          await deps.ptz.gotoPreset(cameraId, actor(holder), cached.token);
          return;
        } catch (err) {
          // The camera may have lost the token (changed by another client): ask it again, once.
          known.delete(cameraId);
          if (!deps.registry.get(cameraId).live.online) throw err;
        }
      }
      const fresh = pick(await listed(cameraId), preset);
      if (!fresh) throw new NotFoundError('preset.not-found', { camera: cameraId, preset });
      await deps.ptz.gotoPreset(cameraId, actor(holder), fresh.token);
    },
    release: (cameraId, holder) => void deps.lock.release(cameraId, { name: holder }),
  };
}

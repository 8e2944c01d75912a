/**
 * Where a camera's head points and whether it moves, for features that must know (video AI: a
 * zone belongs to a preset, and nothing is analysed while the head turns). Provided by the
 * cameras feature under CAMERA_POSES; reads the camera's PTZ status (GetStatus) and its presets
 * (GetPresets, cached for `presetCacheMs`).
 */
import type { CameraPreset, PtzPosition } from '../../devices/onvif-camera/driver.js';
import { capabilityKey } from '../core/capabilities.js';
import { DeviceUnavailableError } from '../core/errors.js';
import type { CameraRegistry } from './registry.js';

export interface CameraPose {
  /** true while the head moves; a camera without PTZ never moves. */
  moving: boolean;
  position: PtzPosition | null;
  /** The preset the head is at (within `PRESET_TOLERANCE` on each axis), or null. */
  presetToken: string | null;
  presetName: string | null;
}

export interface CameraPoses {
  /** Throws NotFoundError for an unknown camera, DeviceUnavailableError while it is offline. */
  pose(cameraId: string): Promise<CameraPose>;
  /** The camera's presets (cached), [] for a camera without presets. */
  presets(cameraId: string): Promise<Array<{ token: string; name: string }>>;
}

export const CAMERA_POSES = capabilityKey<CameraPoses>('camera-poses');

/** Generic-space distance under which the head counts as being at a preset. */
export const PRESET_TOLERANCE = 0.01;

export function presetAt(position: PtzPosition, presets: readonly CameraPreset[]): CameraPreset | undefined {
  return presets.find((p) => p.position && Math.abs(p.position.x - position.x) <= PRESET_TOLERANCE && Math.abs(p.position.y - position.y) <= PRESET_TOLERANCE && Math.abs(p.position.zoom - position.zoom) <= PRESET_TOLERANCE);
}

export class CameraPoseReader implements CameraPoses {
  private readonly cache = new Map<string, { at: number; presets: CameraPreset[] }>();

  constructor(private readonly registry: CameraRegistry, private readonly presetCacheMs = 10_000) {}

  private async cameraPresets(cameraId: string, maxAgeMs = this.presetCacheMs): Promise<CameraPreset[]> {
    const cam = this.registry.get(cameraId);
    const caps = cam.capabilities;
    if (!cam.live.online || !caps) throw new DeviceUnavailableError('camera.offline', { camera: cameraId });
    if (!caps.presets) return [];
    const cached = this.cache.get(cameraId);
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.presets;
    const presets = await cam.driver.presets();
    this.cache.set(cameraId, { at: Date.now(), presets });
    return presets;
  }

  async presets(cameraId: string): Promise<Array<{ token: string; name: string }>> {
    return (await this.cameraPresets(cameraId)).map((p) => ({ token: p.token, name: p.name }));
  }

  async pose(cameraId: string): Promise<CameraPose> {
    const cam = this.registry.get(cameraId);
    const caps = cam.capabilities;
    if (!cam.live.online || !caps) throw new DeviceUnavailableError('camera.offline', { camera: cameraId });
    if (!caps.ptz) return { moving: false, position: null, presetToken: null, presetName: null };
    const status = await cam.driver.status();
    let at = status.moving ? undefined : presetAt(status.position, await this.cameraPresets(cameraId));
    // Still, but at no known preset: a preset may just have been saved; read them again (at most once a second).
    if (!status.moving && !at) at = presetAt(status.position, await this.cameraPresets(cameraId, 1000));
    return { moving: status.moving === true, position: status.position, presetToken: at?.token ?? null, presetName: at?.name ?? null };
  }
}

/**
 * Presets of a camera: the camera keeps positions and tokens; the gateway may keep a display
 * name over the camera's (rename without moving the camera: ONVIF has no rename, and SetPreset
 * on an existing token would overwrite the position with the current one). Names are UTF-8
 * ("大门", "停车场") and unique per camera.
 */
import type { CameraPreset } from '../../devices/onvif-camera/driver.js';
import { ConflictError, NotFoundError, UserError } from '../core/errors.js';
import type { Actor, PtzControl } from './ptz-control.js';
import type { CameraRegistry } from './registry.js';
import type { CameraStore } from './store.js';

export interface PresetView {
  token: string;
  name: string;
  /** The name the camera itself holds (differs after a rename). */
  cameraName: string;
  position: CameraPreset['position'];
}

export function checkPresetName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (!name) throw new UserError('preset.name-empty');
  if ([...name].length > 64) throw new UserError('preset.name-too-long', { max: 64 });
  // eslint-disable-next-line no-control-regex -- control characters are refused
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new UserError('preset.name-control-chars');
  return name;
}

/** Printable ASCII: what ASCII-only cameras accept as a preset name. */
export function isAsciiPresetName(name: string): boolean {
  return /^[\x20-\x7e]+$/.test(name);
}

/** The first `P<n>` no preset of the camera holds as its camera-side name or token. */
export function asciiCameraName(existing: readonly PresetView[]): string {
  const taken = new Set(existing.flatMap((p) => [p.cameraName, p.token]));
  for (let n = 1; ; n++) if (!taken.has(`P${n}`)) return `P${n}`;
}

/** A camera fault about the argument or the name (not "moving", "too many presets", ...). */
function refusedTheName(err: unknown): boolean {
  if (!(err instanceof UserError) || err.code !== 'camera_fault') return false;
  const faults = (err.details?.faults as string[] | undefined) ?? [];
  if (faults.some((f) => /MovingPTZ|TooManyPresets|PresetExist/i.test(f))) return false;
  return faults.some((f) => /InvalidArg|PresetName/i.test(f)) || /name/i.test(err.message);
}

export class PresetService {
  /** Cameras that refused a non-ASCII preset name: later saves go straight to an ASCII camera-side name. */
  private readonly asciiOnly = new Set<string>();
  private readonly changeListeners = new Set<(cameraId: string) => void>();

  constructor(private readonly deps: { registry: CameraRegistry; store: CameraStore; ptz: PtzControl; usedByTours: (cameraId: string, token: string) => string[] }) {}

  /** Called after a preset of a camera was saved, renamed or removed here (caches forget that camera). */
  onChange(listener: (cameraId: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private changed(cameraId: string): void {
    for (const l of this.changeListeners) l(cameraId);
  }

  async list(cameraId: string): Promise<PresetView[]> {
    const cam = this.deps.registry.get(cameraId);
    const names = this.deps.store.presetNames(cameraId);
    const presets = await cam.driver.presets().catch((err: unknown) => {
      cam.reportFailure(err);
      throw err;
    });
    return presets.map((p) => ({ token: p.token, name: names.get(p.token) ?? p.name, cameraName: p.name, position: p.position }));
  }

  /** By token first, then by (display) name. */
  async find(cameraId: string, tokenOrName: string): Promise<PresetView> {
    const list = await this.list(cameraId);
    const wanted = tokenOrName.normalize('NFC');
    const found = list.find((p) => p.token === wanted) ?? list.find((p) => p.name === wanted);
    if (!found) throw new NotFoundError('preset.not-found', { camera: cameraId, preset: tokenOrName });
    return found;
  }

  /** Saves the camera's current position under a new name. */
  async save(cameraId: string, actor: Actor, rawName: string): Promise<PresetView> {
    const name = checkPresetName(rawName);
    const list = await this.list(cameraId);
    if (list.some((p) => p.name === name)) throw new ConflictError('preset.duplicate', { camera: cameraId, name });
    const cam = this.deps.ptz.control(cameraId, actor);
    let cameraName = name;
    let token: string;
    if (!isAsciiPresetName(name) && this.asciiOnly.has(cameraId)) {
      cameraName = asciiCameraName(list);
      token = await cam.driver.setPreset(cameraName);
    } else {
      try {
        token = await cam.driver.setPreset(name);
      } catch (err) {
        // Many cameras accept only ASCII names: the camera keeps "P<n>", the gateway the real name.
        if (isAsciiPresetName(name) || !refusedTheName(err)) throw err;
        this.asciiOnly.add(cameraId);
        cameraName = asciiCameraName(list);
        token = await cam.driver.setPreset(cameraName);
      }
    }
    if (cameraName === name) this.deps.store.forgetPresetName(cameraId, token);
    else this.deps.store.setPresetName(cameraId, token, name);
    this.changed(cameraId);
    return (await this.list(cameraId)).find((p) => p.token === token) ?? { token, name, cameraName, position: null };
  }

  async rename(cameraId: string, tokenOrName: string, rawName: string): Promise<PresetView> {
    const name = checkPresetName(rawName);
    const preset = await this.find(cameraId, tokenOrName);
    const list = await this.list(cameraId);
    if (list.some((p) => p.name === name && p.token !== preset.token)) throw new ConflictError('preset.duplicate', { camera: cameraId, name });
    if (name === preset.cameraName) this.deps.store.forgetPresetName(cameraId, preset.token);
    else this.deps.store.setPresetName(cameraId, preset.token, name);
    this.changed(cameraId);
    return { ...preset, name };
  }

  async remove(cameraId: string, actor: Actor, tokenOrName: string): Promise<PresetView> {
    const preset = await this.find(cameraId, tokenOrName);
    const tours = this.deps.usedByTours(cameraId, preset.token);
    if (tours.length) throw new ConflictError('preset.used-by-tours', { preset: preset.name, tours: tours.map((t) => `"${t}"`).join(', ') }, { tours });
    const cam = this.deps.ptz.control(cameraId, actor);
    await cam.driver.removePreset(preset.token);
    this.deps.store.forgetPresetName(cameraId, preset.token);
    this.changed(cameraId);
    return preset;
  }

  async goto(cameraId: string, actor: Actor, tokenOrName: string, speed?: number): Promise<PresetView> {
    const preset = await this.find(cameraId, tokenOrName);
    await this.deps.ptz.gotoPreset(cameraId, actor, preset.token, speed);
    return preset;
  }
}

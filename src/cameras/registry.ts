/**
 * Every camera the gateway knows: those in the configuration and those added at run time
 * (persisted). Cameras connect in the background; `get` throws NotFoundError for an unknown id.
 */
import type { CamerasConfig } from '../config/schema.js';
import { ConflictError, NotFoundError } from '../core/errors.js';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { ManagedCamera } from './camera.js';
import type { MovingMarks } from './moving-marks.js';
import type { CameraDefinition, CameraStore } from './store.js';

export interface CameraRegistryDeps {
  config: CamerasConfig;
  store: CameraStore;
  bus: EventBus;
  log: Logger;
  moving?: MovingMarks;
}

const DEFAULT_SERVICE_PATH = '/onvif/device_service';

export type RegistryListener = (event: { type: 'added' | 'removed' | 'changed'; id: string }) => void;

export class CameraRegistry implements Service {
  readonly name = 'camera-registry';
  private readonly cameras = new Map<string, ManagedCamera>();
  private readonly listeners = new Set<RegistryListener>();
  private started = false;

  constructor(private readonly deps: CameraRegistryDeps) {}

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const def of this.deps.config.list) this.create(def, 'config');
    const sealed = this.deps.store.sealClearPasswords();
    if (sealed > 0) this.deps.log.info({ cameras: sealed }, 'camera passwords kept in clear by an earlier version are now encrypted');
    const unreadable = (id: string, err: Error): void =>
      this.deps.log.warn({ camera: id, err: err.message }, 'the stored password of this camera cannot be decrypted (secret.key changed?); enter it again');
    for (const def of this.deps.store.addedCameras(unreadable)) {
      if (this.cameras.has(def.id)) {
        this.deps.log.warn({ camera: def.id }, 'a camera added at run time has the id of a configured camera; the configured one wins');
        continue;
      }
      this.create(def, 'added');
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    // Each camera unsubscribes its events first (bounded), so no subscription slot leaks.
    await Promise.all([...this.cameras.values()].map((cam) => cam.stop()));
    this.cameras.clear();
  }

  onChange(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): ManagedCamera[] {
    return [...this.cameras.values()];
  }

  get(id: string): ManagedCamera {
    const cam = this.cameras.get(id);
    if (!cam) throw new NotFoundError('camera.not-found', { camera: id });
    return cam;
  }

  has(id: string): boolean {
    return this.cameras.has(id);
  }

  add(def: CameraDefinition, by: string): ManagedCamera {
    if (this.cameras.has(def.id)) throw new ConflictError('camera.exists', { camera: def.id });
    // One device may serve several ONVIF endpoints on one port (encoders, NVR channels): the path counts.
    const path = def.path ?? DEFAULT_SERVICE_PATH;
    const same = this.list().find((c) => c.def.host.toLowerCase() === def.host.toLowerCase() && c.def.port === def.port && (c.def.path ?? DEFAULT_SERVICE_PATH) === path);
    if (same) throw new ConflictError('camera.address-taken', { address: `${def.host}:${def.port}${path}`, camera: same.id });
    this.deps.store.addCamera(def, by);
    const cam = this.create(def, 'added');
    this.emit({ type: 'added', id: def.id });
    return cam;
  }

  remove(id: string): void {
    const cam = this.get(id);
    if (cam.source === 'config') throw new ConflictError('camera.in-config', { camera: id });
    void cam.stop();
    this.cameras.delete(id);
    this.deps.store.removeCamera(id);
    this.emit({ type: 'removed', id });
  }

  private create(def: CameraDefinition, source: 'config' | 'added'): ManagedCamera {
    const cam = new ManagedCamera(def, source, {
      config: this.deps.config,
      bus: this.deps.bus,
      log: this.deps.log,
      moving: this.deps.moving,
      onChange: (id) => this.emit({ type: 'changed', id }),
    });
    this.cameras.set(def.id, cam);
    if (this.started) cam.start();
    return cam;
  }

  private emit(event: Parameters<RegistryListener>[0]): void {
    for (const l of this.listeners) l(event);
  }
}

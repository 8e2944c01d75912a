/**
 * Every PTZ command, whoever sends it (REST, joystick, MQTT, tours): takes or refreshes the
 * control lock, goes through the camera's command queue (ordered, latest move wins), and marks
 * the camera offline when it does not answer. Measures joystick-message -> SOAP-bytes-written.
 */
import { performance } from 'node:perf_hooks';
import type { PtzPosition, PtzVector } from '../../devices/onvif-camera/driver.js';
import type { OnvifCameraDriver } from '../../devices/onvif-camera/driver.js';
import type { CamerasConfig, Role } from '../config/schema.js';
import { DeviceUnavailableError, UserError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../metrics/registry.js';
import type { ManagedCamera } from './camera.js';
import { CommandQueue, type QueuedCommand } from './command-queue.js';
import type { ControlLock } from './lock.js';
import type { MovingMarks } from './moving-marks.js';
import type { CameraRegistry } from './registry.js';

export interface Actor {
  name: string;
  role: Role;
  kind?: 'user' | 'mqtt' | 'alarm';
  /** The login session (a Principal's tokenId): the control lock is held per session. */
  tokenId?: string;
}

export type WireLatencyListener = (cameraId: string, ms: number) => void;

export class PtzControl {
  private readonly queues = new Map<string, CommandQueue>();
  private readonly hooked = new WeakSet<OnvifCameraDriver>();
  private readonly receivedAt = new Map<string, number>();
  private readonly latencyListeners = new Set<WireLatencyListener>();
  private readonly latency: ReturnType<Metrics['histogram']> | undefined;

  constructor(
    private readonly deps: {
      registry: CameraRegistry;
      lock: ControlLock;
      config: CamerasConfig;
      log: Logger;
      metrics?: Metrics;
      moving?: MovingMarks;
      /** The name people read for a user (the users' display name), if any. */
      displayName?: (name: string) => string | undefined;
    },
  ) {
    this.latency = deps.metrics?.histogram(
      'gateway_ptz_joystick_to_wire_seconds',
      'Time from a joystick message received to the SOAP request bytes written to the camera',
      [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1],
    );
  }

  /** Takes (or refreshes) the control lock; throws 409 naming the holder. */
  control(cameraId: string, actor: Actor, takeover = false): ManagedCamera {
    const cam = this.deps.registry.get(cameraId);
    const displayName = this.deps.displayName?.(actor.name);
    this.deps.lock.acquire(
      cameraId,
      { name: actor.name, role: actor.role, kind: actor.kind ?? 'user', ...(actor.tokenId ? { tokenId: actor.tokenId } : {}), ...(displayName ? { displayName } : {}) },
      takeover,
    );
    return cam;
  }

  onWireLatency(listener: WireLatencyListener): () => void {
    this.latencyListeners.add(listener);
    return () => this.latencyListeners.delete(listener);
  }

  /** ContinuousMove with the configured Timeout; `receivedAt` (performance.now()) feeds the latency metric. */
  move(cameraId: string, actor: Actor, v: PtzVector, receivedAt?: number): Promise<void> {
    const cam = this.control(cameraId, actor);
    return this.enqueue(cam, 'move', async (d) => {
      if (receivedAt !== undefined) this.receivedAt.set(cameraId, receivedAt);
      // Kept until the Stop: if the gateway dies mid-move, the next run stops the camera.
      this.deps.moving?.mark(cameraId);
      await d.continuousMove(v, this.deps.config.ptz.moveTimeoutMs);
    });
  }

  stop(cameraId: string, actor: Actor, receivedAt?: number): Promise<void> {
    const cam = this.control(cameraId, actor);
    return this.enqueue(cam, 'stop', async (d) => {
      if (receivedAt !== undefined) this.receivedAt.set(cameraId, receivedAt);
      await d.stop();
      this.deps.moving?.clear(cameraId);
    });
  }

  /** Stop for a holder that may just have lost the lock (socket closed, dead-man): no lock check. */
  stopUnconditionally(cameraId: string): Promise<void> {
    const cam = this.deps.registry.get(cameraId);
    return this.enqueue(cam, 'stop', async (d) => {
      await d.stop();
      this.deps.moving?.clear(cameraId);
    });
  }

  absolute(cameraId: string, actor: Actor, p: Partial<PtzPosition>, speed?: number): Promise<void> {
    return this.enqueue(this.control(cameraId, actor), 'other', (d) => d.absoluteMove(p, speed));
  }

  relative(cameraId: string, actor: Actor, t: Partial<PtzPosition>, speed?: number): Promise<void> {
    return this.enqueue(this.control(cameraId, actor), 'other', (d) => d.relativeMove(t, speed));
  }

  zoom(cameraId: string, actor: Actor, zoom: number, speed?: number): Promise<void> {
    return this.enqueue(this.control(cameraId, actor), 'other', (d) => d.zoomTo(zoom, speed));
  }

  home(cameraId: string, actor: Actor, speed?: number): Promise<void> {
    return this.enqueue(this.control(cameraId, actor), 'other', (d) => d.gotoHome(speed));
  }

  setHome(cameraId: string, actor: Actor): Promise<void> {
    return this.enqueue(this.control(cameraId, actor), 'other', (d) => d.setHome());
  }

  gotoPreset(cameraId: string, actor: Actor, token: string, speed?: number): Promise<void> {
    return this.enqueue(this.control(cameraId, actor), 'other', (d) => d.gotoPreset(token, speed));
  }

  /** Runs a command for a tour (no lock: tours yield to anyone who takes it). */
  forTour(cameraId: string, fn: (d: OnvifCameraDriver) => Promise<void>): Promise<void> {
    return this.enqueue(this.deps.registry.get(cameraId), 'other', fn);
  }

  forget(cameraId: string): void {
    this.queues.delete(cameraId);
    this.receivedAt.delete(cameraId);
  }

  private enqueue(cam: ManagedCamera, kind: QueuedCommand['kind'], fn: (d: OnvifCameraDriver) => Promise<void>): Promise<void> {
    if (!cam.live.online) return Promise.reject(cam.live.lastError ? new DeviceUnavailableError('camera.offline-because', { camera: cam.id, reason: cam.live.lastError }) : new DeviceUnavailableError('camera.offline', { camera: cam.id }));
    this.hook(cam);
    let queue = this.queues.get(cam.id);
    if (!queue) {
      queue = new CommandQueue((err) => cam.reportFailure(err));
      this.queues.set(cam.id, queue);
    }
    return queue.push({ kind, run: () => fn(cam.driver) });
  }

  private hook(cam: ManagedCamera): void {
    if (this.hooked.has(cam.driver)) return;
    this.hooked.add(cam.driver);
    cam.driver.onRequestWritten(() => {
      const t = this.receivedAt.get(cam.id);
      if (t === undefined) return;
      this.receivedAt.delete(cam.id);
      const ms = performance.now() - t;
      this.latency?.observe(ms / 1000);
      for (const l of this.latencyListeners) l(cam.id, ms);
    });
  }
}

/** A vector from untrusted input: three finite numbers in -1..1. */
export function parseVector(input: unknown): PtzVector {
  const o = input as Record<string, unknown> | null;
  const pick = (k: string): number => {
    const v = o?.[k] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < -1 || v > 1) throw new UserError('ptz.axis-range', { axis: k });
    return v;
  };
  return { pan: pick('pan'), tilt: pick('tilt'), zoom: pick('zoom') };
}

/**
 * The cameras on MQTT: retained availability and state per camera (published when something
 * changes), motion events, and commands from `cameras/<id>/ptz/set` (audited as user `mqtt`,
 * subject to the control lock).
 */
import { cameraAvailability, cameraMotion, cameraPtzSet, cameraState } from '../../devices/onvif-camera/topics.js';
import type { AuditLog } from '../auth/audit-log.js';
import type { Principal } from '../auth/principal.js';
import type { EventBus } from '../core/event-bus.js';
import { errorMessage } from '../core/errors.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { PayloadError } from '../core/mqtt-contract.js';
import type { ContractRouter } from '../mqtt/contract-router.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import type { ControlLock } from './lock.js';
import type { PresetService } from './presets.js';
import type { PtzControl } from './ptz-control.js';
import type { CameraRegistry } from './registry.js';
import { cameraStateView } from './state-view.js';
import type { TourRunner } from './tour-runner.js';

export const MQTT_PRINCIPAL: Principal = { name: 'mqtt', role: 'officer', via: 'system' };

export interface CameraMqttDeps {
  registry: CameraRegistry;
  lock: ControlLock;
  tours: TourRunner;
  ptz: PtzControl;
  presets: PresetService;
  router: ContractRouter;
  publisher: MqttPublisher;
  bus: EventBus;
  audit: AuditLog;
  log: Logger;
}

export class CameraMqttMirror implements Service {
  readonly name = 'camera-mqtt';
  private readonly cleanups: Array<() => void> = [];
  private readonly dirty = new Set<string>();
  private readonly lastOnline = new Map<string, boolean>();
  private flush: NodeJS.Immediate | undefined;
  private running = false;

  constructor(private readonly deps: CameraMqttDeps) {}

  async start(): Promise<void> {
    this.running = true;
    const d = this.deps;
    this.cleanups.push(
      d.registry.onChange((e) => (e.type === 'removed' ? this.removed(e.id) : this.mark(e.id))),
      d.lock.onChange((id) => this.mark(id)),
      d.tours.onChange((id) => this.mark(id)),
      d.bus.on('camera.motion', (e) => this.publish(() => d.publisher.publish(cameraMotion, { id: e.cameraId }, { state: e.state, at: e.at }))),
    );
    d.router.handle(cameraPtzSet, ({ params, payload }) => this.command(params.id, payload));
    for (const cam of d.registry.list()) this.mark(cam.id);
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const c of this.cleanups.splice(0)) c();
    if (this.flush) clearImmediate(this.flush);
    this.flush = undefined;
    // The gateway stops: nobody will tell the cameras' state any more.
    await Promise.all(
      this.deps.registry.list().map((cam) =>
        withTimeout(this.deps.publisher.publish(cameraAvailability, { id: cam.id }, 'offline'), 1000).catch(() => {}),
      ),
    );
  }

  private mark(id: string): void {
    if (!this.running) return;
    this.dirty.add(id);
    this.flush ??= setImmediate(() => {
      this.flush = undefined;
      for (const cameraId of this.dirty) this.publishState(cameraId);
      this.dirty.clear();
    });
  }

  private publishState(id: string): void {
    const d = this.deps;
    if (!d.registry.has(id)) return;
    const cam = d.registry.get(id);
    const view = cameraStateView(cam, d.lock, d.tours);
    if (this.lastOnline.get(id) !== view.online) {
      this.lastOnline.set(id, view.online);
      this.publish(() => d.publisher.publish(cameraAvailability, { id }, view.online ? 'online' : 'offline'));
    }
    this.publish(() => d.publisher.publish(cameraState, { id }, view));
  }

  private removed(id: string): void {
    this.lastOnline.delete(id);
    // A removed camera is offline for good.
    this.publish(() => this.deps.publisher.publish(cameraAvailability, { id }, 'offline'));
  }

  private publish(fn: () => Promise<void>): void {
    fn().catch((err: unknown) => this.deps.log.warn({ err: errorMessage(err) }, 'camera MQTT publish failed'));
  }

  private async command(id: string, text: string): Promise<void> {
    const d = this.deps;
    if (!d.registry.has(id)) throw new PayloadError(`no camera "${id}"`);
    const audit = (detail: Record<string, unknown>, outcome: 'ok' | 'failed' = 'ok'): void =>
      d.audit.record({ principal: MQTT_PRINCIPAL, action: 'camera.mqtt.command', target: id, detail: { command: text, ...detail }, outcome });
    try {
      if (text === 'stop') await d.ptz.stop(id, MQTT_PRINCIPAL);
      else if (text === 'home') await d.ptz.home(id, MQTT_PRINCIPAL);
      else if (text === 'tour:stop') d.tours.stopTour(id);
      else if (text.startsWith('tour:')) d.tours.startTour(id, text.slice(5), MQTT_PRINCIPAL.name);
      else if (text.startsWith('preset:')) await d.presets.goto(id, MQTT_PRINCIPAL, text.slice(7));
      else if (text.startsWith('move:')) {
        const [pan, tilt, zoom] = text.slice(5).split(',').map(Number) as [number, number, number];
        if ([pan, tilt, zoom].some((v) => v < -1 || v > 1)) throw new PayloadError('move velocities must be within -1..1');
        await d.ptz.move(id, MQTT_PRINCIPAL, { pan, tilt, zoom });
      }
      audit({});
    } catch (err) {
      audit({ error: errorMessage(err) }, 'failed');
      throw err instanceof PayloadError ? err : new PayloadError(errorMessage(err));
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms)))]).finally(() => clearTimeout(timer));
}

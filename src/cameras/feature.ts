/** The cameras feature: registry, PTZ control, presets, tours, MQTT mirror, routes, STREAM_SOURCES. */
import { CAMERA_POSES, CameraPoseReader } from './camera-poses.js';
import type { Feature, FeatureFactory, GatewayContext } from '../feature.js';
import { defineRoutes } from '../http/route.js';
import { joystickEndpoint } from './joystick.js';
import { ControlLock } from './lock.js';
import { CameraMqttMirror } from './mqtt-mirror.js';
import { PresetService } from './presets.js';
import { PtzControl } from './ptz-control.js';
import { CameraRegistry } from './registry.js';
import { cameraRoutes } from './routes-cameras.js';
import { ptzRoutes } from './routes-ptz.js';
import { cameraEventMetrics } from './event-metrics.js';
import { MovingMarks } from './moving-marks.js';
import { SecretBox } from './secret-box.js';
import { CameraStore, cameraMigrations } from './store.js';
import { CameraStreamSources } from './stream-source-provider.js';
import { STREAM_SOURCES } from './stream-sources.js';
import { ALARM_CAMERAS, alarmCameraControl } from './alarm-control.js';
import { CAMERA_AUDIO } from './camera-audio.js';
import { cameraAudio } from './camera-audio-provider.js';
import { TourRunner } from './tour-runner.js';
import { TourDefinitions } from './tours.js';

export interface CamerasFeatureOptions {
  /** Called with every joystick-message -> SOAP-bytes-written latency, ms (benchmarks). */
  onWireLatency?: (cameraId: string, ms: number) => void;
}

/** The users' display names (the lock shows who controls a camera by the name people know). */
function userDisplayNames(ctx: GatewayContext): (name: string) => string | undefined {
  return (name) => {
    try {
      return ctx.users.find(name)?.displayName ?? undefined;
    } catch {
      return undefined; // a name is a nicety: never refuse a command over it
    }
  };
}

export const camerasFeature: FeatureFactory = (ctx) => createCamerasFeature()(ctx);

export function createCamerasFeature(options: CamerasFeatureOptions = {}): FeatureFactory {
  return (ctx) => buildCamerasFeature(ctx, options);
}

function buildCamerasFeature(ctx: GatewayContext, options: CamerasFeatureOptions): Feature {
  const config = ctx.config.cameras;
  const log = ctx.log.child({ component: 'cameras' });
  const store = new CameraStore(
    () => ctx.database.db,
    () => SecretBox.open(ctx.config.storage.dataDir),
  );
  const moving = new MovingMarks(store);
  const registry = new CameraRegistry({ config, store, bus: ctx.bus, log, moving });
  cameraEventMetrics(registry, ctx.metrics);
  const lock = new ControlLock(config.lock.idleMs);
  const displayName = userDisplayNames(ctx);
  const ptz = new PtzControl({ registry, lock, config, log, metrics: ctx.metrics, moving, displayName });
  if (options.onWireLatency) ptz.onWireLatency(options.onWireLatency);
  // Presets ask tours whether a preset is in use; tours resolve presets: tie the knot lazily.
  const presets: PresetService = new PresetService({ registry, store, ptz, usedByTours: (cameraId, token) => definitions.usingPreset(cameraId, token) });
  const definitions = new TourDefinitions({ store, presets });
  const tours = new TourRunner({ registry, definitions, store, ptz, lock, config, log });
  const mirror = new CameraMqttMirror({ registry, lock, tours, ptz, presets, router: ctx.router, publisher: ctx.publisher, bus: ctx.bus, audit: ctx.audit, log });
  ctx.capabilities.provide(STREAM_SOURCES, new CameraStreamSources(registry));
  ctx.capabilities.provide(ALARM_CAMERAS, alarmCameraControl({ registry, lock, presets, ptz }));
  ctx.capabilities.provide(CAMERA_POSES, new CameraPoseReader(registry));
  ctx.capabilities.provide(CAMERA_AUDIO, cameraAudio(registry));
  const onRemoved = (id: string): void => {
    tours.forget(id);
    lock.forget(id);
    ptz.forget(id);
  };
  return {
    name: 'cameras',
    migrations: cameraMigrations,
    services: [
      registry,
      tours,
      mirror,
      { name: 'camera-lock', start: async () => {}, stop: async () => lock.dispose() },
    ],
    routes: defineRoutes([
      ...cameraRoutes({ registry, lock, tours, publisher: ctx.publisher, config, log, onRemoved, displayName }),
      ...ptzRoutes({ registry, ptz, presets, definitions, tours }),
    ]),
    wsEndpoints: [
      joystickEndpoint({ ptz, lock, audit: ctx.audit, config, log, exists: (id) => registry.has(id), capabilities: (id) => (registry.has(id) ? registry.get(id).capabilities : null) }),
    ],
  };
}

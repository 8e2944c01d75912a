/** Video analysis (docs/vision.md): zones per camera and preset, detections as camera events. Off unless `vision.enabled`. */
import { join } from 'node:path';
import { CAMERA_POSES } from '../cameras/camera-poses.js';
import { STREAM_SOURCES } from '../cameras/stream-sources.js';
import { resolveFfmpeg } from '../core/ffmpeg.js';
import type { FeatureFactory } from '../feature.js';
import { visionRoutes } from './routes.js';
import { VisionService } from './service.js';
import { VisionStore, visionMigrations } from './store.js';

export const visionFeature: FeatureFactory = (ctx) => {
  const store = new VisionStore(() => ctx.database.db);
  const snapshotDir = join(ctx.config.storage.dataDir, 'vision', 'snapshots');
  let ffmpeg: string | undefined;
  const service = new VisionService({
    config: ctx.config,
    log: ctx.log.child({ component: 'vision' }),
    bus: ctx.bus,
    metrics: ctx.metrics,
    store,
    publisher: ctx.publisher,
    ffmpegPath: () => (ffmpeg ??= resolveFfmpeg({ configured: ctx.config.ffmpeg.path }).path),
    sources: () => ctx.capabilities.require(STREAM_SOURCES),
    poses: () => ctx.capabilities.require(CAMERA_POSES),
    snapshotDir,
  });
  return { name: 'vision', migrations: visionMigrations, services: [service], routes: visionRoutes({ service, store, snapshotDir }) };
};

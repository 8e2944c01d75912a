/**
 * Recording and playback (docs/recording.md): the recorder (one more consumer of each camera's
 * live fMP4 stream), the SQLite index, retention, playback over the MSE player protocol, exports.
 */
import { join } from 'node:path';
import type { FeatureFactory } from '../feature.js';
import { Exporter } from './export.js';
import { RecordingIndex } from './index-store.js';
import { recordingMigrations } from './migrations.js';
import { playbackEndpoint } from './playback.js';
import { Recorder } from './recorder.js';
import { statfsProbe, type FreeSpaceProbe } from './retention.js';
import { recordingRoutes } from './routes.js';
import { recordingUsage } from './usage.js';

export interface RecordingFeatureOptions {
  /** Free space of the recordings' disk (tests give a fake one). */
  probe?: FreeSpaceProbe;
}

export function createRecordingFeature(options: RecordingFeatureOptions = {}): FeatureFactory {
  return (ctx) => {
    const config = ctx.config.recording;
    const log = ctx.log.child({ component: 'recording' });
    const root = config.dir ?? join(ctx.config.storage.dataDir, 'recordings');
    const index = new RecordingIndex(ctx.database);
    const recorder = new Recorder({ root, config, index, capabilities: ctx.capabilities, bus: ctx.bus, probe: options.probe ?? statfsProbe, log });
    const exporter = new Exporter({ root, index, maxExportMinutes: config.maxExportMinutes });
    const states = ['starting', 'recording', 'waiting', 'error', 'stopped'] as const;
    ctx.metrics.gauge('recording_state', 'Recording state per camera (1 for the current state)', ['camera', 'state'], (g) => {
      g.reset();
      for (const s of recorder.statuses()) for (const st of states) g.set({ camera: s.camera, state: st }, s.state === st ? 1 : 0);
    });
    ctx.metrics.gauge('recording_bytes', 'Bytes of recorded video kept per camera', ['camera'], (g) => {
      g.reset();
      for (const c of recordingUsage(index, recorder.retention).cameras) g.set({ camera: c.camera }, c.bytes);
    });
    ctx.metrics.gauge('recording_disk_free_bytes', 'Free space on the recordings disk at the last retention pass', [], (g) => {
      const s = recorder.retention.lastSpace;
      if (s) g.set(s.freeBytes);
    });
    ctx.metrics.gauge('recording_bytes_per_day', 'Bytes recorded per day at the rate of the last 24 h', [], (g) => g.set(recordingUsage(index, recorder.retention).bytesPerDay));
    ctx.metrics.gauge('recording_days_until_floor', 'Days until the free space reaches the recording floor at today\'s rate (-1: unknown)', [], (g) => g.set(recordingUsage(index, recorder.retention).daysUntilFloor ?? -1));
    ctx.metrics.gauge('recording_segments_deleted', 'Segments deleted by retention since the gateway started', [], (g) => g.set(recorder.retention.deletedTotal));
    return {
      name: 'recording',
      migrations: recordingMigrations,
      services: [recorder],
      routes: recordingRoutes({ recorder, index, exporter, gapThresholdMs: config.gapThresholdMs, gateCameras: config.gateCameras }),
      wsEndpoints: [playbackEndpoint({ root, index, log })],
    };
  };
}

export const recordingFeature: FeatureFactory = createRecordingFeature();

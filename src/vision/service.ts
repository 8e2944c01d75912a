/**
 * The vision service: for each analysed camera a frame sampler (its sub stream), a pose poller
 * (moving? at which preset?) and a pipeline; detector threads shared by all cameras; every zone
 * event becomes a `camera.event` on the bus (topic `vision/<kind>`, string data), a row in the
 * detection list, an annotated snapshot and a metric. With `vision.enabled` false, start() does
 * nothing at all: no thread, no ffmpeg, no timer.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CameraPoses } from '../cameras/camera-poses.js';
import type { StreamSources } from '../cameras/stream-sources.js';
import type { GatewayConfig } from '../config/schema.js';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../metrics/registry.js';
import { DetectorPool } from './detector-pool.js';
import { FrameSampler } from './frame-sampler.js';
import { modelName } from './model.js';
import { CameraPipeline, type Frame, type PipelineEvent } from './pipeline.js';
import { drawBoxes, encodeJpeg } from './snapshot.js';
import type { VisionStore } from './store.js';
import { zoneCounts } from './topics.js';
import { ZoneCounts } from './zone-counts.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import type { Track } from './tracker.js';

export interface VisionServiceDeps {
  config: GatewayConfig;
  log: Logger;
  bus: EventBus;
  metrics: Metrics;
  store: VisionStore;
  publisher: MqttPublisher;
  ffmpegPath: () => string;
  sources: () => StreamSources;
  poses: () => CameraPoses;
  snapshotDir: string;
}

interface Watched {
  pipeline: CameraPipeline;
  sampler: FrameSampler;
  poseTimer: NodeJS.Timeout;
  lastTracks: { at: number; tracks: Track[] };
}

export class VisionService implements Service {
  readonly name = 'vision';
  private pool: DetectorPool | undefined;
  private readonly watched = new Map<string, Watched>();
  private readonly events;
  private readonly crossings;
  private readonly inference;
  private running = false;
  private readonly counts: ZoneCounts;

  constructor(private readonly d: VisionServiceDeps) {
    this.counts = new ZoneCounts({
      crossings: (zoneId, hour) => d.store.hourCrossings(zoneId, hour),
      publish: (zoneId, payload) => void d.publisher.publish(zoneCounts, { zoneId }, payload).catch((err: unknown) => d.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'vision: zone counts not published')),
    });
    this.events = d.metrics.counter('vision_events_total', 'Vision events raised (intrusion, loitering, crowding, vehicle-dwell, line-crossing)', ['camera', 'kind']);
    this.crossings = d.metrics.counter('vision_line_crossings_total', 'Objects that crossed a counting line', ['camera', 'zone', 'direction', 'class']);
    this.inference = d.metrics.histogram('vision_inference_seconds', 'Detector time per analysed frame', [0.05, 0.1, 0.2, 0.5, 1, 2, 5]);
    d.metrics.gauge('vision_frames', 'Frames sampled per camera since start, by what became of them', ['camera', 'outcome'], (g) => {
      for (const [id, w] of this.watched) {
        const s = w.pipeline.stats;
        g.set({ camera: id, outcome: 'paused' }, s.pausedFrames);
        g.set({ camera: id, outcome: 'gated' }, s.gatedFrames);
        g.set({ camera: id, outcome: 'thinned' }, s.thinnedFrames);
        g.set({ camera: id, outcome: 'detected' }, s.detectedFrames);
        g.set({ camera: id, outcome: 'dropped' }, s.droppedFrames);
      }
    });
  }

  private get model(): string {
    return modelName({ width: this.d.config.vision.inputWidth, height: this.d.config.vision.inputHeight });
  }

  get enabled(): boolean {
    return this.d.config.vision.enabled;
  }

  async start(): Promise<void> {
    const c = this.d.config.vision;
    if (!c.enabled) return;
    this.running = true;
    await mkdir(this.d.snapshotDir, { recursive: true });
    this.pool = new DetectorPool({ threads: c.detectorThreads, nice: c.detectorNice, backend: c.backend, minScore: c.minScore, input: { width: c.inputWidth, height: c.inputHeight }, onResult: (r) => this.inference.observe(r.inferenceMs / 1000) });
    await this.pool.start();
    const ids = c.cameras.length ? c.cameras : this.d.sources().list().map((x) => x.id);
    for (const id of ids) this.watch(id);
    this.d.log.info({ cameras: ids, backend: c.backend, model: this.model }, 'vision analysis started');
  }

  async stop(): Promise<void> {
    this.running = false;
    const all = [...this.watched.values()];
    this.watched.clear();
    for (const w of all) clearInterval(w.poseTimer);
    await Promise.all(all.map((w) => w.sampler.stop()));
    await this.pool?.stop();
    this.pool = undefined;
  }

  status(): { enabled: boolean; backend: string; model: string; cameras: Array<{ id: string; paused: boolean; preset: string | null; frames: number; restarts: number; stats: CameraPipeline['stats'] }> } {
    const now = Date.now();
    return {
      enabled: this.enabled,
      backend: this.d.config.vision.backend,
      model: this.model,
      cameras: [...this.watched].map(([id, w]) => ({ id, paused: w.pipeline.paused(now), preset: w.pipeline.atPreset, frames: w.sampler.frames, restarts: w.sampler.restarts, stats: w.pipeline.stats })),
    };
  }

  /** The objects tracked on a camera now (live boxes), or null when it is not analysed. */
  live(cameraId: string): { at: number; tracks: Array<{ id: string; label: string; score: number; box: Track['box'] }> } | null {
    const w = this.watched.get(cameraId);
    if (!w) return null;
    return { at: w.lastTracks.at, tracks: w.lastTracks.tracks.map((t) => ({ id: t.id, label: t.label, score: t.score, box: t.box })) };
  }

  private watch(cameraId: string): void {
    const c = this.d.config.vision;
    const w = {} as Watched;
    w.lastTracks = { at: 0, tracks: [] };
    w.pipeline = new CameraPipeline({
      cameraId,
      detector: { detect: (rgb, width, height) => this.pool?.detect(rgb, width, height) ?? null },
      zones: () => this.d.store.zonesOf(cameraId),
      onEvent: (e) => this.raise(e),
      onTracks: (tracks, frame, preset, zones) => {
        w.lastTracks = { at: frame.at, tracks: [...tracks] };
        this.counts.update(cameraId, preset, zones, tracks, frame.at);
      },
      settleMs: c.settleMs,
      debounceMs: c.debounceMs,
      detectEveryMs: 1000 / c.fps,
    });
    w.sampler = new FrameSampler({
      cameraId,
      resolve: () => this.d.sources().resolve(cameraId, 'sub'),
      ffmpegPath: this.d.ffmpegPath(),
      width: c.frameWidth,
      height: c.frameHeight,
      // the motion gate sees every frame up to motionFps; the pipeline sends at most fps of them to the detector
      fps: Math.max(c.fps, c.motionFps),
      rtspTransport: this.d.config.streaming.rtspTransport,
      log: this.d.log,
      onFrame: (frame) => void w.pipeline.feed(frame).catch((err: unknown) => this.d.log.warn({ camera: cameraId, err: err instanceof Error ? err.message : String(err) }, 'vision: a frame could not be analysed')),
    });
    let polling = false;
    const poll = async (): Promise<void> => {
      if (polling || !this.running) return;
      polling = true;
      try {
        const pose = await this.d.poses().pose(cameraId);
        w.pipeline.setPose(pose.moving, pose.position === null ? '' : pose.presetToken, Date.now());
      } catch {
        w.pipeline.setPose(true, null, Date.now()); // offline or not answering: analyse nothing
      } finally {
        polling = false;
      }
    };
    w.poseTimer = setInterval(() => void poll(), c.poseIntervalMs);
    void poll();
    this.watched.set(cameraId, w);
    w.sampler.start();
  }

  private raise(e: PipelineEvent): void {
    const id = randomUUID();
    const file = `${id}.jpg`;
    const at = new Date(e.frame.at).toISOString();
    const track = e.tracks[0];
    const boxes = e.tracks.map((t) => ({ label: t.label, score: Math.round(t.score * 100) / 100, box: t.box }));
    const data: Record<string, string> = {
      eventId: id,
      zone: e.zone.name,
      zoneId: e.zone.id,
      preset: e.preset,
      classes: e.classes.join(','),
      confidence: e.confidence.toFixed(2),
      trackId: track?.id ?? '',
      snapshot: `/api/vision/snapshots/${file}`,
    };
    if (e.direction) data.direction = e.direction;
    if (e.count !== undefined) data.count = String(e.count);
    this.events.inc({ camera: e.cameraId, kind: e.kind });
    if (e.kind === 'line-crossing' && e.direction) {
      this.crossings.inc({ camera: e.cameraId, zone: e.zone.name, direction: e.direction, class: e.classes[0] ?? '' });
      this.d.store.countCrossing(e.zone.id, new Date(e.frame.at), e.direction, e.classes[0] ?? '');
    }
    const old = this.d.store.addEvent({ id, at, cameraId: e.cameraId, kind: e.kind, zoneId: e.zone.id, zoneName: e.zone.name, preset: e.preset, classes: e.classes, confidence: e.confidence, trackId: track?.id ?? '', snapshot: file, boxes }, this.d.config.vision.snapshotsKept);
    this.d.bus.emit('camera.event', { cameraId: e.cameraId, topic: `vision/${e.kind}`, data, at });
    void this.writeSnapshot(file, e.frame, boxes, old);
  }

  private async writeSnapshot(file: string, frame: Frame, boxes: Array<{ label: string; box: Track['box'] }>, old: string[]): Promise<void> {
    try {
      const jpeg = await encodeJpeg(this.d.ffmpegPath(), drawBoxes(frame, boxes), frame.width, frame.height);
      await writeFile(join(this.d.snapshotDir, file), jpeg);
      for (const f of old) await unlink(join(this.d.snapshotDir, f)).catch(() => {});
    } catch (err) {
      this.d.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'vision: the annotated snapshot could not be written');
    }
  }
}

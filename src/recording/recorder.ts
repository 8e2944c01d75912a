/**
 * The recording service: repairs what a crash interrupted, then records every camera whose
 * settings say so through LIVE_FRAGMENTS (one more consumer of the live stream), flushes every
 * recorder each `fsyncIntervalMs`, runs retention each `retentionCheckMs`, and turns gate
 * entries and motion into event marks that keep the seconds around them.
 */
import { mkdirSync } from 'node:fs';
import { STREAM_SOURCES, type StreamSources } from '../cameras/stream-sources.js';
import type { CameraRecordingConfig, RecordingConfig } from '../config/schema.js';
import type { CapabilityRegistry } from '../core/capabilities.js';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import { LIVE_FRAGMENTS, type LiveFragments } from '../streaming/fragment-tap.js';
import { CameraRecorder, type CameraRecorderStatus } from './camera-recorder.js';
import type { RecordingIndex } from './index-store.js';
import { safeCameraId } from './layout.js';
import { repairRecordings, type RepairReport } from './repair.js';
import { Retention, type FreeSpaceProbe } from './retention.js';

export interface RecorderDeps {
  root: string;
  config: RecordingConfig;
  index: RecordingIndex;
  capabilities: CapabilityRegistry;
  bus: EventBus;
  probe: FreeSpaceProbe;
  log: Logger;
}

/** How often the list of cameras is compared with what is being recorded. */
const CAMERA_SYNC_MS = 5000;
const DAY_MS = 86_400_000;

export class Recorder implements Service {
  readonly name = 'recorder';
  readonly retention: Retention;
  private readonly recorders = new Map<string, { recorder: CameraRecorder; detach: () => void }>();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: Array<() => void> = [];
  private fragments: LiveFragments | undefined;
  private sources: StreamSources | undefined;
  private retentionRunning = false;
  private overrides = new Map<string, number>();
  lastRepair: RepairReport | undefined;

  constructor(private readonly d: RecorderDeps) {
    this.retention = new Retention({ root: d.root, config: d.config, settingsOf: (c) => this.settingsOf(c), index: d.index, probe: d.probe, log: d.log });
  }

  settingsOf(camera: string): CameraRecordingConfig {
    const s = { ...this.d.config.defaults, ...this.d.config.cameras[camera] };
    const days = this.overrides.get(camera);
    return days === undefined ? s : { ...s, retentionDays: days };
  }

  setRetentionDays(camera: string, days: number, by: string): void {
    this.d.index.setRetentionOverride(camera, days, by, Date.now());
    this.overrides.set(camera, days);
  }

  async start(): Promise<void> {
    this.fragments = this.d.capabilities.require(LIVE_FRAGMENTS);
    this.sources = this.d.capabilities.require(STREAM_SOURCES);
    mkdirSync(this.d.root, { recursive: true, mode: 0o700 });
    this.overrides = this.d.index.retentionOverrides();
    this.lastRepair = repairRecordings(this.d.root, this.d.index, this.d.log);
    await this.retention.enforceFloor();
    this.unsubscribe.push(
      this.d.bus.on('camera.motion', (e) => {
        if (e.state) this.mark(e.cameraId, Date.parse(e.at) || Date.now(), 'motion', null);
      }),
      // The alarms feature's seam: an alarm with a camera names the clip that belongs to it.
      this.d.bus.on('alarm.changed', ({ alarm }) => {
        if (alarm.clip) this.markClip(alarm.clip.cameraId, `alarm ${alarm.id}`, Date.parse(alarm.occurredAt), Date.parse(alarm.clip.from), Date.parse(alarm.clip.to));
      }),
      this.d.bus.on('access.entry', (e) => {
        const camera = this.d.config.gateCameras[e.gate];
        if (camera) this.mark(camera, Date.parse(e.occurredAt) || Date.now(), 'gate-entry', `${e.gate} ${e.direction} ${e.credential.value}`.slice(0, 120));
      }),
    );
    this.timers.push(
      setInterval(() => {
        for (const r of this.recorders.values()) r.recorder.flush();
      }, this.d.config.fsyncIntervalMs),
      setInterval(() => void this.runRetention(), this.d.config.retentionCheckMs),
      setInterval(() => this.syncCameras(), CAMERA_SYNC_MS),
    );
    this.syncCameras();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const u of this.unsubscribe.splice(0)) u();
    for (const [id, r] of this.recorders) {
      r.detach();
      r.recorder.stop();
      this.recorders.delete(id);
    }
  }

  /** An event mark on a camera's timeline: keeps [at - pre, at + post] for eventRetentionDays. */
  mark(camera: string, atMs: number, kind: string, label: string | null): number {
    const s = this.settingsOf(camera);
    return this.d.index.addEvent({
      camera,
      atMs,
      kind,
      label,
      keepFromMs: atMs - s.preSeconds * 1000,
      keepToMs: atMs + s.postSeconds * 1000,
      keepUntilMs: atMs + this.d.config.eventRetentionDays * DAY_MS,
    });
  }

  /** An alarm's clip: kept as an event span [from, to] for eventRetentionDays, marked once per alarm. */
  markClip(camera: string, label: string, atMs: number, fromMs: number, toMs: number): void {
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs <= fromMs || toMs - fromMs > DAY_MS) return;
    if (this.d.index.hasEvent(camera, 'alarm', label)) return;
    const at = Number.isFinite(atMs) ? atMs : fromMs;
    this.d.index.addEvent({ camera, atMs: at, kind: 'alarm', label, keepFromMs: fromMs, keepToMs: toMs, keepUntilMs: at + this.d.config.eventRetentionDays * DAY_MS });
  }

  private async runRetention(): Promise<void> {
    if (this.retentionRunning) return;
    this.retentionRunning = true;
    try {
      await this.retention.run();
    } catch (err) {
      this.d.log.error({ err }, 'recording retention failed');
    } finally {
      this.retentionRunning = false;
    }
  }

  /** Starts recorders for cameras that should record, stops those that no longer should. */
  syncCameras(): void {
    const wanted = new Set<string>();
    for (const cam of this.sources?.list() ?? []) {
      const s = this.settingsOf(cam.id);
      if (!s.enabled || !safeCameraId(cam.id)) continue;
      wanted.add(`${cam.id}/${s.profile}`);
    }
    for (const [key, r] of this.recorders) {
      if (wanted.has(key)) continue;
      r.detach();
      r.recorder.stop();
      this.recorders.delete(key);
    }
    for (const key of wanted) {
      if (this.recorders.has(key)) continue;
      const [camera, profile] = key.split('/') as [string, 'main' | 'sub'];
      const recorder = new CameraRecorder({
        camera,
        profile,
        root: this.d.root,
        segmentMs: this.d.config.segmentSeconds * 1000,
        gapThresholdMs: this.d.config.gapThresholdMs,
        index: this.d.index,
        log: this.d.log,
        onDiskFull: () => this.retention.freeNow(),
        cameraClock: (mediaSeconds) => this.fragments!.cameraWallMsAt(camera, profile, mediaSeconds),
      });
      const detach = this.fragments!.tap(camera, profile, recorder);
      this.recorders.set(key, { recorder, detach });
      this.d.log.info({ camera, profile }, 'recording started');
    }
  }

  statuses(): CameraRecorderStatus[] {
    return [...this.recorders.values()].map((r) => r.recorder.status());
  }

  status(camera: string): CameraRecorderStatus | undefined {
    return this.statuses().find((s) => s.camera === camera);
  }
}

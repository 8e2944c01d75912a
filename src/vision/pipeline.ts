/**
 * One camera's analysis: pose -> pause, frame -> motion gate -> detector (only on motion, or
 * slower while objects are tracked, so that a stopped car stays tracked) -> tracker -> the zones
 * of the preset the camera is at -> events. Nothing runs while the head moves, nor until it has
 * been still for `settleMs`; a move forgets the background, the tracks and the zone memory.
 */
import type { DetectionResult } from './detector.js';
import { MotionGate, type MotionGateOptions } from './motion-gate.js';
import { MotionOnsets } from './motion-onset.js';
import { Tracker, type Track } from './tracker.js';
import { ZoneRules, type ZoneEvent } from './zone-rules.js';
import { scheduleAllows, type Zone } from './zones.js';

/** How early a frame may come and still count as due for the detector (a 10 fps stream's jitter). */
const THIN_SLACK_MS = 40;
/**
 * For this long after motion began somewhere new (`MotionOnsets`), until a look finds something,
 * the detector looks every ONSET_LOOK_MS instead of every `detectEveryMs`: the first pictures of
 * a sudden arrival are often smeared by the camera's encoder and missed, and the next look 500 ms
 * later made the event latency's tail.
 */
const ONSET_MS = 1000;
const ONSET_LOOK_MS = 200;

export interface Frame {
  rgb: Uint8Array;
  width: number;
  height: number;
  /** When the frame was taken (ms, Date.now() clock). */
  at: number;
}

export interface PipelineEvent extends ZoneEvent {
  cameraId: string;
  /** The preset token the camera was at ('' for a camera without presets). */
  preset: string;
  frame: Frame;
}

export interface PipelineStats {
  frames: number;
  pausedFrames: number;
  gatedFrames: number;
  /** Frames with motion that came within `detectEveryMs` of the last one sent to the detector. */
  thinnedFrames: number;
  detectedFrames: number;
  droppedFrames: number;
  inferenceMs: number;
}

export interface PipelineDeps {
  cameraId: string;
  /** The detection; null (or a promise of null): the detector cannot take the frame (busy, stopped): it is dropped. */
  detector: { detect(rgb: Uint8Array, width: number, height: number): Promise<DetectionResult | null> | null };
  /** Every zone of this camera (all presets). */
  zones: () => readonly Zone[];
  onEvent: (e: PipelineEvent) => void;
  /** The tracks after each detection and its events (live boxes, zone counts), with the zones active then. */
  onTracks?: (tracks: readonly Track[], frame: Frame, preset: string, activeZones: readonly Zone[]) => void;
  settleMs?: number;
  /** While objects are tracked and nothing moves: detect at most this often. Default 1000 ms. */
  trackedDetectEveryMs?: number;
  /**
   * Detect at most this often (1000 / `vision.fps`), counted from the last frame sent to the
   * detector. The motion gate looks at every frame fed; the first frame with motion somewhere new
   * (something comes into the picture) goes to the detector at once, not at the next 2 fps tick
   * (up to 500 ms later), and for a second after it the detector looks every 200 ms until it
   * finds something.
   * Default 0: every frame with motion (the caller thins them).
   */
  detectEveryMs?: number;
  motion?: MotionGateOptions;
  debounceMs?: number;
}

export class CameraPipeline {
  private readonly gate: MotionGate;
  private readonly tracker: Tracker;
  private readonly rules: ZoneRules;
  private moving = true;
  private preset: string | null = null;
  private stillSince = Infinity;
  /** Changes with every move, so that a detection that started before a move is thrown away. */
  private generation = 0;
  private busy = false;
  /** The newest frame with motion that came while the detector worked on this camera's previous one. */
  private waiting: Frame | undefined;
  private lastDetect = -Infinity;
  /** When the frame last sent to the detector was taken (the detection budget counts from it). */
  private lastSent = -Infinity;
  private readonly onsets = new MotionOnsets();
  /** When motion last began somewhere new, and whether a look since has found something. */
  private onsetAt = -Infinity;
  private onsetAnswered = false;
  readonly stats: PipelineStats = { frames: 0, pausedFrames: 0, gatedFrames: 0, thinnedFrames: 0, detectedFrames: 0, droppedFrames: 0, inferenceMs: 0 };

  constructor(private readonly d: PipelineDeps) {
    this.gate = new MotionGate(d.motion);
    this.tracker = new Tracker(d.cameraId);
    this.rules = new ZoneRules(d.debounceMs);
  }

  /** The camera's pose (from its PTZ status). `preset`: the token it is at, '' for a camera without presets, null for none. */
  setPose(moving: boolean, preset: string | null, at: number): void {
    if (moving || preset !== this.preset) this.forget();
    if (moving) this.stillSince = Infinity;
    else if (this.moving || preset !== this.preset) this.stillSince = at;
    this.moving = moving;
    this.preset = preset;
  }

  paused(at: number): boolean {
    return this.moving || this.preset === null || at - this.stillSince < (this.d.settleMs ?? 1000);
  }

  /** The preset the camera stands at (its pose as last read); null while it moves or stands at none. */
  get atPreset(): string | null {
    return this.moving ? null : this.preset;
  }

  get tracks(): readonly Track[] {
    return this.tracker.active;
  }

  private forget(): void {
    this.generation++;
    this.waiting = undefined;
    this.lastSent = -Infinity;
    this.onsets.reset();
    this.onsetAt = -Infinity;
    this.gate.reset();
    this.tracker.clear();
    this.rules.reset();
  }

  /** Resolves when the frame is done with (detected, gated, dropped or paused). */
  async feed(frame: Frame): Promise<void> {
    this.stats.frames++;
    if (this.paused(frame.at)) {
      this.stats.pausedFrames++;
      return;
    }
    const motion = this.gate.feed(frame.rgb, frame.width, frame.height, frame.at);
    const tracking = this.tracker.active.length > 0 && frame.at - this.lastDetect >= (this.d.trackedDetectEveryMs ?? 1000);
    if (!motion.motion && !tracking) {
      this.stats.gatedFrames++;
      return;
    }
    if (this.onsets.feed(motion.regions, frame.at)) {
      this.onsetAt = frame.at;
      this.onsetAnswered = false;
    }
    const every = this.d.detectEveryMs ?? 0;
    const onset = frame.at - this.onsetAt < ONSET_MS && !this.onsetAnswered;
    // a frame may come up to THIN_SLACK_MS early (the stream's own jitter) and still be due
    if (frame.at - this.lastSent < (onset ? Math.min(every, ONSET_LOOK_MS) : every) - THIN_SLACK_MS) {
      this.stats.thinnedFrames++;
      return;
    }
    if (this.busy) {
      // Wait for the detector rather than drop: the newest frame runs as soon as the previous one
      // is done (not at the next sample, up to 1/fps later); an older waiting frame is dropped.
      if (this.waiting) this.stats.droppedFrames++;
      this.waiting = frame;
      return;
    }
    this.busy = true;
    try {
      await this.analyse(frame);
      for (let next = this.take(); next; next = this.take()) {
        if (this.paused(next.at)) this.stats.pausedFrames++;
        else await this.analyse(next);
      }
    } finally {
      this.busy = false;
      this.waiting = undefined;
    }
  }

  private take(): Frame | undefined {
    const next = this.waiting;
    this.waiting = undefined;
    return next;
  }

  private async analyse(frame: Frame): Promise<void> {
    this.lastSent = frame.at;
    const pending = this.d.detector.detect(frame.rgb, frame.width, frame.height);
    if (!pending) {
      this.stats.droppedFrames++;
      return;
    }
    const generation = this.generation;
    const result: DetectionResult | null = await pending;
    if (!result) {
      this.stats.droppedFrames++;
      return;
    }
    this.lastDetect = frame.at;
    if (result.detections.length > 0 && frame.at >= this.onsetAt) this.onsetAnswered = true;
    this.stats.detectedFrames++;
    this.stats.inferenceMs += result.inferenceMs;
    if (generation !== this.generation || this.moving) return; // the camera moved meanwhile: the picture is gone
    this.tracker.update(result.detections, frame.at);
    const tracks = this.tracker.active;
    const preset = this.preset ?? '';
    const when = new Date(frame.at);
    const zones = this.d.zones().filter((z) => z.enabled && z.preset === preset && scheduleAllows(z.schedule, when));
    for (const e of this.rules.evaluate(zones, tracks, frame.at)) this.d.onEvent({ ...e, cameraId: this.d.cameraId, preset, frame });
    this.d.onTracks?.(tracks, frame, preset, zones);
  }
}

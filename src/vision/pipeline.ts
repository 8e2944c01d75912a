/**
 * One camera's analysis: pose -> pause, frame -> motion gate -> detector (only on motion, or
 * slower while objects are tracked, so that a stopped car stays tracked) -> tracker -> the zones
 * of the preset the camera is at -> events. Nothing runs while the head moves, nor until it has
 * been still for `settleMs`; a move forgets the background, the tracks and the zone memory.
 */
import type { DetectionResult } from './detector.js';
import { MotionGate, type MotionGateOptions } from './motion-gate.js';
import { Tracker, type Track } from './tracker.js';
import { ZoneRules, type ZoneEvent } from './zone-rules.js';
import { scheduleAllows, type Zone } from './zones.js';

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
  readonly stats: PipelineStats = { frames: 0, pausedFrames: 0, gatedFrames: 0, detectedFrames: 0, droppedFrames: 0, inferenceMs: 0 };

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

  get tracks(): readonly Track[] {
    return this.tracker.active;
  }

  private forget(): void {
    this.generation++;
    this.waiting = undefined;
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
    const motion = this.gate.feed(frame.rgb, frame.width, frame.height);
    const tracking = this.tracker.active.length > 0 && frame.at - this.lastDetect >= (this.d.trackedDetectEveryMs ?? 1000);
    if (!motion.motion && !tracking) {
      this.stats.gatedFrames++;
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

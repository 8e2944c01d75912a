/**
 * One camera's recorder: a sink on the camera's live `mse` stream (LIVE_FRAGMENTS). It writes the
 * init segment and then every fragment, as it came from the camera (no re-encode), into segment
 * files cut at the first keyframe after `segmentSeconds`. Bytes are written at once and flushed
 * to the disk (fsync) by `flush()`, which the recorder calls every `fsyncIntervalMs`; the index
 * row follows each flush, so it never claims what is not on the disk.
 *
 * Fragment times: a segment's start is the camera's capture time of its first picture, from the
 * camera's RTCP sender reports (`cameraClock`), as soon as one has come and if it agrees with the
 * arrival within CAMERA_CLOCK_PLAUSIBLE_MS; until then (or without reports) the wall clock at
 * arrival minus the fragment's own duration (ffmpeg writes a picture once the next one has
 * arrived). Later pictures follow from their decode times (tfdt), the camera's own RTP clock.
 */
import { closeSync, fsync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from '../core/logger.js';
import type { StreamSink } from '../streaming/live-stream.js';
import type { MediaUnit } from '../streaming/types.js';
import type { RecordingIndex } from './index-store.js';
import { segmentPath } from './layout.js';
import { durationOf, tfdtOf, timescaleOf } from './mp4-time.js';

export type RecorderState = 'starting' | 'recording' | 'waiting' | 'error' | 'stopped';

export interface CameraRecorderStatus {
  camera: string;
  profile: 'main' | 'sub';
  state: RecorderState;
  reason: { code: string; message: string } | null;
  since: string;
  codec: string | null;
  segmentStartedAt: string | null;
  writtenBytes: number;
}

export interface CameraRecorderOptions {
  camera: string;
  profile: 'main' | 'sub';
  root: string;
  segmentMs: number;
  gapThresholdMs: number;
  index: RecordingIndex;
  log: Logger;
  /** Called when a write fails for lack of space: free some now; true when something was freed. */
  onDiskFull: () => boolean;
  /** The camera's capture clock (RTCP sender reports) of the picture at a decode time in seconds; undefined while unknown. */
  cameraClock?: (mediaSeconds: number) => number | undefined;
  now?: () => number;
}

/** A capture time from the camera's clock further from the arrival than this is not believed (camera clock not set). */
const CAMERA_CLOCK_PLAUSIBLE_MS = 3000;

interface OpenSegment {
  id: number;
  fd: number;
  file: string;
  startMs: number;
  tfdt0: number;
  bytes: number;
  durableBytes: number;
  keyframes: Array<[number, number]>;
  endMs: number;
  durableEndMs: number;
  flushing: boolean;
  closing: boolean;
  /** startMs comes from the camera's own capture clock (exact), not from arrival. */
  cameraTimed: boolean;
}

export class CameraRecorder implements StreamSink {
  readonly droppedUnits = 0;
  private readonly closeHandlers: Array<() => void> = [];
  private closed = false;
  private init: Buffer | undefined;
  private codec: string | null = null;
  private timescale = 90_000;
  private seg: OpenSegment | undefined;
  private state: RecorderState = 'starting';
  private reason: CameraRecorderStatus['reason'] = null;
  private since = Date.now();
  private writtenBytes = 0;
  /** End of the last recorded video (ms), for gap detection; from the index at start. */
  private lastEndMs: number | undefined;
  private firstSegment = true;
  /** End of the previous segment of the same ffmpeg run: the next one may not start before it. */
  private runEndMs = -Infinity;
  /** Why the stream stopped delivering (status messages), for the next gap. */
  private gapReason: string | undefined;

  constructor(private readonly o: CameraRecorderOptions) {
    this.lastEndMs = o.index.lastSegment(o.camera)?.endMs;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  status(): CameraRecorderStatus {
    return {
      camera: this.o.camera,
      profile: this.o.profile,
      state: this.state,
      reason: this.reason,
      since: new Date(this.since).toISOString(),
      codec: this.codec,
      segmentStartedAt: this.seg ? new Date(this.seg.startMs).toISOString() : null,
      writtenBytes: this.writtenBytes,
    };
  }

  private setState(state: RecorderState, reason: CameraRecorderStatus['reason']): void {
    if (state === this.state && reason?.code === this.reason?.code) return;
    this.state = state;
    this.reason = reason;
    this.since = this.now();
  }

  // --- StreamSink ---

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  control(message: Record<string, unknown>): void {
    if (message.type === 'mse' && typeof message.codecs === 'string') this.codec = message.codecs;
    if (message.type === 'status' && message.state !== 'playing' && message.state !== 'starting') {
      const reason = message.reason as { code?: unknown; message?: unknown } | null;
      const code = typeof reason?.code === 'string' ? reason.code : 'stream.interrupted';
      this.gapReason = code;
      this.closeSegment();
      this.setState(message.state === 'failed' ? 'error' : 'waiting', { code, message: typeof reason?.message === 'string' ? reason.message : code });
    }
  }

  raw(data: Buffer): void {
    this.closeSegment();
    this.runEndMs = -Infinity;
    try {
      this.timescale = timescaleOf(data);
      this.init = data;
    } catch (err) {
      this.init = undefined;
      this.setState('error', { code: 'recording.bad_stream', message: `the camera's stream header is not usable: ${(err as Error).message}` });
    }
  }

  resync(): void {
    this.closeSegment();
    this.runEndMs = -Infinity;
  }

  unit(unit: MediaUnit): boolean {
    if (this.closed || !this.init) return false;
    const now = this.now();
    if (this.seg && unit.keyframe && now - this.seg.startMs >= this.o.segmentMs) this.closeSegment();
    if (!this.seg) {
      if (!unit.keyframe) return false;
      if (!this.openSegment(unit.data, now)) return false;
    }
    return this.append(unit);
  }

  close(_code: number, _reason: string): void {
    this.stop();
  }

  // --- segments ---

  private openSegment(first: Buffer, now: number): boolean {
    let tfdt0: number;
    try {
      tfdt0 = tfdtOf(first);
    } catch {
      return false;
    }
    // Segments of one run follow each other without overlap (playback and export rely on it).
    const captured = this.capturedAt(tfdt0, now);
    const startMs = Math.max(Math.round(captured ?? now - (durationOf(first) / this.timescale) * 1000), this.runEndMs);
    const file = segmentPath(this.o.camera, this.o.profile, startMs);
    const abs = join(this.o.root, file);
    let fd: number;
    try {
      mkdirSync(dirname(abs), { recursive: true });
      fd = openSync(abs, 'wx');
      this.write(fd, this.init!);
    } catch (err) {
      this.setState('error', { code: 'recording.write_failed', message: `cannot write recordings: ${(err as Error).message}` });
      return false;
    }
    if (this.lastEndMs !== undefined && startMs - this.lastEndMs > this.o.gapThresholdMs) {
      const reason = this.gapReason ?? (this.firstSegment ? 'gateway.down' : 'stream.interrupted');
      this.o.index.addGap({ camera: this.o.camera, startMs: this.lastEndMs, endMs: startMs, reason });
    }
    this.gapReason = undefined;
    this.firstSegment = false;
    const id = this.o.index.openSegment({ camera: this.o.camera, profile: this.o.profile, startMs, endMs: startMs, file, bytes: this.init!.length, codec: this.codec ?? 'unknown', keyframes: [] });
    this.seg = { id, fd, file, startMs, tfdt0, bytes: this.init!.length, durableBytes: 0, keyframes: [], endMs: startMs, durableEndMs: startMs, flushing: false, closing: false, cameraTimed: captured !== undefined };
    this.setState('recording', null);
    return true;
  }

  /** The camera's capture time of the picture at decode time `tfdt` (ticks), if known and plausible against its arrival at `arrivalMs`. */
  private capturedAt(tfdt: number, arrivalMs: number): number | undefined {
    const t = this.o.cameraClock?.(tfdt / this.timescale);
    if (t === undefined || !Number.isFinite(t)) return undefined;
    return t <= arrivalMs + 50 && arrivalMs - t < CAMERA_CLOCK_PLAUSIBLE_MS ? t : undefined;
  }

  /** Writes all of `data`; on a full disk asks for space once and tries again. */
  private write(fd: number, data: Buffer): void {
    let at = 0;
    let retried = false;
    while (at < data.length) {
      try {
        at += writeSync(fd, data, at, data.length - at);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC' && !retried && this.o.onDiskFull()) {
          retried = true;
          continue;
        }
        throw err;
      }
    }
  }

  private append(unit: MediaUnit): boolean {
    const seg = this.seg!;
    let offset: number;
    let dur: number;
    try {
      offset = ((tfdtOf(unit.data) - seg.tfdt0) / this.timescale) * 1000;
      dur = (durationOf(unit.data) / this.timescale) * 1000;
    } catch {
      return false;
    }
    if (!seg.cameraTimed) {
      const captured = this.capturedAt(seg.tfdt0, this.now() - offset);
      if (captured !== undefined && captured >= this.runEndMs) {
        // the camera's first sender report came: its capture clock from now on
        seg.startMs = Math.round(captured);
        seg.cameraTimed = true;
      } else {
        // The segment's start is the earliest (arrival - duration - offset) seen: the fragment that was
        // held up least says best when the pictures were taken (pipe and event-loop delays only add).
        const anchor = this.now() - dur - offset;
        if (anchor < seg.startMs && seg.startMs - anchor < 2000 && anchor >= this.runEndMs) seg.startMs = Math.round(anchor);
      }
    }
    const t = seg.startMs + offset;
    try {
      this.write(seg.fd, unit.data);
    } catch (err) {
      this.closeSegment();
      this.setState('error', { code: 'recording.write_failed', message: `cannot write recordings: ${(err as Error).message}` });
      return false;
    }
    if (unit.keyframe) seg.keyframes.push([Math.round(t - seg.startMs), seg.bytes]);
    seg.bytes += unit.data.length;
    seg.endMs = Math.round(t + dur);
    this.writtenBytes += unit.data.length;
    return true;
  }

  /** fsync what was written since the last flush, then let the index follow. */
  flush(): void {
    const seg = this.seg;
    if (!seg || seg.flushing || seg.bytes === seg.durableBytes) return;
    seg.flushing = true;
    const bytes = seg.bytes;
    const endMs = seg.endMs;
    const startMs = seg.startMs;
    const keyframes = seg.keyframes.slice();
    fsync(seg.fd, (err) => {
      seg.flushing = false;
      if (err) {
        this.o.log.warn({ camera: this.o.camera, err: err.message }, 'fsync of a recording failed');
        return;
      }
      seg.durableBytes = bytes;
      seg.durableEndMs = endMs;
      if (seg.closing) return;
      this.o.index.updateSegment(seg.id, { startMs, endMs, bytes, keyframes });
    });
  }

  private closeSegment(): void {
    const seg = this.seg;
    if (!seg) return;
    this.seg = undefined;
    seg.closing = true;
    try {
      fsyncSync(seg.fd);
    } catch (err) {
      this.o.log.warn({ camera: this.o.camera, err: (err as Error).message }, 'fsync of a recording failed');
    }
    closeSync(seg.fd);
    if (seg.keyframes.length === 0) {
      this.o.index.deleteSegment(seg.id);
      rmSync(join(this.o.root, seg.file), { force: true });
      return;
    }
    this.o.index.updateSegment(seg.id, { startMs: seg.startMs, endMs: seg.endMs, bytes: seg.bytes, keyframes: seg.keyframes, state: 'closed' });
    this.lastEndMs = seg.endMs;
    this.runEndMs = seg.endMs;
  }

  stop(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeSegment();
    this.setState('stopped', null);
    for (const h of this.closeHandlers.splice(0)) h();
  }
}

/**
 * One (camera, profile, format) stream: a shared ffmpeg, its parser, the cached start of the
 * stream (jsmpeg header or MSE init segment, plus the units since the last keyframe) and the
 * viewers. ffmpeg starts with the first viewer and stops `graceMs` after the last one left.
 * Viewers that asked for it get a status message (stream-status.ts) whenever the state or its
 * reason changes, and the current one when they join.
 */
import type { StreamSource } from '../cameras/stream-sources.js';
import type { Logger } from '../core/logger.js';
import type { CameraAudioTrack, CameraClockRelay } from './camera-clock.js';
import { redactCredentials, type PipelineCommand } from './ffmpeg-args.js';
import { Fmp4Splitter } from './fmp4-splitter.js';
import { jsmpegHeader } from './jsmpeg-format.js';
import { FfmpegPipeline, type PipelineOptions } from './pipeline.js';
import { RateMeter } from './rate-meter.js';
import { reasonFromRunEnd, reasonFromSourceError, sameStatus, stateFor, statusMessage, type StatusMessage } from './stream-status.js';
import { TsSplitter } from './ts-splitter.js';
import type { InitSegment, MediaUnit, StreamKey, StreamState, StreamStatus } from './types.js';

/** What a stream hands pictures to: a WebSocket viewer (viewer.ts) or an in-process consumer (the recorder). */
export interface StreamSink {
  readonly droppedUnits: number;
  onClose(handler: () => void): void;
  control(message: Record<string, unknown>): void;
  raw(data: Buffer): void;
  resync(): void;
  unit(unit: MediaUnit): boolean;
  /** Sends what `send` sends in one write, where the sink has a socket (the cached GOP). */
  batch?(send: () => void): void;
  close(code: number, reason: string): void;
  /** The camera's own video RTP as it arrives (streams with a relay only; WebRTC viewers). */
  videoRtp?(packet: Buffer, firstRtp: number): void;
  /** The camera's own audio RTP as it arrives (streams whose relay passes audio; WebRTC viewers). */
  audioRtp?(packet: Buffer): void;
}

export interface LiveStreamOptions {
  key: StreamKey;
  ffmpegPath: string;
  /** Resolves the camera (fresh before each ffmpeg run) and builds the command line. */
  prepare: () => Promise<{ source: StreamSource; command: PipelineCommand }>;
  graceMs: number;
  stallTimeoutMs: number;
  restartMinMs: number;
  restartMaxMs: number;
  /** Most bytes kept for the cached GOP; beyond it new viewers wait for the next keyframe. */
  gopCacheBytes: number;
  log: Logger;
  onIdle: (stream: LiveStream) => void;
  takeSpare?: PipelineOptions['takeSpare'];
  onRestart: (stream: LiveStream) => void;
  /** The camera is offline while viewers wait: ask the cameras feature to reconnect now. */
  onSourceUnavailable?: (stream: LiveStream) => void;
  /** The relay that reads the camera's sender reports for this stream (mse over RTSP/TCP); closed with the stream. */
  clock?: CameraClockRelay;
  /** A relay whose video RTP goes to the viewers that take it (`videoRtp`); may be `clock`. Closed with the stream. */
  rtpRelay?: CameraClockRelay;
}

/** A viewer of an MSE stream may refuse the codec (then the endpoint moves it to jsmpeg). */
export interface StreamViewer {
  viewer: StreamSink;
  /** Send status text messages (the player routes text frames away from its decoder). */
  wantsStatus?: boolean;
  acceptsInit?: (init: InitSegment) => boolean;
  onInitRefused?: (init: InitSegment) => void;
}

export class LiveStream {
  readonly viewers = new Set<StreamViewer>();
  private readonly pipeline: FfmpegPipeline;
  private readonly parser: { push(chunk: Buffer): void; reset(): void };
  private source: StreamSource | undefined;
  private init: InitSegment | undefined;
  private gop: MediaUnit[] = [];
  private gopBytes = 0;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly bytes = new RateMeter();
  private readonly frames = new RateMeter();
  private state: StreamState = 'starting';
  private readonly startedAt = new Date();
  private gotUnitThisRun = false;
  private droppedByGone = 0;
  private viewerStatus: StatusMessage = statusMessage('starting', null);

  constructor(private readonly o: LiveStreamOptions) {
    if (o.rtpRelay) {
      o.rtpRelay.onVideoRtp = (packet, firstRtp) => {
        for (const sv of this.viewers) sv.viewer.videoRtp?.(packet, firstRtp);
      };
      o.rtpRelay.onAudioRtp = (packet) => {
        for (const sv of this.viewers) sv.viewer.audioRtp?.(packet);
      };
    }
    const onUnit = (unit: MediaUnit): void => this.onUnit(unit);
    this.parser =
      o.key.format === 'mse'
        ? new Fmp4Splitter((init) => this.onInit(init), onUnit, (message) => this.pipeline.kill(message))
        : new TsSplitter(onUnit);
    this.pipeline = new FfmpegPipeline({
      ffmpegPath: o.ffmpegPath,
      args: async () => {
        const { source, command } = await o.prepare();
        this.source = source;
        return command;
      },
      stallTimeoutMs: o.stallTimeoutMs,
      ...(o.takeSpare ? { takeSpare: o.takeSpare } : {}),
      restartMinMs: o.restartMinMs,
      restartMaxMs: o.restartMaxMs,
      redact: (text) => redactCredentials(text, this.source),
      log: o.log,
      onData: (chunk) => {
        this.bytes.add(chunk.length);
        this.parser.push(chunk);
      },
      onRunStart: (run) => {
        this.parser.reset();
        this.clearGop();
        this.init = undefined;
        this.gotUnitThisRun = false;
        this.state = run === 1 ? 'starting' : 'restarting';
        for (const v of this.viewers) v.viewer.resync();
        if (run > 1) o.onRestart(this);
      },
      onRunEnd: (_reason, end) => {
        this.state = 'restarting';
        const reason = 'sourceError' in end ? reasonFromSourceError(end.sourceError) : reasonFromRunEnd(end);
        this.setViewerStatus(statusMessage(stateFor(reason), reason));
        if (reason.code === 'camera.offline' && this.viewers.size > 0) o.onSourceUnavailable?.(this);
      },
    });
  }

  /** Stopped (idle or gateway stopping): the manager makes a new stream for the next viewer. */
  get stopped(): boolean {
    return this.state === 'stopped';
  }

  get key(): StreamKey {
    return this.o.key;
  }

  /** pid of the running ffmpeg (tests and diagnostics). */
  get pid(): number | undefined {
    return this.pipeline.pid;
  }

  /** The source this stream was opened with (for the jsmpeg header). */
  setSource(source: StreamSource): void {
    this.source ??= source;
  }

  /** Adds a viewer and gives it the start of the stream at once when it is cached. */
  add(sv: StreamViewer): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.viewers.add(sv);
    sv.viewer.onClose(() => this.remove(sv));
    if (sv.wantsStatus) sv.viewer.control({ ...this.viewerStatus });
    if (this.o.key.format === 'jsmpeg') {
      sv.viewer.raw(jsmpegHeader(this.source?.width ?? 0, this.source?.height ?? 0));
    } else if (this.init && !this.offerInit(sv, this.init)) {
      return;
    }
    const gop = this.gop;
    const sendGop = () => {
      for (const unit of gop) sv.viewer.unit(unit);
    };
    if (sv.viewer.batch) sv.viewer.batch(sendGop);
    else sendGop();
    this.pipeline.start();
  }

  /**
   * Starts ffmpeg before anyone watches (a page about to show this camera): the viewer that comes
   * within `holdMs` finds the stream running and its cached GOP. Stops after `holdMs` when nobody came.
   */
  warm(holdMs: number): void {
    if (this.state === 'stopped' || this.viewers.size > 0) return;
    this.pipeline.start();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      if (this.viewers.size === 0) void this.stop().then(() => this.o.onIdle(this));
    }, holdMs);
  }

  remove(sv: StreamViewer): void {
    if (!this.viewers.delete(sv)) return;
    this.droppedByGone += sv.viewer.droppedUnits;
    this.idleLater();
  }

  /** Without viewers, ffmpeg stops after the grace period (unless someone comes back). */
  private idleLater(): void {
    if (this.viewers.size > 0 || this.graceTimer || this.state === 'stopped') return;
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      if (this.viewers.size === 0) void this.stop().then(() => this.o.onIdle(this));
    }, this.o.graceMs);
  }

  /** Kills ffmpeg as if it had crashed (it restarts). */
  killFfmpeg(reason: string): void {
    this.pipeline.kill(reason);
  }

  async stop(): Promise<void> {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.state = 'stopped';
    await this.pipeline.stop();
    await this.o.clock?.close();
    await this.o.rtpRelay?.close();
    this.clearGop();
  }

  /**
   * The camera's wall clock (epoch ms) of the picture at `mediaSeconds` of the current ffmpeg
   * run's output (its decode time), from the camera's RTCP sender reports; undefined while none
   * came (or the stream's transport cannot be read).
   */
  cameraWallMsAt(mediaSeconds: number): number | undefined {
    return this.o.clock?.wallMsAt(mediaSeconds);
  }

  /**
   * The camera's audio track as its SDP (read by the relay) describes it: null when it has none,
   * undefined while unknown (no relay, or the camera has not answered yet).
   */
  get cameraAudio(): CameraAudioTrack | null | undefined {
    return this.o.rtpRelay?.audio;
  }

  /** What viewers are told now (state and reason). */
  get viewerState(): StatusMessage {
    return this.viewerStatus;
  }

  private setViewerStatus(next: StatusMessage): void {
    if (sameStatus(this.viewerStatus, next)) return;
    this.viewerStatus = next;
    if (next.reason) this.o.log.info({ state: next.state, reason: next.reason.code, detail: next.reason.message }, 'stream status');
    for (const sv of this.viewers) if (sv.wantsStatus) sv.viewer.control({ ...next });
  }

  status(): StreamStatus {
    return {
      camera: this.o.key.cameraId,
      profile: this.o.key.profile,
      format: this.o.key.format,
      state: this.state,
      viewers: this.viewers.size,
      bitrateKbps: Math.round((this.bytes.perSecond() * 8) / 100) / 10,
      fps: Math.round(this.frames.perSecond() * 10) / 10,
      restarts: Math.max(0, this.pipeline.runs - 1),
      lastError: this.pipeline.lastError,
      lastErrorAt: this.pipeline.lastErrorAt?.toISOString() ?? null,
      viewerState: this.viewerStatus.state,
      reason: this.viewerStatus.reason,
      startedAt: this.startedAt.toISOString(),
      droppedUnits: this.droppedByGone + [...this.viewers].reduce((n, sv) => n + sv.viewer.droppedUnits, 0),
      codec: this.o.key.format === 'jsmpeg' ? 'mpeg1video' : (this.init?.codecs ?? null),
    };
  }

  private offerInit(sv: StreamViewer, init: InitSegment): boolean {
    if (sv.acceptsInit && !sv.acceptsInit(init)) {
      this.viewers.delete(sv);
      sv.onInitRefused?.(init);
      this.idleLater();
      return false;
    }
    sv.viewer.control({ type: 'mse', mime: init.mime, codecs: init.codecs, width: init.width, height: init.height });
    sv.viewer.raw(init.data);
    sv.viewer.resync();
    return true;
  }

  private onInit(init: InitSegment): void {
    this.init = init;
    for (const sv of [...this.viewers]) this.offerInit(sv, init);
  }

  private onUnit(unit: MediaUnit): void {
    if (unit.frameStart) this.frames.add(1);
    if (!this.gotUnitThisRun) {
      this.gotUnitThisRun = true;
      this.state = 'running';
      this.setViewerStatus(statusMessage('playing', null));
    }
    if (unit.keyframe) this.clearGop();
    if (this.gop.length > 0 || unit.keyframe) {
      if (this.gopBytes + unit.data.length <= this.o.gopCacheBytes) {
        this.gop.push(unit);
        this.gopBytes += unit.data.length;
      } else {
        this.clearGop();
      }
    }
    for (const sv of this.viewers) sv.viewer.unit(unit);
  }

  private clearGop(): void {
    this.gop = [];
    this.gopBytes = 0;
  }
}

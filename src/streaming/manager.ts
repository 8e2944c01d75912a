/**
 * The stream manager: one LiveStream (one shared ffmpeg) per (camera, profile, format), created
 * for the first viewer and forgotten once it went idle. Requires STREAM_SOURCES (cameras) at
 * start; reports each stream's status to the API and to /metrics.
 */
import { STREAM_SOURCES, type StreamProfile, type StreamSource, type StreamSources } from '../cameras/stream-sources.js';
import type { GatewayConfig } from '../config/schema.js';
import type { CapabilityRegistry } from '../core/capabilities.js';
import { resolveFfmpeg } from '../core/ffmpeg.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../metrics/registry.js';
import { mseArgs, pipelineArgs } from './ffmpeg-args.js';
import { FfmpegSpares } from './ffmpeg-spares.js';
import { CameraClockRelay } from './camera-clock.js';
import { LiveStream, type StreamViewer } from './live-stream.js';
import { keyString, type StreamKey, type StreamStatus } from './types.js';

export type StreamingConfig = GatewayConfig['streaming'];

export interface StreamManagerDeps {
  config: StreamingConfig;
  ffmpegConfiguredPath: string | null;
  capabilities: CapabilityRegistry;
  metrics: Metrics;
  log: Logger;
  /** mse streams over RTSP/TCP pass the camera's video RTP to their WebRTC viewers (a relay in front of ffmpeg). */
  relayVideoRtp?: boolean;
  /** ...and the camera's audio RTP too (G.711 to WebRTC viewers): ffmpeg then sets the camera's audio track up. */
  relayAudioRtp?: boolean;
}

const LABELS = ['camera', 'profile', 'format'] as const;
/** Waiting viewers make the gateway try an offline camera at most this often. */
export const RECONNECT_NUDGE_MS = 1000;

export class StreamManager implements Service {
  readonly name = 'stream-manager';
  private readonly streams = new Map<string, LiveStream>();
  private sources: StreamSources | undefined;
  private ffmpegPath = '';
  private readonly nudgedAt = new Map<string, number>();
  private readonly restarts;
  private spares: FfmpegSpares | undefined;

  constructor(private readonly deps: StreamManagerDeps) {
    const { metrics } = deps;
    const gauge = (name: string, help: string, value: (s: StreamStatus) => number): void => {
      metrics.gauge(name, help, LABELS, (g) => {
        g.reset();
        for (const s of this.list()) g.set({ camera: s.camera, profile: s.profile, format: s.format }, value(s));
      });
    };
    gauge('streaming_viewers', 'Viewers of a live stream', (s) => s.viewers);
    gauge('streaming_bitrate_kbps', 'Output bitrate of a live stream over the last 5 s, kbit/s', (s) => s.bitrateKbps);
    gauge('streaming_fps', 'Output pictures per second of a live stream over the last 5 s', (s) => s.fps);
    gauge('streaming_up', '1 while the stream delivers, 0 while it starts or restarts', (s) => (s.state === 'running' ? 1 : 0));
    gauge('streaming_dropped_units', 'Pictures (or parts) dropped for slow viewers since the stream started', (s) => s.droppedUnits);
    this.restarts = metrics.counter('streaming_ffmpeg_restarts_total', 'ffmpeg restarts after an exit or a stall', LABELS);
  }

  async start(): Promise<void> {
    this.sources = this.deps.capabilities.require(STREAM_SOURCES);
    this.ffmpegPath = resolveFfmpeg({ configured: this.deps.ffmpegConfiguredPath }).path;
    // Every H.264 MSE stream runs the same command line (the camera URL goes on stdin): spares fit them all.
    this.spares = new FfmpegSpares({ ffmpegPath: this.ffmpegPath, args: mseArgs({ codec: 'h264' }), count: this.deps.config.spareProcesses, log: this.deps.log.child({ component: 'ffmpeg-spares' }) });
    this.spares.start();
  }

  /** pids of the spare ffmpeg processes waiting now (tests). */
  get sparePids(): number[] {
    return this.spares?.pids ?? [];
  }

  async stop(): Promise<void> {
    const streams = [...this.streams.values()];
    this.streams.clear();
    for (const s of streams) for (const sv of s.viewers) sv.viewer.close(1001, 'the gateway is stopping');
    await Promise.all([...streams.map((s) => s.stop()), this.spares?.stop()]);
    this.spares = undefined;
  }

  /** The camera's source; throws NotFoundError / DeviceUnavailableError from the cameras feature. */
  resolve(cameraId: string, profile: StreamProfile): Promise<StreamSource> {
    if (!this.sources) throw new Error('the stream manager is not started');
    return this.sources.resolve(cameraId, profile);
  }

  /**
   * Someone waits for an offline camera: ask the cameras feature to reconnect now instead of at
   * the end of its back-off (up to 30 s). At most once per RECONNECT_NUDGE_MS per camera.
   */
  nudgeReconnect(cameraId: string): void {
    const now = Date.now();
    if (now - (this.nudgedAt.get(cameraId) ?? -Infinity) < RECONNECT_NUDGE_MS) return;
    this.nudgedAt.set(cameraId, now);
    if (this.nudgedAt.size > 1000) this.nudgedAt.clear(); // bounded: ids come from the cameras feature
    try {
      this.sources?.reconnectNow(cameraId);
    } catch (err) {
      this.deps.log.debug({ camera: cameraId, err }, 'reconnect request refused');
    }
  }

  cameras(): ReturnType<StreamSources['list']> {
    return this.sources?.list() ?? [];
  }

  /** Joins the viewer to the stream of `key`, starting it if needed. */
  attach(key: StreamKey, source: StreamSource, viewer: StreamViewer): LiveStream {
    const stream = this.streamFor(key);
    stream.setSource(source);
    stream.add(viewer);
    return stream;
  }

  /** Joins an in-process sink (no WebSocket, no source needed up front: the stream resolves the camera itself). */
  attachSink(key: StreamKey, sink: StreamViewer): LiveStream {
    const stream = this.streamFor(key);
    stream.add(sink);
    return stream;
  }

  /**
   * Starts the stream of `key` ahead of its viewer (the console names the cameras it is about to
   * show), held for `holdMs`. Resolves the camera first: an unknown or offline camera is skipped
   * (its viewer is told why when it connects).
   */
  async prepare(key: StreamKey, holdMs: number): Promise<boolean> {
    try {
      await this.resolve(key.cameraId, key.profile);
    } catch {
      return false;
    }
    this.streamFor(key).warm(holdMs);
    return true;
  }

  get(key: StreamKey): LiveStream | undefined {
    return this.streams.get(keyString(key));
  }

  list(): StreamStatus[] {
    return [...this.streams.values()].map((s) => s.status());
  }

  private streamFor(key: StreamKey): LiveStream {
    const id = keyString(key);
    const existing = this.streams.get(id);
    if (existing && !existing.stopped) return existing;
    const c = this.deps.config;
    const log = this.deps.log.child({ stream: id });
    const relay = key.format === 'mse' && (c.cameraClock || this.deps.relayVideoRtp === true) ? new CameraClockRelay() : undefined;
    const clock = c.cameraClock ? relay : undefined;
    const stream = new LiveStream({
      key,
      ffmpegPath: this.ffmpegPath,
      prepare: async () => {
        const source = await this.resolve(key.cameraId, key.profile);
        // mse over RTSP/TCP: ffmpeg reaches the camera through a relay that reads its sender reports and passes its video RTP to WebRTC (camera-clock.ts)
        const relayed = relay !== undefined && CameraClockRelay.applies(source.rtspUrl, c.rtspTransport);
        const input = relayed ? { ...source, rtspUrl: await relay.open(source.rtspUrl) } : source;
        // The camera's audio is set up only where the relay passes it on to WebRTC viewers.
        const audio = relayed && this.deps.relayVideoRtp === true && this.deps.relayAudioRtp === true;
        return { source, command: pipelineArgs(key.format, input, { rtspTransport: c.rtspTransport, inputTimeoutMs: c.stallTimeoutMs, jsmpegBitrateKbps: c.jsmpegBitrateKbps, audio }) };
      },
      ...(clock ? { clock } : {}),
      ...(relay ? { rtpRelay: relay } : {}),
      graceMs: c.graceMs,
      stallTimeoutMs: c.stallTimeoutMs,
      restartMinMs: c.restartMinMs,
      restartMaxMs: Math.max(c.restartMinMs, c.restartMaxMs),
      gopCacheBytes: c.gopCacheBytes,
      takeSpare: (args) => this.spares?.take(args),
      log,
      onIdle: (s) => {
        if (this.streams.get(id) === s) this.streams.delete(id);
        log.info('stream stopped (no viewers)');
      },
      onRestart: () => this.restarts.inc({ camera: key.cameraId, profile: key.profile, format: key.format }),
      onSourceUnavailable: () => this.nudgeReconnect(key.cameraId),
    });
    this.streams.set(id, stream);
    log.info('stream started');
    return stream;
  }
}

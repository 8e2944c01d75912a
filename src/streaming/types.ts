import type { StreamProfile } from '../cameras/stream-sources.js';

/** `jsmpeg`: MPEG-TS with MPEG1 video (transcoded); `mse`: H.264/H.265 copied into fragmented MP4. */
export type StreamFormat = 'jsmpeg' | 'mse';
export const STREAM_FORMATS: readonly StreamFormat[] = ['jsmpeg', 'mse'];
export const STREAM_PROFILES: readonly StreamProfile[] = ['main', 'sub'];

/** One shared ffmpeg per key. */
export interface StreamKey {
  cameraId: string;
  profile: StreamProfile;
  format: StreamFormat;
}

export function keyString(key: StreamKey): string {
  return `${key.cameraId}/${key.profile}/${key.format}`;
}

/**
 * A piece of the output stream as it is handed to viewers. `frameStart`: the unit begins a new
 * picture (units after it with frameStart false continue that picture); `keyframe`: the picture
 * can be decoded on its own, so a viewer that skipped may resume here.
 */
export interface MediaUnit {
  data: Buffer;
  frameStart: boolean;
  keyframe: boolean;
}

/** What the MSE player needs before the first fragment. */
export interface InitSegment {
  data: Buffer;
  /** Exact MSE codecs value, e.g. `avc1.64001F` or `hvc1.1.6.L93.B0`. */
  codecs: string;
  /** `video/mp4; codecs="..."` */
  mime: string;
  width: number;
  height: number;
}

export type StreamState = 'starting' | 'running' | 'restarting' | 'stopped';

/** Per-stream status on the API and in /metrics. */
export interface StreamStatus {
  camera: string;
  profile: StreamProfile;
  format: StreamFormat;
  state: StreamState;
  viewers: number;
  /** Output bitrate over the last few seconds, kbit/s. */
  bitrateKbps: number;
  /** Output pictures per second over the last few seconds. */
  fps: number;
  /** ffmpeg runs started after the first (exits, stalls). */
  restarts: number;
  /** Why ffmpeg last ended or failed (credentials removed), null if it never did. */
  lastError: string | null;
  lastErrorAt: string | null;
  /** What viewers are told now (stream-status.ts): `playing`, or why not, with a reason code. */
  viewerState: 'starting' | 'playing' | 'retrying' | 'failed';
  reason: { code: string; message: string } | null;
  startedAt: string;
  /** Units dropped for slow viewers since the stream started. */
  droppedUnits: number;
  codec: string | null;
}

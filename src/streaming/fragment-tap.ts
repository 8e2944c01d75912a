/**
 * LIVE_FRAGMENTS: lets another feature (the recorder) consume a camera's live fMP4 fragments as
 * one more viewer of the shared `mse` stream, so that recording a profile that is watched live
 * costs no second ffmpeg and no second RTSP session. While a tap is attached the stream runs,
 * whether anyone watches or not.
 */
import type { StreamProfile } from '../cameras/stream-sources.js';
import { capabilityKey } from '../core/capabilities.js';
import type { StreamSink } from './live-stream.js';
import type { StreamManager } from './manager.js';

export interface LiveFragments {
  /** Attaches `sink` to the camera's `mse` stream (started if needed); returns the detach function. */
  tap(cameraId: string, profile: StreamProfile, sink: StreamSink): () => void;
  /** pid of the ffmpeg feeding the stream, if running (diagnostics, tests). */
  pid(cameraId: string, profile: StreamProfile): number | undefined;
  /** The camera's wall clock (epoch ms) of the picture at `mediaSeconds` of the stream's current run (RTCP sender reports); undefined while unknown. */
  cameraWallMsAt(cameraId: string, profile: StreamProfile, mediaSeconds: number): number | undefined;
}

export const LIVE_FRAGMENTS = capabilityKey<LiveFragments>('live-fragments');

export function liveFragments(manager: StreamManager): LiveFragments {
  return {
    tap(cameraId, profile, sink) {
      const key = { cameraId, profile, format: 'mse' as const };
      const sv = { viewer: sink, wantsStatus: true };
      const stream = manager.attachSink(key, sv);
      return () => stream.remove(sv);
    },
    pid: (cameraId, profile) => manager.get({ cameraId, profile, format: 'mse' })?.pid,
    cameraWallMsAt: (cameraId, profile, mediaSeconds) => manager.get({ cameraId, profile, format: 'mse' })?.cameraWallMsAt(mediaSeconds),
  };
}

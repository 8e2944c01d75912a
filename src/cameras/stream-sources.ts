import { capabilityKey } from '../core/capabilities.js';

export type StreamProfile = 'main' | 'sub';

/** Where the video of one camera profile comes from. Credentials stay inside the gateway. */
export interface StreamSource {
  cameraId: string;
  profile: StreamProfile;
  /** RTSP URL including credentials: for ffmpeg only, never sent to a browser or a log. */
  rtspUrl: string;
  codec: 'h264' | 'h265' | 'unknown';
  width: number;
  height: number;
  fps: number;
}

/**
 * Provided by the cameras feature, used by streaming (and later video AI): the RTSP source of a
 * camera's profile. `resolve` throws NotFoundError for an unknown camera and
 * DeviceUnavailableError while the camera is offline.
 */
export interface StreamSources {
  resolve(cameraId: string, profile: StreamProfile): Promise<StreamSource>;
  /** Every camera id with its display name (for walls and grids). */
  list(): Array<{ id: string; name: string; online: boolean }>;
  /**
   * A viewer waits for this offline camera: the cameras feature forgets its reconnect back-off
   * and tries at once (at most once a second per camera; nothing happens while it is online or
   * already connecting, or for an unknown id). Returns at once; watch `list()` or resolve().
   */
  reconnectNow(cameraId: string): void;
}

export const STREAM_SOURCES = capabilityKey<StreamSources>('stream-sources');

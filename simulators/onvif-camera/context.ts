/** What the SOAP handlers, RTSP server and control API share about one simulated camera. */
import type { FieldBehaviours } from './behaviours.js';
import type { EventBroker } from './soap/event-broker.js';
import type { PresetStore } from './presets.js';
import type { PtzModel } from './ptz-model.js';

export type VideoCodec = 'h264' | 'h265';

export interface ProfileSpec {
  /** Media profile token, also the RTSP path: rtsp://host:port/<token>. */
  token: string;
  name: string;
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  codec: VideoCodec;
  encoderToken: string;
}

export interface CameraIdentity {
  name: string;
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  hardwareId: string;
  location: string;
  /** Stable UUID used as the WS-Discovery endpoint reference. */
  uuid: string;
}

export interface CameraUrls {
  host: string;
  onvifPort: number;
  rtspPort: number;
  /** ONVIF device service XAddr, e.g. http://127.0.0.1:8080/onvif/device_service */
  onvif: string;
  media: string;
  ptz: string;
  events: string;
  /** RTSP URL per profile token (main, sub), without credentials. */
  rtsp: Record<string, string>;
  /** Snapshot JPEG URL per profile token (HTTP, Digest or Basic auth). */
  snapshot: Record<string, string>;
}

export const SERVICE_PATHS = {
  device: '/onvif/device_service',
  media: '/onvif/media_service',
  ptz: '/onvif/ptz_service',
  events: '/onvif/events_service',
  subscription: '/onvif/events/subscription/',
  snapshot: '/snapshot/',
} as const;

export const VIDEO_SOURCE_TOKEN = 'VideoSource_1';
export const VIDEO_SOURCE_CONFIG_TOKEN = 'VideoSourceConfig_1';
export const PTZ_NODE_TOKEN = 'PTZNode_1';
export const PTZ_CONFIG_TOKEN = 'PTZConfig_1';
export const AUDIO_OUTPUT_TOKEN = 'AudioOutput_1';
export const AUDIO_OUTPUT_CONFIG_TOKEN = 'AudioOutputConfig_1';

export interface CameraContext {
  readonly identity: CameraIdentity;
  readonly profiles: readonly ProfileSpec[];
  readonly urls: CameraUrls;
  readonly ptz: PtzModel;
  readonly presets: PresetStore;
  readonly events: EventBroker;
  readonly presetsSupported: boolean;
  /** Field behaviours in force (mutable through the control API; read at every call). */
  readonly behaviours: FieldBehaviours;
  readonly backchannel: boolean;
  /** The camera's own clock, ms since epoch (host clock + offset). */
  cameraNow(): number;
  /** Simulated reboot: down for the given seconds, then back. */
  reboot(seconds: number): void;
  readonly rebootSeconds: number;
}

export function profileByToken(ctx: CameraContext, token: string | undefined): ProfileSpec | undefined {
  return ctx.profiles.find((p) => p.token === token);
}

/** Options of a simulated camera and their defaults. */
import { createHash } from 'node:crypto';
import { DEFAULT_PTZ_RANGES, DEFAULT_PTZ_SPEEDS, type PtzPhysical, type PtzRanges, type PtzSpeeds } from '../../devices/onvif-camera/protocol.js';
import type { Logger } from '../../src/core/logger.js';
import { resolveBehaviours, type BehaviourName, type FieldBehaviours } from './behaviours.js';

export interface StreamOptions {
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
}

export interface CameraSimulatorOptions {
  /** Shown in scopes, the overlay and the device information. Default "Camera 1". */
  name?: string;
  /** Stable id for the presets file and WAV names. Default: derived from the name. */
  id?: string;
  /** Address every server binds to and every URL names. Default 127.0.0.1. */
  host?: string;
  /** ONVIF HTTP port (SOAP + snapshots). Default: a free port. */
  port?: number;
  /** RTSP port. Default: a free port. */
  rtspPort?: number;
  /** Credentials for SOAP (UsernameToken or HTTP Digest), RTSP and snapshots. Default admin / admin123. */
  username?: string;
  password?: string;
  /** false: a camera without preset and home support (answers ter:ActionNotSupported). Default true. */
  presets?: boolean;
  /** Main profile in H.265 (sub stays H.264). Default false. */
  h265?: boolean;
  /** The camera's clock minus the host's, ms. Default 0. */
  clockOffsetMs?: number;
  /** WS-UsernameToken freshness window around the camera's clock, seconds. Default 30. */
  authWindowSec?: number;
  /** Directory for presets (<id>.presets.json) and speaker WAVs (speaker/). Default: memory only, WAVs in the OS temp dir. */
  dataDir?: string;
  /** Accept the ONVIF audio backchannel (RTSP Require: www.onvif.org/ver20/backchannel). Default true. */
  backchannel?: boolean;
  /** Where backchannel WAV files go. Default <dataDir>/speaker or <tmpdir>/camera-sim-speaker. */
  backchannelDir?: string;
  /** The G.711 the backchannel takes: `pcmu` (payload type 0, default) or `pcma` (8). */
  backchannelCodec?: 'pcmu' | 'pcma';
  /** The camera's microphone on RTSP (an audio track in every profile's SDP, a steady test tone): G.711 `pcmu` or `pcma`, or false for none. Default false. */
  audio?: 'pcmu' | 'pcma' | false;
  /** The test tone's frequency, Hz. Default 1000. */
  audioToneHz?: number;
  main?: Partial<StreamOptions>;
  sub?: Partial<StreamOptions>;
  ptzRanges?: Partial<PtzRanges>;
  ptzSpeeds?: Partial<PtzSpeeds>;
  initialPosition?: Partial<PtzPhysical>;
  /** WS-Discovery responder; off unless given. port 3702 for real clients. */
  discovery?: { port?: number; multicast?: boolean };
  /** Seconds a SystemReboot keeps the camera down. Default 5. */
  rebootSeconds?: number;
  /** How long an encoder keeps running after its last reader left, ms. Default 2000. */
  encoderLingerMs?: number;
  /** Each H.264 picture carries its render time in an SEI, for benchmarks that time each hop. Default false. */
  timingSei?: boolean;
  /** A figure walks through the view every N seconds (motion events). Default 0 = never. */
  autoMotionEverySec?: number;
  manufacturer?: string;
  model?: string;
  location?: string;
  /** Field behaviours by name (see behaviours.ts), e.g. ['strict-renew', 'subscription-slots']. */
  behaviours?: readonly (BehaviourName | string)[];
  /** Single flags over the named behaviours, e.g. { subscriptionSlots: 2 }. */
  behaviourFlags?: Partial<FieldBehaviours>;
  /** ffmpeg binary; default resolveFfmpeg(). */
  ffmpegPath?: string;
  logger?: Logger;
}

export const DEFAULT_MAIN: StreamOptions = { width: 1280, height: 720, fps: 15, bitrateKbps: 2048 };
export const DEFAULT_SUB: StreamOptions = { width: 640, height: 360, fps: 15, bitrateKbps: 512 };
export const DEFAULT_USERNAME = 'admin';
export const DEFAULT_PASSWORD = 'admin123';

export type ResolvedOptions = Required<
  Omit<CameraSimulatorOptions, 'dataDir' | 'discovery' | 'ffmpegPath' | 'logger' | 'main' | 'sub' | 'ptzRanges' | 'ptzSpeeds' | 'initialPosition' | 'port' | 'rtspPort' | 'behaviours' | 'behaviourFlags'>
> & {
  behaviours: FieldBehaviours;
  dataDir: string | undefined;
  discovery: { port: number; multicast: boolean } | undefined;
  main: StreamOptions;
  sub: StreamOptions;
  ptzRanges: PtzRanges;
  ptzSpeeds: PtzSpeeds;
  initialPosition: PtzPhysical;
  uuid: string;
};

export function resolveOptions(o: CameraSimulatorOptions, backchannelDefaultDir: string): ResolvedOptions {
  const name = o.name ?? 'Camera 1';
  const id = o.id ?? (name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'camera');
  const ptzRanges = { ...DEFAULT_PTZ_RANGES, ...o.ptzRanges };
  if (ptzRanges.tiltMinDeg >= ptzRanges.tiltMaxDeg) throw new Error(`tilt range ${ptzRanges.tiltMinDeg}..${ptzRanges.tiltMaxDeg} is empty`);
  if (ptzRanges.zoomMin < 1 || ptzRanges.zoomMin >= ptzRanges.zoomMax) throw new Error(`zoom range ${ptzRanges.zoomMin}..${ptzRanges.zoomMax} is invalid`);
  if (o.audioToneHz !== undefined && !(o.audioToneHz >= 50 && o.audioToneHz <= 3500)) throw new Error(`audio tone ${o.audioToneHz} Hz must be 50..3500 (G.711 carries up to 4 kHz)`);
  const main = { ...DEFAULT_MAIN, ...o.main };
  const sub = { ...DEFAULT_SUB, ...o.sub };
  for (const [label, s] of [['main', main], ['sub', sub]] as const) {
    if (s.width % 2 || s.height % 2 || s.width < 128 || s.height < 72) throw new Error(`${label} stream size ${s.width}x${s.height} must be even and at least 128x72`);
    if (s.fps < 1 || s.fps > 60) throw new Error(`${label} stream fps ${s.fps} must be 1..60`);
  }
  return {
    name,
    id,
    host: o.host ?? '127.0.0.1',
    username: o.username ?? DEFAULT_USERNAME,
    password: o.password ?? DEFAULT_PASSWORD,
    presets: o.presets ?? true,
    h265: o.h265 ?? false,
    clockOffsetMs: o.clockOffsetMs ?? 0,
    authWindowSec: o.authWindowSec ?? 30,
    dataDir: o.dataDir,
    backchannel: o.backchannel ?? true,
    backchannelDir: o.backchannelDir ?? backchannelDefaultDir,
    backchannelCodec: o.backchannelCodec ?? 'pcmu',
    audio: o.audio ?? false,
    audioToneHz: o.audioToneHz ?? 1000,
    main,
    sub,
    ptzRanges,
    ptzSpeeds: { ...DEFAULT_PTZ_SPEEDS, ...o.ptzSpeeds },
    initialPosition: { panDeg: 0, tiltDeg: 0, zoom: ptzRanges.zoomMin, ...o.initialPosition },
    discovery: o.discovery ? { port: o.discovery.port ?? 3702, multicast: o.discovery.multicast ?? false } : undefined,
    rebootSeconds: o.rebootSeconds ?? 5,
    encoderLingerMs: o.encoderLingerMs ?? 2000,
    timingSei: o.timingSei ?? false,
    autoMotionEverySec: o.autoMotionEverySec ?? 0,
    behaviours: resolveBehaviours(o.behaviours, o.behaviourFlags),
    manufacturer: o.manufacturer ?? 'Community Gateway',
    model: o.model ?? 'SIM-PTZ360',
    location: o.location ?? 'gate',
    uuid: stableUuid(`${id}:${o.port ?? ''}`),
  };
}

/** A UUID derived from the camera id, so the discovery endpoint survives restarts. */
function stableUuid(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The gateway's WebRTC viewers (WHEP): each answers a browser's SDP offer with a send-only H.264
 * track fed by the camera's shared `mse` stream, so WebRTC, MSE and recording share one ffmpeg and
 * one RTSP session per camera profile. Bounded in number; a viewer whose connection is not up in
 * time, or that fails, is dropped.
 */
import { randomBytes } from 'node:crypto';
import type { StreamProfile } from '../../cameras/stream-sources.js';
import type { WebrtcConfig } from '../../config/webrtc-schema.js';
import { NotFoundError, UserError } from '../../core/errors.js';
import type { Service } from '../../core/lifecycle.js';
import type { Logger } from '../../core/logger.js';
import type { CameraAudioTrack } from '../camera-clock.js';
import type { StreamManager } from '../manager.js';
import { icePolicy } from './ice-policy.js';
import { WebrtcViewer, type IcePolicy } from './webrtc-viewer.js';

/** Largest SDP offer accepted (Chromium's offers are 3-6 KB). */
export const MAX_OFFER_BYTES = 32 * 1024;
// A camera that was idle starts its stream (RTSP, ffmpeg, first keyframe) in 1-3 s; a loaded machine takes longer.
const START_TIMEOUT_MS = 20_000;
const GATHER_TIMEOUT_MS = 3_000;

export interface WebrtcSessionInfo {
  id: string;
  camera: string;
  profile: StreamProfile;
  user: string | null;
  startedAt: string;
  connected: boolean;
  sentPictures: number;
  /** Of those, sent from the camera's own RTP as it arrived (`webrtc.cameraRtp`) rather than from ffmpeg's fragments. */
  cameraRtpPictures: number;
  /** The camera's audio: its codec and whether this session carries it (G.711 only), or null when it sends none. */
  audio: CameraAudio | null;
  /** Audio packets passed to the browser. */
  audioPackets: number;
}

/** What a WebRTC tile says about the camera's sound. */
export interface CameraAudio {
  /** PCMU, PCMA, AAC, ... */
  codec: string;
  /** true: passed through to the browser (muted until a person unmutes the tile); false: not carried (why in `note`). */
  carried: boolean;
  note?: string;
}

/** G.711 at 8 kHz mono is a WebRTC codec (RFC 7874): passed through as the camera sends it. */
const PASSTHROUGH_AUDIO = new Set(['PCMU', 'PCMA']);

/** The camera's audio track as a tile describes it; which tracks this session carries. */
export function cameraAudio(track: CameraAudioTrack | null | undefined, enabled: boolean): CameraAudio | null {
  if (!track) return null;
  const codec = track.encoding === 'MPEG4-GENERIC' || track.encoding === 'MP4A-LATM' ? 'AAC' : track.encoding;
  if (!enabled) return { codec, carried: false, note: 'audio on WebRTC is turned off (webrtc.audio)' };
  if (PASSTHROUGH_AUDIO.has(track.encoding) && track.clockRate === 8000 && track.channels === 1) return { codec, carried: true };
  return { codec, carried: false, note: `${codec} is not a WebRTC codec and the gateway does not transcode audio: only G.711 (PCMU/PCMA) is carried; set the camera's audio to G.711` };
}

/** The WHEP answer's header that tells the player about the camera's audio: `PCMU; carried`, `AAC; not-carried`, `none`. */
export const AUDIO_HEADER = 'X-Camera-Audio';

interface Session {
  viewer: WebrtcViewer;
  info: Omit<WebrtcSessionInfo, 'connected' | 'sentPictures' | 'cameraRtpPictures' | 'audioPackets'>;
  /** The connect timeout, from the answer on (a cold stream's start has its own limit before). */
  timer: NodeJS.Timeout | undefined;
}

export class WebrtcService implements Service {
  readonly name = 'webrtc';
  private readonly sessions = new Map<string, Session>();
  private policy: IcePolicy | undefined;
  private stopping = false;

  constructor(
    private readonly deps: { manager: StreamManager; config: WebrtcConfig; httpHost: string; log: Logger },
  ) {}

  async start(): Promise<void> {
    this.stopping = false;
    this.policy = icePolicy(this.deps.config, this.deps.httpHost);
    if (this.deps.config.enabled) this.deps.log.info({ addresses: this.policy.addresses }, 'WebRTC host candidates');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const s of [...this.sessions.values()]) s.viewer.stop('closed', 'the gateway is stopping');
    this.sessions.clear();
  }

  get count(): number {
    return this.sessions.size;
  }

  list(): WebrtcSessionInfo[] {
    return [...this.sessions.values()].map((s) => ({ ...s.info, connected: s.viewer.isConnected, sentPictures: s.viewer.sentPictures, cameraRtpPictures: s.viewer.rtpPicturesSent, audioPackets: s.viewer.audioPacketsSent }));
  }

  owner(id: string): string | null {
    const s = this.sessions.get(id);
    if (!s) throw new NotFoundError('webrtc.session-not-found', { id });
    return s.info.user;
  }

  /** Answers `offer` for the camera's profile; resolves once the answer (with its candidates) is ready. */
  async create(cameraId: string, profile: StreamProfile, offer: string, user: string | null): Promise<{ id: string; answer: string; audio: CameraAudio | null }> {
    const { config, manager, log } = this.deps;
    if (!config.enabled || this.stopping || !this.policy) throw new UserError('webrtc.disabled', {}, 503, 'unavailable');
    if (!/^v=0/.test(offer) || !/\r?\nm=video /.test(offer)) throw new UserError('webrtc.offer-invalid');
    if (this.sessions.size >= config.maxSessions) throw new UserError('webrtc.too-many', { max: config.maxSessions }, 503, 'unavailable');
    const source = await manager.resolve(cameraId, profile);
    if (source.codec !== 'h264') throw new UserError('webrtc.codec', { camera: cameraId }, 415, 'unsupported_codec');
    const id = randomBytes(9).toString('base64url');
    const viewer = new WebrtcViewer(id, this.policy, (why, detail) => {
      const s = this.sessions.get(id);
      if (s) clearTimeout(s.timer);
      this.sessions.delete(id);
      log.debug({ session: id, camera: cameraId, why, detail }, 'WebRTC viewer ended');
    });
    const session: Session = { viewer, timer: undefined, info: { id, camera: cameraId, profile, user, startedAt: new Date().toISOString(), audio: null } };
    this.sessions.set(id, session);
    try {
      const live = manager.attachSink({ cameraId, profile, format: 'mse' }, { viewer, wantsStatus: false });
      let stream;
      try {
        stream = await viewer.streamConfig(START_TIMEOUT_MS);
      } catch {
        throw new UserError('webrtc.not-started', { camera: cameraId }, 504, 'timeout');
      }
      if (!stream) throw new UserError('webrtc.codec', { camera: cameraId }, 415, 'unsupported_codec');
      // The relay read the camera's SDP before ffmpeg's first fragment: its audio track is known here.
      const track = live.cameraAudio;
      const audio = cameraAudio(track, config.audio && config.cameraRtp);
      session.info.audio = audio;
      if (audio && !audio.carried) log.info({ camera: cameraId, codec: audio.codec, note: audio.note }, 'the camera\'s audio is not carried over WebRTC');
      const answer = await viewer.answer(offer, stream, GATHER_TIMEOUT_MS, audio?.carried && track ? track : undefined);
      // The browser has connectTimeoutMs from the answer on. (Started before the camera's stream, the
      // timer closed the connection mid-answer when a cold stream took longer on a loaded machine.)
      if (this.sessions.has(id)) session.timer = setTimeout(() => {
        if (!viewer.isConnected) viewer.stop('timeout', 'the browser did not connect in time');
      }, config.connectTimeoutMs);
      log.debug({ session: id, camera: cameraId, profile, user, audio }, 'WebRTC viewer answered');
      return { id, answer, audio };
    } catch (err) {
      viewer.stop('failed', String(err));
      if (err instanceof UserError) throw err;
      log.warn({ err, camera: cameraId }, 'WebRTC offer could not be answered');
      throw new UserError('webrtc.offer-invalid');
    }
  }

  end(id: string): void {
    const s = this.sessions.get(id);
    if (!s) throw new NotFoundError('webrtc.session-not-found', { id });
    s.viewer.stop('closed', 'the browser hung up');
  }
}

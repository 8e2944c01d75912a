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
}

interface Session {
  viewer: WebrtcViewer;
  info: Omit<WebrtcSessionInfo, 'connected' | 'sentPictures' | 'cameraRtpPictures'>;
  timer: NodeJS.Timeout;
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
    return [...this.sessions.values()].map((s) => ({ ...s.info, connected: s.viewer.isConnected, sentPictures: s.viewer.sentPictures, cameraRtpPictures: s.viewer.rtpPicturesSent }));
  }

  owner(id: string): string | null {
    const s = this.sessions.get(id);
    if (!s) throw new NotFoundError('webrtc.session-not-found', { id });
    return s.info.user;
  }

  /** Answers `offer` for the camera's profile; resolves once the answer (with its candidates) is ready. */
  async create(cameraId: string, profile: StreamProfile, offer: string, user: string | null): Promise<{ id: string; answer: string }> {
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
    const timer = setTimeout(() => {
      if (!viewer.isConnected) viewer.stop('timeout', 'the browser did not connect in time');
    }, config.connectTimeoutMs);
    this.sessions.set(id, { viewer, timer, info: { id, camera: cameraId, profile, user, startedAt: new Date().toISOString() } });
    try {
      manager.attachSink({ cameraId, profile, format: 'mse' }, { viewer, wantsStatus: false });
      let stream;
      try {
        stream = await viewer.streamConfig(START_TIMEOUT_MS);
      } catch {
        throw new UserError('webrtc.not-started', { camera: cameraId }, 504, 'timeout');
      }
      if (!stream) throw new UserError('webrtc.codec', { camera: cameraId }, 415, 'unsupported_codec');
      const answer = await viewer.answer(offer, stream, GATHER_TIMEOUT_MS);
      log.debug({ session: id, camera: cameraId, profile, user }, 'WebRTC viewer answered');
      return { id, answer };
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

import { useEffect, useState, type MutableRef } from 'preact/hooks';
import type { LivePlayerState } from '../../streaming/public/live-player.js';
import type { MessageKey } from '../i18n/index.js';

/** Pictures missing for longer than this make a tile say "video lost" (by frame arrival, not socket state). */
export const LOST_AFTER_MS = 2000;
/**
 * Pictures missing this long while the gateway itself says why (the camera is offline, its stream
 * failed) make the tile say "video lost" without waiting for LOST_AFTER_MS: a stream restarting
 * in passing does not flash the overlay, a camera that went away is shown as such at once.
 */
export const EXPLAINED_LOST_AFTER_MS = 700;
const CHECK_MS = 250;

/** What the tile's player (live-player.js) knows; the fields read here. */
type PlayerState = Pick<LivePlayerState, 'status' | 'format' | 'bridging' | 'frames' | 'lastFrameAt' | 'stream' | 'audio'>;

/** The camera's sound as the tile's player has it: its codec, carried (G.711) or not, muted or not. */
export interface TileAudio {
  codec: string;
  carried: boolean;
  muted: boolean;
}

export interface FrameWatch {
  /** True once pictures stopped (or never came) for more than LOST_AFTER_MS. */
  lost: boolean;
  /** When the last picture arrived (or the tile opened, if none came): epoch ms. */
  since: number;
  /** Why, as the gateway or the player tells it (a catalog key). */
  reason: MessageKey;
  frames: number;
  /** webrtc, mse or jsmpeg: what the tile's info shows. */
  path: string | null;
  /** The camera's sound (WebRTC only): its codec and whether it plays. */
  audio: TileAudio | null;
}

const BY_CODE: Record<string, MessageKey> = {
  'camera.offline': 'console.reason.offline',
  'camera.login_refused': 'console.reason.loginRefused',
  'stream.auth_failed': 'console.reason.authFailed',
  'stream.not_found': 'console.reason.notFound',
  'stream.unreachable': 'console.reason.unreachable',
  'stream.no_data': 'console.reason.noData',
  'stream.ffmpeg_exited': 'console.reason.streamError',
  'stream.source_failed': 'console.reason.streamError',
};

/** The reason to show: the gateway's stream status first, then the camera's state, then the player's socket. */
export function lostReason(player: PlayerState | undefined, camera: { online: boolean; status?: string } | undefined): MessageKey {
  const stream = player?.stream;
  if (stream && stream.state !== 'playing' && stream.reason?.code) return BY_CODE[stream.reason.code] ?? 'console.reason.streamError';
  if (camera?.status === 'login_refused') return 'console.reason.loginRefused';
  if (camera && !camera.online) return 'console.reason.offline';
  if (player && (player.status === 'reconnecting' || player.status === 'connecting') && player.frames > 0) return 'console.reason.network';
  if (!player || player.frames === 0) return 'console.reason.connecting';
  return 'console.reason.noFrames';
}

/**
 * Whether a tile whose pictures stopped `quiet` ms ago says "video lost": at once (after
 * EXPLAINED_LOST_AFTER_MS) when the gateway says why, after LOST_AFTER_MS when only the pictures
 * tell, and after twice that for a tile that never had a picture and is only connecting (a cold
 * camera needs ~1.5 s).
 */
export function isLost(player: Pick<PlayerState, 'stream'> | undefined, frames: number, quiet: number, why: MessageKey): boolean {
  const stream = player?.stream;
  if (stream && stream.state !== 'playing' && stream.reason?.code) return quiet > EXPLAINED_LOST_AFTER_MS;
  return frames > 0 || why !== 'console.reason.connecting' ? quiet > LOST_AFTER_MS : quiet > 2 * LOST_AFTER_MS;
}

/**
 * Watches a tile's player (`tilePlayer.current`, null until it exists) for arriving pictures, four
 * times a second. `resetKey` starts the watch afresh (another camera or profile in the same tile).
 */
export function useFrameWatch(tilePlayer: MutableRef<PlayerState | null>, camera: { online: boolean; status?: string } | undefined, resetKey: string): FrameWatch {
  const [watch, setWatch] = useState<FrameWatch>({ lost: false, since: Date.now(), reason: 'console.reason.connecting', frames: 0, path: null, audio: null });
  const cameraRef = { current: camera };
  cameraRef.current = camera;
  useEffect(() => {
    const openedAt = Date.now();
    let previous: FrameWatch | undefined;
    const check = () => {
      const player = tilePlayer.current ?? undefined;
      const frames = player?.frames ?? 0;
      const last = frames > 0 && player ? player.lastFrameAt : openedAt;
      const quiet = Date.now() - last;
      const why = lostReason(player, cameraRef.current);
      const lost = isLost(player, frames, quiet, why);
      const reason = lost ? why : 'console.reason.connecting';
      // what draws the picture: MSE's bridge while WebRTC connects
      const path = player?.bridging ? 'mse' : (player?.format ?? null);
      const audio = path === 'webrtc' && player?.audio ? { codec: String(player.audio.codec), carried: player.audio.carried === true, muted: player.audio.muted !== false } : null;
      const audioKey = audio ? `${audio.codec}/${audio.carried}/${audio.muted}` : '';
      // Re-render only when something a person sees changes (the "since" text ticks on its own).
      if (!previous || previous.lost !== lost || previous.reason !== reason || (previous.frames === 0) !== (frames === 0) || (lost && previous.since !== last) || previous.path !== path || (previous.audio ? `${previous.audio.codec}/${previous.audio.carried}/${previous.audio.muted}` : '') !== audioKey) {
        previous = { lost, since: last, reason, frames, path, audio };
        setWatch(previous);
      }
    };
    const timer = setInterval(check, CHECK_MS);
    return () => clearInterval(timer);
  }, [resetKey]);
  return watch;
}

/** "3 秒", "2 分 5 秒": how long ago. */
export function elapsedParts(ms: number): { key: MessageKey; params: Record<string, number> } {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return { key: 'console.lost.seconds', params: { n: s } };
  if (s < 3600) return { key: 'console.lost.minutes', params: { m: Math.floor(s / 60), s: s % 60 } };
  return { key: 'console.lost.hours', params: { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) } };
}

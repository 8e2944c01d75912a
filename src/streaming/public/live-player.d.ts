// Types of live-player.js (plain JS, served as is to the browser) for the dashboards that bundle it.

export interface LivePlayerOptions {
  camera: string | null;
  profile?: 'main' | 'sub' | string;
  format?: 'auto' | 'webrtc' | 'mse' | 'jsmpeg' | string;
  /** A wall or session token (WebSocket and WHEP requests carry it). */
  token?: string | null;
  lang?: 'zh-CN' | 'en' | string;
  /** The player's own status badge (the dashboards' tiles show their own overlay instead). */
  badge?: boolean;
  /** JSMpeg draws with WebGL (false: 2D canvas). */
  gl?: boolean;
  /** 'mse': the stream's cached pictures over MSE at once while WebRTC connects. */
  start?: 'mse' | string;
  /** false: never try WebRTC. */
  webrtc?: boolean;
}

/** What the player knows: the same object as `window.cgPlayer` on /player.html. */
export interface LivePlayerState {
  camera: string | null;
  profile: string;
  /** webrtc, mse or jsmpeg (null until chosen). */
  format: string | null;
  /** The MSE bridge draws the picture while WebRTC connects (start 'mse'). */
  bridging: boolean;
  status: string;
  frames: number;
  /** When the first picture was shown (epoch ms; 0 before). */
  firstFrameAt: number;
  lastFrameAt: number;
  width: number;
  height: number;
  connects: number;
  /** The gateway's stream status: why there is no picture. */
  stream: { state: string; reason: { code?: string } | null } | null;
  notice: string;
  /** The camera's sound on WebRTC (null: none). */
  audio: { codec: string; carried: boolean; muted: boolean } | null;
  /** The <video> or <canvas> that shows the picture. */
  element: HTMLVideoElement | HTMLCanvasElement | null;
  setMuted: (muted: boolean) => boolean;
}

export interface LivePlayer {
  /** Also `host.cgPlayer`; `state.setMuted(false)` turns the camera's sound on. */
  state: LivePlayerState;
  /** Closes every socket, timer and WebRTC session of the player. */
  destroy: () => void;
}

export function createPlayer(host: HTMLElement, options: LivePlayerOptions): LivePlayer;


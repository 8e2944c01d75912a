import { api } from './api.js';

export interface PreparedStream {
  camera: string;
  profile: 'main' | 'sub';
}

/** A stream asked for less than this long ago is not asked for again (the gateway holds it for its grace period, at least 5 s). */
const AGAIN_AFTER_MS = 3000;
const askedAt = new Map<string, number>();
let batch: PreparedStream[] = [];
let queued = false;

/** The format the player page will pick (player.js: MSE where the browser has MediaSource). */
function playerFormat(): 'mse' | 'jsmpeg' {
  const w = window as Window & { ManagedMediaSource?: unknown; MediaSource?: unknown };
  return w.ManagedMediaSource || w.MediaSource ? 'mse' : 'jsmpeg';
}

/**
 * Tells the gateway which streams this page is about to show, so that it starts their ffmpeg and
 * camera connection while the players load (POST /api/streams/prepare). Calls in the same task go
 * in one request; failures are ignored (the players start the streams themselves anyway).
 */
export function prepareStreams(streams: readonly PreparedStream[]): void {
  const now = Date.now();
  for (const s of streams) {
    const key = `${s.camera}/${s.profile}`;
    if (now - (askedAt.get(key) ?? -Infinity) < AGAIN_AFTER_MS) continue;
    askedAt.set(key, now);
    batch.push(s);
  }
  if (askedAt.size > 500) askedAt.clear();
  if (batch.length === 0 || queued) return;
  queued = true;
  queueMicrotask(() => {
    queued = false;
    const format = playerFormat();
    const list = batch.slice(0, 16).map((s) => ({ ...s, format }));
    batch = [];
    if (list.length > 0) void api('/api/streams/prepare', { method: 'POST', body: { streams: list } }).catch(() => undefined);
  });
}

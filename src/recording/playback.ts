/**
 * Playback over the live player's WebSocket protocol (MSE): `/api/playback/:camera?at=<epoch ms>
 * &speed=1|2|4|8&origin=<epoch ms>`. The player says hello with its codecs, as for live; the
 * gateway answers `{"type":"mse",...,"origin"}` and the init segment, then the recorded fragments
 * from the keyframe at or before `at`, with their decode times set to (picture time - origin), so
 * that every camera opened with the same origin runs on one clock: media time t seconds is wall
 * time origin + t*1000. The player sets currentTime to (at - origin)/1000 and the browser decodes
 * forward from the keyframe to the exact picture.
 *
 * Fragments are paced: at most `LEAD_MS` x speed of media time ahead of the playback clock.
 * Control messages after the hello: {"type":"seek","at"}, {"type":"speed","value"},
 * {"type":"pause"}, {"type":"resume"}, {"type":"step"} (one picture more while paused).
 * Server text messages: {"type":"seeked","at","keyframeAt"}, {"type":"gap","from","to"} (nothing
 * recorded in between: the clock jumps over it), {"type":"idle","at"} (nothing more recorded yet;
 * it goes on once there is), {"type":"error","code","message"}.
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Logger } from '../core/logger.js';
import type { WsContext, WsEndpoint } from '../http/ws-router.js';
import { parseHello, playerCanPlay } from '../streaming/endpoint.js';
import { describeInit } from '../streaming/fmp4-splitter.js';
import type { RecordingIndex } from './index-store.js';
import { withTfdt } from './mp4-time.js';
import { SegmentReader, type RecordedFragment } from './segment-reader.js';

export const PLAYBACK_SPEEDS = [1, 2, 4, 8] as const;
const LEAD_MS = 1500;
const TICK_MS = 40;
const IDLE_RETRY_MS = 500;
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** A jump in picture times larger than this is a gap: the clock skips it. */
const GAP_MS = 2000;
const HELLO_TIMEOUT_MS = 10_000;
const DAY_MS = 86_400_000;

export interface PlaybackDeps {
  root: string;
  index: RecordingIndex;
  log: Logger;
}

class PlaybackSession {
  private reader: SegmentReader;
  private pending: RecordedFragment | undefined;
  private sentInit: Buffer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private busy = false;
  private speed: number;
  private paused = false;
  private steps = 0;
  /** Playback clock: media wall time `clockMs` at `clockAt` (performance clock). */
  private clockMs: number;
  private clockAt = performance.now();
  private lastSentMs = -Infinity;
  private idleSince: number | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly d: PlaybackDeps,
    private readonly camera: string,
    at: number,
    speed: number,
    private readonly origin: number,
    private readonly codecs: string[],
  ) {
    this.speed = speed;
    this.clockMs = at;
    this.reader = new SegmentReader(d.root, d.index, camera, at);
    ws.on('close', () => this.stop());
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
  }

  start(): void {
    this.schedule(0);
  }

  private stop(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private send(msg: Record<string, unknown>): void {
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private position(): number {
    if (this.paused) return this.clockMs;
    return this.clockMs + (performance.now() - this.clockAt) * this.speed;
  }

  private setClock(ms: number): void {
    this.clockMs = ms;
    this.clockAt = performance.now();
  }

  private onMessage(data: unknown, isBinary: boolean): void {
    if (isBinary) return;
    let msg: { type?: unknown; at?: unknown; value?: unknown };
    try {
      msg = JSON.parse(String(data)) as typeof msg;
    } catch {
      return this.send({ type: 'error', code: 'playback.bad_message', message: 'control messages are JSON objects' });
    }
    if (typeof msg !== 'object' || msg === null) return;
    switch (msg.type) {
      case 'seek': {
        const at = Number(msg.at);
        if (!Number.isFinite(at) || at < this.origin) return this.send({ type: 'error', code: 'playback.bad_seek', message: 'seek needs "at" (epoch ms) not before the origin' });
        this.seek(at);
        return;
      }
      case 'speed': {
        const v = Number(msg.value);
        if (!(PLAYBACK_SPEEDS as readonly number[]).includes(v)) return this.send({ type: 'error', code: 'playback.bad_speed', message: `speed must be one of ${PLAYBACK_SPEEDS.join(', ')}` });
        this.setClock(this.position());
        this.speed = v;
        return;
      }
      case 'pause':
        this.setClock(this.position());
        this.paused = true;
        return;
      case 'resume':
        this.setClock(this.position());
        this.paused = false;
        return;
      case 'step':
        this.steps = Math.min(this.steps + 1, 100);
        this.schedule(0);
        return;
      default:
        this.send({ type: 'error', code: 'playback.bad_message', message: 'unknown control message' });
    }
  }

  private seek(at: number): void {
    this.reader = new SegmentReader(this.d.root, this.d.index, this.camera, at);
    this.pending = undefined;
    this.lastSentMs = -Infinity;
    this.setClock(at);
    this.idleSince = undefined;
    this.seekAt = at;
    this.schedule(0);
  }

  private seekAt: number | undefined;

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pump(), ms);
  }

  private async pump(): Promise<void> {
    this.timer = undefined;
    if (this.closed || this.busy) return;
    this.busy = true;
    let wait = TICK_MS;
    try {
      for (let n = 0; n < 500 && !this.closed; n++) {
        if (this.ws.bufferedAmount > MAX_QUEUED_BYTES) break;
        const f = this.pending ?? (await this.reader.next());
        this.pending = f;
        if (!f) {
          if (this.idleSince === undefined) {
            this.idleSince = Date.now();
            this.send({ type: 'idle', at: Math.round(this.lastSentMs) });
          }
          wait = IDLE_RETRY_MS;
          break;
        }
        this.idleSince = undefined;
        if (this.seekAt !== undefined) {
          this.send({ type: 'seeked', at: this.seekAt, keyframeAt: Math.round(f.timeMs) });
          this.seekAt = undefined;
        }
        const pos = this.position();
        if (f.timeMs - Math.max(this.lastSentMs, pos) > GAP_MS && f.timeMs > pos) {
          this.send({ type: 'gap', from: Math.round(Math.max(this.lastSentMs, pos)), to: Math.round(f.timeMs) });
          this.setClock(f.timeMs);
        }
        const stepping = this.paused && this.steps > 0;
        if (!stepping && f.timeMs > this.position() + LEAD_MS * this.speed) break;
        if (stepping && f.timeMs > this.position() + LEAD_MS * this.speed) this.steps--;
        this.pending = undefined;
        this.deliver(f);
      }
    } catch (err) {
      this.d.log.warn({ camera: this.camera, err }, 'playback read failed');
      this.send({ type: 'error', code: 'playback.read_failed', message: 'the recording could not be read' });
    } finally {
      this.busy = false;
    }
    this.schedule(wait);
  }

  private deliver(f: RecordedFragment): void {
    if (!this.sentInit || !this.sentInit.equals(f.init)) {
      const info = describeInit(f.init);
      const codecs = info?.codecs ?? 'unknown';
      if (!playerCanPlay(codecs, this.codecs)) {
        this.send({ type: 'error', code: 'playback.codec_unsupported', message: `this browser cannot play ${codecs}; export the range and play it in a desktop player` });
        this.ws.close(4415, 'codec not playable in this browser');
        this.stop();
        return;
      }
      this.send({ type: 'mse', mime: `video/mp4; codecs="${codecs}"`, codecs, width: info?.width ?? 0, height: info?.height ?? 0, origin: this.origin });
      this.ws.send(f.init, { binary: true });
      this.sentInit = f.init;
    }
    this.ws.send(withTfdt(f.data, ((f.timeMs - this.origin) / 1000) * f.timescale), { binary: true });
    this.lastSentMs = f.timeMs;
  }

  markFirstSeek(at: number): void {
    this.seekAt = at;
  }
}

export function playbackEndpoint(deps: PlaybackDeps): WsEndpoint {
  return {
    path: '/api/playback/:camera',
    access: 'viewer',
    summary:
      'Recorded video of a camera over the MSE player protocol: ?at=<epoch ms>&speed=1|2|4|8&origin=<epoch ms> (default at minus one day). Send {"type":"hello","codecs":[...]}; ' +
      'then {"type":"seek","at"}, {"type":"speed","value"}, {"type":"pause"}, {"type":"resume"}, {"type":"step"}. Decode times are (picture time - origin): one clock for every camera opened with the same origin.',
    maxPayload: 16 * 1024,
    handle(ws: WebSocket, _req: IncomingMessage, ctx: WsContext): void {
      const camera = ctx.params.camera!;
      const at = Number(ctx.query.get('at') ?? Date.now() - 60_000);
      const speed = Number(ctx.query.get('speed') ?? 1);
      const origin = Number(ctx.query.get('origin') ?? at - DAY_MS);
      if (!Number.isFinite(at) || !Number.isFinite(origin) || origin > at || at - origin > 400 * DAY_MS) return ws.close(4400, 'at and origin are epoch ms, origin not after at');
      if (!(PLAYBACK_SPEEDS as readonly number[]).includes(speed)) return ws.close(4400, `speed must be one of ${PLAYBACK_SPEEDS.join(', ')}`);
      if (!deps.index.segmentAtOrAfter(camera, at)) {
        if (!deps.index.lastSegment(camera)) return ws.close(4404, `nothing is recorded for camera "${camera}"`);
      }
      const timer = setTimeout(() => ws.close(4400, 'send {"type":"hello","codecs":[...]} first'), HELLO_TIMEOUT_MS);
      ws.once('close', () => clearTimeout(timer));
      ws.once('message', (data, isBinary) => {
        clearTimeout(timer);
        const codecs = parseHello(data, isBinary);
        if (!codecs) return ws.close(4400, 'the first message must be {"type":"hello","codecs":[...]}');
        deps.log.debug({ camera, at, user: ctx.principal?.name }, 'playback started');
        const session = new PlaybackSession(ws, deps, camera, at, speed, origin, codecs);
        session.markFirstSeek(at);
        session.start();
      });
    },
  };
}

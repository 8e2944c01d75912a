/**
 * One viewer's WebSocket with a bounded queue. The queue is the socket's own send buffer
 * (`bufferedAmount`): while it holds more than one GOP (the bytes from the last keyframe to the one
 * before; at most `maxQueueBytes`) at the start of a picture, the viewer skips pictures until the
 * next keyframe (and until its backlog has halved), so a player never falls more than about a GOP
 * behind the live edge; one that keeps skipping for `slowCloseMs` is closed with a reason. The
 * stream never waits for a viewer.
 */
import type { WebSocket } from 'ws';
import type { MediaUnit } from './types.js';

export interface ViewerOptions {
  maxQueueBytes: number;
  slowCloseMs: number;
  /** Counts units this viewer dropped (per-stream status). */
  onDrop?: (unit: MediaUnit) => void;
  now?: () => number;
}

/** Close codes sent to players (4000-4999 are the application's). */
export const CLOSE = {
  badRequest: 4400,
  notFound: 4404,
  unavailable: 4503,
  tooSlow: 4008,
  goingAway: 1001,
  internal: 1011,
} as const;

/** Smallest backlog limit, for streams whose GOP is only a few KiB. */
const MIN_QUEUE_BYTES = 64 * 1024;

let nextId = 1;

export class Viewer {
  readonly id = nextId++;
  sentBytes = 0;
  sentUnits = 0;
  droppedUnits = 0;
  private skipping = true; // every viewer starts at a keyframe
  /** Bytes of the last complete GOP, and of the one being sent. */
  private lastGopBytes = 0;
  private gopBytes = 0;
  private slowSince: number | undefined;
  private closed = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    private readonly ws: WebSocket,
    private readonly o: ViewerOptions,
  ) {
    ws.once('close', () => this.markClosed());
  }

  get open(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  get queuedBytes(): number {
    return this.ws.bufferedAmount;
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  /** A JSON control message (text frame). */
  control(message: Record<string, unknown>): void {
    if (this.open) this.ws.send(JSON.stringify(message));
  }

  /** Bytes every viewer must get (jsmpeg header, MSE init segment): never dropped. */
  raw(data: Buffer): void {
    if (!this.open) return;
    this.ws.send(data, { binary: true });
    this.sentBytes += data.length;
  }

  /** From now on wait for a keyframe (a new ffmpeg run, a new init segment). */
  resync(): void {
    this.skipping = true;
  }

  /**
   * Runs `send` with the socket corked: what it sends leaves in one write (the cached GOP a new
   * viewer gets at once: one system call instead of one per picture, which took the gateway's
   * thread 20-100 ms per tile while a console opened its tiles). The per-unit backlog checks see
   * the corked bytes, as they would see a slow socket's.
   */
  batch(send: () => void): void {
    // ws corks the same socket around each frame; corks nest, so this holds them to the end.
    const socket = (this.ws as unknown as { _socket?: { cork?: () => void; uncork?: () => void } })._socket;
    socket?.cork?.();
    try {
      send();
    } finally {
      socket?.uncork?.();
    }
  }

  /** Offers one unit; returns whether it was sent. */
  unit(unit: MediaUnit): boolean {
    if (!this.open) return false;
    const now = (this.o.now ?? Date.now)();
    const backlog = this.ws.bufferedAmount;
    if (unit.keyframe) {
      if (this.gopBytes > 0) this.lastGopBytes = this.gopBytes;
      this.gopBytes = 0;
    }
    this.gopBytes += unit.data.length;
    // One GOP of backlog at most (a floor for tiny pictures); until a GOP was seen, maxQueueBytes.
    const limit = this.lastGopBytes > 0 ? Math.min(this.o.maxQueueBytes, Math.max(MIN_QUEUE_BYTES, this.lastGopBytes)) : this.o.maxQueueBytes;
    if (this.skipping) {
      if (unit.keyframe && backlog <= limit / 2) {
        this.skipping = false;
        this.slowSince = undefined;
      } else {
        return this.drop(unit, now, backlog > limit / 2);
      }
    } else if (unit.frameStart && backlog > limit) {
      this.skipping = true;
      return this.drop(unit, now, true);
    }
    this.ws.send(unit.data, { binary: true });
    this.sentBytes += unit.data.length;
    this.sentUnits++;
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    // A frozen client never reads our close frame: give it a moment, then cut the socket.
    this.ws.close(code, reason.slice(0, 120));
    const timer = setTimeout(() => this.ws.terminate(), 1000);
    timer.unref();
    this.ws.once('close', () => clearTimeout(timer));
    this.markClosed();
  }

  private drop(unit: MediaUnit, now: number, slow: boolean): boolean {
    if (this.sentUnits > 0 || slow) {
      this.droppedUnits++;
      this.o.onDrop?.(unit);
    }
    if (!slow) {
      this.slowSince = undefined;
      return false;
    }
    this.slowSince ??= now;
    if (now - this.slowSince > this.o.slowCloseMs) {
      this.close(CLOSE.tooSlow, `too slow: more than ${Math.round(this.o.maxQueueBytes / 1024)} KiB queued for ${Math.round((now - this.slowSince) / 1000)} s`);
    }
    return false;
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const handler of this.closeHandlers.splice(0)) handler();
  }
}

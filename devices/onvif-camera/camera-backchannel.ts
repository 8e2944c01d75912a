/**
 * A camera's loudspeaker as an audio sink: 8 kHz samples pushed in are encoded to the G.711 the
 * camera asked for and sent as 20 ms RTP packets at real-time pace over a backchannel session.
 * The session opens when someone holds the sink and closes `idleCloseMs` after the last release.
 * A lost session is reopened with back-off; one that stays lost for `failAfterMs` while audio is
 * wanted fails (the audio held is dropped and `onFailed` says why). Audio held ahead is bounded.
 */
import { Backoff } from './backoff.js';
import { BackchannelSession, BackchannelUnsupportedError } from './backchannel-session.js';
import type { G711Codec } from './backchannel-sdp.js';
import { encodeG711 } from './g711.js';

export const BACKCHANNEL_SAMPLE_RATE = 8000;
const PACKET_SAMPLES = 160; // 20 ms
const TICK_MS = 10;
/** Sent this far ahead of the play-out clock, so the camera's jitter buffer never runs dry. */
const LEAD_SAMPLES = 320;
/** A socket holding this much unsent audio is a camera that stopped reading. */
const MAX_BACKLOG_BYTES = 64 * 1024;

export interface BackchannelSource {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
}

export interface CameraBackchannelOptions {
  label: string;
  /** Where to connect (asked again at every connect: the camera's address may have changed). */
  source: () => Promise<BackchannelSource>;
  timeoutMs: number;
  reconnect: { initialMs: number; maxMs: number };
  failAfterMs: number;
  maxQueueMs: number;
  idleCloseMs: number;
  onFailed: (reason: string, unsupported: boolean) => void;
  onConnected?: (codec: G711Codec) => void;
}

export class CameraBackchannel {
  private session: BackchannelSession | undefined;
  private connecting: Promise<void> | undefined;
  private readonly queue: Int16Array[] = [];
  private queued = 0;
  private holders = 0;
  private timer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private lostSince: number | undefined;
  private lastError = '';
  private readonly backoff: Backoff;
  private spurtStart = 0;
  private spurtSamples = 0;
  private lastSentAt = 0;
  private inSpurt = false;
  private drainedWaiters: Array<() => void> = [];
  private stopped = false;
  /** Samples dropped because more than maxQueueMs was held. */
  droppedSamples = 0;
  packetsSent = 0;
  connects = 0;

  constructor(private readonly options: CameraBackchannelOptions) {
    this.backoff = new Backoff(options.reconnect);
  }

  get connected(): boolean {
    return this.session !== undefined && !this.session.closed;
  }

  get codec(): G711Codec | undefined {
    return this.session?.track.codec;
  }

  get heldMs(): number {
    return (this.queued / BACKCHANNEL_SAMPLE_RATE) * 1000;
  }

  /** Someone is about to send audio: connect now. */
  hold(): void {
    if (this.stopped) return;
    this.holders++;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.ensureConnected();
  }

  /** One holder is done; the session closes after idleCloseMs without holders and audio. */
  release(): void {
    this.holders = Math.max(0, this.holders - 1);
    this.armIdle();
  }

  push(samples: Int16Array): void {
    if (this.stopped || samples.length === 0) return;
    this.queue.push(samples);
    this.queued += samples.length;
    const max = Math.round((this.options.maxQueueMs / 1000) * BACKCHANNEL_SAMPLE_RATE);
    while (this.queued > max && this.queue.length > 1) {
      const old = this.queue.shift()!;
      this.queued -= old.length;
      this.droppedSamples += old.length;
    }
    this.ensureConnected();
    this.startTicking();
  }

  /** Drops the audio held (a job stopped or was preempted). */
  flush(): void {
    this.queue.length = 0;
    this.queued = 0;
    this.settleDrained();
  }

  /** Resolves when every sample pushed so far has been sent (or dropped). */
  drained(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainedWaiters.push(resolve));
  }

  /** The camera is known to be gone (offline): give up at once. */
  fail(reason: string): void {
    this.session?.abort(reason);
    this.session = undefined;
    this.giveUp(reason, false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.retryTimer);
    this.timer = this.idleTimer = this.retryTimer = undefined;
    this.flush();
    await this.connecting?.catch(() => undefined);
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  private ensureConnected(): void {
    if (this.stopped || this.connected || this.connecting || this.retryTimer) return;
    this.connecting = this.connect().finally(() => (this.connecting = undefined));
  }

  private async connect(): Promise<void> {
    try {
      const source = await this.options.source();
      const session = await BackchannelSession.open({ ...source, timeoutMs: this.options.timeoutMs });
      if (this.stopped) {
        await session.close();
        return;
      }
      this.session = session;
      this.connects++;
      this.lostSince = undefined;
      this.backoff.reset();
      this.inSpurt = false;
      session.onClose((reason) => {
        if (this.session !== session) return;
        this.session = undefined;
        if (this.wanted()) this.lost(reason);
      });
      this.options.onConnected?.(session.track.codec);
      this.armIdle();
      this.startTicking();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof BackchannelUnsupportedError) return this.giveUp(reason, true);
      this.lost(reason);
    }
  }

  private wanted(): boolean {
    return this.holders > 0 || this.queued > 0;
  }

  private lost(reason: string): void {
    if (this.stopped) return;
    this.lastError = reason;
    const now = Date.now();
    this.lostSince ??= now;
    if (!this.wanted()) {
      this.lostSince = undefined;
      return;
    }
    if (now - this.lostSince >= this.options.failAfterMs) return this.giveUp(reason, false);
    const delay = Math.min(this.backoff.next(), Math.max(50, this.options.failAfterMs - (now - this.lostSince)));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.ensureConnected();
    }, delay);
  }

  private giveUp(reason: string, unsupported: boolean): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.lostSince = undefined;
    this.holders = 0;
    this.flush();
    this.options.onFailed(reason || this.lastError, unsupported);
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.holders > 0 || this.stopped || !this.session) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.holders > 0 || this.queued > 0) return;
      const session = this.session;
      this.session = undefined;
      void session?.close();
    }, this.options.idleCloseMs);
  }

  private startTicking(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    const session = this.session;
    if (this.queued === 0) {
      this.inSpurt = false;
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    if (!session || session.closed) return;
    if (session.backlogBytes > MAX_BACKLOG_BYTES) return session.abort(`the camera stopped reading its backchannel (${session.backlogBytes} bytes unsent)`);
    const now = performance.now();
    let marker = false;
    let gap = 0;
    if (!this.inSpurt) {
      this.inSpurt = true;
      marker = true;
      gap = this.lastSentAt ? Math.round(((now - this.lastSentAt) / 1000) * BACKCHANNEL_SAMPLE_RATE) : 0;
      this.spurtStart = now;
      this.spurtSamples = 0;
    }
    const due = Math.floor(((now - this.spurtStart) / 1000) * BACKCHANNEL_SAMPLE_RATE) + LEAD_SAMPLES;
    while (this.queued > 0 && this.spurtSamples < due) {
      const packet = this.take(PACKET_SAMPLES);
      if (!session.send(encodeG711(session.track.codec, packet), marker, gap)) return;
      marker = false;
      gap = 0;
      this.packetsSent++;
      this.spurtSamples += packet.length;
      this.lastSentAt = this.spurtStart + (this.spurtSamples / BACKCHANNEL_SAMPLE_RATE) * 1000;
    }
    if (this.queued === 0) {
      this.settleDrained();
      this.armIdle();
    }
  }

  private take(count: number): Int16Array {
    const out = new Int16Array(Math.min(count, this.queued));
    let filled = 0;
    while (filled < out.length) {
      const head = this.queue[0]!;
      const n = Math.min(head.length, out.length - filled);
      out.set(head.subarray(0, n), filled);
      filled += n;
      if (n === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(n);
    }
    this.queued -= out.length;
    return out;
  }

  private settleDrained(): void {
    const waiters = this.drainedWaiters;
    this.drainedWaiters = [];
    for (const w of waiters) w();
  }
}

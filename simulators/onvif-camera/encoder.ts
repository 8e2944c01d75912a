/**
 * One ffmpeg encoder per media profile, fed raw yuv420p frames by the simulator and shared
 * by every reader of that profile. It runs only while someone plays (or briefly, to learn the
 * parameter sets for a DESCRIBE) and stops a moment after the last reader leaves.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Logger } from '../../src/core/logger.js';
import type { ProfileSpec } from './context.js';
import { FlvH264Reader } from './flv-units.js';
import { AnnexBSplitter, isParameterSet, nalType, type AccessUnit } from './nal.js';
import { timingSeiNal } from './timing-sei.js';

export interface EncodedAccessUnit extends AccessUnit {
  /** RTP-style 90 kHz timestamp from the moment the raw frame was rendered. */
  pts90k: number;
  /** Host wall clock when the raw frame was rendered. */
  renderedAt: number;
}

export type FrameSource = (profile: ProfileSpec, frameIndex: number) => Buffer;
export type AccessUnitListener = (au: EncodedAccessUnit) => void;

export interface VideoEncoderOptions {
  ffmpegPath: string;
  profile: ProfileSpec;
  render: FrameSource;
  log: Logger;
  /** How long the encoder keeps running after the last reader left, ms. */
  lingerMs?: number;
  /** H.264: each picture carries its render time in an SEI (benchmarks' hop timing; timing-sei.ts). */
  timingSei?: boolean;
  /** Where the camera points now (degrees), for the timing SEI. */
  panDeg?: () => number;
}

export class VideoEncoder {
  private child: ChildProcessWithoutNullStreams | undefined;
  private exited: Promise<void> | undefined;
  private readonly listeners = new Set<AccessUnitListener>();
  private holds = 0;
  private frameTimer: NodeJS.Timeout | undefined;
  private lingerTimer: NodeJS.Timeout | undefined;
  private frameIndex = 0;
  private startedAt = 0;
  private nextFrameAt = 0;
  private readonly renderedTimes: Array<{ at: number; frame: number; panDeg: number }> = [];
  private paramSets: Buffer[] = [];
  private paramWaiters: Array<(sets: Buffer[]) => void> = [];
  /** Runs of ffmpeg so far (tests check that it starts and stops on demand). */
  runs = 0;
  framesEncoded = 0;

  constructor(private readonly opts: VideoEncoderOptions) {}

  get running(): boolean {
    return this.child !== undefined;
  }

  get readers(): number {
    return this.listeners.size;
  }

  /** Receives every access unit from now on; the encoder starts if it is not running. */
  subscribe(listener: AccessUnitListener): () => void {
    this.listeners.add(listener);
    this.ensureRunning();
    return () => {
      if (this.listeners.delete(listener)) this.maybeStopLater();
    };
  }

  /** SPS/PPS (and VPS for H.265) without start codes; starts the encoder briefly if unknown. */
  parameterSets(timeoutMs = 5000): Promise<Buffer[]> {
    if (this.paramSets.length > 0) return Promise.resolve(this.paramSets);
    this.holds++;
    this.ensureRunning();
    return new Promise<Buffer[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.paramWaiters = this.paramWaiters.filter((w) => w !== done);
        this.holds--;
        this.maybeStopLater();
        reject(new Error(`encoder for ${this.opts.profile.token} gave no parameter sets in ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (sets: Buffer[]): void => {
        clearTimeout(timer);
        this.holds--;
        this.maybeStopLater();
        resolve(sets);
      };
      this.paramWaiters.push(done);
    });
  }

  /** Stops ffmpeg now, whoever is still reading. */
  async stop(): Promise<void> {
    this.listeners.clear();
    this.holds = 0;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    await this.kill();
  }

  private ensureRunning(): void {
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    }
    if (!this.child) this.spawn();
  }

  private maybeStopLater(): void {
    if (this.listeners.size > 0 || this.holds > 0 || this.lingerTimer || !this.child) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = undefined;
      if (this.listeners.size === 0 && this.holds === 0) void this.kill();
    }, this.opts.lingerMs ?? 2000);
  }

  private args(): string[] {
    const p = this.opts.profile;
    const input = ['-hide_banner', '-loglevel', 'error', '-probesize', '32', '-analyzeduration', '0', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${p.width}x${p.height}`, '-r', String(p.fps), '-i', 'pipe:0', '-an'];
    const rate = ['-b:v', `${p.bitrateKbps}k`, '-maxrate', `${p.bitrateKbps}k`, '-bufsize', `${p.bitrateKbps}k`];
    if (p.codec === 'h265') {
      return [...input, '-c:v', 'libx265', '-preset', 'ultrafast', '-tune', 'zerolatency', ...rate,
        '-x265-params', `aud=1:repeat-headers=1:keyint=${p.fps}:min-keyint=${p.fps}:bframes=0:pools=1:frame-threads=1:log-level=error`, '-f', 'hevc', 'pipe:1'];
    }
    // As an IP camera's low-latency main profile: no B-frames, no lookahead (zerolatency), one
    // picture out per picture in. FLV frames each picture, so it is sent the moment it is encoded.
    return [...input, '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-threads', '1', '-bf', '0', '-g', String(p.fps), ...rate,
      '-x264-params', 'repeat-headers=1', '-flush_packets', '1', '-f', 'flv', 'pipe:1'];
  }

  private spawn(): void {
    const p = this.opts.profile;
    const child = spawn(this.opts.ffmpegPath, this.args(), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.runs++;
    this.frameIndex = 0;
    this.renderedTimes.length = 0;
    this.startedAt = Date.now();
    const splitter = p.codec === 'h264' ? new FlvH264Reader((au) => this.onAccessUnit(au)) : new AnnexBSplitter(p.codec, (au) => this.onAccessUnit(au));
    child.stdout.on('data', (chunk: Buffer) => {
      try {
        splitter.push(chunk);
      } catch (err) {
        this.opts.log.error({ err }, 'unreadable encoder output');
        child.kill('SIGKILL');
      }
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-2000);
    });
    child.stdin.on('error', () => {}); // EPIPE when ffmpeg exits first; reported by 'exit'
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.child === child) {
          // unexpected exit: readers get nothing more until they come back
          this.opts.log.warn({ profile: p.token, code, signal, stderr }, 'encoder exited');
          this.child = undefined;
          this.clearFrameTimer();
        }
        resolve();
      });
      child.once('error', (err) => {
        this.opts.log.error({ err }, 'cannot start ffmpeg');
        if (this.child === child) this.child = undefined;
        this.clearFrameTimer();
        resolve();
      });
    });
    this.nextFrameAt = performance.now();
    this.scheduleFrame();
    this.opts.log.debug({ profile: p.token }, 'encoder started');
  }

  private scheduleFrame(): void {
    const interval = 1000 / this.opts.profile.fps;
    const delay = Math.max(0, this.nextFrameAt - performance.now());
    this.frameTimer = setTimeout(() => {
      this.frameTimer = undefined;
      const child = this.child;
      if (!child) return;
      this.nextFrameAt += interval;
      // fell far behind (suspended process): skip ahead instead of bursting
      if (performance.now() - this.nextFrameAt > 5 * interval) this.nextFrameAt = performance.now() + interval;
      // drop the frame rather than queue without bound when ffmpeg cannot keep up
      if (child.stdin.writableLength < 2 * this.frameBytes()) {
        const renderedAt = Date.now();
        this.renderedTimes.push({ at: renderedAt, frame: this.frameIndex, panDeg: this.opts.panDeg?.() ?? 0 });
        const frame = this.opts.render(this.opts.profile, this.frameIndex++);
        child.stdin.write(frame);
      }
      this.scheduleFrame();
    }, delay);
  }

  private frameBytes(): number {
    const p = this.opts.profile;
    return (p.width * p.height * 3) / 2;
  }

  private onAccessUnit(au: AccessUnit): void {
    const rendered = this.renderedTimes.shift();
    const renderedAt = rendered?.at ?? Date.now();
    this.framesEncoded++;
    const sets = au.nals.filter((n) => isParameterSet(this.opts.profile.codec, nalType(this.opts.profile.codec, n)));
    if (sets.length > 0) {
      this.paramSets = sets;
      const waiters = this.paramWaiters;
      this.paramWaiters = [];
      for (const w of waiters) w(sets);
    }
    const frame = rendered?.frame ?? -1;
    if (this.opts.timingSei && this.opts.profile.codec === 'h264') {
      const firstPicture = au.nals.findIndex((n) => { const t = n[0]! & 0x1f; return t === 1 || t === 5; });
      au.nals.splice(firstPicture < 0 ? au.nals.length : firstPicture, 0, timingSeiNal({ renderedAt, frame, panDeg: rendered?.panDeg ?? 0 }));
    }
    const encoded: EncodedAccessUnit = { ...au, renderedAt, pts90k: Math.round((renderedAt - this.startedAt) * 90) };
    for (const l of this.listeners) l(encoded);
  }

  private clearFrameTimer(): void {
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
  }

  private async kill(): Promise<void> {
    const child = this.child;
    this.clearFrameTimer();
    if (!child) {
      await this.exited;
      return;
    }
    this.child = undefined;
    child.stdin.end();
    const force = setTimeout(() => child.kill('SIGKILL'), 1000);
    child.kill('SIGTERM');
    await this.exited;
    clearTimeout(force);
    this.opts.log.debug({ profile: this.opts.profile.token }, 'encoder stopped');
  }
}

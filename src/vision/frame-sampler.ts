/**
 * Small raw frames of a camera's sub stream at a few fps: one ffmpeg per camera decodes the RTSP
 * stream, drops to `fps` and scales to width x height RGB on its stdout. The camera URL (with its
 * password) reaches ffmpeg on stdin as a one-entry ffconcat list, never on its command line (as in
 * src/streaming). Restarts with back-off whenever ffmpeg ends or stalls; nothing runs before
 * start() or after stop().
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { StreamSource } from '../cameras/stream-sources.js';
import type { Logger } from '../core/logger.js';
import type { Frame } from './pipeline.js';

export interface FrameSamplerOptions {
  cameraId: string;
  resolve: () => Promise<StreamSource>;
  ffmpegPath: string;
  width: number;
  height: number;
  fps: number;
  onFrame: (frame: Frame) => void;
  log: Logger;
  rtspTransport?: 'tcp' | 'udp';
  stallMs?: number;
}

function quoted(value: string): string {
  const clean = [...value].map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}` : c)).join('');
  return `'${clean.replace(/'/g, "'\\''")}'`;
}

/**
 * ffmpeg 5.1 hands a frame to its output only when the next one comes out of the filters, so at
 * `fps` 2 each frame reached us one whole sample late (500 ms; measured against the simulator's
 * frame stamps: 1,008 ms camera -> frame at 2 fps, 308 ms with every frame passed). The filter
 * therefore keeps twice the wanted rate (the hold is half as long) and `FrameSampler` passes on
 * every frame that comes at least 3/4 of a sample after the last one it passed. `low_delay`, no
 * probing (the SDP has the parameter sets) and one decoder thread (no frame-threading delay; one
 * thread per camera is also the cheapest way to decode many small streams) as in src/streaming.
 */
export const SAMPLER_OVERSAMPLE = 2;

export function samplerArgs(o: Pick<FrameSamplerOptions, 'width' | 'height' | 'fps'>): string[] {
  return [
    '-hide_banner', '-nostats', '-loglevel', 'error', '-nostdin',
    '-f', 'concat', '-safe', '0', '-auto_convert', '0', '-protocol_whitelist', 'pipe,rtsp,rtsps,rtp,tcp,udp,tls',
    '-flags', 'low_delay', '-analyzeduration', '0', '-probesize', '32', '-threads', '1',
    '-i', 'pipe:0', '-an', '-sn', '-dn',
    '-vf', `fps=${o.fps * SAMPLER_OVERSAMPLE},scale=${o.width}:${o.height}`,
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
}

export class FrameSampler {
  private child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private delayMs = 500;
  private lastOutput = 0;
  private lastPassed = -Infinity;
  frames = 0;
  restarts = 0;

  constructor(private readonly o: FrameSamplerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
    const stallMs = this.o.stallMs ?? 10_000;
    this.watchdog = setInterval(() => {
      if (this.child && Date.now() - this.lastOutput > stallMs) this.child.kill('SIGKILL');
    }, 1000);
    this.watchdog.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.kill('SIGKILL');
    });
  }

  private again(): void {
    if (!this.running) return;
    this.restarts++;
    this.timer = setTimeout(() => void this.run(), this.delayMs);
    this.delayMs = Math.min(10_000, this.delayMs * 2);
  }

  private async run(): Promise<void> {
    let source: StreamSource;
    try {
      source = await this.o.resolve();
    } catch (err) {
      this.o.log.debug({ camera: this.o.cameraId, err: err instanceof Error ? err.message : String(err) }, 'vision: camera stream not available yet');
      this.again();
      return;
    }
    if (!this.running) return;
    const frameBytes = this.o.width * this.o.height * 3;
    const child = spawn(this.o.ffmpegPath, samplerArgs(this.o), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.lastOutput = Date.now();
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      this.lastOutput = Date.now();
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= frameBytes) {
        const all = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
        const rest = all.subarray(frameBytes);
        pending = rest.length ? [rest] : [];
        pendingBytes = rest.length;
        this.delayMs = 500;
        const now = Date.now();
        if (now - this.lastPassed < 750 / this.o.fps) continue; // the oversampled frame in between
        this.lastPassed = now;
        const frame = new Uint8Array(all.buffer, all.byteOffset, frameBytes).slice();
        this.frames++;
        this.o.onFrame({ rgb: frame, width: this.o.width, height: this.o.height, at: now });
      }
    });
    let errText = '';
    child.stderr.on('data', (c: Buffer) => {
      if (errText.length < 2000) errText += c.toString();
    });
    child.stdin.on('error', () => {});
    child.stdin.end(['ffconcat version 1.0', `file ${quoted(source.rtspUrl)}`, `option rtsp_transport ${this.o.rtspTransport ?? 'tcp'}`, 'option timeout 5000000', 'option analyzeduration 0', 'option probesize 32', ''].join('\n'));
    child.once('close', (code) => {
      if (this.child === child) this.child = undefined;
      if (!this.running) return;
      // ffmpeg's message may hold the URL: drop anything that looks like one.
      this.o.log.warn({ camera: this.o.cameraId, code, error: errText.replace(/rtsps?:\/\/\S+/g, '<camera>').trim().slice(0, 300) }, 'vision: the frame sampler ended; starting again');
      this.again();
    });
  }
}

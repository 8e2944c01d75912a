/**
 * Small raw frames of a camera's sub stream at a few fps: one ffmpeg per camera decodes the RTSP
 * stream and scales every frame to width x height RGB on its stdout; one every 1/fps is kept. The camera URL (with its
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
 * Every decoded frame leaves ffmpeg (scaled, RGB) and `FrameSampler` keeps one every 1/fps: any
 * filter that drops frames in ffmpeg 5.1 (`fps`, `select`) made each kept frame wait in ffmpeg for
 * several input frames, and the rawvideo output held a frame's last bytes in its write buffer
 * until the next one. Measured on the simulator's 10 fps sub stream against its frame stamps
 * (camera -> frame in Node, median): every frame passed with `-flush_packets 1` 210 ms; `fps=2`
 * 713 ms; `fps=4` (the last round's sampler) 471-507 ms; `select` every 0.45 s 613 ms.
 * The frames not kept are counted and thrown away as they arrive, never copied.
 * Only the video track is set up (`allowed_media_types video`): a camera that also sends sound
 * would otherwise stop the 32-byte probe at its first audio packet, before the first picture.
 * `low_delay`, no probing (the SDP has the parameter sets) and one decoder thread (no
 * frame-threading delay; one thread per camera is also the cheapest way to decode many small
 * streams) as in src/streaming.
 */
export function samplerArgs(o: Pick<FrameSamplerOptions, 'width' | 'height'>): string[] {
  return [
    '-hide_banner', '-nostats', '-loglevel', 'error', '-nostdin',
    '-f', 'concat', '-safe', '0', '-auto_convert', '0', '-protocol_whitelist', 'pipe,rtsp,rtsps,rtp,tcp,udp,tls',
    '-flags', 'low_delay', '-analyzeduration', '0', '-probesize', '32', '-threads', '1',
    '-i', 'pipe:0', '-an', '-sn', '-dn',
    '-vf', `scale=${o.width}:${o.height}`,
    '-pix_fmt', 'rgb24', '-flush_packets', '1', '-f', 'rawvideo', 'pipe:1',
  ];
}

/**
 * Which frames to keep: the first that starts arriving at most `slackMs` before the next due time,
 * then one every 1000/fps ms after it (a late stream restarts the clock instead of bursting).
 */
export class FrameThinner {
  private due = -Infinity;
  constructor(private readonly periodMs: number, private readonly slackMs = 40) {}

  keep(now: number): boolean {
    if (now < this.due - this.slackMs) return false;
    this.due = (now - this.due > this.periodMs ? now : this.due) + this.periodMs;
    return true;
  }
}

export class FrameSampler {
  private child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private delayMs = 500;
  private lastOutput = 0;
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
    const thinner = new FrameThinner(1000 / this.o.fps);
    /** The frame being received: its bytes so far, and where they go (null: a frame not kept). */
    let filled = 0;
    let frame: Uint8Array | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      this.lastOutput = Date.now();
      for (let off = 0; off < chunk.length;) {
        if (filled === 0) frame = thinner.keep(Date.now()) ? new Uint8Array(frameBytes) : null;
        const n = Math.min(frameBytes - filled, chunk.length - off);
        frame?.set(chunk.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled < frameBytes) break;
        filled = 0;
        this.delayMs = 500;
        if (!frame) continue;
        this.frames++;
        this.o.onFrame({ rgb: frame, width: this.o.width, height: this.o.height, at: Date.now() });
      }
    });
    let errText = '';
    child.stderr.on('data', (c: Buffer) => {
      if (errText.length < 2000) errText += c.toString();
    });
    child.stdin.on('error', () => {});
    child.stdin.end(['ffconcat version 1.0', `file ${quoted(source.rtspUrl)}`, `option rtsp_transport ${this.o.rtspTransport ?? 'tcp'}`, 'option timeout 5000000', 'option analyzeduration 0', 'option probesize 32', 'option allowed_media_types video', ''].join('\n'));
    child.once('close', (code) => {
      if (this.child === child) this.child = undefined;
      if (!this.running) return;
      // ffmpeg's message may hold the URL: drop anything that looks like one.
      this.o.log.warn({ camera: this.o.cameraId, code, error: errText.replace(/rtsps?:\/\/\S+/g, '<camera>').trim().slice(0, 300) }, 'vision: the frame sampler ended; starting again');
      this.again();
    });
  }
}

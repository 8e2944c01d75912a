/**
 * One ffmpeg process kept alive for as long as someone watches: restarted after any exit and
 * after a stall (no output for `stallTimeoutMs`), with a backoff that doubles from `restartMinMs`
 * to `restartMaxMs` while runs keep failing and resets once a run delivers for a while. When the
 * command cannot even be built (camera offline), no process starts and it asks again every
 * `2 x restartMinMs`, so a camera that comes back is seen at once.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../core/logger.js';
import type { PipelineCommand } from './ffmpeg-args.js';
import type { FfmpegChild } from './ffmpeg-spares.js';
import type { RunEnd } from './stream-status.js';

export interface PipelineOptions {
  ffmpegPath: string;
  /** Called before each run: the source may have moved (camera re-resolved). */
  args: () => Promise<PipelineCommand>;
  stallTimeoutMs: number;
  restartMinMs: number;
  restartMaxMs: number;
  /** Removes secrets from ffmpeg's messages before they are logged or shown. */
  redact: (text: string) => string;
  log: Logger;
  onData: (chunk: Buffer) => void;
  /** A process already started with these arguments (ffmpeg-spares.ts), or undefined to spawn one. */
  takeSpare?: (args: readonly string[]) => FfmpegChild | undefined;
  /** A new run starts (the parser must forget the previous run's partial data). */
  onRunStart: (run: number) => void;
  /** A run ended (`end`), or no run could start because building the command threw (`sourceError`). */
  onRunEnd: (reason: string, end: RunEnd | { sourceError: unknown }) => void;
}

export class FfmpegPipeline {
  private child: ChildProcessByStdio<Writable, Readable, Readable> | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopped = true;
  private restartTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private backoffMs: number;
  private lastOutputAt = 0;
  private firstOutputAt = 0;
  /** Why we killed the current run ourselves (reported instead of the exit signal). */
  private killReason: string | undefined;
  /** Runs started (1 after the first start). */
  runs = 0;
  lastError: string | null = null;
  lastErrorAt: Date | null = null;

  constructor(private readonly o: PipelineOptions) {
    this.backoffMs = o.restartMinMs;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.watchdog = setInterval(() => this.checkStall(), Math.min(1000, this.o.stallTimeoutMs / 4));
    void this.spawnRun();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.watchdog) clearInterval(this.watchdog);
    this.restartTimer = this.watchdog = undefined;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** Kills the running ffmpeg; it is restarted like after any other exit (tests, admin action). */
  kill(reason: string): void {
    if (!this.child) return;
    this.killReason = reason;
    this.child.kill('SIGKILL');
  }

  private fail(reason: string): void {
    this.lastError = this.o.redact(reason);
    this.lastErrorAt = new Date();
  }

  private checkStall(): void {
    if (!this.child) return;
    const quiet = Date.now() - this.lastOutputAt;
    if (quiet > this.o.stallTimeoutMs) {
      this.o.log.warn({ quietMs: quiet }, 'ffmpeg stalled; restarting it');
      this.kill(`stalled: no output for ${Math.round(quiet / 100) / 10} s`);
    } else if (this.firstOutputAt && Date.now() - this.firstOutputAt > this.o.stallTimeoutMs) {
      this.backoffMs = this.o.restartMinMs; // this run has delivered for a while: healthy
    }
  }

  private async spawnRun(): Promise<void> {
    let command: PipelineCommand;
    try {
      command = await this.o.args();
    } catch (err) {
      if (this.stopped) return;
      this.fail(err instanceof Error ? err.message : String(err));
      this.o.onRunEnd(this.lastError!, { sourceError: err });
      this.scheduleRestart(this.o.restartMinMs * 2);
      return;
    }
    if (this.stopped) return;
    this.runs++;
    this.o.onRunStart(this.runs);
    const child = this.o.takeSpare?.(command.args) ?? spawn(this.o.ffmpegPath, command.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stdin.on('error', () => {}); // ffmpeg that exits at once (bad input) closes its stdin: EPIPE
    child.stdin.end(command.stdin);
    this.lastOutputAt = Date.now();
    this.firstOutputAt = 0;
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-1000);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      this.lastOutputAt = Date.now();
      if (!this.firstOutputAt) this.firstOutputAt = this.lastOutputAt;
      if (this.child === child) this.o.onData(chunk);
    });
    this.exited = new Promise<void>((resolve) => {
      let done = false;
      const finish = (reason: string): void => {
        if (done) return;
        done = true;
        if (this.child === child) this.child = undefined;
        if (!this.stopped) {
          const stalled = this.killReason?.startsWith('stalled') === true;
          this.fail(this.killReason ?? reason);
          this.killReason = undefined;
          this.o.log.warn({ run: this.runs, reason: this.lastError }, 'ffmpeg ended; restarting');
          this.o.onRunEnd(this.lastError!, { stderr: this.o.redact(stderr), stalled, delivered: this.firstOutputAt > 0, summary: this.lastError! });
          this.scheduleRestart();
        }
        resolve();
      };
      child.once('error', (err) => finish(`ffmpeg could not start: ${err.message}`));
      child.once('close', (code, signal) => {
        const detail = stderr.trim().split('\n').slice(-2).join(' | ');
        finish(`ffmpeg exited (${signal ?? `code ${code}`})${detail ? `: ${detail}` : ''}`);
      });
    });
  }

  /** `fixedMs`: retry after that, leaving the backoff as it is (no process was started). */
  private scheduleRestart(fixedMs?: number): void {
    if (this.stopped) return;
    const delay = fixedMs ?? this.backoffMs;
    if (fixedMs === undefined) this.backoffMs = Math.min(this.o.restartMaxMs, this.backoffMs * 2);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopped) void this.spawnRun();
    }, delay);
  }
}

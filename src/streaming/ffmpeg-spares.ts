/**
 * Spare ffmpeg processes, started ahead and waiting on stdin for their input list. Starting
 * ffmpeg (exec, loading its libraries) takes 0.1–0.4 s before it even connects to the camera; a
 * cold stream takes a spare whose command line matches (the camera URL goes on stdin, so every
 * H.264 MSE stream has the same one) and a new spare is started behind it. A spare does nothing
 * until it is taken: no camera connection, no CPU. stop() kills them.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../core/logger.js';

export type FfmpegChild = ChildProcessByStdio<Writable, Readable, Readable>;

export interface FfmpegSparesOptions {
  ffmpegPath: string;
  /** The command line the spares are started with; only a run with exactly these arguments takes one. */
  args: readonly string[];
  /** How many wait at once (0: none). */
  count: number;
  log: Logger;
}

/** A spare that ended by itself sooner than this after its start: ffmpeg cannot run here; no more spares for a while. */
const FAILED_IF_ENDED_WITHIN_MS = 2000;
const PAUSE_AFTER_FAILURE_MS = 30_000;

export class FfmpegSpares {
  private readonly idle = new Set<FfmpegChild>();
  private readonly exitHandlers = new Map<FfmpegChild, () => void>();
  private running = false;
  private pausedUntil = 0;
  private refillTimer: NodeJS.Timeout | undefined;
  /** Spares taken so far (tests, diagnostics). */
  taken = 0;

  constructor(private readonly o: FfmpegSparesOptions) {}

  start(): void {
    this.running = true;
    this.refill();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.refillTimer) clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    const children = [...this.idle];
    this.idle.clear();
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            const onExit = this.exitHandlers.get(child);
            if (onExit) child.off('exit', onExit);
            this.exitHandlers.delete(child);
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
  }

  /** pids of the waiting spares (tests). */
  get pids(): number[] {
    return [...this.idle].flatMap((c) => (c.pid ? [c.pid] : []));
  }

  /** A waiting ffmpeg started with exactly `args`, now the caller's; undefined when there is none. */
  take(args: readonly string[]): FfmpegChild | undefined {
    if (!this.running || args.length !== this.o.args.length || args.some((a, i) => a !== this.o.args[i])) return undefined;
    for (const child of this.idle) {
      this.idle.delete(child);
      const onExit = this.exitHandlers.get(child);
      if (onExit) child.off('exit', onExit);
      this.exitHandlers.delete(child);
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) continue;
      this.taken++;
      this.refillSoon();
      return child;
    }
    this.refillSoon();
    return undefined;
  }

  private refillSoon(): void {
    if (this.refillTimer || !this.running) return;
    // After the taker's own work (its camera connection) rather than in its way.
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      this.refill();
    }, 200);
  }

  private refill(): void {
    if (!this.running || Date.now() < this.pausedUntil) return;
    while (this.idle.size < this.o.count) {
      const startedAt = Date.now();
      const child = spawn(this.o.ffmpegPath, [...this.o.args], { stdio: ['pipe', 'pipe', 'pipe'] });
      child.stdin.on('error', () => {}); // EPIPE if it dies before it is taken
      const onExit = (): void => {
        this.idle.delete(child);
        this.exitHandlers.delete(child);
        if (!this.running) return;
        if (Date.now() - startedAt < FAILED_IF_ENDED_WITHIN_MS) {
          this.pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
          this.o.log.warn('a spare ffmpeg ended by itself; no spares for 30 s');
          this.refillTimer ??= setTimeout(() => {
            this.refillTimer = undefined;
            this.refill();
          }, PAUSE_AFTER_FAILURE_MS);
        } else this.refillSoon();
      };
      child.once('exit', onExit);
      child.once('error', (err) => {
        this.o.log.warn({ err }, 'spare ffmpeg could not start');
        if (this.idle.has(child)) onExit();
      });
      this.exitHandlers.set(child, onExit);
      this.idle.add(child);
    }
  }
}

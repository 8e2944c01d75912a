/**
 * The detector threads shared by every analysed camera: a frame goes to a free thread; when every
 * thread is busy it waits in a first-come queue and goes to the first thread that frees (each
 * camera's pipeline has at most one frame here, so the queue is at most one frame per camera and
 * cameras are served in turn). Used by the vision service and the vision bench.
 * Each thread is handed its next frame while it still works on one (`perThread` 2): it starts on
 * it the moment it is done, instead of idling until this (the gateway's) thread has taken the
 * result and sent another, which on a busy machine means until it is next scheduled.
 */
import type { Backend } from './detect-core.js';
import { Detector, type DetectionResult } from './detector.js';
import type { InputSize } from './model.js';

interface Queued {
  rgb: Uint8Array;
  width: number;
  height: number;
  resolve: (r: DetectionResult | null) => void;
  reject: (err: Error) => void;
}

export class DetectorPool {
  private detectors: Detector[] = [];
  private readonly queue: Queued[] = [];
  /** Bounds the queue whatever the callers do (a camera has at most one frame in it). */
  private readonly maxQueued = 64;

  constructor(private readonly o: { threads: number; backend: Backend; minScore: number; input: InputSize; nice?: number; /** Frames handed to one thread at once (the one it works on and the next). Default 2. */ perThread?: number; onResult?: (r: DetectionResult) => void }) {}

  get perThreadDepth(): number {
    return this.perThread;
  }

  private get perThread(): number {
    return Math.max(1, this.o.perThread ?? 2);
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.o.threads; i++) {
      const det = new Detector({ backend: this.o.backend, minScore: this.o.minScore, maxQueued: this.perThread, input: this.o.input, ...(this.o.nice !== undefined ? { nice: this.o.nice } : {}) });
      this.detectors.push(det);
      await det.start();
    }
  }

  async stop(): Promise<void> {
    const all = this.detectors;
    this.detectors = [];
    for (const q of this.queue.splice(0)) q.resolve(null);
    await Promise.all(all.map((d) => d.stop()));
  }

  /** The detection, or null when the pool stopped (or its queue is full) before the frame's turn. */
  detect(rgb: Uint8Array, width: number, height: number): Promise<DetectionResult | null> {
    if (this.detectors.length === 0 || this.queue.length >= this.maxQueued) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.queue.push({ rgb, width, height, resolve, reject });
      this.dispatch();
    });
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** The detector threads' Linux task ids (per-thread CPU accounting). */
  get threadIds(): number[] {
    return this.detectors.flatMap((d) => (d.threadId === undefined ? [] : [d.threadId]));
  }

  private dispatch(): void {
    // Idle threads first, then the next frame of a busy one.
    for (let depth = 0; depth < this.perThread; depth++) {
      for (const det of this.detectors) {
        if (this.queue.length === 0) return;
        if (det.queued > depth) continue;
        const q = this.queue.shift()!;
        const pending = det.detect(q.rgb, q.width, q.height);
        if (!pending) {
          this.queue.unshift(q);
          continue;
        }
        pending.then(
          (r) => {
            this.o.onResult?.(r);
            q.resolve(r);
          },
          (err: Error) => q.reject(err),
        ).finally(() => this.dispatch());
      }
    }
  }
}

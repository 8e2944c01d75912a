/**
 * The object detector on its own thread, so that inference (hundreds of ms of CPU a frame) never
 * blocks the gateway's event loop. One frame at a time per thread; `detect` refuses (returns
 * null) when `maxQueued` frames already wait, so a slow machine drops frames instead of growing a
 * queue. The frame's buffer is moved to the thread, not copied.
 */
import type { Worker } from 'node:worker_threads';
import type { Backend } from './detect-core.js';
import type { Detection } from './detection.js';
import type { FromDetector, ToDetector } from './detector-worker.js';
import type { InputSize } from './model.js';
import { spawnTsWorker } from '../core/ts-worker.js';

export interface DetectionResult {
  detections: Detection[];
  inferenceMs: number;
}

export class Detector {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (r: DetectionResult) => void; reject: (err: Error) => void }>();
  backendInUse: Backend | undefined;
  /** The warm-up frame's time in the thread (ms), before it said ready. */
  warmupMs: number | undefined;
  /** The thread's Linux task id (for /proc/<pid>/task/<tid>/schedstat), undefined elsewhere. */
  threadId: number | undefined;

  constructor(private readonly o: { backend: Backend; minScore: number; maxQueued?: number; input?: InputSize; /** The thread's nice value (default 10). */ nice?: number }) {}

  get queued(): number {
    return this.pending.size;
  }

  async start(): Promise<void> {
    const worker = spawnTsWorker(new URL('./detector-worker.ts', import.meta.url), { backend: this.o.backend, input: this.o.input, nice: this.o.nice ?? 10 });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: FromDetector) => {
        if (m.type === 'ready') {
          this.backendInUse = m.backend;
          this.warmupMs = m.warmupMs;
          this.threadId = m.tid;
          resolve();
        } else if (m.type === 'load-failed') reject(new Error(`the detector could not load its model: ${m.error}`));
        else this.onMessage(m);
      });
      worker.on('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`the detector thread exited with ${code}`));
        this.worker = undefined;
        for (const [, p] of this.pending) p.reject(new Error(`the detector thread exited with ${code}`));
        this.pending.clear();
      });
    });
  }

  /** null: the detector is busy (frame dropped) or stopped. */
  detect(rgb: Uint8Array, width: number, height: number): Promise<DetectionResult> | null {
    const worker = this.worker;
    if (!worker || this.pending.size >= (this.o.maxQueued ?? 2)) return null;
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const copy = rgb.slice(); // the copy moves to the thread; the caller keeps its frame (snapshots)
      worker.postMessage({ type: 'detect', id, width, height, rgb: copy, minScore: this.o.minScore } satisfies ToDetector, [copy.buffer as ArrayBuffer]);
    });
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    for (const [, p] of this.pending) p.reject(new Error('the detector stopped'));
    this.pending.clear();
    await worker.terminate();
  }

  private onMessage(m: FromDetector): void {
    if (m.type !== 'result' && m.type !== 'failed') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve({ detections: m.detections, inferenceMs: m.inferenceMs });
    else p.reject(new Error(m.error));
  }
}

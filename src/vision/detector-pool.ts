/**
 * The detector threads shared by every analysed camera: a frame goes to the least busy thread;
 * when every thread is busy the frame is refused (null) and the camera's pipeline keeps its newest
 * frame for later. Used by the vision service and the vision bench.
 */
import type { Backend } from './detect-core.js';
import { Detector, type DetectionResult } from './detector.js';
import type { InputSize } from './model.js';

export class DetectorPool {
  private detectors: Detector[] = [];

  constructor(private readonly o: { threads: number; backend: Backend; minScore: number; input: InputSize; onResult?: (r: DetectionResult) => void }) {}

  async start(): Promise<void> {
    for (let i = 0; i < this.o.threads; i++) {
      const det = new Detector({ backend: this.o.backend, minScore: this.o.minScore, maxQueued: 1, input: this.o.input });
      this.detectors.push(det);
      await det.start();
    }
  }

  async stop(): Promise<void> {
    const all = this.detectors;
    this.detectors = [];
    await Promise.all(all.map((d) => d.stop()));
  }

  /** The least busy thread's answer, or null when every one is busy (or the pool is stopped). */
  detect(rgb: Uint8Array, width: number, height: number): Promise<DetectionResult> | null {
    let best: Detector | undefined;
    for (const d of this.detectors) if (!best || d.queued < best.queued) best = d;
    const pending = best?.detect(rgb, width, height) ?? null;
    const onResult = this.o.onResult;
    return pending && onResult ? pending.then((r) => (onResult(r), r)) : pending;
  }
}

/** The detector's thread: loads the model once, then answers one frame at a time. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadDetector, type Backend } from './detect-core.js';
import type { InputSize } from './model.js';

export type ToDetector = { type: 'detect'; id: number; width: number; height: number; rgb: Uint8Array; minScore: number } | { type: 'stop' };
export type FromDetector =
  | { type: 'ready'; backend: Backend }
  | { type: 'load-failed'; error: string }
  | { type: 'result'; id: number; detections: import('./detection.js').Detection[]; inferenceMs: number }
  | { type: 'failed'; id: number; error: string };

const port = parentPort!;
const { backend, input } = workerData as { backend: Backend; input?: InputSize };

try {
  const core = await loadDetector(backend, input);
  port.on('message', (m: ToDetector) => {
    if (m.type === 'stop') {
      core.dispose();
      port.close();
      return;
    }
    const t0 = performance.now();
    core.detect(m.rgb, m.width, m.height, m.minScore).then(
      (detections) => port.postMessage({ type: 'result', id: m.id, detections, inferenceMs: performance.now() - t0 } satisfies FromDetector),
      (err: unknown) => port.postMessage({ type: 'failed', id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies FromDetector),
    );
  });
  port.postMessage({ type: 'ready', backend: core.backend } satisfies FromDetector);
} catch (err) {
  port.postMessage({ type: 'load-failed', error: err instanceof Error ? err.message : String(err) } satisfies FromDetector);
}

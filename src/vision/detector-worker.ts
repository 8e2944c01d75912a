/**
 * The detector's thread: loads the model, lowers its own CPU priority, runs one warm-up frame,
 * then answers one frame at a time, in order.
 * - Priority: on Linux a thread's nice value is its own, so this thread (not the gateway's event
 *   loop) yields when the cores are busy: detection takes what CPU the gateway leaves.
 * - Warm-up: the graph's first run costs several times a normal one (kernels set up, buffers
 *   allocated); done here, before `ready`, so that the first real frame, and the first camera's
 *   event, does not pay it.
 */
import { readlinkSync } from 'node:fs';
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadDetector, type Backend } from './detect-core.js';
import type { InputSize } from './model.js';

export type ToDetector = { type: 'detect'; id: number; width: number; height: number; rgb: Uint8Array; minScore: number } | { type: 'stop' };
export type FromDetector =
  | { type: 'ready'; backend: Backend; warmupMs: number; /** The thread's Linux task id (its /proc/<pid>/task/<tid>), undefined elsewhere. */ tid?: number }
  | { type: 'load-failed'; error: string }
  | { type: 'result'; id: number; detections: import('./detection.js').Detection[]; inferenceMs: number }
  | { type: 'failed'; id: number; error: string };

const port = parentPort!;
const { backend, input, nice } = workerData as { backend: Backend; input?: InputSize; nice?: number };

try {
  const core = await loadDetector(backend, input);
  try {
    setPriority(nice ?? constants.priority.PRIORITY_BELOW_NORMAL); // this thread only (Linux)
  } catch {
    // not allowed here: the thread keeps the normal priority
  }
  const t0 = performance.now();
  await core.detect(new Uint8Array(core.input.width * core.input.height * 3), core.input.width, core.input.height, 1);
  const warmupMs = performance.now() - t0;
  // One frame at a time, in order: a frame sent while another runs (the pool hands each thread its
  // next one early) starts after the previous result has been posted, never interleaved with it.
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (m: ToDetector) => {
    if (m.type === 'stop') {
      core.dispose();
      port.close();
      return;
    }
    chain = chain.then(async () => {
      const t0 = performance.now();
      try {
        const detections = await core.detect(m.rgb, m.width, m.height, m.minScore);
        port.postMessage({ type: 'result', id: m.id, detections, inferenceMs: performance.now() - t0 } satisfies FromDetector);
      } catch (err) {
        port.postMessage({ type: 'failed', id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies FromDetector);
      }
    });
  });
  port.postMessage({ type: 'ready', backend: core.backend, warmupMs, ...threadId() } satisfies FromDetector);
} catch (err) {
  port.postMessage({ type: 'load-failed', error: err instanceof Error ? err.message : String(err) } satisfies FromDetector);
}

/** This thread's task id on Linux (/proc/thread-self names it), for per-thread CPU accounting. */
function threadId(): { tid?: number } {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) ? { tid } : {};
  } catch {
    return {};
  }
}

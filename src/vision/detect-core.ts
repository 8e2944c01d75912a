/**
 * Inference itself, in whichever thread calls it (the detector worker; the accuracy test and the
 * benchmark): TensorFlow.js on the chosen backend, the CenterNet graph at the chosen input size
 * (the frame is resized to it, skipped when it already has that size), then score filtering and
 * non-maximum suppression in plain JavaScript (100 candidates: cheaper than a tensor op).
 * The wasm backend runs its single-threaded SIMD binary: the threaded one cannot start in a Node
 * thread (it spawns its helpers from a blob: URL, which Node's Worker refuses: ERR_WORKER_PATH),
 * so parallelism comes from one detector thread per core instead.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { COCO_CLASSES, isWatchedClass } from './coco.js';
import { iou, type Detection } from './detection.js';
import { readModelArtifacts, type InputSize } from './model.js';

export type Backend = 'wasm' | 'cpu';

export interface DetectorCore {
  backend: Backend;
  input: InputSize;
  detect(rgb: Uint8Array, width: number, height: number, minScore: number): Promise<Detection[]>;
  dispose(): void;
}

/**
 * The default input (config `vision.inputWidth`/`inputHeight`): 16:9 like the frames, about 4x
 * cheaper than the 512x512 the graph was converted for, same recall on the labelled set
 * (docs/vision.md has the table).
 */
export const DEFAULT_INPUT: InputSize = { width: 320, height: 192 };

export async function loadDetector(backend: Backend, input: InputSize = DEFAULT_INPUT): Promise<DetectorCore> {
  if (backend === 'wasm') {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const require = createRequire(import.meta.url);
    // The .wasm files ship inside @tensorflow/tfjs-backend-wasm (dist/): read from disk, never fetched.
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend of TensorFlow.js could not start`);
  await tf.ready();
  const model = await tf.loadGraphModel(tf.io.fromMemory(await readModelArtifacts(input)));
  return {
    backend,
    input,
    async detect(rgb, width, height, minScore) {
      if (rgb.length !== width * height * 3) throw new Error(`a ${width}x${height} RGB frame has ${width * height * 3} bytes, not ${rgb.length}`);
      const x = tf.tidy(() => {
        const frame = tf.tensor3d(rgb, [height, width, 3], 'int32').toFloat();
        const sized = width === input.width && height === input.height ? frame : tf.image.resizeBilinear(frame, [input.height, input.width]);
        return sized.expandDims(0);
      });
      const out = model.execute(x, 'tower_0/detections') as tf.Tensor;
      x.dispose();
      const rows = ((await out.array()) as number[][][])[0] ?? [];
      out.dispose();
      return suppress(decode(rows, minScore, input), 0.5);
    },
    dispose() {
      model.dispose();
    },
  };
}

/** Rows of [x1, y1, x2, y2, score, class] in input pixels -> watched detections in frame fractions. */
export function decode(rows: number[][], minScore: number, input: InputSize = DEFAULT_INPUT): Detection[] {
  const out: Detection[] = [];
  for (const r of rows) {
    const [x1, y1, x2, y2, score, cls] = r as [number, number, number, number, number, number];
    if (!(score >= minScore)) continue;
    const label = COCO_CLASSES[Math.round(cls)];
    if (!label || !isWatchedClass(label)) continue;
    const x = Math.max(0, x1 / input.width);
    const y = Math.max(0, y1 / input.height);
    const w = Math.min(1, x2 / input.width) - x;
    const h = Math.min(1, y2 / input.height) - y;
    if (w <= 0 || h <= 0) continue;
    out.push({ label, score, box: { x, y, w, h } });
  }
  return out;
}

/** Greedy non-maximum suppression within each class. */
export function suppress(dets: Detection[], maxIou: number): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) if (!kept.some((k) => k.label === d.label && iou(k.box, d.box) > maxIou)) kept.push(d);
  return kept;
}

/**
 * The object detector's model: MB3-CenterNet (MobileNetV3 backbone, COCO) as a TensorFlow.js graph
 * model, shipped inside the npm package `@vladmandic/human` (models/centernet.*). Read from disk:
 * nothing is downloaded, ever.
 *
 * The graph is fully convolutional, but the converted file pins a 512x512 input: its placeholder
 * shape and five shape constants of the head were folded for 512 (the three upsampling sizes, the
 * feature map's width that turns a heat-map index into x/y, and the box tensor's reshape). Any
 * input whose sides are multiples of 32 works once those are rewritten for it
 * (`inputSize`), e.g. 512x288 for a 16:9 frame without stretching, or 320x192 for speed.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';

export const MODEL_FAMILY = 'mb3-centernet (COCO, @vladmandic/human models/centernet)';
/** The graph's stride from input to heat map. */
const STRIDE = 4;

export interface InputSize {
  width: number;
  height: number;
}

export function modelName(size: InputSize): string {
  return `mb3-centernet-${size.width}x${size.height} (COCO, @vladmandic/human models/centernet)`;
}

/** Throws a plain message for a size the graph cannot take. */
export function checkInputSize(size: InputSize): void {
  for (const side of [size.width, size.height]) {
    if (!Number.isInteger(side) || side < 64 || side > 1024 || side % 32 !== 0) throw new Error(`the detector's input sides must be multiples of 32 from 64 to 1024, not ${size.width}x${size.height}`);
  }
}

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: object;
  userDefinedMetadata?: { [key: string]: object };
  modelTopology: { node: Array<{ name: string; op: string; attr?: { shape?: { shape?: { dim?: Array<{ size: string }> } } } }> };
  weightsManifest: Array<{ paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }>;
}

export function modelDirectory(): string {
  const require = createRequire(import.meta.url);
  // The package exports no package.json: find its folder from the resolved dist file.
  return join(dirname(require.resolve('@vladmandic/human')), '..', 'models');
}

/** The int32 constants folded for the 512x512 input, and what they must hold for another size. */
function shapeConstants(size: InputSize): Map<string, number[]> {
  const fw = size.width / STRIDE;
  const fh = size.height / STRIDE;
  return new Map([
    ['tower_0/CenternetHead/c5_upsample/up_sampling2d/mul', [fh / 4, fw / 4]],
    ['tower_0/CenternetHead/c4_upsample/up_sampling2d_1/mul', [fh / 2, fw / 2]],
    ['tower_0/CenternetHead/c3_upsample/up_sampling2d_2/mul', [fh, fw]],
    ['tower_0/BatchGather/concat', [fh * fw, 4]],
    ['tower_0/strided_slice_6', [fw]],
  ]);
}

function byteLength(w: tfTypes.io.WeightsManifestEntry): number {
  const n = w.shape.reduce((s, x) => s * x, 1);
  const q = w.quantization?.dtype;
  return n * (q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4);
}

/** The model's artifacts (topology and weights) read from the package's files, for an input of `size`. */
export async function readModelArtifacts(size: InputSize = { width: 512, height: 512 }, dir = modelDirectory()): Promise<tfTypes.io.ModelArtifacts> {
  checkInputSize(size);
  const json = JSON.parse(await readFile(join(dir, 'centernet.json'), 'utf8')) as ModelJson;
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) for (const p of group.paths) buffers.push(await readFile(join(dir, p)));
  const all = Buffer.concat(buffers);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const wanted = shapeConstants(size);
  let offset = 0;
  let rewritten = 0;
  for (const w of specs) {
    const values = wanted.get(w.name);
    if (values) {
      if (w.dtype !== 'int32' || w.quantization || byteLength(w) !== values.length * 4) throw new Error(`the detector model's constant ${w.name} is not the expected shape`);
      values.forEach((v, i) => all.writeInt32LE(v, offset + i * 4));
      rewritten++;
    }
    offset += byteLength(w);
  }
  const input = json.modelTopology.node.find((n) => n.op === 'Placeholder');
  const dims = input?.attr?.shape?.shape?.dim;
  if (rewritten !== wanted.size || !dims || dims.length !== 4) throw new Error('the detector model is not the expected MB3-CenterNet graph');
  dims[1] = { size: String(size.height) };
  dims[2] = { size: String(size.width) };
  return {
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelTopology: json.modelTopology,
    weightSpecs: specs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

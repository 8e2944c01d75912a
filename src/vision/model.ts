/**
 * The object detector's model: MB3-CenterNet (MobileNetV3 backbone, COCO, 512x512 input) as a
 * TensorFlow.js graph model, shipped inside the npm package `@vladmandic/human` (models/centernet.*).
 * Read from disk: nothing is downloaded, ever.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';

export const MODEL_NAME = 'mb3-centernet-512 (COCO, @vladmandic/human models/centernet)';
export const MODEL_INPUT = 512;

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: object;
  userDefinedMetadata?: { [key: string]: object };
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }>;
}

export function modelDirectory(): string {
  const require = createRequire(import.meta.url);
  // The package exports no package.json: find its folder from the resolved dist file.
  return join(dirname(require.resolve('@vladmandic/human')), '..', 'models');
}

/** The model's artifacts (topology and weights) read from the package's files. */
export async function readModelArtifacts(dir = modelDirectory()): Promise<tfTypes.io.ModelArtifacts> {
  const json = JSON.parse(await readFile(join(dir, 'centernet.json'), 'utf8')) as ModelJson;
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) for (const p of group.paths) buffers.push(await readFile(join(dir, p)));
  const all = Buffer.concat(buffers);
  return {
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

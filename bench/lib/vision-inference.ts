/**
 * The vision bench's detector measures: inference per frame for each backend and input size with
 * its accuracy on the labelled photographs, the threaded wasm binary (does it start in Node?), and
 * detection on a crop around the motion region instead of the whole frame.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';
import { spawnTsWorker } from '../../src/core/ts-worker.js';
import { scoreImage, summarise, type AccuracyCount } from '../../src/vision/accuracy.js';
import { loadDetector, type Backend, type DetectorCore } from '../../src/vision/detect-core.js';
import { MotionGate } from '../../src/vision/motion-gate.js';
import type { InputSize } from '../../src/vision/model.js';
import { sceneFrame, SCENE_H, SCENE_W } from '../../test/vision/photo-scene.js';
import { percentile, round } from './report.js';

const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
const photos = join(import.meta.dirname, '..', '..', 'test', 'vision', 'photos');

interface Photo { file: string; rgb: Uint8Array; width: number; height: number; expected: Array<{ label: string; box: { x: number; y: number; w: number; h: number } }> }

function loadPhotos(): Photo[] {
  const ffmpeg = resolveFfmpeg().path;
  const labels = JSON.parse(readFileSync(join(photos, 'labels.json'), 'utf8')) as { images: Array<{ file: string; objects: Array<{ label: string; box: [number, number, number, number] }> }> };
  return labels.images.map((img) => {
    const file = join(photos, img.file);
    const [width, height] = execFileSync(ffmpeg.replace(/ffmpeg$/, 'ffprobe'), ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file]).toString().trim().split(',').map(Number) as [number, number];
    const rgb = new Uint8Array(execFileSync(ffmpeg, ['-v', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 24 }));
    return { file: img.file, rgb, width, height, expected: img.objects.map((o) => ({ label: o.label, box: { x: o.box[0] / width, y: o.box[1] / height, w: o.box[2] / width, h: o.box[3] / height } })) };
  });
}

async function timed(core: DetectorCore, rgb: Uint8Array, w: number, h: number, runs: number): Promise<{ wall_ms: number; cpu_ms: number }> {
  await core.detect(rgb, w, h, 0.4); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await core.detect(rgb, w, h, 0.4);
    cpu.push(cpuMs(process.cpuUsage(c0)));
    wall.push(performance.now() - t0);
  }
  return { wall_ms: round(percentile(wall, 50), 0), cpu_ms: round(percentile(cpu, 50), 0) };
}

export type InferenceRow = { backend: string; input: string; wall_ms: number; cpu_ms: number; recall: number; precision: number; scene_person_found: boolean; note: string };

/** One row per input size on `backend` (a 512x288 scene frame with a person, resized to the input). */
export async function inferenceTable(backend: Backend, sizes: InputSize[], runs: number): Promise<InferenceRow[]> {
  const set = loadPhotos();
  const frame = sceneFrame({ x: 0.5, y: 0.9 });
  const rows: InferenceRow[] = [];
  for (const size of sizes) {
    const core = await loadDetector(backend, size);
    const t = await timed(core, frame, SCENE_W, SCENE_H, runs);
    const counts: AccuracyCount[] = [];
    for (const p of set) counts.push(scoreImage(p.expected, await core.detect(p.rgb, p.width, p.height, 0.4)));
    const s = summarise(counts);
    const scene = (await core.detect(frame, SCENE_W, SCENE_H, 0.4)).some((d) => d.label === 'person');
    rows.push({ backend: `${backend} (simd, 1 thread)`, input: `${size.width}x${size.height}`, ...t, recall: round(s.recall, 2), precision: round(s.precision, 2), scene_person_found: scene, note: size.width === 512 && size.height === 512 ? 'as converted (frame stretched)' : '' });
    core.dispose();
  }
  return rows;
}

/** Whether the threaded SIMD binary starts in a Node thread (a fresh thread: TensorFlow.js picks its binary once). */
export async function threadedWasm(): Promise<string> {
  const worker = spawnTsWorker(new URL('./vision-threaded-check.ts', import.meta.url), null);
  try {
    return await new Promise<string>((resolve, reject) => {
      worker.once('message', (m: string) => resolve(m));
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

/**
 * Detection on a crop around the motion region (at frame resolution, padded to a multiple of 32)
 * instead of the whole frame resized: the person walks in a 512x288 frame; the crop's graph is
 * loaded for the crop's size.
 */
export async function cropVersusFrame(runs: number, full: InputSize): Promise<Array<Record<string, unknown>>> {
  const gate = new MotionGate();
  gate.feed(sceneFrame(null), SCENE_W, SCENE_H);
  const frame = sceneFrame({ x: 0.5, y: 0.9 });
  const region = gate.feed(frame, SCENE_W, SCENE_H).regions[0]!;
  const pad = 16;
  const cw = Math.min(SCENE_W, Math.ceil((region.w * SCENE_W + 2 * pad) / 32) * 32);
  const ch = Math.min(SCENE_H - (SCENE_H % 32), Math.ceil((region.h * SCENE_H + 2 * pad) / 32) * 32);
  const cx = Math.max(0, Math.min(SCENE_W - cw, Math.round((region.x + region.w / 2) * SCENE_W - cw / 2)));
  const cy = Math.max(0, Math.min(SCENE_H - ch, Math.round((region.y + region.h / 2) * SCENE_H - ch / 2)));
  const crop = new Uint8Array(cw * ch * 3);
  for (let y = 0; y < ch; y++) crop.set(frame.subarray(((cy + y) * SCENE_W + cx) * 3, ((cy + y) * SCENE_W + cx + cw) * 3), y * cw * 3);
  const rows: Array<Record<string, unknown>> = [];
  for (const [what, size, rgb, w, h] of [[`whole frame at ${full.width}x${full.height}`, full, frame, SCENE_W, SCENE_H], [`motion crop ${cw}x${ch} at frame resolution`, { width: cw, height: ch }, crop, cw, ch]] as const) {
    const core = await loadDetector('wasm', size);
    const t = await timed(core, rgb, w, h, runs);
    const found = (await core.detect(rgb, w, h, 0.4)).filter((d) => d.label === 'person');
    rows.push({ what, ...t, person_found: found.length > 0, score: round(found[0]?.score ?? 0, 2) });
    core.dispose();
  }
  return rows;
}

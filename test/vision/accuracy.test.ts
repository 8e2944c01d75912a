/**
 * Accuracy of the shipped detector on real photographs with a clear licence (test/vision/photos,
 * from Debian's python3-skimage and opencv-doc; see labels.json): every labelled person found with
 * IoU >= 0.5 at the default score, the labelled car at 0.25, nothing watched found where nothing
 * is. Runs the real model on the wasm backend, in the detector's own thread for one photo (the
 * path the gateway uses).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';
import { scoreImage, summarise, type AccuracyCount } from '../../src/vision/accuracy.js';
import { loadDetector, type DetectorCore } from '../../src/vision/detect-core.js';
import { Detector } from '../../src/vision/detector.js';

const dir = join(import.meta.dirname, 'photos');
const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as { images: Array<{ file: string; objects: Array<{ label: string; box: [number, number, number, number] }> }> };
const ffmpeg = resolveFfmpeg().path;

function decode(file: string): { rgb: Uint8Array; width: number; height: number } {
  const probe = execFileSync(ffmpeg, ['-v', 'error', '-i', join(dir, file), '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 24 });
  const info = execFileSync(ffmpeg.replace(/ffmpeg$/, 'ffprobe'), ['-v', 'error', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', join(dir, file)]).toString().trim().split(',').map(Number);
  return { rgb: new Uint8Array(probe), width: info[0]!, height: info[1]! };
}

/** The nice value of each thread of this process (Linux /proc), the main thread first. */
function threadNices(): number[] {
  const tasks = readdirSync('/proc/self/task').map(Number).sort((a, b) => a - b);
  return tasks.flatMap((tid) => {
    try {
      return [Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16])];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

describe('detector accuracy on labelled photographs', () => {
  let core: DetectorCore;
  beforeAll(async () => {
    core = await loadDetector('wasm');
  }, 60_000);
  afterAll(() => core?.dispose());

  /** Every photo scored at `minScore`, per class (person, car) and over the set. */
  async function scoreSet(minScore: number): Promise<{ all: ReturnType<typeof summarise>; byClass: Record<string, ReturnType<typeof summarise>> }> {
    const counts: AccuracyCount[] = [];
    const byClass: Record<string, AccuracyCount[]> = { person: [], car: [] };
    for (const img of labels.images) {
      const { rgb, width, height } = decode(img.file);
      const found = await core.detect(rgb, width, height, minScore);
      const expected = img.objects.map((o) => ({ label: o.label, box: { x: o.box[0] / width, y: o.box[1] / height, w: o.box[2] / width, h: o.box[3] / height } }));
      const c = scoreImage(expected, found);
      counts.push(c);
      for (const label of Object.keys(byClass)) byClass[label]!.push(scoreImage(expected.filter((e) => e.label === label), found.filter((d) => d.label === label)));
      console.log(`minScore ${minScore} ${img.file}: expected ${expected.map((e) => e.label).join(', ') || 'nothing'}, found ${found.map((d) => `${d.label} ${d.score.toFixed(2)}`).join(', ') || 'nothing'}, IoU ${c.matchedIou.map((v) => v.toFixed(2)).join(' ')}`);
    }
    const all = summarise(counts);
    console.log(`minScore ${minScore}: recall ${all.recall.toFixed(2)} precision ${all.precision.toFixed(2)} (TP ${all.truePositives}, FP ${all.falsePositives}, FN ${all.falseNegatives})`);
    return { all, byClass: Object.fromEntries(Object.entries(byClass).map(([k, v]) => [k, summarise(v)])) };
  }

  it('finds the labelled persons (IoU >= 0.5) and nothing watched in the empty scenes at the default score (0.4)', async () => {
    const s = await scoreSet(0.4);
    expect(s.byClass.person!.recall).toBe(1);
    expect(s.all.precision).toBe(1);
    // The blurred car scores 0.30 at the default 320x192 input: missed at 0.4 (docs/vision.md).
    expect(s.byClass.car!.truePositives + s.byClass.car!.falseNegatives).toBe(1);
  }, 120_000);

  it('finds the labelled car and the persons (IoU >= 0.5) at score 0.25, still with nothing watched in the empty scenes', async () => {
    const s = await scoreSet(0.25);
    expect(s.byClass.car!.recall).toBe(1);
    expect(s.byClass.person!.recall).toBe(1);
    expect(s.all.precision).toBe(1);
  }, 120_000);

  it('gives the same answer from its own thread', async () => {
    const detector = new Detector({ backend: 'wasm', minScore: 0.4 });
    await detector.start();
    try {
      const { rgb, width, height } = decode('astronaut.jpg');
      const r = await detector.detect(rgb, width, height);
      expect(r).not.toBeNull();
      const result = await r!;
      expect(result.detections.some((d) => d.label === 'person' && d.score > 0.4)).toBe(true);
      expect(result.inferenceMs).toBeGreaterThan(0);
    } finally {
      await detector.stop();
    }
  }, 120_000);

  it('runs below the gateway\'s priority (its thread yields the cores to the event loop) and is warmed up before ready', async () => {
    const before = threadNices();
    const detector = new Detector({ backend: 'wasm', minScore: 0.4 });
    await detector.start();
    try {
      const after = threadNices();
      // One more thread at nice 10 (the detector's); the gateway's own thread stays at 0.
      expect(after.filter((n) => n === 10).length).toBe(before.filter((n) => n === 10).length + 1);
      expect(after[0]).toBe(0);
      expect(detector.warmupMs).toBeGreaterThan(0);
    } finally {
      await detector.stop();
    }
  }, 120_000);
});

/**
 * `npm run bench -- vision [--cpu-runs N] [--wasm-runs N]`: the detector and its gate on this machine
 * (`--cpu-runs 0` skips the pure-JavaScript backend, whose one frame takes 10-200 s here).
 * - inference ms per frame per backend (wasm, cpu) for the shipped model, wall and CPU time;
 * - detector CPU on a static scene with and without the motion gate (gating_ratio = without / with);
 * - cameras analysed at 2 fps: detector throughput with every frame moving (the worst case), with
 *   `detectorThreads` = cores, divided by 2;
 * - motion -> event latency p95 (a person steps into a zone; frame time -> camera.event);
 * - event-loop delay p99 of this process idle (baseline) and while 4 cameras' frames are analysed.
 * Writes bench/results/vision.json with inference_ms, gating_ratio, cameras_at_2fps, event_p95_ms,
 * backend, model (and the details).
 */
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadDetector, type Backend } from '../src/vision/detect-core.js';
import { Detector } from '../src/vision/detector.js';
import { MODEL_NAME } from '../src/vision/model.js';
import { CameraPipeline } from '../src/vision/pipeline.js';
import type { Zone } from '../src/vision/zones.js';
import { sceneFrame, SCENE_H, SCENE_W } from '../test/vision/photo-scene.js';
import { percentile, printTable, round, writeResult } from './lib/report.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
const ZONE: Zone = { id: 'z', cameraId: 'cam', preset: 'A', name: 'Lane', kind: 'intrusion', enabled: true, points: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]], classes: ['person'], schedule: null, thresholdSec: 30, maxPersons: 5 };

async function inference(backend: Backend, runs: number): Promise<{ backend: Backend; wall_ms: number; cpu_ms: number; runs: number }> {
  const core = await loadDetector(backend);
  const frame = sceneFrame({ x: 0.5, y: 0.9 });
  if (backend === 'wasm') await core.detect(frame, SCENE_W, SCENE_H, 0.4); // warm-up (the cpu backend's run takes tens of seconds: none)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await core.detect(frame, SCENE_W, SCENE_H, 0.4);
    cpu.push(cpuMs(process.cpuUsage(c0)));
    wall.push(performance.now() - t0);
  }
  core.dispose();
  return { backend, wall_ms: round(percentile(wall, 50), 0), cpu_ms: round(percentile(cpu, 50), 0), runs };
}

export default async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { 'cpu-runs': { type: 'string', default: '1' }, 'wasm-runs': { type: 'string', default: '8' } } });
  const load = loadavg()[0]!;
  const cpuRuns = Number(values['cpu-runs']);
  const backends = [await inference('wasm', Number(values['wasm-runs'])), ...(cpuRuns > 0 ? [await inference('cpu', cpuRuns)] : [])];
  printTable('inference per frame (mb3-centernet 512x512)', backends);

  // Gating: 20 frames of a static scene at 2 fps, detector CPU with the gate and without (every frame detected).
  const detectors = [new Detector({ backend: 'wasm', minScore: 0.4, maxQueued: 1 }), new Detector({ backend: 'wasm', minScore: 0.4, maxQueued: 1 })];
  await Promise.all(detectors.map((d) => d.start()));
  const still = sceneFrame(null);
  const gated = new CameraPipeline({ cameraId: 'g', detector: detectors[0]!, zones: () => [ZONE], onEvent: () => {}, settleMs: 0 });
  gated.setPose(false, 'A', 0);
  let c0 = process.cpuUsage();
  for (let i = 0; i < 20; i++) await gated.feed({ rgb: still, width: SCENE_W, height: SCENE_H, at: 1000 + i * 500 });
  const gatedCpu = cpuMs(process.cpuUsage(c0));
  c0 = process.cpuUsage();
  const ungatedFrames = 6;
  for (let i = 0; i < ungatedFrames; i++) await detectors[0]!.detect(still, SCENE_W, SCENE_H);
  const ungatedCpu = (cpuMs(process.cpuUsage(c0)) * 20) / ungatedFrames;
  const gatingRatio = round(ungatedCpu / Math.max(gatedCpu, 0.1), 1);
  printTable('static scene, 20 frames', [{ gate: 'on', cpu_ms: round(gatedCpu, 1), detections: gated.stats.detectedFrames }, { gate: 'off (every frame detected)', cpu_ms: round(ungatedCpu, 0), detections: 20 }]);

  // Throughput: both threads busy with moving frames for a fixed count.
  const frames = [sceneFrame({ x: 0.3, y: 0.9 }), sceneFrame({ x: 0.6, y: 0.9 })];
  const t0 = performance.now();
  let done = 0;
  await Promise.all(detectors.map(async (d, k) => {
    for (let i = 0; i < 6; i++) {
      await d.detect(frames[(i + k) % 2]!, SCENE_W, SCENE_H);
      done++;
    }
  }));
  const fps = done / ((performance.now() - t0) / 1000);
  const camerasAt2fps = round(fps / 2, 2);

  // Motion -> event latency: a person steps into the zone, the frame is fed as it is taken.
  const latencies: number[] = [];
  for (let trial = 0; trial < 8; trial++) {
    let eventAt = 0;
    const p = new CameraPipeline({ cameraId: `l${trial}`, detector: detectors[trial % 2]!, zones: () => [ZONE], onEvent: () => (eventAt = Date.now()), settleMs: 0 });
    p.setPose(false, 'A', 0);
    await p.feed({ rgb: still, width: SCENE_W, height: SCENE_H, at: Date.now() });
    const at = Date.now();
    await p.feed({ rgb: sceneFrame({ x: 0.7, y: 0.9 }), width: SCENE_W, height: SCENE_H, at });
    if (eventAt) latencies.push(eventAt - at);
  }
  const eventP95 = round(percentile(latencies, 95), 0);

  // Event-loop delay: idle baseline, then 4 cameras at 2 fps (moving frames) for the same time.
  const windowMs = 8000;
  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await sleep(windowMs);
  idle.disable();
  const busy = monitorEventLoopDelay({ resolution: 10 });
  const cams = [0, 1, 2, 3].map((i) => {
    const p = new CameraPipeline({ cameraId: `c${i}`, detector: { detect: (rgb, w, h) => detectors[i % 2]!.detect(rgb, w, h) }, zones: () => [ZONE], onEvent: () => {}, settleMs: 0 });
    p.setPose(false, 'A', 0);
    return p;
  });
  busy.enable();
  const end = Date.now() + windowMs;
  let tick = 0;
  while (Date.now() < end) {
    for (const p of cams) void p.feed({ rgb: frames[tick % 2]!, width: SCENE_W, height: SCENE_H, at: Date.now() }).catch(() => {}); // a frame in flight at stop is rejected
    tick++;
    await sleep(500);
  }
  busy.disable();
  const analysed = cams.reduce((s, p) => s + p.stats.detectedFrames, 0);
  await Promise.all(detectors.map((d) => d.stop()));
  const loop = { idle_p99_ms: round(idle.percentile(99) / 1e6, 1), detecting_4_cameras_p99_ms: round(busy.percentile(99) / 1e6, 1), frames_offered: tick * 4, frames_analysed: analysed };

  const result = {
    inference_ms: backends.find((b) => b.backend === 'wasm')!.wall_ms,
    inference_cpu_ms: backends.find((b) => b.backend === 'wasm')!.cpu_ms,
    gating_ratio: gatingRatio,
    cameras_at_2fps: camerasAt2fps,
    event_p95_ms: eventP95,
    backend: 'wasm',
    model: MODEL_NAME,
    backends,
    detector_frames_per_s: round(fps, 2),
    event_latencies_ms: latencies,
    event_loop: loop,
    machine: { cores: availableParallelism(), load_average_at_start: round(load, 1) },
  };
  printTable('summary', [{ inference_ms: result.inference_ms, gating_ratio: gatingRatio, cameras_at_2fps: camerasAt2fps, event_p95_ms: eventP95, load: round(load, 1) }]);
  printTable('event-loop delay', [loop]);
  console.log(`wrote ${writeResult('vision', result)}`);
}

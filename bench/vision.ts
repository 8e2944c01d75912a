/**
 * `npm run bench -- vision [--runs N] [--from N] [--step-s S] [--window-ms MS] [--one-thread] [--nice N] [--per-thread N] [--cpu-runs N] [--quick]`:
 * the detector, its gate and the sampler on this machine, in one run of about 5-6 minutes.
 * - inference per frame for each input size of the shipped model on wasm (SIMD, one thread),
 *   wall and CPU time, with recall/precision on the labelled photographs at that size; whether
 *   the threaded SIMD binary starts in Node; the pure-JavaScript cpu backend with `--cpu-runs`;
 * - a crop around the motion region versus the whole frame;
 * - detector CPU on a static scene with and without the motion gate (gating_ratio = without / with);
 * - the sampler: CPU of one ffmpeg per camera on the simulator's sub stream, and how late a sampled
 *   frame is behind the camera (frame stamps), 1 and 4 cameras;
 * - cameras_at_2fps: N simulated cameras, each with a person walking (every frame has motion),
 *   served when each had >= 95 % of its 2 fps frames analysed; from `--from` (4) up by 2 while
 *   served or down by 1 until served, `--step-s` (20) seconds a step; one detector thread per core
 *   (and one thread with `--one-thread`);
 * - motion -> event latency p50/p95 (the person steps in at a random moment between samples), alone
 *   and with 3 other cameras analysed: from memory (no sampler), and end to end from the camera
 *   simulator (a person appears in the zone at a stamped moment: RTSP, sampler, gate, detector,
 *   zone; event_p95_ms is this one, with 3 other cameras);
 * - event-loop delay p99 of the gateway's thread: idle (the baseline) and while 4 cameras are
 *   analysed, in alternating 5 s windows (4 of each).
 * Writes bench/results/vision.json with inference_ms, gating_ratio, cameras_at_2fps, event_p95_ms,
 * backend, model (and the details).
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_INPUT } from '../src/vision/detect-core.js';
import { Detector } from '../src/vision/detector.js';
import { modelName, type InputSize } from '../src/vision/model.js';
import { CameraPipeline } from '../src/vision/pipeline.js';
import { sceneFrame, SCENE_H, SCENE_W } from '../test/vision/photo-scene.js';
import { BENCH_ZONE, camerasAt2fps, eventLatency, eventLoopDelay, setDetectorNice, setPerThread } from './lib/vision-capacity.js';
import { samplerCost } from './lib/vision-sampler.js';
import { endToEndLatency } from './lib/vision-e2e.js';
import { cropVersusFrame, inferenceTable, threadedWasm } from './lib/vision-inference.js';
import { printTable, round, writeResult } from './lib/report.js';

const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
const SIZES: InputSize[] = [{ width: 512, height: 512 }, { width: 512, height: 288 }, { width: 384, height: 224 }, { width: 320, height: 192 }, { width: 256, height: 160 }];

async function gating(input: InputSize): Promise<{ gated_cpu_ms: number; ungated_cpu_ms: number; ratio: number; detections_gated: number }> {
  const detector = new Detector({ backend: 'wasm', minScore: 0.4, maxQueued: 1, input });
  await detector.start();
  try {
    const still = sceneFrame(null);
    const gated = new CameraPipeline({ cameraId: 'g', detector, zones: () => [BENCH_ZONE], onEvent: () => {}, settleMs: 0 });
    gated.setPose(false, 'A', 0);
    let c0 = process.cpuUsage();
    for (let i = 0; i < 20; i++) await gated.feed({ rgb: still, width: SCENE_W, height: SCENE_H, at: 1000 + i * 500 });
    const gatedCpu = cpuMs(process.cpuUsage(c0));
    await detector.detect(still, SCENE_W, SCENE_H); // warm-up
    // The detector runs in its thread: this process's CPU counts both threads.
    c0 = process.cpuUsage();
    const n = 6;
    for (let i = 0; i < n; i++) await detector.detect(still, SCENE_W, SCENE_H);
    const ungatedCpu = (cpuMs(process.cpuUsage(c0)) * 20) / n;
    return { gated_cpu_ms: round(gatedCpu, 1), ungated_cpu_ms: round(ungatedCpu, 0), ratio: round(ungatedCpu / Math.max(gatedCpu, 0.1), 1), detections_gated: gated.stats.detectedFrames };
  } finally {
    await detector.stop();
  }
}

export default async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '4' }, from: { type: 'string', default: '4' }, 'step-s': { type: 'string', default: '20' }, 'window-ms': { type: 'string', default: '5000' }, 'one-thread': { type: 'boolean', default: false }, nice: { type: 'string', default: '10' }, 'per-thread': { type: 'string', default: '2' }, 'cpu-runs': { type: 'string', default: '0' }, quick: { type: 'boolean', default: false } } });
  const load = loadavg()[0]!;
  const runs = Number(values.runs);
  const windowMs = Number(values['window-ms']);
  setDetectorNice(Number(values.nice));
  setPerThread(Number(values['per-thread']));
  const input = DEFAULT_INPUT;
  const cores = availableParallelism();

  const table = await inferenceTable('wasm', values.quick ? [{ width: 512, height: 512 }, input] : SIZES, runs);
  const threaded = await threadedWasm();
  const cpuRuns = Number(values['cpu-runs']);
  const cpuRows = cpuRuns > 0 ? await inferenceTable('cpu', [input], cpuRuns) : [];
  printTable('inference per frame (mb3-centernet; a 512x288 frame resized to the input) and accuracy on the labelled set', [...table, ...cpuRows]);
  console.log(`wasm threaded-simd binary in Node: ${threaded}`);

  const crop = await cropVersusFrame(runs, input);
  printTable('motion crop versus whole frame', crop);

  const gate = await gating(input);
  printTable('static scene, 20 frames: detector CPU with the gate and without', [gate]);

  const sampler = [await samplerCost(1, 8000), await samplerCost(4, 8000)];
  printTable('frame sampler: one ffmpeg per camera on the simulator sub stream (decode, scale and RGB of every frame; one kept every 500 ms)', sampler);

  const stepMs = Number(values['step-s']) * 1000;
  const capacity = [];
  for (const threads of [...new Set([...(values['one-thread'] ? [1] : []), cores])]) capacity.push(await camerasAt2fps(threads, input, stepMs, Number(values.from)));
  printTable('cameras analysed at 2 fps (every frame moving; served: >= 95 % of frames analysed)', capacity.flatMap((c) => c.rows));
  const camerasAt2 = Math.max(...capacity.map((c) => c.largest));

  const trials = values.quick ? 5 : 8;
  const alone = await eventLatency(cores, input, trials, 0);
  const busy = await eventLatency(cores, input, trials, 3);
  printTable('motion -> camera.event latency (ms; frames fed from memory at 2 fps: no sampler)', [{ other_cameras: 0, p50: alone.p50, p95: alone.p95, samples: alone.latencies.join(' ') }, { other_cameras: 3, p50: busy.p50, p95: busy.p95, samples: busy.latencies.join(' ') }]);
  const e2eTrials = values.quick ? 6 : 12;
  const e2eAlone = await endToEndLatency(cores, input, e2eTrials, 0);
  const e2eBusy = await endToEndLatency(cores, input, e2eTrials, 3);
  printTable('end to end: person appears in the zone on the simulator (stamped) -> camera.event (ms; RTSP, sampler, gate, detector, zone)', [e2eAlone, e2eBusy].map((e) => ({ other_cameras: e.other_cameras, p50: e.p50, p95: e.p95, missed: e.missed, samples: e.latencies.join(' '), detections_to_event: e.looks.join(' ') })));

  const loop = await eventLoopDelay(cores, input, 4, windowMs);
  printTable('event-loop delay of the gateway thread (ms), alternating idle / 4 cameras analysed', [loop]);

  const chosen = table.find((r) => r.input === `${input.width}x${input.height}`)!;
  const result = {
    inference_ms: chosen.wall_ms,
    inference_cpu_ms: chosen.cpu_ms,
    gating_ratio: gate.ratio,
    cameras_at_2fps: camerasAt2,
    event_p95_ms: e2eBusy.p95,
    backend: 'wasm (simd, 1 thread per detector thread, detector threads at nice 10)',
    model: modelName(input),
    inference: [...table, ...cpuRows],
    threaded_simd: threaded,
    crop,
    gating: gate,
    capacity: capacity.flatMap((c) => c.rows),
    sampler,
    event_latency: { end_to_end: { alone: e2eAlone, with_3_other_cameras: e2eBusy }, frames_from_memory: { alone, with_3_other_cameras: busy } },
    detector_frames_per_thread: Number(values['per-thread']),
    event_loop: loop,
    detector_nice: Number(values.nice),
    machine: { cores, load_average_at_start: round(load, 1), load_average_at_end: round(loadavg()[0]!, 1) },
  };
  printTable('summary', [{ inference_ms: result.inference_ms, gating_ratio: result.gating_ratio, cameras_at_2fps: camerasAt2, event_p95_ms: result.event_p95_ms, load_start: round(load, 1), load_end: result.machine.load_average_at_end, p95_e2e_alone: e2eAlone.p95, p95_memory_busy: busy.p95, sampler_lag_p50_ms: sampler[0]!.lag_p50_ms, loop_p99_idle_ms: loop.idle_p99_ms, loop_p99_detecting_ms: loop.detecting_p99_ms }]);
  console.log(`wrote ${writeResult('vision', result)}`);
}

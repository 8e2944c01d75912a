/**
 * The vision bench's whole-chain measures, on CameraPipeline and DetectorPool as the gateway runs
 * them (frames fed on 2 fps timers as the sampler delivers them; the ffmpeg decode is not in it):
 * - cameras at 2 fps: N cameras, each with a person walking through its view so that every frame
 *   has motion; a camera is served when every frame it sampled was analysed (passed the motion
 *   gate and was detected), none dropped; the largest N where every camera is served;
 * - motion -> event latency: a person steps into the zone at a random moment between two samples;
 *   from that moment to the `camera.event`, with other cameras busy meanwhile;
 * - event-loop delay of this (the gateway's) thread, idle and while cameras are analysed.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DetectorPool } from '../../src/vision/detector-pool.js';
import type { InputSize } from '../../src/vision/model.js';
import { CameraPipeline } from '../../src/vision/pipeline.js';
import type { Zone } from '../../src/vision/zones.js';
import { sceneFrame, SCENE_H, SCENE_W } from '../../test/vision/photo-scene.js';
import { percentile, round } from './report.js';
import { sumShares, threadTimes } from './thread-time.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
export const BENCH_ZONE: Zone = { id: 'z', cameraId: 'cam', preset: 'A', name: 'Lane', kind: 'intrusion', enabled: true, points: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]], classes: ['person'], schedule: null, thresholdSec: 30, maxPersons: 5 };
const EMPTY = sceneFrame(null);
/** 12 positions of a walker, left to right and back: every frame differs from the one before. */
const WALK = Array.from({ length: 12 }, (_, i) => sceneFrame({ x: 0.12 + 0.07 * (i < 6 ? i * 2 : (11 - i) * 2 + 1), y: 0.9 }));

let detectorNice = 10;
/** The detector threads' nice value for the pools below (the gateway's `vision.detectorNice`; default 10). */
export function setDetectorNice(nice: number): void {
  detectorNice = nice;
}

let perThread = 2;
/** Frames handed to one detector thread at once (the pool's `perThread`; 1 = the last round's pool). */
export function setPerThread(n: number): void {
  perThread = n;
}

export function newPool(threads: number, input: InputSize): DetectorPool {
  return new DetectorPool({ threads, backend: 'wasm', minScore: 0.4, input, nice: detectorNice, perThread });
}

interface Cams { pipelines: CameraPipeline[]; stop: () => Promise<void>; offered: number[] }

/** N cameras fed at 2 fps (phases spread over the 500 ms), each showing the walker. */
export function runCameras(pool: DetectorPool, n: number): Cams {
  const pipelines = Array.from({ length: n }, (_, i) => {
    const p = new CameraPipeline({ cameraId: `c${i}`, detector: pool, zones: () => [BENCH_ZONE], onEvent: () => {}, settleMs: 0 });
    p.setPose(false, 'A', 0);
    void p.feed({ rgb: EMPTY, width: SCENE_W, height: SCENE_H, at: Date.now() }); // the gate learns the empty view
    return p;
  });
  const offered = pipelines.map(() => 0);
  const inFlight = new Set<Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  pipelines.forEach((p, i) => {
    let k = i;
    const start = setTimeout(() => {
      const tick = (): void => {
        offered[i]!++;
        const f = p.feed({ rgb: WALK[k++ % WALK.length]!, width: SCENE_W, height: SCENE_H, at: Date.now() }).catch(() => {});
        inFlight.add(f);
        void f.finally(() => inFlight.delete(f));
      };
      tick();
      timers.push(setInterval(tick, 500));
    }, 50 + (i * 500) / n);
    timers.push(start);
  });
  return {
    pipelines,
    offered,
    async stop() {
      for (const t of timers) clearTimeout(t);
      await Promise.all([...inFlight]);
    },
  };
}

/**
 * `detectors_*`: the detector threads' time added up, in cores (running; runnable but waiting for a
 * core; asleep, i.e. waiting for a frame); `main_*`: this (the gateway's) thread's.
 */
export type CapacityRow = { threads: number; per_thread: number; input: string; cameras: number; window_s: number; served: boolean; min_analysed_fps: number; dropped: number; detector_wall_ms_per_frame: number; detector_cpu_ms_per_frame: number; cpu_cores_used: number; detectors_running: number; detectors_waiting_for_core: number; detectors_asleep: number; main_running: number; main_waiting_for_core: number };

/** N cameras for `windowMs` after a 3 s start (not counted): one row. */
async function capacityStep(pool: DetectorPool, threads: number, input: InputSize, n: number, windowMs: number): Promise<CapacityRow> {
  const cams = runCameras(pool, n);
  await sleep(3000);
  const base = cams.pipelines.map((p) => ({ ...p.stats }));
  const offered0 = [...cams.offered];
  const cpu0 = process.cpuUsage();
  const detectorTimes = threadTimes(pool.threadIds);
  const mainTime = threadTimes([process.pid]);
  await sleep(windowMs);
  const cpu = process.cpuUsage(cpu0);
  const detectors = sumShares(detectorTimes());
  const main = mainTime()[0];
  const analysed = cams.pipelines.map((p, i) => p.stats.detectedFrames - base[i]!.detectedFrames);
  const offered = cams.offered.map((o, i) => o - offered0[i]!);
  const dropped = cams.pipelines.reduce((s, p, i) => s + p.stats.droppedFrames - base[i]!.droppedFrames, 0);
  const inference = cams.pipelines.reduce((s, p, i) => s + p.stats.inferenceMs - base[i]!.inferenceMs, 0);
  await cams.stop();
  const frames = analysed.reduce((s, v) => s + v, 0);
  // Served: every camera had at least 95 % of the frames it sampled analysed (1.9 of 2 a second).
  const served = analysed.every((a, i) => a >= 0.95 * offered[i]!);
  return {
    threads, per_thread: pool.perThreadDepth, input: `${input.width}x${input.height}`, cameras: n, window_s: windowMs / 1000, served,
    min_analysed_fps: round(Math.min(...analysed) / (windowMs / 1000), 2), dropped,
    detector_wall_ms_per_frame: round(inference / Math.max(1, frames), 0),
    detector_cpu_ms_per_frame: round((detectors.running * windowMs) / Math.max(1, frames), 0),
    cpu_cores_used: round((cpu.user + cpu.system) / 1000 / windowMs, 2),
    detectors_running: detectors.running, detectors_waiting_for_core: detectors.waiting_for_core, detectors_asleep: detectors.asleep,
    main_running: main?.running ?? 0, main_waiting_for_core: main?.waiting_for_core ?? 0,
  };
}

/**
 * The largest N cameras analysed at 2 fps, found in steps of `windowMs` each: from `from` upwards
 * by `step` while served, or downwards by one until served. At most `maxSteps` steps.
 */
export async function camerasAt2fps(threads: number, input: InputSize, windowMs: number, from: number, step = 2, maxSteps = 6): Promise<{ rows: CapacityRow[]; largest: number }> {
  const pool = newPool(threads, input);
  await pool.start();
  const rows: CapacityRow[] = [];
  let largest = 0;
  try {
    let n = Math.max(1, from);
    let up: boolean | undefined;
    for (let i = 0; i < maxSteps && n >= 1; i++) {
      const row = await capacityStep(pool, threads, input, n, windowMs);
      rows.push(row);
      if (row.served) largest = Math.max(largest, n);
      up ??= row.served;
      if (up && !row.served) break;
      if (!up && row.served) break;
      n = up ? n + step : n - 1;
    }
  } finally {
    await pool.stop();
  }
  return { rows, largest };
}

/**
 * `trials` times: an empty view sampled at 2 fps; the person steps into the zone at a random moment
 * between two samples; latency = camera.event time - that moment. `busyCameras` others analysed meanwhile.
 */
export async function eventLatency(threads: number, input: InputSize, trials: number, busyCameras: number): Promise<{ latencies: number[]; p50: number; p95: number }> {
  const pool = newPool(threads, input);
  await pool.start();
  const others = busyCameras > 0 ? runCameras(pool, busyCameras) : undefined;
  const latencies: number[] = [];
  try {
    for (let t = 0; t < trials; t++) {
      let eventAt = 0;
      const p = new CameraPipeline({ cameraId: `probe${t}`, detector: pool, zones: () => [BENCH_ZONE], onEvent: () => (eventAt ||= Date.now()), settleMs: 0 });
      p.setPose(false, 'A', 0);
      await p.feed({ rgb: EMPTY, width: SCENE_W, height: SCENE_H, at: Date.now() });
      await sleep(500);
      const entered = Date.now() + Math.random() * 500; // he steps in somewhere before the next sample
      const feeds: Promise<void>[] = [];
      for (let k = 0; k < 6 && !eventAt; k++) {
        await sleep(500);
        const now = Date.now();
        const frame = now >= entered ? sceneFrame({ x: 0.75, y: 0.9 }) : EMPTY;
        feeds.push(p.feed({ rgb: frame, width: SCENE_W, height: SCENE_H, at: now }).catch(() => {}));
      }
      await Promise.all(feeds);
      if (eventAt) latencies.push(eventAt - entered);
    }
  } finally {
    await others?.stop();
    await pool.stop();
  }
  return { latencies: latencies.map((v) => round(v, 0)), p50: round(percentile(latencies, 50), 0), p95: round(percentile(latencies, 95), 0) };
}

/**
 * Event-loop delay p99 of this thread, idle and while `cameras` are analysed, in `rounds`
 * alternating windows (idle, detecting, idle, ...) so that the machine's other load falls on both
 * alike; the medians of the windows' p99 (and the largest max) on each side.
 */
export async function eventLoopDelay(threads: number, input: InputSize, cameras: number, windowMs: number, rounds = 4): Promise<Record<string, number | string>> {
  const pool = newPool(threads, input);
  await pool.start();
  const idle: number[] = [];
  const busy: number[] = [];
  let idleMax = 0;
  let busyMax = 0;
  let analysed = 0;
  const mainWait: { idle: number[]; busy: number[] } = { idle: [], busy: [] };
  const window = async (side: 'idle' | 'busy'): Promise<{ p99: number; max: number }> => {
    const h = monitorEventLoopDelay({ resolution: 10 });
    const main = threadTimes([process.pid]);
    h.enable();
    await sleep(windowMs);
    h.disable();
    mainWait[side].push(main()[0]?.waiting_for_core ?? 0);
    return { p99: h.percentile(99) / 1e6, max: h.max / 1e6 };
  };
  try {
    for (let r = 0; r < rounds; r++) {
      const a = await window('idle');
      idle.push(a.p99);
      idleMax = Math.max(idleMax, a.max);
      const cams = runCameras(pool, cameras);
      await sleep(1000);
      const b = await window('busy');
      await cams.stop();
      busy.push(b.p99);
      busyMax = Math.max(busyMax, b.max);
      analysed += cams.pipelines.reduce((s, p) => s + p.stats.detectedFrames, 0);
    }
    return { idle_p99_ms: round(percentile(idle, 50), 1), idle_max_ms: round(idleMax, 1), detecting_p99_ms: round(percentile(busy, 50), 1), detecting_max_ms: round(busyMax, 1), idle_p99_each: idle.map((v) => round(v, 1)).join(' '), detecting_p99_each: busy.map((v) => round(v, 1)).join(' '), cameras, rounds, frames_analysed: analysed, main_waiting_for_core_idle: round(percentile(mainWait.idle, 50), 3), main_waiting_for_core_detecting: round(percentile(mainWait.busy, 50), 3) };
  } finally {
    await pool.stop();
  }
}

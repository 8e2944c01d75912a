/**
 * Motion -> event latency end to end, as the gateway runs it: the camera simulator's sub stream
 * (H.264 over RTSP) -> the frame sampler (ffmpeg) -> motion gate -> detector thread -> tracker ->
 * intrusion zone -> event. A photographed person appears inside the zone at a moment stamped when
 * the simulator is told (its next rendered frame shows him; the phase against the 2 fps samples is
 * random); latency = the event's time - that moment. So it holds the simulator's encoding, RTSP,
 * decoding, the wait for the next sample, the queue and inference. `busyCameras` other cameras
 * (frames from memory, every one moving) share the detector threads meanwhile.
 */
import { startCameraSimulator } from '../../simulators/onvif-camera/index.js';
import type { StreamSource } from '../../src/cameras/stream-sources.js';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';
import { silentLogger } from '../../src/core/logger.js';
import { FrameSampler } from '../../src/vision/frame-sampler.js';
import type { InputSize } from '../../src/vision/model.js';
import { CameraPipeline } from '../../src/vision/pipeline.js';
import { percentile, round } from './report.js';
import { BENCH_ZONE, newPool, runCameras } from './vision-capacity.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface EndToEnd { latencies: number[]; p50: number; p95: number; missed: number; other_cameras: number }

export async function endToEndLatency(threads: number, input: InputSize, trials: number, busyCameras: number): Promise<EndToEnd> {
  const sim = await startCameraSimulator({ name: 'Gate', sub: { width: 640, height: 360, fps: 10, bitrateKbps: 512 } });
  const url = sim.urls.rtsp.sub!.replace('rtsp://', `rtsp://${sim.credentials.username}:${sim.credentials.password}@`);
  const pool = newPool(threads, input);
  await pool.start();
  let current: CameraPipeline | undefined;
  const sampler = new FrameSampler({ cameraId: 'gate', resolve: () => Promise.resolve({ rtspUrl: url } as StreamSource), ffmpegPath: resolveFfmpeg().path, width: 512, height: 288, fps: 2, log: silentLogger(), onFrame: (f) => void current?.feed(f).catch(() => {}) });
  const others = busyCameras > 0 ? runCameras(pool, busyCameras) : undefined;
  const latencies: number[] = [];
  let missed = 0;
  // Standing inside the zone (its right half: x 0.75 at zoom 1, pan 0), feet low in the picture.
  const person = { look: 'person' as const, fromAzDeg: 15, toAzDeg: 15, elevationDeg: -7, heightDeg: 14, durationMs: 2500 };
  try {
    sampler.start();
    for (let i = 0; i < 100 && sampler.frames < 3; i++) await sleep(100);
    await sim.control.addMovingFigure({ ...person, durationMs: 10 }); // loads the photo once, before any trial
    for (let t = 0; t < trials; t++) {
      let eventAt = 0;
      const p = new CameraPipeline({ cameraId: `gate${t}`, detector: pool, zones: () => [BENCH_ZONE], onEvent: () => (eventAt ||= Date.now()), settleMs: 0 });
      p.setPose(false, 'A', 0);
      current = p;
      await sleep(1500 + Math.random() * 500); // the gate learns the empty view; a random phase against the samples
      const entered = Date.now();
      const gone = sim.control.addMovingFigure(person);
      for (let i = 0; i < 50 && !eventAt; i++) await sleep(50);
      await gone;
      if (eventAt) latencies.push(eventAt - entered);
      else missed++;
      current = undefined;
      await sleep(600); // the picture is empty again before the next trial
    }
  } finally {
    current = undefined;
    await sampler.stop();
    await others?.stop();
    await pool.stop();
    await sim.stop();
  }
  return { latencies: latencies.map((v) => round(v, 0)), p50: round(percentile(latencies, 50), 0), p95: round(percentile(latencies, 95), 0), missed, other_cameras: busyCameras };
}

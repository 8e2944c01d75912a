/**
 * Motion -> event latency end to end, as the gateway runs it: the camera simulator's sub stream
 * (H.264 over RTSP) -> the frame sampler (ffmpeg) -> motion gate -> detector thread -> tracker ->
 * intrusion zone -> event. A photographed person appears inside the zone at a moment stamped when
 * the simulator is told (its next rendered frame shows him, at a random moment); latency = the
 * event's time - that moment. So it holds the simulator's encoding, RTSP, decoding, the queue and
 * inference. As in the gateway (vision.motionFps 10, fps 2): the motion gate sees every frame, the
 * first with motion goes to the detector at once, then at most 2 a second. `busyCameras` other
 * cameras (frames from memory, every one moving) share the detector threads meanwhile.
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

/** `looks`: per trial, the detections it took from the person's appearance to the event (1: the first frame that showed him). */
export interface EndToEnd { latencies: number[]; looks: number[]; p50: number; p95: number; missed: number; other_cameras: number }

export async function endToEndLatency(threads: number, input: InputSize, trials: number, busyCameras: number): Promise<EndToEnd> {
  const sim = await startCameraSimulator({ name: 'Gate', sub: { width: 640, height: 360, fps: 10, bitrateKbps: 512 } });
  const url = sim.urls.rtsp.sub!.replace('rtsp://', `rtsp://${sim.credentials.username}:${sim.credentials.password}@`);
  const pool = newPool(threads, input);
  await pool.start();
  let current: CameraPipeline | undefined;
  const sampler = new FrameSampler({ cameraId: 'gate', resolve: () => Promise.resolve({ rtspUrl: url } as StreamSource), ffmpegPath: resolveFfmpeg().path, width: 512, height: 288, fps: 10, log: silentLogger(), onFrame: (f) => void current?.feed(f).catch(() => {}) });
  const others = busyCameras > 0 ? runCameras(pool, busyCameras) : undefined;
  const latencies: number[] = [];
  const looks: number[] = [];
  let missed = 0;
  // Standing inside the zone (its right half: x 0.75 at zoom 1, pan 0), feet low in the picture.
  const person = { look: 'person' as const, fromAzDeg: 15, toAzDeg: 15, elevationDeg: -7, heightDeg: 14, durationMs: 2500 };
  try {
    sampler.start();
    for (let i = 0; i < 100 && sampler.frames < 3; i++) await sleep(100);
    await sim.control.addMovingFigure({ ...person, durationMs: 10 }); // loads the photo once, before any trial
    await sleep(1000); // ... and its picture has passed the sampler before the first trial's pipeline looks
    for (let t = 0; t < trials; t++) {
      let eventAt = 0;
      let enteredAt = Infinity;
      let detectionsAtEvent = 0;
      const p = new CameraPipeline({
        cameraId: `gate${t}`,
        detector: pool,
        zones: () => [BENCH_ZONE],
        onEvent: () => {
          if (eventAt) return;
          eventAt = Date.now();
          detectionsAtEvent = p.stats.detectedFrames;
        },
        settleMs: 0,
        detectEveryMs: 500,
        ...(process.env.E2E_DEBUG ? { onTracks: (tracks: readonly { label: string; score: number }[], f: { at: number }) => console.log(`trial ${t}: look at frame T${f.at - enteredAt >= 0 ? '+' : ''}${f.at - enteredAt} ms, answered T+${Date.now() - enteredAt}: ${tracks.map((x) => `${x.label} ${x.score.toFixed(2)}`).join(', ') || 'nothing'}`) } : {}),
      });
      p.setPose(false, 'A', 0);
      current = p;
      await sleep(1500 + Math.random() * 500); // the gate learns the empty view; a random moment
      const entered = Date.now();
      enteredAt = entered;
      const detectionsBefore = p.stats.detectedFrames;
      const gone = sim.control.addMovingFigure(person);
      for (let i = 0; i < 50 && !eventAt; i++) await sleep(50);
      await gone;
      if (eventAt) {
        latencies.push(eventAt - entered);
        looks.push(detectionsAtEvent - detectionsBefore);
      } else missed++;
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
  return { latencies: latencies.map((v) => round(v, 0)), looks, p50: round(percentile(latencies, 50), 0), p95: round(percentile(latencies, 95), 0), missed, other_cameras: busyCameras };
}

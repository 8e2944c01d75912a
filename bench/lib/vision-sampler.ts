/**
 * The vision bench's sampler measure: `cameras` frame samplers (one ffmpeg each, as the gateway
 * runs them) on the camera simulator's sub stream for `windowMs`: the CPU of each sampler ffmpeg
 * (decode, scale and RGB of every camera frame; the sampler keeps one every 1/fps) and how late a sampled frame is
 * behind the camera (the simulator's frame stamp), beside ffmpeg passing every frame.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { startCameraSimulator } from '../../simulators/onvif-camera/index.js';
import { decodeFrameStampRgb } from '../../simulators/onvif-camera/scene.js';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';
import { silentLogger } from '../../src/core/logger.js';
import type { StreamSource } from '../../src/cameras/stream-sources.js';
import { FrameSampler } from '../../src/vision/frame-sampler.js';
import { percentile, round } from './report.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** CPU ticks (1/100 s) of each child ffmpeg of this process running the concat demuxer (the samplers). */
function samplerTicks(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) !== process.pid) continue;
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('concat')) continue;
      out.set(pid, Number(f[11]) + Number(f[12]));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export async function samplerCost(cameras: number, windowMs: number, sub = { width: 640, height: 360, fps: 10, bitrateKbps: 512 }): Promise<Record<string, number | string>> {
  const sim = await startCameraSimulator({ name: 'Bench', sub });
  const url = sim.urls.rtsp.sub!.replace('rtsp://', `rtsp://${sim.credentials.username}:${sim.credentials.password}@`);
  const lags: number[] = [];
  const samplers = Array.from({ length: cameras }, (_, i) => new FrameSampler({
    cameraId: `c${i}`,
    resolve: () => Promise.resolve({ rtspUrl: url } as StreamSource),
    ffmpegPath: resolveFfmpeg().path,
    width: 512,
    height: 288,
    fps: 2,
    log: silentLogger(),
    onFrame: (f) => {
      const stamp = i === 0 ? decodeFrameStampRgb(f.rgb, f.width, f.height) : undefined;
      if (stamp) lags.push(f.at - stamp.wallMs);
    },
  }));
  try {
    for (const s of samplers) s.start();
    await sleep(3000);
    const t0 = samplerTicks();
    const frames0 = samplers.reduce((n, s) => n + s.frames, 0);
    const lagFrom = lags.length;
    await sleep(windowMs);
    const t1 = samplerTicks();
    const frames = samplers.reduce((n, s) => n + s.frames, 0) - frames0;
    let ticks = 0;
    for (const [pid, v] of t1) ticks += v - (t0.get(pid) ?? v);
    const cpuMsPerS = (ticks * 10) / (windowMs / 1000) / cameras;
    const steady = lags.slice(lagFrom);
    return {
      cameras,
      sub_stream: `${sub.width}x${sub.height} ${sub.fps} fps`,
      ffmpeg_cpu_ms_per_s_per_camera: round(cpuMsPerS, 1),
      cores_for_8_cameras: round((cpuMsPerS * 8) / 1000, 2),
      frames_per_s_per_camera: round(frames / cameras / (windowMs / 1000), 2),
      lag_p50_ms: round(percentile(steady, 50), 0),
      lag_p95_ms: round(percentile(steady, 95), 0),
    };
  } finally {
    await Promise.all(samplers.map((s) => s.stop()));
    await sim.stop();
  }
}

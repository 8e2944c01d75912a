/**
 * The frame sampler against the camera simulator's sub stream (real RTSP, real ffmpeg): how late a
 * sampled frame is, read from the frame stamp the simulator draws into every picture (its wall
 * clock when rendered). Baseline in the same test: the same stream read by ffmpeg passing every
 * frame as soon as it is written. A filter that drops frames in ffmpeg 5.1 (`fps`, `select`)
 * holds each frame it keeps for several input frames (`fps=2`: 500 ms later than the stream
 * itself; the last round's `fps=4` and thinning in Node: about 300 ms later); the sampler now
 * thins in Node only, so its frames are as late as the stream itself (within 100 ms), at 2 a second.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCameraSimulator, type RunningCamera } from '../../simulators/onvif-camera/index.js';
import { decodeFrameStampRgb } from '../../simulators/onvif-camera/scene.js';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';
import { silentLogger } from '../../src/core/logger.js';
import { FrameSampler, type FrameSamplerOptions } from '../../src/vision/frame-sampler.js';

const W = 512;
const H = 288;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** A 2 fps sampler of the camera at `url`, scaled to W x H. */
function samplerOf(cameraId: string, url: string, onFrame: FrameSamplerOptions['onFrame']): FrameSampler {
  return new FrameSampler({ cameraId, resolve: () => Promise.resolve({ rtspUrl: url } as never), ffmpegPath: resolveFfmpeg().path, width: W, height: H, fps: 2, log: silentLogger(), onFrame });
}

describe('frame sampler', () => {
  let sim: RunningCamera;
  let url: string;
  beforeAll(async () => {
    sim = await startCameraSimulator({ name: 'Lane', sub: { width: 640, height: 360, fps: 10, bitrateKbps: 512 } });
    url = sim.urls.rtsp.sub!.replace('rtsp://', `rtsp://${sim.credentials.username}:${sim.credentials.password}@`);
  });
  afterAll(async () => sim?.stop());

  /** Every frame of the stream, scaled like the sampler's: how late each arrives (ms). */
  async function everyFrameLag(ms: number): Promise<number[]> {
    const child = spawn(resolveFfmpeg().path, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-flags', 'low_delay', '-analyzeduration', '0', '-probesize', '32', '-threads', '1', '-rtsp_transport', 'tcp', '-i', url, '-an', '-vf', `scale=${W}:${H}`, '-pix_fmt', 'rgb24', '-flush_packets', '1', '-f', 'rawvideo', 'pipe:1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const lags: number[] = [];
    let buf = Buffer.alloc(0);
    child.stdout.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= W * H * 3) {
        const stamp = decodeFrameStampRgb(new Uint8Array(buf.subarray(0, W * H * 3)), W, H);
        buf = buf.subarray(W * H * 3);
        if (stamp) lags.push(Date.now() - stamp.wallMs);
      }
    });
    await new Promise((r) => setTimeout(r, ms));
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.kill('SIGKILL');
    });
    return lags.slice(5);
  }

  it('passes frames at the asked rate, as late as the stream itself (within 100 ms)', async () => {
    const lags: number[] = [];
    const arrivals: number[] = [];
    const sampler = samplerOf('lane', url, (f) => {
      arrivals.push(f.at);
      const stamp = decodeFrameStampRgb(f.rgb, f.width, f.height);
      if (stamp) lags.push(f.at - stamp.wallMs);
    });
    // Both at once, so that the machine's load falls on both alike.
    sampler.start();
    const baselineRun = everyFrameLag(10_000);
    await new Promise((r) => setTimeout(r, 10_000));
    await sampler.stop();
    const baseline = await baselineRun;

    const steady = lags.slice(3);
    expect(steady.length).toBeGreaterThanOrEqual(5);
    // About 2 frames a second: 10-21 frames in 10 s (start-up included), 500 ms apart (the 10 fps
    // stream's frames are 100 ms apart: one every 4th would be 400 ms).
    expect(arrivals.length).toBeGreaterThanOrEqual(10);
    expect(arrivals.length).toBeLessThanOrEqual(21);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!);
    console.log(`camera -> sampled frame: median ${median(steady)} ms; every frame passed: ${median(baseline)} ms; gaps median ${median(gaps)} ms`);
    expect(median(gaps)).toBeGreaterThanOrEqual(450);
    expect(median(gaps)).toBeLessThanOrEqual(550);
    expect(median(steady) - median(baseline)).toBeLessThan(100);
  }, 40_000);

  it('samples a camera that also sends sound (its audio track is not set up)', async () => {
    const withAudio = await startCameraSimulator({ name: 'Gate mic', audio: 'pcmu', sub: { width: 640, height: 360, fps: 10, bitrateKbps: 512 } });
    try {
      const micUrl = withAudio.urls.rtsp.sub!.replace('rtsp://', `rtsp://${withAudio.credentials.username}:${withAudio.credentials.password}@`);
      let frames = 0;
      const sampler = samplerOf('gate-mic', micUrl, (f) => {
        if (decodeFrameStampRgb(f.rgb, f.width, f.height)) frames++;
      });
      sampler.start();
      const until = Date.now() + 15_000;
      while (frames < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      await sampler.stop();
      expect(frames).toBeGreaterThanOrEqual(3);
    } finally {
      await withAudio.stop();
    }
  }, 30_000);
});

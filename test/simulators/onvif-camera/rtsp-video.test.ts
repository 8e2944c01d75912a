/**
 * Video on the wire: ffprobe reads the RTSP stream over TCP and UDP with two readers at once
 * (one shared encoder that runs only while someone plays), the frame stamp decodes from
 * decoded pixels and advances, and a pan shifts the picture by the expected number of pixels.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrameStamp, pixelsPerPanDegree, startCameraSimulator, stampHeight, type RunningCamera } from '../../../simulators/onvif-camera/index.js';
import { ffmpeg, ffprobe, grabGrayFrames, run, waitFor, withCredentials } from './helpers.js';

let sim: RunningCamera;
const SUB_W = 640;
const SUB_H = 360;

beforeAll(async () => {
  sim = await startCameraSimulator({ encoderLingerMs: 300, initialPosition: { panDeg: 100, tiltDeg: 0 } });
});
afterAll(async () => {
  await sim?.stop();
});

const url = (token: 'main' | 'sub'): string => withCredentials(sim.urls.rtsp[token]!, 'admin', 'admin123');

async function probe(rtspUrl: string, transport: 'tcp' | 'udp'): Promise<{ codec_name: string; width: number; height: number; nb_read_frames?: string }> {
  const { stdout } = await run(
    ffprobe,
    ['-v', 'error', '-rtsp_transport', transport, '-select_streams', 'v:0', '-count_frames', '-read_intervals', '%+1.5', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', rtspUrl],
    { timeout: 20_000 },
  );
  return (JSON.parse(stdout) as { streams: Array<{ codec_name: string; width: number; height: number; nb_read_frames?: string }> }).streams[0]!;
}

/** Horizontal shift (pixels) that best maps `before` onto `after` in a band of rows: after[x] ~ before[x + shift]. */
function horizontalShift(before: Buffer, after: Buffer, width: number, rowFrom: number, rowTo: number, maxShift: number): number {
  let best = 0;
  let bestCost = Infinity;
  for (let s = -maxShift; s <= maxShift; s++) {
    let cost = 0;
    let n = 0;
    for (let y = rowFrom; y < rowTo; y += 2) {
      for (let x = Math.max(0, -s); x < Math.min(width, width - s); x += 2) {
        cost += Math.abs(after[y * width + x]! - before[y * width + x + s]!);
        n++;
      }
    }
    if (cost / n < bestCost) {
      bestCost = cost / n;
      best = s;
    }
  }
  return best;
}

describe('RTSP video', () => {
  it('serves two readers at once, over TCP and UDP, from one encoder that stops when they leave', async () => {
    let maxReaders = 0;
    const watch = setInterval(() => (maxReaders = Math.max(maxReaders, sim.state.encoders.main!.readers)), 20);
    const [tcp, udp] = await Promise.all([probe(url('main'), 'tcp'), probe(url('main'), 'udp')]);
    clearInterval(watch);
    for (const s of [tcp, udp]) {
      expect(s).toMatchObject({ codec_name: 'h264', width: 1280, height: 720 });
      expect(Number(s.nb_read_frames)).toBeGreaterThan(5);
    }
    expect(maxReaders).toBe(2);
    expect(sim.state.encoders.main!.runs).toBe(1);
    expect(sim.state.rtspRequests).toMatchObject({ SETUP: 2, PLAY: 2 });
    await waitFor(() => !sim.state.encoders.main!.running, 5000, 'the encoder to stop after the last reader');
    expect(sim.state.encoders.sub!.runs).toBe(0); // nobody watched the sub stream: its encoder never ran
  });

  it('stamps every frame: counter and wall clock decode from pixels and advance', async () => {
    const before = Date.now();
    const raw = await grabGrayFrames(url('sub'), 6, 'udp');
    const n = SUB_W * SUB_H;
    const stamps = Array.from({ length: raw.length / n }, (_, i) => decodeFrameStamp(raw.subarray(i * n, (i + 1) * n), SUB_W, SUB_H));
    expect(stamps).toHaveLength(6);
    stamps.forEach((s) => expect(s).toBeDefined());
    for (let i = 1; i < stamps.length; i++) {
      expect(stamps[i]!.frame).toBe(stamps[i - 1]!.frame + 1);
      expect(stamps[i]!.wallMs - stamps[i - 1]!.wallMs).toBeGreaterThan(30); // 15 fps: ~67 ms apart
      expect(stamps[i]!.wallMs - stamps[i - 1]!.wallMs).toBeLessThan(200);
    }
    expect(stamps[0]!.wallMs).toBeGreaterThanOrEqual(before - 1000);
    expect(stamps[5]!.wallMs).toBeLessThanOrEqual(Date.now());
    expect(stamps[0]!.panDeg).toBeCloseTo(100, 2);
    // a corrupted stamp is refused, not misread: invert one data cell (cell 10 of the first row)
    const broken = Buffer.from(raw.subarray(0, n));
    const cell = SUB_W / 64;
    for (let y = 0; y < cell; y++) for (let x = 10 * cell; x < 11 * cell; x++) broken[y * SUB_W + x] = 255 - broken[y * SUB_W + x]!;
    expect(decodeFrameStamp(broken, SUB_W, SUB_H)).toBeUndefined();
  });

  it('shows where it points: after a 4 degree pan the picture moves by 4 x (width / field of view) pixels', async () => {
    const n = SUB_W * SUB_H;
    const before = (await grabGrayFrames(url('sub'), 1)).subarray(0, n);
    sim.control.setPosition({ panDeg: 104 });
    const after = (await grabGrayFrames(url('sub'), 1)).subarray(0, n);
    expect(decodeFrameStamp(after, SUB_W, SUB_H)!.panDeg).toBeCloseTo(104, 2);
    const expected = 4 * pixelsPerPanDegree(SUB_W, 1); // 42.7 px at 1x
    const top = stampHeight(SUB_W) + 30; // below the stamp and the caption
    const shift = horizontalShift(before, after, SUB_W, top, SUB_H - 10, 80);
    expect(Math.abs(shift - expected)).toBeLessThanOrEqual(2);
  });

  it('freezes the picture on demand (same frame, counter stuck) and drops RTSP sessions on demand', async () => {
    sim.control.freezeVideo(true);
    const raw = await grabGrayFrames(url('sub'), 3);
    const n = SUB_W * SUB_H;
    const frames = [0, 1, 2].map((i) => decodeFrameStamp(raw.subarray(i * n, (i + 1) * n), SUB_W, SUB_H)!.frame);
    expect(new Set(frames).size).toBe(1);
    sim.control.freezeVideo(false);

    const reader = spawn(ffmpeg, ['-v', 'error', '-rtsp_transport', 'tcp', '-i', url('sub'), '-t', '30', '-f', 'null', '-']);
    const exited = new Promise<number | null>((resolve) => reader.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => sim.state.playingSessions === 1, 10_000, 'the reader to play');
      expect(sim.control.dropRtspSessions()).toBe(1);
      expect(sim.state.rtspSessions).toBe(0);
      await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error('reader did not notice the drop')), 15_000))]);
    } finally {
      reader.kill('SIGKILL');
    }
  });

  it('serves H.265 on the main profile when asked', async () => {
    const h265 = await startCameraSimulator({ h265: true, main: { width: 640, height: 360 }, encoderLingerMs: 100 });
    try {
      const s = await probe(withCredentials(h265.urls.rtsp.main!, 'admin', 'admin123'), 'tcp');
      expect(s).toMatchObject({ codec_name: 'hevc', width: 640, height: 360 });
    } finally {
      await h265.stop();
    }
  });

  it('refuses RTSP without valid credentials', async () => {
    await expect(probe(withCredentials(sim.urls.rtsp.sub!, 'admin', 'wrong'), 'tcp')).rejects.toThrow(/401|Unauthorized|authorization/i);
  });
});

/** Annotated snapshots: the analysed frame with a box around each object, as JPEG (ffmpeg's mjpeg encoder). */
import { spawn } from 'node:child_process';
import type { Box } from './detection.js';
import type { Frame } from './pipeline.js';

const COLOURS: Record<string, [number, number, number]> = { person: [255, 40, 40], default: [255, 200, 0] };

/** Draws `boxes` (2 px, red for persons, amber for vehicles) onto a copy of the frame. */
export function drawBoxes(frame: Frame, boxes: ReadonlyArray<{ label: string; box: Box }>): Uint8Array {
  const out = frame.rgb.slice();
  const { width: w, height: h } = frame;
  const put = (x: number, y: number, c: [number, number, number]): void => {
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    const p = (y * w + x) * 3;
    out[p] = c[0];
    out[p + 1] = c[1];
    out[p + 2] = c[2];
  };
  for (const b of boxes) {
    const c = COLOURS[b.label] ?? COLOURS.default!;
    const x0 = Math.round(b.box.x * w);
    const y0 = Math.round(b.box.y * h);
    const x1 = Math.round((b.box.x + b.box.w) * w) - 1;
    const y1 = Math.round((b.box.y + b.box.h) * h) - 1;
    for (let t = 0; t < 2; t++) {
      for (let x = x0; x <= x1; x++) { put(x, y0 + t, c); put(x, y1 - t, c); }
      for (let y = y0; y <= y1; y++) { put(x0 + t, y, c); put(x1 - t, y, c); }
    }
  }
  return out;
}

export function encodeJpeg(ffmpegPath: string, rgb: Uint8Array, width: number, height: number, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', 'pipe:0', '-frames:v', '1', '-q:v', '5', '-f', 'image2', '-c:v', 'mjpeg', 'pipe:1'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const parts: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => parts.push(c));
    child.stdin.on('error', () => {});
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0 && parts.length) resolve(Buffer.concat(parts));
      else reject(new Error(`ffmpeg could not encode the snapshot (exit ${code})`));
    });
    child.stdin.end(rgb);
  });
}

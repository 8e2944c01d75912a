/**
 * A photographed person for the moving figure (`look: 'person'`), so that a COCO detector takes
 * the figure for a person: the cameraman of scikit-image's `camera.png` (CC0, Lav Varshney; Debian
 * python3-skimage), cropped to his box and saved as `person.jpg` beside this file. Decoded once by
 * ffmpeg (asynchronously) into full-resolution Y, U and V planes; drawn scaled, nearest-neighbour.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { rgbToYuv } from './color.js';
import type { Yuv420Planes } from './plane.js';

export interface Sprite {
  width: number;
  height: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

const FILE = join(import.meta.dirname, 'person.jpg');
const WIDTH = 120;
const HEIGHT = 162;

/** Decodes person.jpg (120x162) with ffmpeg; rejects when ffmpeg fails or gives the wrong size. */
export function loadPersonSprite(ffmpegPath: string): Promise<Sprite> {
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath, ['-v', 'error', '-i', FILE, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 20, timeout: 10_000 }, (err, stdout) => {
      if (err) return reject(err);
      if (stdout.length !== WIDTH * HEIGHT * 3) return reject(new Error(`person.jpg decoded to ${stdout.length} bytes, expected ${WIDTH * HEIGHT * 3}`));
      const n = WIDTH * HEIGHT;
      const s: Sprite = { width: WIDTH, height: HEIGHT, y: new Uint8Array(n), u: new Uint8Array(n), v: new Uint8Array(n) };
      for (let i = 0; i < n; i++) {
        const c = rgbToYuv(stdout[i * 3]!, stdout[i * 3 + 1]!, stdout[i * 3 + 2]!);
        s.y[i] = c.y;
        s.u[i] = c.u;
        s.v[i] = c.v;
      }
      resolve(s);
    });
  });
}

/** Draws the sprite `h` pixels tall (width in proportion) with its feet centred at (cx, feet); clipped to the frame. */
export function drawSprite(p: Yuv420Planes, s: Sprite, cx: number, feet: number, h: number): void {
  if (![cx, feet, h].every(Number.isFinite) || h < 1) return;
  const w = Math.max(1, Math.round((h * s.width) / s.height));
  const left = Math.round(cx - w / 2);
  const top = Math.round(feet - h);
  const cw = p.width >> 1;
  for (let yy = Math.max(0, top); yy < Math.min(p.height, top + h); yy++) {
    const sy = Math.min(s.height - 1, Math.floor(((yy - top) * s.height) / h));
    for (let xx = Math.max(0, left); xx < Math.min(p.width, left + w); xx++) {
      const si = sy * s.width + Math.min(s.width - 1, Math.floor(((xx - left) * s.width) / w));
      p.y[yy * p.width + xx] = s.y[si]!;
      if ((yy & 1) === 0 && (xx & 1) === 0) {
        p.u[(yy >> 1) * cw + (xx >> 1)] = s.u[si]!;
        p.v[(yy >> 1) * cw + (xx >> 1)] = s.v[si]!;
      }
    }
  }
}

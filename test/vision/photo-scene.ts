/**
 * Frames for the pipeline tests: a plain backdrop with a real photographed person (the cameraman
 * of test/vision/photos/camera.jpg, CC0) pasted where the test wants him, like a figure walking
 * through a still camera's view.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveFfmpeg } from '../../src/core/ffmpeg.js';

export const SCENE_W = 512;
export const SCENE_H = 288;
const SPRITE_W = 104;
const SPRITE_H = 150;

let sprite: Uint8Array | undefined;

function loadSprite(): Uint8Array {
  // The person's box in camera.jpg (labels.json): 0,65 330x447.
  const file = join(import.meta.dirname, 'photos', 'camera.jpg');
  return (sprite ??= new Uint8Array(execFileSync(resolveFfmpeg().path, ['-v', 'error', '-i', file, '-vf', `crop=330:447:0:65,scale=${SPRITE_W}:${SPRITE_H}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { maxBuffer: 1 << 22 })));
}

/** A frame with the person's feet at (x, y) in fractions of the frame, or no person (null). */
export function sceneFrame(feet: { x: number; y: number } | null): Uint8Array {
  const rgb = new Uint8Array(SCENE_W * SCENE_H * 3);
  for (let y = 0; y < SCENE_H; y++) {
    for (let x = 0; x < SCENE_W; x++) {
      const p = (y * SCENE_W + x) * 3;
      const ground = y > SCENE_H * 0.45;
      rgb[p] = ground ? 120 : 170;
      rgb[p + 1] = ground ? 125 : 190;
      rgb[p + 2] = ground ? 110 : 215;
    }
  }
  if (!feet) return rgb;
  const s = loadSprite();
  const left = Math.round(feet.x * SCENE_W - SPRITE_W / 2);
  const top = Math.round(feet.y * SCENE_H - SPRITE_H);
  for (let y = 0; y < SPRITE_H; y++) {
    const ty = top + y;
    if (ty < 0 || ty >= SCENE_H) continue;
    for (let x = 0; x < SPRITE_W; x++) {
      const tx = left + x;
      if (tx < 0 || tx >= SCENE_W) continue;
      const from = (y * SPRITE_W + x) * 3;
      const to = (ty * SCENE_W + tx) * 3;
      rgb[to] = s[from]!;
      rgb[to + 1] = s[from + 1]!;
      rgb[to + 2] = s[from + 2]!;
    }
  }
  return rgb;
}

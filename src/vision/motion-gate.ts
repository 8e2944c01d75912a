/**
 * The motion gate: cheap frame differencing on a small grey copy of each frame, so that the
 * detector runs only when something changed. Handles sensor noise (a per-pixel threshold and
 * blocks that need several changed pixels), global lighting changes (the background is scaled by the
 * overall brightness ratio first; a change over most of the picture re-learns the background instead of
 * reporting motion) and slow changes (a running-average background).
 */
import type { Box } from './detection.js';

export interface MotionGateOptions {
  /** Width of the grey copy, px (height keeps the frame's aspect). Default 96. */
  gridWidth?: number;
  /** Grey-level difference (0..255) over which a pixel changed, after the brightness ratio. Default 18. */
  pixelThreshold?: number;
  /** Block edge in grid pixels; a block with more than `blockFraction` changed pixels moved. Default 6. */
  block?: number;
  blockFraction?: number;
  /** Changed fraction of the picture over which the change is taken for lighting. Default 0.6. */
  lightingFraction?: number;
  /**
   * Background learning rate per 500 ms (one frame at 2 fps): a gate fed frames with their times
   * learns at the same pace whatever the frame rate. Default 0.05.
   */
  learnRate?: number;
}

export interface MotionResult {
  motion: boolean;
  /** Fraction of blocks that changed. */
  changedFraction: number;
  /** Regions with motion, in fractions of the frame. */
  regions: Box[];
  /** The change covered most of the picture (lights, iris, exposure): background re-learnt, no motion. */
  lightingChange: boolean;
}

const NONE: MotionResult = { motion: false, changedFraction: 0, regions: [], lightingChange: false };

export class MotionGate {
  private background: Float32Array | undefined;
  private lastAt: number | undefined;
  private gridW = 0;
  private gridH = 0;
  private readonly o: Required<MotionGateOptions>;

  constructor(options: MotionGateOptions = {}) {
    this.o = { gridWidth: 96, pixelThreshold: 18, block: 6, blockFraction: 0.2, lightingFraction: 0.6, learnRate: 0.05, ...options };
  }

  /** Forget the background (after the camera moved: the old picture means nothing). */
  reset(): void {
    this.background = undefined;
    this.lastAt = undefined;
  }

  /**
   * `rgb`: width x height x 3 bytes; `at`: when it was taken (ms; without it, each frame counts as
   * 500 ms for the background's learning). The first frame after a reset only learns.
   */
  feed(rgb: Uint8Array, width: number, height: number, at?: number): MotionResult {
    const grey = this.shrink(rgb, width, height);
    const bg = this.background;
    const sinceMs = at !== undefined && this.lastAt !== undefined ? Math.min(5000, Math.max(0, at - this.lastAt)) : 500;
    this.lastAt = at;
    if (!bg || bg.length !== grey.length) {
      this.background = Float32Array.from(grey);
      return NONE;
    }
    const gain = brightnessGain(grey, bg);
    const { gridW, gridH } = this;
    const b = this.o.block;
    const bw = Math.ceil(gridW / b);
    const bh = Math.ceil(gridH / b);
    const changed = new Uint16Array(bw * bh);
    const total = new Uint16Array(bw * bh);
    for (let y = 0; y < gridH; y++) {
      for (let x = 0; x < gridW; x++) {
        const i = y * gridW + x;
        const k = Math.floor(y / b) * bw + Math.floor(x / b);
        total[k]!++;
        if (Math.abs(grey[i]! - bg[i]! * gain) > this.o.pixelThreshold) changed[k]!++;
      }
    }
    const moved = new Uint8Array(bw * bh);
    let movedCount = 0;
    for (let k = 0; k < moved.length; k++) if (changed[k]! > total[k]! * this.o.blockFraction) { moved[k] = 1; movedCount++; }
    const changedFraction = movedCount / moved.length;
    if (changedFraction > this.o.lightingFraction) {
      this.background = Float32Array.from(grey);
      return { motion: false, changedFraction, regions: [], lightingChange: true };
    }
    const rate = sinceMs === 500 ? this.o.learnRate : 1 - (1 - this.o.learnRate) ** (sinceMs / 500);
    for (let i = 0; i < grey.length; i++) bg[i] = bg[i]! + (grey[i]! - bg[i]!) * rate;
    const regions = connectedRegions(moved, bw, bh).map((r) => ({ x: (r.x0 * b) / gridW, y: (r.y0 * b) / gridH, w: Math.min(1, ((r.x1 + 1) * b) / gridW) - (r.x0 * b) / gridW, h: Math.min(1, ((r.y1 + 1) * b) / gridH) - (r.y0 * b) / gridH }));
    return { motion: regions.length > 0, changedFraction, regions, lightingChange: false };
  }

  private shrink(rgb: Uint8Array, width: number, height: number): Uint8Array {
    const gw = Math.min(this.o.gridWidth, width);
    const gh = Math.max(1, Math.round((height * gw) / width));
    this.gridW = gw;
    this.gridH = gh;
    const out = new Uint8Array(gw * gh);
    for (let y = 0; y < gh; y++) {
      const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / gh));
      for (let x = 0; x < gw; x++) {
        const sx = Math.min(width - 1, Math.floor(((x + 0.5) * width) / gw));
        const p = (sy * width + sx) * 3;
        out[y * gw + x] = (rgb[p]! * 77 + rgb[p + 1]! * 150 + rgb[p + 2]! * 29) >> 8;
      }
    }
    return out;
  }
}

/** How much brighter the picture is than the background as a whole (lights, iris, exposure). */
function brightnessGain(grey: Uint8Array, bg: Float32Array): number {
  let a = 0;
  let b = 0;
  for (let i = 0; i < grey.length; i++) {
    a += grey[i]!;
    b += bg[i]!;
  }
  return b > 0 ? a / b : 1;
}

/** Bounding boxes (in blocks) of the 4-connected groups of moved blocks. */
function connectedRegions(moved: Uint8Array, w: number, h: number): Array<{ x0: number; y0: number; x1: number; y1: number }> {
  const seen = new Uint8Array(moved.length);
  const out: Array<{ x0: number; y0: number; x1: number; y1: number }> = [];
  for (let start = 0; start < moved.length; start++) {
    if (!moved[start] || seen[start]) continue;
    const r = { x0: w, y0: h, x1: 0, y1: 0 };
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const k = stack.pop()!;
      const x = k % w;
      const y = Math.floor(k / w);
      r.x0 = Math.min(r.x0, x); r.y0 = Math.min(r.y0, y); r.x1 = Math.max(r.x1, x); r.y1 = Math.max(r.y1, y);
      for (const n of [x > 0 ? k - 1 : -1, x < w - 1 ? k + 1 : -1, y > 0 ? k - w : -1, y < h - 1 ? k + w : -1]) {
        if (n >= 0 && moved[n] && !seen[n]) { seen[n] = 1; stack.push(n); }
      }
    }
    out.push(r);
  }
  return out;
}

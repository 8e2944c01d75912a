/**
 * The synthetic 360-degree world around the camera, drawn once into yuv420p planes
 * (equirectangular: column = azimuth, row = elevation) and shared by every simulated camera.
 */
import { rgbToYuv, type Yuv } from './color.js';
import { drawText, textWidth } from './font.js';

/** Panorama resolution: pixels per degree, both axes. */
export const PX_PER_DEG = 12;
/** Elevation of the panorama's top row and bottom row, degrees. */
export const ELEV_TOP_DEG = 45;
export const ELEV_BOTTOM_DEG = -105;

export interface Panorama {
  width: number;
  height: number;
  /** Full-resolution luma. */
  y: Uint8Array;
  /** Half-resolution chroma planes (width/2 x height/2). */
  u: Uint8Array;
  v: Uint8Array;
  /** Colour outside the panorama (above the top row / below the bottom row). */
  above: Yuv;
  below: Yuv;
}

let shared: Panorama | undefined;

/** The panorama, built on first use (about 11 MB, shared by all cameras in the process). */
export function getPanorama(): Panorama {
  shared ??= buildPanorama();
  return shared;
}

class Painter {
  constructor(readonly p: Panorama) {}

  /** Fills an azimuth/elevation box (degrees; azimuth may wrap past 360). */
  box(az0: number, az1: number, el0: number, el1: number, c: Yuv): void {
    const { width, height } = this.p;
    const x0 = Math.round(az0 * PX_PER_DEG);
    const x1 = Math.round(az1 * PX_PER_DEG);
    const y0 = Math.max(0, Math.round((ELEV_TOP_DEG - el1) * PX_PER_DEG));
    const y1 = Math.min(height, Math.round((ELEV_TOP_DEG - el0) * PX_PER_DEG));
    for (let row = y0; row < y1; row++) {
      const base = row * width;
      for (let x = x0; x < x1; x++) this.p.y[base + (((x % width) + width) % width)] = c.y;
    }
    const cw = width >> 1;
    for (let row = y0 >> 1; row < y1 >> 1; row++) {
      const base = row * cw;
      for (let x = x0 >> 1; x < x1 >> 1; x++) {
        const i = base + ((((x % cw) + cw) % cw));
        this.p.u[i] = c.u;
        this.p.v[i] = c.v;
      }
    }
  }

  /** Text centred on an azimuth, top at an elevation, in luma only (chroma left as is). */
  label(azCentre: number, elTop: number, text: string, scale: number, luma: number): void {
    const { width, height } = this.p;
    const w = textWidth(text, scale);
    const x = Math.round(azCentre * PX_PER_DEG - w / 2);
    const y = Math.round((ELEV_TOP_DEG - elTop) * PX_PER_DEG);
    // draw into a strip then copy with wrap-around so labels near 0/360 survive
    const strip = new Uint8Array(w * 7 * scale).fill(0);
    drawText(strip, w, 7 * scale, 0, 0, text, scale, 1);
    for (let r = 0; r < 7 * scale; r++) {
      const row = y + r;
      if (row < 0 || row >= height) continue;
      for (let c = 0; c < w; c++) {
        if (strip[r * w + c]) this.p.y[row * width + (((x + c) % width) + width) % width] = luma;
      }
    }
  }
}

/** Deterministic pseudo-random numbers so every run draws the same world. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

function buildPanorama(): Panorama {
  const width = 360 * PX_PER_DEG;
  const height = (ELEV_TOP_DEG - ELEV_BOTTOM_DEG) * PX_PER_DEG;
  const p: Panorama = {
    width,
    height,
    y: new Uint8Array(width * height),
    u: new Uint8Array((width >> 1) * (height >> 1)),
    v: new Uint8Array((width >> 1) * (height >> 1)),
    above: rgbToYuv(120, 170, 230),
    below: rgbToYuv(70, 90, 60),
  };
  const paint = new Painter(p);
  // sky in bands (lighter near the horizon), ground in bands (grass, then paving near the camera)
  for (let el = ELEV_TOP_DEG; el > 0; el -= 5) {
    const t = el / ELEV_TOP_DEG;
    paint.box(0, 360, el - 5, el, rgbToYuv(150 - 30 * t, 190 - 20 * t, 235));
  }
  paint.box(0, 360, -40, 0, rgbToYuv(80, 120, 70));
  paint.box(0, 360, ELEV_BOTTOM_DEG, -40, rgbToYuv(110, 110, 105));
  // paving slabs below -40 degrees: a coarse grid
  for (let az = 0; az < 360; az += 6) paint.box(az, az + 0.4, ELEV_BOTTOM_DEG, -40, rgbToYuv(80, 80, 78));
  for (let el = -40; el > ELEV_BOTTOM_DEG; el -= 6) paint.box(0, 360, el - 0.4, el, rgbToYuv(80, 80, 78));
  // the perimeter road with a dashed centre line
  paint.box(0, 360, -22, -8, rgbToYuv(60, 60, 62));
  for (let az = 0; az < 360; az += 4) paint.box(az, az + 2, -15.4, -14.6, rgbToYuv(240, 240, 240));
  // buildings on the skyline: deterministic heights, lit windows
  const rnd = seeded(20260101);
  for (let az = 20; az < 340; ) {
    const w = 8 + rnd() * 14;
    const h = 4 + rnd() * 16;
    if (az + w > 340) break;
    const shade = 120 + Math.floor(rnd() * 80);
    paint.box(az, az + w, 0, h, rgbToYuv(shade, shade - 20, shade - 40));
    for (let wy = 1.5; wy < h - 1; wy += 2.5) {
      for (let wx = az + 1; wx < az + w - 1.2; wx += 2) {
        const lit = rnd() > 0.4;
        paint.box(wx, wx + 1, wy, wy + 1.2, lit ? rgbToYuv(250, 230, 140) : rgbToYuv(40, 50, 70));
      }
    }
    az += w + 2 + rnd() * 6;
  }
  // the compound gate at north (azimuth 0): two pillars, a red/white barrier arm, a sign
  paint.box(352, 354, -8, 10, rgbToYuv(200, 200, 190));
  paint.box(6, 8, -8, 10, rgbToYuv(200, 200, 190));
  for (let i = 0; i < 7; i++) {
    const az = 354 + i * 2;
    paint.box(az, az + 2, 1, 2.5, i % 2 === 0 ? rgbToYuv(220, 30, 30) : rgbToYuv(245, 245, 245));
  }
  paint.box(352, 368, 10, 15, rgbToYuv(20, 60, 140));
  paint.label(0, 14.2, 'GATE', 4, 235);
  // compass labels and degree ticks
  const names = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
  names.forEach((name, i) => paint.label(i * 45, 36, name, 10, 235));
  for (let az = 0; az < 360; az += 10) {
    paint.box(az - 0.15, az + 0.15, -2, 0, rgbToYuv(255, 255, 255));
    if (az % 30 === 0) paint.label(az, 28, String(az).padStart(3, '0'), 4, 40);
  }
  return p;
}

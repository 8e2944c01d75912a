/**
 * Filling parts of 8-bit planes with integer, clamped coordinates only: Buffer/TypedArray.fill
 * throws a RangeError on a fractional offset, and a figure half a pixel off the frame must not
 * stop the camera. Every rectangle the scene draws goes through here.
 */
import type { Yuv } from './color.js';

/** Fills plane[start, end) after rounding both to integers and clamping them to the plane. */
export function fillSpan(plane: Uint8Array, value: number, start: number, end: number): void {
  if (!Number.isFinite(start) || !Number.isFinite(end)) return;
  const a = Math.max(0, Math.min(plane.length, Math.round(start)));
  const b = Math.max(0, Math.min(plane.length, Math.round(end)));
  if (a < b) plane.fill(value, a, b);
}

/** The three planes of one yuv420p frame. */
export interface Yuv420Planes {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
  width: number;
  height: number;
}

/**
 * Fills the box [x0, x1) x [y0, y1) (pixels; any numbers, rounded to the nearest pixel edge and
 * clipped to the frame) in luma and the matching chroma cells.
 */
export function fillBox(p: Yuv420Planes, x0: number, y0: number, x1: number, y1: number, c: Yuv): void {
  if (![x0, y0, x1, y1].every(Number.isFinite)) return;
  const xa = Math.max(0, Math.round(x0));
  const xb = Math.min(p.width, Math.round(x1));
  const ya = Math.max(0, Math.round(y0));
  const yb = Math.min(p.height, Math.round(y1));
  if (xa >= xb || ya >= yb) return;
  for (let row = ya; row < yb; row++) fillSpan(p.y, c.y, row * p.width + xa, row * p.width + xb);
  const cw = p.width >> 1;
  const ch = p.height >> 1;
  const cxa = xa >> 1;
  const cxb = Math.min(cw, (xb + 1) >> 1);
  for (let crow = ya >> 1; crow < Math.min(ch, (yb + 1) >> 1); crow++) {
    fillSpan(p.u, c.u, crow * cw + cxa, crow * cw + cxb);
    fillSpan(p.v, c.v, crow * cw + cxa, crow * cw + cxb);
  }
}

import type { WatchedClass } from './coco.js';

/** A box in fractions of the frame: x, y of the top-left corner, width, height (0..1). */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Detection {
  label: WatchedClass;
  score: number;
  box: Box;
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.w * a.h + b.w * b.h - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Tells when motion is new: a region of motion where there was none in the last `quietMs`. A
 * camera's picture is seldom still (its clock in the OSD, a tree, a flag), so "motion after a
 * still picture" is rare; an object that comes into the picture brings motion where there was none.
 * A region counts as new when less than half of it lies in the regions of the recent frames.
 */
import type { Box } from './detection.js';

/** Regions of the frames with motion in the last second, with when they were seen. */
interface Seen {
  at: number;
  regions: readonly Box[];
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

export class MotionOnsets {
  private seen: Seen[] = [];

  constructor(private readonly quietMs = 1000) {}

  /** The regions of this frame's motion ([] for none); true when one of them is new. */
  feed(regions: readonly Box[], at: number): boolean {
    this.seen = this.seen.filter((s) => at - s.at <= this.quietMs);
    const recent = this.seen.flatMap((s) => s.regions);
    const fresh = regions.some((r) => {
      const area = r.w * r.h;
      if (area <= 0) return false;
      // the most of it that any one recent region covers (regions of one frame do not overlap)
      const covered = recent.reduce((most, q) => Math.max(most, overlap(r, q)), 0);
      return covered < area / 2;
    });
    if (regions.length) this.seen.push({ at, regions });
    return fresh;
  }

  reset(): void {
    this.seen = [];
  }
}

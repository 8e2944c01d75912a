import { describe, expect, it } from 'vitest';
import { MotionOnsets } from '../../src/vision/motion-onset.js';

const band = { x: 0, y: 0, w: 1, h: 0.08 }; // a clock in the OSD: motion in the same place every frame

describe('motion onsets', () => {
  it('takes motion where there was none for new, and the same place moving on for not new', () => {
    const o = new MotionOnsets(1000);
    expect(o.feed([band], 0)).toBe(true); // the first motion of all
    for (let at = 100; at <= 2000; at += 100) expect(o.feed([band], at)).toBe(false);
    // a person comes into the lower right while the clock ticks on
    expect(o.feed([band, { x: 0.7, y: 0.5, w: 0.1, h: 0.4 }], 2100)).toBe(true);
    // he walks on: his region overlaps the one before by more than half
    expect(o.feed([band, { x: 0.72, y: 0.5, w: 0.1, h: 0.4 }], 2200)).toBe(false);
    expect(o.feed([band, { x: 0.74, y: 0.5, w: 0.1, h: 0.4 }], 2300)).toBe(false);
  });

  it('takes motion back in a place after a quiet second for new again', () => {
    const o = new MotionOnsets(1000);
    const spot = { x: 0.2, y: 0.2, w: 0.1, h: 0.1 };
    expect(o.feed([spot], 0)).toBe(true);
    expect(o.feed([], 500)).toBe(false);
    expect(o.feed([spot], 900)).toBe(false); // seen 900 ms ago
    expect(o.feed([], 1500)).toBe(false);
    expect(o.feed([spot], 2000)).toBe(true); // last seen 1100 ms ago
    o.reset();
    expect(o.feed([spot], 2100)).toBe(true);
  });
});

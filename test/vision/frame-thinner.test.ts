/** Which sampled frames the sampler keeps: one every 1/fps, whatever the stream's own rate. */
import { describe, expect, it } from 'vitest';
import { FrameThinner } from '../../src/vision/frame-sampler.js';

function kept(periodMs: number, arrivals: number[]): number[] {
  const t = new FrameThinner(periodMs);
  return arrivals.filter((at) => t.keep(at));
}

describe('frame thinner', () => {
  it('keeps one frame every 500 ms of a 10 fps stream (not one every 400 ms), with jitter', () => {
    const arrivals = Array.from({ length: 50 }, (_, i) => i * 100 + (i % 3) * 7);
    const k = kept(500, arrivals);
    expect(k.length).toBe(10);
    const gaps = k.slice(1).map((v, i) => v - k[i]!);
    for (const g of gaps) expect(Math.abs(g - 500)).toBeLessThanOrEqual(40);
  });

  it('keeps one every 500 ms of a 25 fps stream, and restarts its clock after a stall instead of bursting', () => {
    const arrivals = [...Array.from({ length: 50 }, (_, i) => i * 40), ...Array.from({ length: 25 }, (_, i) => 5000 + i * 40)];
    const k = kept(500, arrivals);
    const afterStall = k.filter((v) => v >= 5000);
    expect(k.filter((v) => v < 1900).length).toBe(4); // 0, ~500, ~1000, ~1500
    expect(afterStall[0]).toBe(5000);
    expect(afterStall[1]! - afterStall[0]!).toBeGreaterThanOrEqual(460);
  });
});

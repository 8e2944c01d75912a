import { describe, expect, it } from 'vitest';
import { MotionGate } from '../../src/vision/motion-gate.js';
import { sceneFrame, SCENE_H, SCENE_W } from './photo-scene.js';

function noisy(rgb: Uint8Array, amplitude: number, seed: number): Uint8Array {
  let s = seed;
  return rgb.map((v) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return Math.max(0, Math.min(255, v + ((s % (2 * amplitude + 1)) - amplitude)));
  });
}

describe('motion gate', () => {
  it('sees nothing in a still scene with sensor noise, and the person who walks in, where he is', () => {
    const gate = new MotionGate();
    const empty = sceneFrame(null);
    expect(gate.feed(noisy(empty, 8, 1), SCENE_W, SCENE_H).motion).toBe(false);
    for (let i = 2; i < 8; i++) expect(gate.feed(noisy(empty, 8, i), SCENE_W, SCENE_H).motion).toBe(false);
    const r = gate.feed(noisy(sceneFrame({ x: 0.7, y: 0.9 }), 8, 9), SCENE_W, SCENE_H);
    expect(r.motion).toBe(true);
    expect(r.regions.length).toBeGreaterThan(0);
    const box = r.regions[0]!;
    expect(box.x).toBeGreaterThan(0.5);
    expect(box.x + box.w).toBeLessThan(0.9);
  });

  it('learns a person who stays into the background after the same picture time at 2 and at 10 frames a second', () => {
    /** Picture time (ms) until a person standing still stops being motion, fed every `stepMs`. */
    const absorbedAfter = (stepMs: number): number => {
      const gate = new MotionGate();
      gate.feed(sceneFrame(null), SCENE_W, SCENE_H, 0);
      const standing = sceneFrame({ x: 0.7, y: 0.9 });
      for (let at = stepMs; at < 120_000; at += stepMs) if (!gate.feed(standing, SCENE_W, SCENE_H, at).motion) return at;
      return Infinity;
    };
    const at2 = absorbedAfter(500);
    const at10 = absorbedAfter(100);
    expect(at2).toBeGreaterThan(3000);
    expect(at2).toBeLessThan(120_000);
    // within a tenth (the frames fall on different moments); learning per frame would take a fifth of the time at 10 fps
    expect(Math.abs(at10 - at2) / at2, `${at2} ms at 2 fps, ${at10} ms at 10 fps`).toBeLessThan(0.1);
  });

  it('takes a global lighting change for lighting, not motion', () => {
    const gate = new MotionGate();
    const empty = sceneFrame(null);
    gate.feed(empty, SCENE_W, SCENE_H);
    const darker = empty.map((v) => Math.round(v * 0.6));
    const r = gate.feed(darker, SCENE_W, SCENE_H);
    expect(r.motion).toBe(false);
    // The overall brightness ratio is divided out, so it is not even counted as changed.
    expect(r.changedFraction).toBeLessThan(0.6);
    expect(gate.feed(darker, SCENE_W, SCENE_H).motion).toBe(false);
  });

  it('learns only after a reset (a camera move)', () => {
    const gate = new MotionGate();
    gate.feed(sceneFrame(null), SCENE_W, SCENE_H);
    gate.reset();
    expect(gate.feed(sceneFrame({ x: 0.3, y: 0.9 }), SCENE_W, SCENE_H).motion).toBe(false);
    expect(gate.feed(sceneFrame({ x: 0.3, y: 0.9 }), SCENE_W, SCENE_H).motion).toBe(false);
  });
});

/**
 * The analysis chain on real detections: a photographed person walking through a still camera's
 * view (photo-scene.ts), the real model in its own thread, the motion gate, tracker and zones.
 * Frame times are the pictures' times (2 fps); the detector runs for real on every frame it gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Detector } from '../../src/vision/detector.js';
import { DetectorPool } from '../../src/vision/detector-pool.js';
import { CameraPipeline, type PipelineEvent } from '../../src/vision/pipeline.js';
import type { Zone } from '../../src/vision/zones.js';
import { sceneFrame, SCENE_H, SCENE_W } from './photo-scene.js';

const RIGHT_HALF: Zone = { id: 'z1', cameraId: 'cam', preset: 'A', name: 'Fire lane', kind: 'intrusion', enabled: true, points: [[0.5, 0], [1, 0], [1, 1], [0.5, 1]], classes: ['person'], schedule: null, thresholdSec: 3, maxPersons: 5 };

let detector: Detector;
beforeAll(async () => {
  detector = new Detector({ backend: 'wasm', minScore: 0.4 });
  await detector.start();
}, 60_000);
afterAll(async () => detector?.stop());

function pipelineWith(zones: Zone[]): { p: CameraPipeline; events: PipelineEvent[] } {
  const events: PipelineEvent[] = [];
  const p = new CameraPipeline({ cameraId: 'cam', detector, zones: () => zones, onEvent: (e) => events.push(e), settleMs: 1000, onTracks: process.env.VDEBUG ? (t, f) => console.log(f.at, JSON.stringify(t.map((x) => [x.id, +x.point.x.toFixed(2), +x.point.y.toFixed(2)]))) : undefined });
  return { p, events };
}

/** Settles at `preset`, shows the empty view, then the person at each x (feet at y 0.9), one frame each 500 ms. */
async function walk(p: CameraPipeline, preset: string, xs: number[], t0 = 1_000_000): Promise<number[]> {
  p.setPose(false, preset, t0 - 2000);
  await p.feed({ rgb: sceneFrame(null), width: SCENE_W, height: SCENE_H, at: t0 - 500 });
  const times: number[] = [];
  for (const [i, x] of xs.entries()) {
    const at = t0 + i * 500;
    times.push(at);
    await p.feed({ rgb: sceneFrame({ x, y: 0.9 }), width: SCENE_W, height: SCENE_H, at });
  }
  return times;
}

describe('vision pipeline on a photographed person', () => {
  it('raises intrusion once, within 2 s of the person entering the zone', async () => {
    const { p, events } = pipelineWith([RIGHT_HALF]);
    const xs = [0.1, 0.25, 0.4, 0.55, 0.7, 0.85];
    const wall0 = Date.now();
    const times = await walk(p, 'A', xs);
    const entered = times[xs.findIndex((x) => x > 0.5)]!;
    expect(events.map((e) => e.kind)).toEqual(['intrusion']);
    expect(events[0]!.frame.at - entered).toBeLessThanOrEqual(2000);
    expect(events[0]!.classes).toEqual(['person']);
    expect(events[0]!.tracks[0]!.id).toMatch(/^cam-/);
    console.log(`intrusion after ${events[0]!.frame.at - entered} ms of picture time; ${p.stats.detectedFrames} detections in ${Date.now() - wall0} ms`);
  }, 60_000);

  it('stays silent at preset B for a zone of preset A', async () => {
    const { p, events } = pipelineWith([RIGHT_HALF]);
    await walk(p, 'B', [0.4, 0.6, 0.8]);
    expect(p.stats.detectedFrames).toBeGreaterThan(0);
    expect(events).toEqual([]);
  }, 60_000);

  it('analyses nothing while the camera moves, nor until it has settled', async () => {
    const { p, events } = pipelineWith([RIGHT_HALF]);
    const t0 = 1_000_000;
    p.setPose(true, null, t0);
    for (let i = 0; i < 4; i++) await p.feed({ rgb: sceneFrame({ x: 0.6 + i * 0.05, y: 0.9 }), width: SCENE_W, height: SCENE_H, at: t0 + i * 500 });
    p.setPose(false, 'A', t0 + 2000);
    await p.feed({ rgb: sceneFrame({ x: 0.8, y: 0.9 }), width: SCENE_W, height: SCENE_H, at: t0 + 2500 }); // not settled yet
    expect(p.stats.pausedFrames).toBe(5);
    expect(p.stats.detectedFrames).toBe(0);
    expect(events).toEqual([]);
  }, 60_000);

  it('raises loitering after T seconds in the zone and not before', async () => {
    const loiter: Zone = { ...RIGHT_HALF, id: 'z2', kind: 'loitering', thresholdSec: 3 };
    const { p, events } = pipelineWith([loiter]);
    // Walks in, then stands (small sway) for 5 s.
    const xs = [0.6, 0.7, 0.72, 0.7, 0.72, 0.7, 0.72, 0.7, 0.72, 0.7, 0.72, 0.7];
    const times = await walk(p, 'A', xs);
    expect(events.map((e) => e.kind)).toEqual(['loitering']);
    const after = events[0]!.frame.at - times[0]!;
    expect(after).toBeGreaterThanOrEqual(3000);
    expect(after).toBeLessThanOrEqual(4500);
  }, 90_000);

  it('counts one line crossing per crossing, with its direction', async () => {
    const line: Zone = { ...RIGHT_HALF, id: 'z3', kind: 'line-crossing', points: [[0.5, 0.2], [0.5, 1]] };
    const { p, events } = pipelineWith([line]);
    // Right (across), wobbling near the line on the far side, then back.
    await walk(p, 'A', [0.2, 0.35, 0.5, 0.65, 0.62, 0.66, 0.5, 0.35, 0.2]);
    expect(events.map((e) => e.direction)).toEqual(['out', 'in']);
  }, 90_000);

  it('analyses a frame that came while the detector was busy as soon as it is free, instead of dropping it', async () => {
    const { p } = pipelineWith([RIGHT_HALF]);
    p.setPose(false, 'A', 0);
    await p.feed({ rgb: sceneFrame(null), width: SCENE_W, height: SCENE_H, at: 5000 });
    const first = p.feed({ rgb: sceneFrame({ x: 0.3, y: 0.9 }), width: SCENE_W, height: SCENE_H, at: 5500 });
    const second = p.feed({ rgb: sceneFrame({ x: 0.6, y: 0.9 }), width: SCENE_W, height: SCENE_H, at: 6000 }); // the first is still in the detector
    await Promise.all([first, second]);
    expect(p.stats).toMatchObject({ detectedFrames: 2, droppedFrames: 0 });
    expect(p.tracks.map((t) => Number(t.point.x.toFixed(1)))).toEqual([0.6]);
  }, 60_000);

  it('at 10 frames a second with a 2 fps budget: the first frame that shows the person goes to the detector at once, then one every 500 ms', async () => {
    const events: PipelineEvent[] = [];
    const p = new CameraPipeline({ cameraId: 'cam', detector, zones: () => [RIGHT_HALF], onEvent: (e) => events.push(e), settleMs: 0, detectEveryMs: 500 });
    p.setPose(false, 'A', 0);
    const t0 = 1_000_000;
    // two seconds of the empty view at 10 fps: nothing for the detector
    for (let i = 0; i < 20; i++) await p.feed({ rgb: sceneFrame(null), width: SCENE_W, height: SCENE_H, at: t0 + i * 100 });
    expect(p.stats.detectedFrames).toBe(0);
    // he appears in the zone at t0 + 2030 (between two 2 fps ticks): that very frame is detected
    const appears = t0 + 2030;
    for (let i = 0; i < 10; i++) await p.feed({ rgb: sceneFrame({ x: 0.7 + i * 0.005, y: 0.9 }), width: SCENE_W, height: SCENE_H, at: appears + i * 100 });
    expect(events.map((e) => [e.kind, e.frame.at])).toEqual([['intrusion', appears]]);
    // one second of a moving person at 10 fps: the first frame and the one 500 ms after it reach the detector
    expect(p.stats).toMatchObject({ detectedFrames: 2, thinnedFrames: 8 });
  }, 60_000);

  it('lets a camera\'s frame wait for a shared detector thread that another camera keeps busy, instead of dropping it', async () => {
    const pool = new DetectorPool({ threads: 1, backend: 'wasm', minScore: 0.4, input: { width: 320, height: 192 } });
    await pool.start();
    try {
      const cams = ['a', 'b'].map((id) => new CameraPipeline({ cameraId: id, detector: pool, zones: () => [RIGHT_HALF], onEvent: () => {}, settleMs: 0 }));
      for (const p of cams) {
        p.setPose(false, 'A', 0);
        await p.feed({ rgb: sceneFrame(null), width: SCENE_W, height: SCENE_H, at: 5000 });
      }
      await Promise.all(cams.map((p) => p.feed({ rgb: sceneFrame({ x: 0.6, y: 0.9 }), width: SCENE_W, height: SCENE_H, at: 5500 })));
      expect(cams.map((p) => [p.stats.detectedFrames, p.stats.droppedFrames])).toEqual([[1, 0], [1, 0]]);
    } finally {
      await pool.stop();
    }
  }, 60_000);

  it('hands a busy detector thread its next frame at once (it starts on it without waiting for this thread), and answers in order', async () => {
    const pool = new DetectorPool({ threads: 1, backend: 'wasm', minScore: 0.4, input: { width: 320, height: 192 } });
    await pool.start();
    try {
      const frames = [sceneFrame({ x: 0.3, y: 0.9 }), sceneFrame(null)];
      const order: number[] = [];
      const results = frames.map((rgb, i) => pool.detect(rgb, SCENE_W, SCENE_H).then((r) => (order.push(i), r)));
      // Both frames are with the thread: none waits in the pool for the first result to come back.
      expect(pool.waiting).toBe(0);
      const [withPerson, empty] = await Promise.all(results);
      expect(order).toEqual([0, 1]);
      expect(withPerson!.detections.some((d) => d.label === 'person')).toBe(true);
      expect(empty!.detections.some((d) => d.label === 'person')).toBe(false);
    } finally {
      await pool.stop();
    }
  }, 60_000);
});

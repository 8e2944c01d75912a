/** PTZ physics on a controlled clock, and the frame stamp round trip. */
import { describe, expect, it } from 'vitest';
import { PtzModel } from '../../../simulators/onvif-camera/ptz-model.js';
import { decodeFrameStamp, SceneRenderer, stampHeight } from '../../../simulators/onvif-camera/scene.js';

function model(start = { panDeg: 350, tiltDeg: 0, zoom: 1 }): { m: PtzModel; advance: (ms: number) => void } {
  let now = 0;
  const m = new PtzModel({ tiltMinDeg: -90, tiltMaxDeg: 20, zoomMin: 1, zoomMax: 30 }, { panDegPerSec: 100, tiltDegPerSec: 50, zoomGenericPerSec: 0.5 }, start, () => now);
  return { m, advance: (ms) => (now += ms) };
}

describe('PTZ model', () => {
  it('pans continuously through north (wraps 359 -> 0) and stops by itself at the Timeout', () => {
    const { m, advance } = model();
    m.continuous({ pan: 0.5, tilt: 0 }, undefined, 1000);
    advance(300);
    expect(m.status()).toMatchObject({ panDeg: 5, panTiltStatus: 'MOVING' });
    advance(2000);
    const s = m.status();
    expect(s.panDeg).toBeCloseTo(40, 6); // 1 s at 50 deg/s, not 2.3 s
    expect(s.panTiltStatus).toBe('IDLE');
    m.dispose();
  });

  it('moves to an absolute target by the shortest way at finite speed, and clamps tilt to its range', () => {
    const { m, advance } = model({ panDeg: 10, tiltDeg: 0, zoom: 1 });
    m.moveTo({ panDeg: 300, tiltDeg: -200 });
    advance(500);
    const mid = m.status();
    expect(mid.panDeg).toBeCloseTo(320, 6); // 10 -> 320 going west through north
    expect(mid.panTiltStatus).toBe('MOVING');
    advance(2000);
    expect(m.status()).toMatchObject({ panDeg: 300, tiltDeg: -90, panTiltStatus: 'IDLE' });
    m.dispose();
  });

  it('zooms within its range and reports zoom MoveStatus separately', () => {
    const { m, advance } = model();
    m.continuous(undefined, 1, 10_000);
    advance(1000);
    expect(m.status()).toMatchObject({ zoom: 15.5, zoomStatus: 'MOVING', panTiltStatus: 'IDLE' });
    advance(5000);
    expect(m.status()).toMatchObject({ zoom: 30, zoomStatus: 'IDLE' });
    m.dispose();
  });
});

describe('frame stamp', () => {
  it('round-trips counter, wall clock and position through a rendered frame', () => {
    const r = new SceneRenderer(640, 360);
    const frame = r.render({ panDeg: 123.45, tiltDeg: -12.5, zoom: 4.2 }, {
      stamp: { frame: 123456, wallMs: 1767261600042, panDeg: 123.45, tiltDeg: -12.5, zoom: 4.2 },
      caption: 'TEST',
      figures: [],
    });
    expect(frame.length).toBe(640 * 360 * 1.5);
    expect(decodeFrameStamp(frame.subarray(0, 640 * 360), 640, 360)).toEqual({ frame: 123456, wallMs: 1767261600042, panDeg: 123.45, tiltDeg: -12.5, zoom: 4.2 });
    expect(stampHeight(640)).toBe(30);
    expect(decodeFrameStamp(new Uint8Array(640 * 360), 640, 360)).toBeUndefined();
  });
});

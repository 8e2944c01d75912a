/**
 * The scene renderer never throws and never draws outside its frame: every profile size the
 * simulator is configured with (defaults, the demo community's, the smallest allowed, sizes whose
 * chroma width is odd), a sweep of zooms and tilts, and figures of odd pixel widths at and past
 * every edge of the view.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_MAIN, DEMO_SUB } from '../../../simulators/cameras-member.js';
import { DEFAULT_MAIN, DEFAULT_SUB } from '../../../simulators/onvif-camera/options.js';
import { horizontalFovDeg, SceneRenderer, type FrameOverlays, type SceneFigure } from '../../../simulators/onvif-camera/scene.js';
import { rgbToYuv } from '../../../simulators/onvif-camera/scene/color.js';

const SIZES: ReadonlyArray<readonly [number, number]> = [
  [DEFAULT_MAIN.width, DEFAULT_MAIN.height],
  [DEFAULT_SUB.width, DEFAULT_SUB.height],
  [DEMO_MAIN.width, DEMO_MAIN.height],
  [DEMO_SUB.width, DEMO_SUB.height],
  [128, 72], // the smallest size the simulator accepts
  [130, 74], // odd chroma width and height
  [1920, 1080],
];
const ZOOMS = [1, 1.37, 2, 3.3, 7.77, 13, 29.9, 30];
const TILTS = [-90, -5, 20];
const HEIGHTS_DEG = [0.05, 1, 2.9, 3, 3.3, 7.1, 45, 400];

function overlays(figures: readonly SceneFigure[]): FrameOverlays {
  return { stamp: { frame: 7, wallMs: 1_700_000_000_000, panDeg: 0, tiltDeg: 0, zoom: 1 }, caption: '2026-01-01 10:00:00 GATE P0.0 T0.0 Z1.0X', figures };
}

/** Figures across the view and beyond it on every side, at sub-pixel offsets. */
function figuresAround(panDeg: number, tiltDeg: number, zoom: number, heightDeg: number): SceneFigure[] {
  const hfov = horizontalFovDeg(zoom);
  const out: SceneFigure[] = [];
  for (const fx of [-3, -1.01, -0.5, -0.37, 0, 0.013, 0.49, 0.5, 0.99, 1.2, 4]) {
    for (const fy of [-3, -0.6, -0.5, -0.11, 0, 0.27, 0.5, 0.51, 2]) {
      out.push({ azDeg: panDeg + fx * hfov, elDeg: tiltDeg + fy * hfov, heightDeg });
    }
  }
  return out;
}

describe('scene renderer', () => {
  it('renders every profile size at every zoom and tilt with figures anywhere, on and off the frame', () => {
    let renders = 0;
    for (const [width, height] of SIZES) {
      const renderer = new SceneRenderer(width, height);
      for (const zoom of ZOOMS) {
        for (const tiltDeg of TILTS) {
          const panDeg = 359.7;
          for (const heightDeg of HEIGHTS_DEG) {
            const frame = renderer.render({ panDeg, tiltDeg, zoom }, overlays(figuresAround(panDeg, tiltDeg, zoom, heightDeg)));
            expect(frame.length).toBe(renderer.frameSize);
            renders++;
          }
        }
      }
    }
    expect(renders).toBe(SIZES.length * ZOOMS.length * TILTS.length * HEIGHTS_DEG.length);
  });

  it('draws a figure in the middle of the view, and a figure outside the view changes no pixel', () => {
    const body = rgbToYuv(200, 40, 40);
    for (const [width, height] of SIZES) {
      const renderer = new SceneRenderer(width, height);
      const view = { panDeg: 10, tiltDeg: 0, zoom: 1 };
      const plain = renderer.render(view, overlays([]));
      const offScreen = renderer.render(view, overlays([{ azDeg: 10 + horizontalFovDeg(1) * 0.9, elDeg: 0, heightDeg: 3 }, { azDeg: 10, elDeg: 80, heightDeg: 3 }, { azDeg: 10, elDeg: -80, heightDeg: 3 }]));
      expect(offScreen.equals(plain)).toBe(true);
      // feet at the centre row: the body covers the pixels just above it
      const withFigure = renderer.render(view, overlays([{ azDeg: 10, elDeg: 0, heightDeg: 3 }]));
      const row = height / 2 - 2;
      expect(withFigure[row * width + width / 2]).toBe(body.y);
    }
  });

  it('holds for random sizes, views and figures (seeded)', () => {
    const even = (min: number, max: number) => fc.integer({ min: min / 2, max: max / 2 }).map((n) => n * 2);
    const renderers = new Map<string, SceneRenderer>();
    fc.assert(
      fc.property(
        even(128, 1920),
        even(72, 1080),
        fc.record({ panDeg: fc.double({ min: 0, max: 359.999, noNaN: true }), tiltDeg: fc.double({ min: -90, max: 20, noNaN: true }), zoom: fc.double({ min: 1, max: 30, noNaN: true }) }),
        fc.array(fc.record({ azDeg: fc.double({ min: -720, max: 720, noNaN: true }), elDeg: fc.double({ min: -200, max: 200, noNaN: true }), heightDeg: fc.double({ min: 0, max: 500, noNaN: true }) }), { maxLength: 8 }),
        (width, height, view, figures) => {
          const key = `${width}x${height}`;
          let renderer = renderers.get(key);
          if (!renderer) {
            if (renderers.size > 20) renderers.clear();
            renderer = new SceneRenderer(width, height);
            renderers.set(key, renderer);
          }
          expect(renderer.render(view, overlays(figures)).length).toBe(renderer.frameSize);
        },
      ),
      { seed: 20261201, numRuns: 150 },
    );
  });
});

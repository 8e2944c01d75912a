/** Click-to-aim geometry: where to turn and how far to zoom for a point or box of the picture. */
/**
 * The field of view is estimated, not asked (ONVIF does not say it): 60 degrees across at the
 * widest, divided by the zoom factor, over a zoom range of 1x-30x, the usual dome camera here
 * (and the simulator's). Pan translation 1 = 180 degrees; tilt 1 = half the tilt range (110 degrees).
 */
const HFOV_WIDE_DEG = 60;
const ZOOM_MAX = 30;
const TILT_HALF_RANGE_DEG = 55;

function zoomFactor(genericZoom: number): number {
  return 1 + Math.max(0, Math.min(1, genericZoom)) * (ZOOM_MAX - 1);
}

const clamp = (v: number) => Math.max(-1, Math.min(1, Math.round(v * 10000) / 10000)) || 0;

/**
 * The RelativeMove that brings the point (fx, fy) of the picture (0..1 from the top left) to its
 * centre; with a box of width `boxWidth` (0..1), also zooms so that the box fills the picture.
 */
export function aimTranslation(fx: number, fy: number, genericZoom: number, aspect = 16 / 9, boxWidth?: number): { x: number; y: number; zoom: number } {
  const hfov = HFOV_WIDE_DEG / zoomFactor(genericZoom);
  const vfov = hfov / aspect;
  const x = clamp(((fx - 0.5) * hfov) / 180);
  const y = clamp((-(fy - 0.5) * vfov) / TILT_HALF_RANGE_DEG);
  if (boxWidth === undefined || boxWidth <= 0) return { x, y, zoom: 0 };
  const target = Math.min(ZOOM_MAX, zoomFactor(genericZoom) / Math.max(0.02, boxWidth));
  return { x, y, zoom: clamp((target - zoomFactor(genericZoom)) / (ZOOM_MAX - 1)) };
}

/** BT.601 limited-range RGB -> YUV, the colour space ffmpeg assumes for raw yuv420p input. */
export interface Yuv {
  y: number;
  u: number;
  v: number;
}

export function rgbToYuv(r: number, g: number, b: number): Yuv {
  return {
    y: Math.round(16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256),
    u: Math.round(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256),
    v: Math.round(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256),
  };
}

export const WHITE_Y = 235;
export const BLACK_Y = 16;

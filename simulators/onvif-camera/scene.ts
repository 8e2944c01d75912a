/**
 * Renders what the camera sees: the shared panorama cropped and scaled for the current
 * pan/tilt/zoom with integer nearest-neighbour lookups, plus the overlays (frame stamp, clock,
 * moving figures). Output is one yuv420p frame, the raw format fed to ffmpeg.
 *
 * Cheap by construction: the view (background) is only recomputed when the camera moves; a
 * still camera costs one memcpy, the stamp and a line of text per frame.
 */
import { HFOV_AT_1X_DEG, wrapDeg, type PtzPhysical } from '../../devices/onvif-camera/protocol.js';
import { BLACK_Y, rgbToYuv, WHITE_Y } from './scene/color.js';
import { drawText } from './scene/font.js';
import { fillBox, fillSpan, type Yuv420Planes } from './scene/plane.js';
import { drawFrameStamp, stampHeight, type FrameStamp } from './scene/frame-stamp.js';
import { ELEV_TOP_DEG, getPanorama, PX_PER_DEG, type Panorama } from './scene/panorama.js';
import { drawSprite, type Sprite } from './scene/sprite.js';

export { decodeFrameStamp, decodeFrameStampRgb, stampCellSize, stampHeight, type FrameStamp } from './scene/frame-stamp.js';

/** Something moving through the scene (a person walking past the gate), in world coordinates. */
export interface SceneFigure {
  azDeg: number;
  /** Elevation of the figure's feet, degrees. */
  elDeg: number;
  heightDeg: number;
  /** Drawn as this photographed person instead of the red block (see scene/sprite.ts). */
  sprite?: Sprite;
}

export interface FrameOverlays {
  stamp: FrameStamp;
  /** First text line under the stamp (the camera's clock and name). */
  caption: string;
  figures: readonly SceneFigure[];
}

/** Horizontal field of view in degrees at a zoom factor. */
export function horizontalFovDeg(zoom: number): number {
  return HFOV_AT_1X_DEG / Math.max(1, zoom);
}

/** Pixels of horizontal image shift per degree of pan, for a frame width and zoom. */
export function pixelsPerPanDegree(width: number, zoom: number): number {
  return width / horizontalFovDeg(zoom);
}

const FIGURE_BODY = rgbToYuv(200, 40, 40);
const FIGURE_HEAD = rgbToYuv(230, 190, 160);

export class SceneRenderer {
  readonly frameSize: number;
  private readonly panorama: Panorama;
  private background: Uint8Array | undefined;
  private backgroundKey = '';
  private readonly cw: number;
  private readonly ch: number;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    if (width % 2 !== 0 || height % 2 !== 0) throw new Error(`frame size must be even, got ${width}x${height}`);
    this.panorama = getPanorama();
    this.cw = width >> 1;
    this.ch = height >> 1;
    this.frameSize = width * height + 2 * this.cw * this.ch;
  }

  /** Renders one yuv420p frame into a new buffer (the caller may hand it to a stream). */
  render(view: PtzPhysical, overlays: FrameOverlays): Buffer {
    const key = `${view.panDeg.toFixed(3)}/${view.tiltDeg.toFixed(3)}/${view.zoom.toFixed(4)}`;
    if (!this.background || key !== this.backgroundKey) {
      this.background = this.renderBackground(view);
      this.backgroundKey = key;
    }
    const frame = Buffer.allocUnsafe(this.frameSize);
    frame.set(this.background);
    const y = frame.subarray(0, this.width * this.height);
    const u = frame.subarray(this.width * this.height, this.width * this.height + this.cw * this.ch);
    const v = frame.subarray(this.width * this.height + this.cw * this.ch);
    const planes: Yuv420Planes = { y, u, v, width: this.width, height: this.height };
    for (const figure of overlays.figures) this.drawFigure(planes, view, figure);
    drawFrameStamp(y, this.width, overlays.stamp, { u, v });
    const scale = Math.max(1, Math.floor(this.width / 400));
    const top = stampHeight(this.width) + scale * 2;
    // a dark box behind the caption so it stays readable over the sky
    for (let row = top - scale; row < top + 8 * scale && row < this.height; row++) {
      fillSpan(y, BLACK_Y, row * this.width, row * this.width + Math.min(this.width, (overlays.caption.length * 6 + 2) * scale));
    }
    drawText(y, this.width, this.height, scale, top, overlays.caption, scale, WHITE_Y);
    return frame;
  }

  private renderBackground(view: PtzPhysical): Uint8Array {
    const { width, height, cw, ch, panorama: p } = this;
    const out = new Uint8Array(this.frameSize);
    const hfov = horizontalFovDeg(view.zoom);
    const vfov = (hfov * height) / width;
    // integer look-up tables: panorama column for each output column, row for each output row
    const cols = this.columnTable(width, view.panDeg - hfov / 2, hfov, p.width);
    const rows = this.rowTable(height, view.tiltDeg + vfov / 2, vfov, p.height);
    for (let yy = 0; yy < height; yy++) {
      const srcRow = rows[yy]!;
      const base = yy * width;
      if (srcRow < 0) {
        fillSpan(out, srcRow === -1 ? p.above.y : p.below.y, base, base + width);
        continue;
      }
      const src = srcRow * p.width;
      for (let x = 0; x < width; x++) out[base + x] = p.y[src + cols[x]!]!;
    }
    const pcw = p.width >> 1;
    const ccols = this.columnTable(cw, view.panDeg - hfov / 2, hfov, pcw);
    const crows = this.rowTable(ch, view.tiltDeg + vfov / 2, vfov, p.height >> 1);
    const uOff = width * height;
    const vOff = uOff + cw * ch;
    for (let yy = 0; yy < ch; yy++) {
      const srcRow = crows[yy]!;
      const base = yy * cw;
      if (srcRow < 0) {
        const c = srcRow === -1 ? p.above : p.below;
        fillSpan(out, c.u, uOff + base, uOff + base + cw);
        fillSpan(out, c.v, vOff + base, vOff + base + cw);
        continue;
      }
      const src = srcRow * pcw;
      for (let x = 0; x < cw; x++) {
        out[uOff + base + x] = p.u[src + ccols[x]!]!;
        out[vOff + base + x] = p.v[src + ccols[x]!]!;
      }
    }
    return out;
  }

  /** Panorama column (wrapped) for each of `n` output columns spanning `spanDeg` from `leftDeg`. */
  private columnTable(n: number, leftDeg: number, spanDeg: number, panoWidth: number): Int32Array {
    const table = new Int32Array(n);
    const pxPerDeg = panoWidth / 360;
    // 16.16 fixed point walk across the panorama
    const start = Math.round(wrapDeg(leftDeg) * pxPerDeg * 65536);
    const step = Math.round(((spanDeg * pxPerDeg) / n) * 65536);
    let acc = start + (step >> 1);
    for (let x = 0; x < n; x++, acc += step) table[x] = (acc >>> 16) % panoWidth;
    return table;
  }

  /** Panorama row for each output row (-1 above the panorama, -2 below it). */
  private rowTable(n: number, topDeg: number, spanDeg: number, panoHeight: number): Int32Array {
    const table = new Int32Array(n);
    const pxPerDeg = panoHeight / (this.panorama.height / PX_PER_DEG);
    for (let y = 0; y < n; y++) {
      const el = topDeg - ((y + 0.5) * spanDeg) / n;
      const row = Math.floor((ELEV_TOP_DEG - el) * pxPerDeg);
      table[y] = row < 0 ? -1 : row >= panoHeight ? -2 : row;
    }
    return table;
  }

  private drawFigure(planes: Yuv420Planes, view: PtzPhysical, f: SceneFigure): void {
    if (![f.azDeg, f.elDeg, f.heightDeg].every(Number.isFinite)) return;
    const hfov = horizontalFovDeg(view.zoom);
    let dAz = wrapDeg(f.azDeg - view.panDeg);
    if (dAz > 180) dAz -= 360;
    if (Math.abs(dAz) > hfov) return;
    const pxPerDeg = this.width / hfov;
    // whole pixels from here on: centre, feet, height, width and head size
    const cx = Math.round(this.width / 2 + dAz * pxPerDeg);
    const feet = Math.round(this.height / 2 + (view.tiltDeg - f.elDeg) * pxPerDeg);
    const h = Math.min(4 * this.height, Math.max(4, Math.round(f.heightDeg * pxPerDeg)));
    if (f.sprite) return drawSprite(planes, f.sprite, cx, feet, h);
    const w = Math.max(2, Math.round(h / 3));
    const head = Math.max(1, Math.round(h / 5));
    const left = cx - (w >> 1);
    const headLeft = cx - (head >> 1);
    fillBox(planes, left, feet - h + head, left + w, feet, FIGURE_BODY);
    fillBox(planes, headLeft, feet - h, headLeft + head, feet - h + head, FIGURE_HEAD);
  }
}

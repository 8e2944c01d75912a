/**
 * The machine-readable frame stamp: three rows of black/white cells across the top of every
 * frame. Each row starts with the sync cells 1,0,1,0 followed by 60 data cells (MSB first).
 * Payload (144 bits): frame counter (32), host wall-clock ms (48), pan in centi-degrees (16),
 * tilt in centi-degrees + 18000 (16), zoom x100 (16), checksum (16). Cells are width/64 pixels
 * square, large enough to survive H.264 at any sane bitrate and a scale down to a quarter.
 */
import { BLACK_Y, WHITE_Y } from './color.js';
import { fillSpan } from './plane.js';

export interface FrameStamp {
  /** Frames rendered since the encoder started (restarts at 0 with each encoder run). */
  frame: number;
  /** Host wall clock (Date.now()) when the frame was rendered: compare with Date.now() for latency. */
  wallMs: number;
  panDeg: number;
  tiltDeg: number;
  zoom: number;
}

const CELLS_PER_ROW = 64;
const SYNC = [1, 0, 1, 0];
const DATA_PER_ROW = CELLS_PER_ROW - SYNC.length;
const ROWS = 3;

/** Size of one stamp cell in pixels for a frame of the given width. */
export function stampCellSize(width: number): number {
  return Math.max(2, Math.floor(width / CELLS_PER_ROW));
}

/** Height in pixels of the stamp band at the top of the frame. */
export function stampHeight(width: number): number {
  return stampCellSize(width) * ROWS;
}

function checksum(words: readonly number[]): number {
  let sum = 0x5a5a;
  for (const w of words) sum = ((sum * 31) ^ (w & 0xffff)) & 0xffff;
  return sum;
}

function toBits(stamp: FrameStamp): number[] {
  const frame = stamp.frame >>> 0;
  const ms = Math.max(0, Math.floor(stamp.wallMs));
  const msHigh = Math.floor(ms / 0x1000000) & 0xffffff;
  const msLow = ms % 0x1000000;
  const pan = Math.round(stamp.panDeg * 100) & 0xffff;
  const tilt = (Math.round(stamp.tiltDeg * 100) + 18000) & 0xffff;
  const zoom = Math.round(stamp.zoom * 100) & 0xffff;
  const words16 = [frame >>> 16, frame & 0xffff, msHigh >>> 8, ((msHigh & 0xff) << 8) | (msLow >>> 16), msLow & 0xffff, pan, tilt, zoom];
  const all = [...words16, checksum(words16)];
  const bits: number[] = [];
  for (const w of all) for (let b = 15; b >= 0; b--) bits.push((w >>> b) & 1);
  while (bits.length < ROWS * DATA_PER_ROW) bits.push(0);
  return bits;
}

/** Draws the stamp into a luma plane (and greys the matching chroma when given). */
export function drawFrameStamp(
  luma: Uint8Array,
  width: number,
  stamp: FrameStamp,
  chroma?: { u: Uint8Array; v: Uint8Array },
): void {
  const cell = stampCellSize(width);
  const bits = toBits(stamp);
  for (let row = 0; row < ROWS; row++) {
    for (let c = 0; c < CELLS_PER_ROW; c++) {
      const bit = c < SYNC.length ? SYNC[c]! : bits[row * DATA_PER_ROW + c - SYNC.length]!;
      const value = bit ? WHITE_Y : BLACK_Y;
      for (let y = row * cell; y < (row + 1) * cell; y++) {
        fillSpan(luma, value, y * width + c * cell, y * width + (c + 1) * cell);
      }
    }
    // anything right of the last cell: black
    for (let y = row * cell; y < (row + 1) * cell; y++) fillSpan(luma, BLACK_Y, y * width + CELLS_PER_ROW * cell, (y + 1) * width);
  }
  if (chroma) {
    const cw = width >> 1;
    const rows = (ROWS * cell) >> 1;
    fillSpan(chroma.u, 128, 0, rows * cw);
    fillSpan(chroma.v, 128, 0, rows * cw);
  }
}

/**
 * Reads the stamp back from decoded pixels: an 8-bit luma (or grey) plane, e.g. from
 * `ffmpeg ... -f rawvideo -pix_fmt gray`. Returns undefined when there is no valid stamp
 * (sync cells or checksum do not match).
 */
export function decodeFrameStamp(luma: Uint8Array, width: number, height: number, stride = width): FrameStamp | undefined {
  const cell = stampCellSize(width);
  if (height < ROWS * cell) return undefined;
  const sampleCell = (row: number, c: number): number => {
    // average the centre half of the cell, away from compression ringing at its edges
    const x0 = c * cell + Math.floor(cell / 4);
    const x1 = c * cell + Math.ceil((3 * cell) / 4);
    const y0 = row * cell + Math.floor(cell / 4);
    const y1 = row * cell + Math.ceil((3 * cell) / 4);
    let sum = 0;
    let n = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        sum += luma[y * stride + x]!;
        n++;
      }
    }
    return sum / n >= 128 ? 1 : 0;
  };
  const bits: number[] = [];
  for (let row = 0; row < ROWS; row++) {
    for (let c = 0; c < SYNC.length; c++) if (sampleCell(row, c) !== SYNC[c]) return undefined;
    for (let c = SYNC.length; c < CELLS_PER_ROW; c++) bits.push(sampleCell(row, c));
  }
  const words: number[] = [];
  for (let w = 0; w < 9; w++) {
    let v = 0;
    for (let b = 0; b < 16; b++) v = (v << 1) | bits[w * 16 + b]!;
    words.push(v);
  }
  const data = words.slice(0, 8);
  if (checksum(data) !== words[8]) return undefined;
  const [fHi, fLo, m0, m1, m2, pan, tilt, zoom] = data as [number, number, number, number, number, number, number, number];
  const msHigh = (m0 << 8) | (m1 >>> 8);
  const msLow = ((m1 & 0xff) << 16) | m2;
  return {
    frame: fHi * 0x10000 + fLo,
    wallMs: msHigh * 0x1000000 + msLow,
    panDeg: pan / 100,
    tiltDeg: (tilt - 18000) / 100,
    zoom: zoom / 100,
  };
}

/** The same for packed rgb24 pixels (converted to luma on the fly). */
export function decodeFrameStampRgb(rgb: Uint8Array, width: number, height: number): FrameStamp | undefined {
  const luma = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < luma.length; i++, j += 3) {
    luma[i] = (rgb[j]! * 77 + rgb[j + 1]! * 150 + rgb[j + 2]! * 29) >> 8;
  }
  return decodeFrameStamp(luma, width, height);
}

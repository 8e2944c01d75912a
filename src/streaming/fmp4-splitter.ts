/**
 * Reads ffmpeg's fragmented MP4 box by box: `ftyp` + `moov` become the init segment (with the
 * exact MSE codec string read from `avcC`/`hvcC`), each `moof` + `mdat` becomes one unit, a
 * keyframe when its first sample is a sync sample.
 */
import type { InitSegment, MediaUnit } from './types.js';

interface Box {
  type: string;
  start: number;
  /** Offset of the payload (after size, type and largesize). */
  body: number;
  end: number;
}

/** Top-level boxes inside buf[from, to). Stops at an incomplete box. */
export function readBoxes(buf: Buffer, from = 0, to = buf.length): Box[] {
  const boxes: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = buf.readUInt32BE(at);
    // four latin1 characters (String.fromCharCode: several times cheaper than toString per box)
    const type = String.fromCharCode(buf[at + 4]!, buf[at + 5]!, buf[at + 6]!, buf[at + 7]!);
    let body = at + 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(buf.readBigUInt64BE(at + 8));
      body = at + 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < 8 || at + size > to) break;
    boxes.push({ type, start: at, body, end: at + size });
    at += size;
  }
  return boxes;
}

function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  return readBoxes(buf, parent.body, parent.end).find((b) => b.type === type);
}

const NON_SYNC = 0x00010000;

/** Whether the first sample of a `moof` is a sync sample (a keyframe). */
export function moofStartsWithKeyframe(buf: Buffer, moof: Box, trexDefaultFlags?: number): boolean {
  const traf = child(buf, moof, 'traf');
  if (!traf) return false;
  let flags = trexDefaultFlags;
  const tfhd = child(buf, traf, 'tfhd');
  if (tfhd) {
    const tf = buf.readUInt32BE(tfhd.body) & 0xffffff;
    let at = tfhd.body + 8; // version/flags + track_ID
    if (tf & 0x01) at += 8;
    if (tf & 0x02) at += 4;
    if (tf & 0x08) at += 4;
    if (tf & 0x10) at += 4;
    if (tf & 0x20) flags = buf.readUInt32BE(at);
  }
  const trun = child(buf, traf, 'trun');
  if (trun) {
    const tr = buf.readUInt32BE(trun.body) & 0xffffff;
    let at = trun.body + 8; // version/flags + sample_count
    if (tr & 0x01) at += 4;
    if (tr & 0x04) {
      flags = buf.readUInt32BE(at);
    } else if (tr & 0x400) {
      if (tr & 0x100) at += 4;
      if (tr & 0x200) at += 4;
      flags = buf.readUInt32BE(at);
    }
  }
  return flags === undefined ? false : (flags & NON_SYNC) === 0;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

function reverseBits32(n: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) r = (r << 1) | ((n >>> i) & 1);
  return r >>> 0;
}

/** MSE codec string, width and height from the first video sample entry of a `moov`. */
export function describeInit(buf: Buffer): { codecs: string; width: number; height: number } | undefined {
  for (const entry of ['avc1', 'avc3', 'hvc1', 'hev1']) {
    const at = buf.indexOf(entry, 0, 'latin1');
    if (at < 4) continue;
    const entryBody = at + 4;
    const width = buf.readUInt16BE(entryBody + 24);
    const height = buf.readUInt16BE(entryBody + 26);
    if (entry.startsWith('avc')) {
      const c = buf.indexOf('avcC', entryBody, 'latin1');
      if (c < 0) continue;
      const rec = c + 4;
      return { codecs: `${entry}.${hex2(buf[rec + 1]!)}${hex2(buf[rec + 2]!)}${hex2(buf[rec + 3]!)}`, width, height };
    }
    const c = buf.indexOf('hvcC', entryBody, 'latin1');
    if (c < 0) continue;
    const rec = c + 4;
    const b1 = buf[rec + 1]!;
    const space = ['', 'A', 'B', 'C'][b1 >> 6]!;
    const tier = b1 & 0x20 ? 'H' : 'L';
    const profile = b1 & 0x1f;
    const compat = reverseBits32(buf.readUInt32BE(rec + 2)).toString(16).toUpperCase();
    const constraints = [...buf.subarray(rec + 6, rec + 12)];
    while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
    const level = buf[rec + 12]!;
    const tail = constraints.map((b) => `.${b.toString(16).toUpperCase()}`).join('');
    return { codecs: `${entry}.${space}${profile}.${compat}.${tier}${level}${tail}`, width, height };
  }
  return undefined;
}

function trexFlags(buf: Buffer, moov: Box): number | undefined {
  const mvex = child(buf, moov, 'mvex');
  const trex = mvex && child(buf, mvex, 'trex');
  return trex ? buf.readUInt32BE(trex.body + 20) : undefined;
}

export class Fmp4Splitter {
  private buffer: Buffer = Buffer.alloc(0);
  private ftyp: Buffer | undefined;
  private moof: Buffer | undefined;
  private moofKey = false;
  private defaultFlags: number | undefined;
  /** Boxes between fragments (styp, sidx, ...) travel with the next fragment. */
  private prefix: Buffer[] = [];

  constructor(
    private readonly onInit: (init: InitSegment) => void,
    private readonly onUnit: (unit: MediaUnit) => void,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const boxes = readBoxes(this.buffer);
    for (const box of boxes) this.onBox(box);
    const consumed = boxes.length ? boxes[boxes.length - 1]!.end : 0;
    this.buffer = Buffer.from(this.buffer.subarray(consumed));
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.ftyp = this.moof = undefined;
    this.prefix = [];
    this.defaultFlags = undefined;
  }

  private onBox(box: Box): void {
    const bytes = Buffer.from(this.buffer.subarray(box.start, box.end));
    switch (box.type) {
      case 'ftyp':
        this.ftyp = bytes;
        return;
      case 'moov': {
        const info = describeInit(bytes);
        if (!info) return this.onError('the camera stream is not H.264 or H.265 (no avcC/hvcC in the MP4 header)');
        this.defaultFlags = trexFlags(bytes, { type: 'moov', start: 0, body: 8, end: bytes.length });
        const data = this.ftyp ? Buffer.concat([this.ftyp, bytes]) : bytes;
        this.onInit({ data, ...info, mime: `video/mp4; codecs="${info.codecs}"` });
        return;
      }
      case 'moof':
        this.moof = bytes;
        this.moofKey = moofStartsWithKeyframe(bytes, { type: 'moof', start: 0, body: 8, end: bytes.length }, this.defaultFlags);
        return;
      case 'mdat': {
        if (!this.moof) return;
        const data = Buffer.concat([...this.prefix, this.moof, bytes]);
        this.prefix = [];
        this.moof = undefined;
        this.onUnit({ data, frameStart: true, keyframe: this.moofKey });
        return;
      }
      case 'mfra':
        return;
      default:
        this.prefix.push(bytes);
    }
  }
}

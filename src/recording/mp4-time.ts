/**
 * The few fMP4 fields the recorder reads and writes: the track's timescale (`mdhd`), each
 * fragment's decode time (`tfdt`, rewritten for playback and export so that every camera runs on
 * one clock) and duration (`trun`/`tfhd`), and a scan of a segment file into init segment and
 * complete fragments (what survives a crash).
 */
import { moofStartsWithKeyframe, readBoxes } from '../streaming/fmp4-splitter.js';

type Box = ReturnType<typeof readBoxes>[number];

function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  return readBoxes(buf, parent.body, parent.end).find((b) => b.type === type);
}

function path(buf: Buffer, parent: Box, types: string[]): Box | undefined {
  let at: Box | undefined = parent;
  for (const t of types) {
    at = at && child(buf, at, t);
    if (!at) return undefined;
  }
  return at;
}

function whole(buf: Buffer): Box {
  return { type: '', start: 0, body: 0, end: buf.length };
}

/** Timescale of the first track of an init segment (ftyp + moov), ticks per second. */
export function timescaleOf(init: Buffer): number {
  const mdhd = path(init, whole(init), ['moov', 'trak', 'mdia', 'mdhd']);
  if (!mdhd) throw new Error('init segment without mdhd');
  const version = init[mdhd.body]!;
  const ts = init.readUInt32BE(mdhd.body + (version === 1 ? 20 : 12));
  if (ts <= 0) throw new Error('init segment with timescale 0');
  return ts;
}

/** Default sample flags of the track (`trex`), used when a fragment does not say. */
export function trexDefaultFlags(init: Buffer): number | undefined {
  const trex = path(init, whole(init), ['moov', 'mvex', 'trex']);
  return trex ? init.readUInt32BE(trex.body + 20) : undefined;
}

function tfdtBox(frag: Buffer): Box | undefined {
  const moof = readBoxes(frag).find((b) => b.type === 'moof');
  return moof && path(frag, moof, ['traf', 'tfdt']);
}

/** Decode time of a fragment (moof + mdat, possibly with boxes before), in timescale ticks. */
export function tfdtOf(frag: Buffer): number {
  const tfdt = tfdtBox(frag);
  if (!tfdt) throw new Error('fragment without tfdt');
  return frag[tfdt.body] === 1 ? Number(frag.readBigUInt64BE(tfdt.body + 4)) : frag.readUInt32BE(tfdt.body + 4);
}

/** A copy of the fragment with its decode time set to `ticks`. */
export function withTfdt(frag: Buffer, ticks: number): Buffer {
  const tfdt = tfdtBox(frag);
  if (!tfdt) throw new Error('fragment without tfdt');
  const out = Buffer.from(frag);
  const t = Math.max(0, Math.round(ticks));
  if (out[tfdt.body] === 1) out.writeBigUInt64BE(BigInt(t), tfdt.body + 4);
  else out.writeUInt32BE(t % 2 ** 32, tfdt.body + 4);
  return out;
}

/** Sum of the sample durations of a fragment, in ticks (0 when it does not say). */
export function durationOf(frag: Buffer): number {
  const moof = readBoxes(frag).find((b) => b.type === 'moof');
  const traf = moof && child(frag, moof, 'traf');
  if (!traf) return 0;
  let defaultDuration = 0;
  const tfhd = child(frag, traf, 'tfhd');
  if (tfhd) {
    const tf = frag.readUInt32BE(tfhd.body) & 0xffffff;
    let at = tfhd.body + 8;
    if (tf & 0x01) at += 8;
    if (tf & 0x02) at += 4;
    if (tf & 0x08) defaultDuration = frag.readUInt32BE(at);
  }
  const trun = child(frag, traf, 'trun');
  if (!trun) return 0;
  const tr = frag.readUInt32BE(trun.body) & 0xffffff;
  const count = frag.readUInt32BE(trun.body + 4);
  if (!(tr & 0x100)) return defaultDuration * count;
  let at = trun.body + 8;
  if (tr & 0x01) at += 4;
  if (tr & 0x04) at += 4;
  const per = [0x100, 0x200, 0x400, 0x800].filter((f) => tr & f).length * 4;
  let total = 0;
  for (let i = 0; i < count && at + 4 <= trun.end; i++, at += per) total += frag.readUInt32BE(at);
  return total;
}

export interface ScannedFragment {
  /** Byte offset of the fragment's first box in the file, and its length (moof + mdat). */
  offset: number;
  length: number;
  tfdt: number;
  duration: number;
  keyframe: boolean;
}

export interface ScannedSegment {
  init: Buffer;
  timescale: number;
  fragments: ScannedFragment[];
  /** Bytes up to the end of the last complete fragment: what a repair keeps. */
  validBytes: number;
}

/** Reads a segment file's bytes: init segment, then every complete moof + mdat pair. Undefined without a usable init. */
export function scanSegment(buf: Buffer): ScannedSegment | undefined {
  const boxes = readBoxes(buf);
  const ftyp = boxes.find((b) => b.type === 'ftyp');
  const moov = boxes.find((b) => b.type === 'moov');
  if (!ftyp || !moov) return undefined;
  const init = buf.subarray(ftyp.start, moov.end);
  let timescale: number;
  try {
    timescale = timescaleOf(init);
  } catch {
    return undefined;
  }
  const { fragments, validBytes } = scanFragments(buf, trexDefaultFlags(init), moov.end, boxes);
  return { init: Buffer.from(init), timescale, fragments, validBytes: fragments.length > 0 ? validBytes : moov.end };
}

/**
 * The complete moof + mdat pairs of `buf` from byte `from` on (fragments only, no init segment
 * needed: `trexFlags` are the track's default sample flags). `validBytes` is the end of the last
 * complete fragment (`from` when none is).
 */
export function scanFragments(buf: Buffer, trexFlags: number | undefined, from = 0, boxes = readBoxes(buf, from)): { fragments: ScannedFragment[]; validBytes: number } {
  const fragments: ScannedFragment[] = [];
  let validBytes = from;
  let moof: Box | undefined;
  for (const box of boxes) {
    if (box.start < from) continue;
    if (box.type === 'moof') moof = box;
    else if (box.type === 'mdat' && moof) {
      const frag = buf.subarray(moof.start, box.end);
      let tfdt: number;
      try {
        tfdt = tfdtOf(frag);
      } catch {
        break;
      }
      fragments.push({ offset: moof.start, length: box.end - moof.start, tfdt, duration: durationOf(frag), keyframe: moofStartsWithKeyframe(buf, moof, trexFlags) });
      validBytes = box.end;
      moof = undefined;
    }
  }
  return { fragments, validBytes };
}

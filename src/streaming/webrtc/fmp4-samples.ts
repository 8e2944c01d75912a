/**
 * What WebRTC needs from the live fMP4 stream: the H.264 parameter sets and NAL length size of the
 * init segment (`avcC`), its timescale (`mdhd`), and for each fragment (one frame with
 * frag_every_frame) its decode time (`tfdt`) and samples (`trun` sizes) cut out of `mdat`.
 */
import { readBoxes } from '../fmp4-splitter.js';

type Box = ReturnType<typeof readBoxes>[number];

function child(buf: Buffer, parent: Box, type: string): Box | undefined {
  return readBoxes(buf, parent.body, parent.end).find((b) => b.type === type);
}

function path(buf: Buffer, parent: Box, types: string[]): Box | undefined {
  let at: Box | undefined = parent;
  for (const t of types) at = at && child(buf, at, t);
  return at;
}

const whole = (buf: Buffer): Box => ({ type: '', start: 0, body: 0, end: buf.length });

export interface H264Config {
  timescale: number;
  nalLengthSize: number;
  sps: Buffer[];
  pps: Buffer[];
  /** `profile-level-id` for the SDP (6 hex digits). */
  profileLevelId: string;
}

/** Reads an H.264 init segment (ftyp + moov); undefined when it is not H.264 (H.265 goes to MSE). */
export function h264Config(init: Buffer): H264Config | undefined {
  const mdhd = path(init, whole(init), ['moov', 'trak', 'mdia', 'mdhd']);
  if (!mdhd || mdhd.end - mdhd.body < 24) return undefined;
  const timescale = init.readUInt32BE(mdhd.body + (init[mdhd.body] === 1 ? 20 : 12));
  const at = init.indexOf('avcC', 0, 'latin1');
  if (at < 4 || timescale <= 0) return undefined;
  const end = Math.min(init.length, at - 4 + init.readUInt32BE(at - 4));
  let p = at + 4;
  if (p + 6 > end) return undefined;
  const profileLevelId = init.subarray(p + 1, p + 4).toString('hex');
  const nalLengthSize = (init[p + 4]! & 0x03) + 1;
  const take = (count: number, into: Buffer[]): boolean => {
    for (let i = 0; i < count; i++) {
      if (p + 2 > end) return false;
      const len = init.readUInt16BE(p);
      p += 2;
      if (p + len > end) return false;
      into.push(Buffer.from(init.subarray(p, p + len)));
      p += len;
    }
    return true;
  };
  const sps: Buffer[] = [];
  const pps: Buffer[] = [];
  const spsCount = init[p + 5]! & 0x1f;
  p += 6;
  if (!take(spsCount, sps) || p >= end) return undefined;
  const ppsCount = init[p]!;
  p += 1;
  if (!take(ppsCount, pps)) return undefined;
  return { timescale, nalLengthSize, sps, pps, profileLevelId };
}

export interface FrameSample {
  /** Decode time in the track's timescale. */
  time: number;
  /** NAL units of the sample, without length prefixes. */
  nals: Buffer[];
}

/** The samples of one fragment (moof + mdat, possibly with boxes before), with their NAL units. */
export function fragmentSamples(frag: Buffer, nalLengthSize: number): FrameSample[] {
  const boxes = readBoxes(frag);
  const moof = boxes.find((b) => b.type === 'moof');
  const mdat = boxes.find((b) => b.type === 'mdat');
  const traf = moof && child(frag, moof, 'traf');
  if (!moof || !mdat || !traf) return [];
  const tfdt = child(frag, traf, 'tfdt');
  let time = tfdt ? (frag[tfdt.body] === 1 ? Number(frag.readBigUInt64BE(tfdt.body + 4)) : frag.readUInt32BE(tfdt.body + 4)) : 0;
  let defaultDuration = 0;
  let defaultSize = 0;
  const tfhd = child(frag, traf, 'tfhd');
  if (tfhd) {
    const tf = frag.readUInt32BE(tfhd.body) & 0xffffff;
    let at = tfhd.body + 8;
    if (tf & 0x01) at += 8;
    if (tf & 0x02) at += 4;
    if (tf & 0x08) {
      defaultDuration = frag.readUInt32BE(at);
      at += 4;
    }
    if (tf & 0x10) defaultSize = frag.readUInt32BE(at);
  }
  const trun = child(frag, traf, 'trun');
  if (!trun) return [];
  const tr = frag.readUInt32BE(trun.body) & 0xffffff;
  const count = frag.readUInt32BE(trun.body + 4);
  let at = trun.body + 8;
  // data_offset is relative to the moof (default-base-is-moof); without it the data starts the mdat.
  let dataAt = mdat.body;
  if (tr & 0x01) {
    dataAt = moof.start + frag.readInt32BE(at);
    at += 4;
  }
  if (tr & 0x04) at += 4;
  const samples: FrameSample[] = [];
  for (let i = 0; i < count && at <= trun.end; i++) {
    const duration = tr & 0x100 ? frag.readUInt32BE((at += 4) - 4) : defaultDuration;
    const size = tr & 0x200 ? frag.readUInt32BE((at += 4) - 4) : defaultSize;
    if (tr & 0x400) at += 4;
    if (tr & 0x800) at += 4;
    if (dataAt + size > mdat.end) break;
    samples.push({ time, nals: splitNals(frag.subarray(dataAt, dataAt + size), nalLengthSize) });
    dataAt += size;
    time += duration;
  }
  return samples;
}

/** Splits a length-prefixed (AVCC) sample into its NAL units; stops at a length that overruns. */
export function splitNals(sample: Buffer, lengthSize: number): Buffer[] {
  const nals: Buffer[] = [];
  let p = 0;
  while (p + lengthSize <= sample.length) {
    const len = sample.readUIntBE(p, lengthSize);
    p += lengthSize;
    if (len === 0 || p + len > sample.length) break;
    nals.push(sample.subarray(p, p + len));
    p += len;
  }
  return nals;
}

/**
 * The head of a standard (progressive, faststart) MP4 file built from the camera's init segment
 * and a sample table: `ftyp`, then `moov` (the camera's own sample description `stsd`, copied
 * byte for byte, so the codec parameters stay the camera's; durations; `stts`, `ctts`, `stss`,
 * `stsz`, `stsc`, `stco`/`co64` for the samples, one chunk per recorded fragment), then the
 * `mdat` header. The sample bytes follow the head unchanged, chunk after chunk. The index comes
 * first, so the file plays while it downloads, and no second pass moves it there.
 */
import { readBoxes } from '../streaming/fmp4-splitter.js';

type Box = ReturnType<typeof readBoxes>[number];

export interface SampleTable {
  sizes: number[];
  durations: number[];
  sync: boolean[];
  cts: number[];
  /** Samples in each chunk, and each chunk's bytes, in file order. */
  chunkSamples: number[];
  chunkBytes: number[];
}

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

function fullBox(type: string, version: number, flags: number, body: Buffer): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, vf, body);
}

function u32s(values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) b.writeUInt32BE(values[i]! >>> 0, i * 4);
  return b;
}

/** Run-length pairs (count, value) of a list. */
function runs(values: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const v of values) {
    const last = out[out.length - 1];
    if (last && last[1] === v) last[0]++;
    else out.push([1, v]);
  }
  return out;
}

function tableBox(type: string, version: number, entries: Array<[number, number]>, signed = false): Buffer {
  const b = Buffer.alloc(4 + entries.length * 8);
  b.writeUInt32BE(entries.length, 0);
  entries.forEach(([count, value], i) => {
    b.writeUInt32BE(count, 4 + i * 8);
    if (signed) b.writeInt32BE(value, 8 + i * 8);
    else b.writeUInt32BE(value >>> 0, 8 + i * 8);
  });
  return fullBox(type, version, 0, b);
}

function children(buf: Buffer, parent: Box): Box[] {
  return readBoxes(buf, parent.body, parent.end);
}

function raw(buf: Buffer, b: Box): Buffer {
  return buf.subarray(b.start, b.end);
}

/** A copy of a full box with its duration field (32 or 64 bits by version) set. */
function withDuration(buf: Buffer, b: Box, at32: number, at64: number, duration: number): Buffer {
  const out = Buffer.from(raw(buf, b));
  const body = b.body - b.start;
  if (out[body] === 1) out.writeBigUInt64BE(BigInt(Math.round(duration)), body + at64);
  else out.writeUInt32BE(Math.min(0xffffffff, Math.round(duration)), body + at32);
  return out;
}

function timescaleAt(buf: Buffer, b: Box, at32: number, at64: number): number {
  return buf.readUInt32BE(b.body + (buf[b.body] === 1 ? at64 : at32));
}

function sampleTable(buf: Buffer, stsd: Box, t: SampleTable, firstChunkOffset: number): Buffer {
  const parts = [raw(buf, stsd), tableBox('stts', 0, runs(t.durations))];
  if (t.cts.some((c) => c !== 0)) {
    const negative = t.cts.some((c) => c < 0);
    parts.push(tableBox('ctts', negative ? 1 : 0, runs(t.cts), negative));
  }
  if (t.sync.some((s) => !s)) {
    const syncs: number[] = [];
    t.sync.forEach((s, i) => s && syncs.push(i + 1));
    parts.push(fullBox('stss', 0, 0, Buffer.concat([u32s([syncs.length]), u32s(syncs)])));
  }
  parts.push(fullBox('stsz', 0, 0, Buffer.concat([u32s([0, t.sizes.length]), u32s(t.sizes)])));
  const stsc: number[] = [];
  runs(t.chunkSamples).reduce((chunk, [count, samples]) => {
    stsc.push(chunk, samples, 1);
    return chunk + count;
  }, 1);
  parts.push(fullBox('stsc', 0, 0, Buffer.concat([u32s([stsc.length / 3]), u32s(stsc)])));
  const total = t.chunkBytes.reduce((a, b) => a + b, 0);
  // 32-bit offsets unless the file may pass 4 GiB (decided on the payload alone: the head's size must not depend on the offsets)
  const large = total + (64 << 20) > 0xffffffff;
  const offsets = Buffer.alloc(4 + t.chunkBytes.length * (large ? 8 : 4));
  offsets.writeUInt32BE(t.chunkBytes.length, 0);
  let at = firstChunkOffset;
  t.chunkBytes.forEach((bytes, i) => {
    if (large) offsets.writeBigUInt64BE(BigInt(at), 4 + i * 8);
    else offsets.writeUInt32BE(at, 4 + i * 4);
    at += bytes;
  });
  parts.push(fullBox(large ? 'co64' : 'stco', 0, 0, offsets));
  return box('stbl', ...parts);
}

const FTYP = box('ftyp', Buffer.from('isom', 'latin1'), u32s([0x200]), Buffer.from('isomiso2avc1mp41', 'latin1'));

function mdatHeader(payload: number): Buffer {
  if (payload + 8 <= 0xffffffff) return Buffer.concat([u32s([payload + 8]), Buffer.from('mdat', 'latin1')]);
  const h = Buffer.alloc(16);
  h.writeUInt32BE(1, 0);
  h.write('mdat', 4, 'latin1');
  h.writeBigUInt64BE(BigInt(payload + 16), 8);
  return h;
}

/**
 * ftyp + moov + mdat header for `table`, from the camera's init segment (ftyp + moov of a
 * fragmented MP4 with one video track). Throws when the init has no such track.
 */
export function progressiveHead(init: Buffer, table: SampleTable): Buffer {
  const moov = readBoxes(init).find((b) => b.type === 'moov');
  if (!moov) throw new Error('init segment without moov');
  const top = children(init, moov);
  const mvhd = top.find((b) => b.type === 'mvhd');
  const trak = top.find((b) => b.type === 'trak');
  if (!mvhd || !trak) throw new Error('init segment without mvhd or trak');
  const trakKids = children(init, trak);
  const tkhd = trakKids.find((b) => b.type === 'tkhd');
  const mdia = trakKids.find((b) => b.type === 'mdia');
  const mdiaKids = mdia ? children(init, mdia) : [];
  const mdhd = mdiaKids.find((b) => b.type === 'mdhd');
  const minf = mdiaKids.find((b) => b.type === 'minf');
  const minfKids = minf ? children(init, minf) : [];
  const stbl = minfKids.find((b) => b.type === 'stbl');
  const stsd = stbl && children(init, stbl).find((b) => b.type === 'stsd');
  if (!tkhd || !mdia || !mdhd || !minf || !stsd) throw new Error('init segment without a complete video track');

  const mediaTicks = table.durations.reduce((a, b) => a + b, 0);
  const movieScale = timescaleAt(init, mvhd, 12, 20);
  const mediaScale = timescaleAt(init, mdhd, 12, 20);
  const movieTicks = (mediaTicks * movieScale) / mediaScale;
  const payload = table.chunkBytes.reduce((a, b) => a + b, 0);

  const build = (firstChunkOffset: number): Buffer => {
    const minfOut = box('minf', ...minfKids.map((b) => (b === stbl ? sampleTable(init, stsd, table, firstChunkOffset) : raw(init, b))));
    const mdiaOut = box('mdia', ...mdiaKids.map((b) => (b === mdhd ? withDuration(init, b, 16, 24, mediaTicks) : b === minf ? minfOut : raw(init, b))));
    // the fragmented track's edit list (if any) described an empty track: not carried over
    const trakOut = box('trak', ...trakKids.filter((b) => b.type !== 'edts').map((b) => (b === tkhd ? withDuration(init, b, 20, 28, movieTicks) : b === mdia ? mdiaOut : raw(init, b))));
    const moovOut = box('moov', ...top.filter((b) => b.type !== 'mvex' && (b.type !== 'trak' || b === trak)).map((b) => (b === mvhd ? withDuration(init, b, 16, 24, movieTicks) : b === trak ? trakOut : raw(init, b))));
    return Buffer.concat([FTYP, moovOut, mdatHeader(payload)]);
  };
  // the chunk offsets depend on the head's own size, which does not depend on their values
  const probe = build(0);
  return build(probe.length);
}

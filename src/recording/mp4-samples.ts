/**
 * The samples of one recorded fragment (moof + mdat), as its `tfhd` and `trun` describe them:
 * size, duration, sync flag and composition offset of each, and where their bytes lie (the
 * samples of a fragment are contiguous, from the moof's start plus the trun's data offset). What
 * the progressive-MP4 export needs to write a sample table without decoding anything.
 */
import { readBoxes } from '../streaming/fmp4-splitter.js';

type Box = ReturnType<typeof readBoxes>[number];

/** Track defaults of an init segment (`trex`), used where a fragment does not say. */
export interface TrackDefaults {
  duration: number;
  size: number;
  flags: number;
}

export interface FragmentSamples {
  /** Offset of the first sample's bytes from the start of the fragment buffer. */
  dataOffset: number;
  /** Bytes of all samples together. */
  dataLength: number;
  sizes: number[];
  durations: number[];
  sync: boolean[];
  /** Composition time offsets (ticks; 0 without B-frames). */
  cts: number[];
}

const NON_SYNC = 0x10000;

function childOf(buf: Buffer, parent: Box, type: string): Box | undefined {
  return readBoxes(buf, parent.body, parent.end).find((b) => b.type === type);
}

/** The `trex` defaults of the first track of an init segment (zeros where it has none). */
export function trackDefaults(init: Buffer): TrackDefaults {
  const moov = readBoxes(init).find((b) => b.type === 'moov');
  const mvex = moov && childOf(init, moov, 'mvex');
  const trex = mvex && childOf(init, mvex, 'trex');
  if (!trex) return { duration: 0, size: 0, flags: 0 };
  return { duration: init.readUInt32BE(trex.body + 12), size: init.readUInt32BE(trex.body + 16), flags: init.readUInt32BE(trex.body + 20) };
}

/** The samples of a fragment; undefined when it has no track run or its run points outside it. */
export function fragmentSamples(frag: Buffer, defaults: TrackDefaults): FragmentSamples | undefined {
  const moof = readBoxes(frag).find((b) => b.type === 'moof');
  const traf = moof && childOf(frag, moof, 'traf');
  const tfhd = traf && childOf(frag, traf, 'tfhd');
  const trun = traf && childOf(frag, traf, 'trun');
  if (!moof || !tfhd || !trun) return undefined;
  const tf = frag.readUInt32BE(tfhd.body) & 0xffffff;
  if (tf & 0x01) return undefined; // an absolute base offset: not how the recorder's fragments are written
  let at = tfhd.body + 8;
  if (tf & 0x02) at += 4;
  let defDuration = defaults.duration;
  let defSize = defaults.size;
  let defFlags = defaults.flags;
  if (tf & 0x08) {
    defDuration = frag.readUInt32BE(at);
    at += 4;
  }
  if (tf & 0x10) {
    defSize = frag.readUInt32BE(at);
    at += 4;
  }
  if (tf & 0x20) defFlags = frag.readUInt32BE(at);

  const version = frag[trun.body]!;
  const tr = frag.readUInt32BE(trun.body) & 0xffffff;
  const count = frag.readUInt32BE(trun.body + 4);
  at = trun.body + 8;
  let dataOffset = 0;
  if (tr & 0x01) {
    dataOffset = frag.readInt32BE(at);
    at += 4;
  }
  let firstFlags: number | undefined;
  if (tr & 0x04) {
    firstFlags = frag.readUInt32BE(at);
    at += 4;
  }
  const per = [0x100, 0x200, 0x400, 0x800].filter((f) => tr & f).length * 4;
  if (at + count * per > trun.end) return undefined;
  const out: FragmentSamples = { dataOffset: moof.start + dataOffset, dataLength: 0, sizes: [], durations: [], sync: [], cts: [] };
  for (let i = 0; i < count; i++) {
    const duration = tr & 0x100 ? frag.readUInt32BE(at) : defDuration;
    if (tr & 0x100) at += 4;
    const size = tr & 0x200 ? frag.readUInt32BE(at) : defSize;
    if (tr & 0x200) at += 4;
    let flags = i === 0 && firstFlags !== undefined ? firstFlags : defFlags;
    if (tr & 0x400) {
    flags = frag.readUInt32BE(at);
    at += 4;
  }
    let cts = 0;
    if (tr & 0x800) {
    cts = version === 0 ? frag.readUInt32BE(at) : frag.readInt32BE(at);
    at += 4;
  }
    out.sizes.push(size);
    out.durations.push(duration);
    out.sync.push((flags & NON_SYNC) === 0);
    out.cts.push(cts);
    out.dataLength += size;
  }
  if (out.dataOffset < 0 || out.dataOffset + out.dataLength > frag.length) return undefined;
  return out;
}

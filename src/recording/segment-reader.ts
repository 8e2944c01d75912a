/**
 * Reads recorded fragments of one camera in time order from a given instant: it starts at the
 * keyframe at or before that instant and carries on across segments, giving each fragment its
 * wall-clock time (segment start + decode-time offset). Used by playback and export.
 *
 * A segment is read in pieces, not whole: the first piece starts at the indexed keyframe at or
 * before the instant (the index keeps each keyframe's byte offset), so a seek into a one-minute
 * segment reads a few hundred kilobytes, not the whole file; later pieces follow where the last
 * complete fragment ended (a segment still being written grows between reads).
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingIndex, SegmentRow } from './index-store.js';
import { scanFragments, scanSegment, tfdtOf, trexDefaultFlags } from './mp4-time.js';

export interface RecordedFragment {
  init: Buffer;
  timescale: number;
  /** Wall-clock time of the picture, epoch ms (fractional). */
  timeMs: number;
  durationMs: number;
  keyframe: boolean;
  data: Buffer;
  segmentId: number;
  /** The segment file (absolute path) and the byte offset of the fragment in it. */
  file: string;
  offset: number;
}

/** The first piece after a seek (about 4 s at 2 Mbit/s): the first picture comes quickly. */
const FIRST_PIECE_BYTES = 1 << 20;
const PIECE_BYTES = 4 << 20;
/** Enough for a moof box (the first fragment's decode time). */
const MOOF_PROBE_BYTES = 64 * 1024;

interface OpenRead {
  seg: SegmentRow;
  init: Buffer;
  timescale: number;
  /** The track's default sample flags (trex), for telling keyframes. */
  trexFlags: number | undefined;
  /** Decode time of the segment's first fragment: picture times count from it. */
  tfdt0: number;
  /** Byte offset in the file of the next fragment to read. */
  next: number;
}

export class SegmentReader {
  private queue: RecordedFragment[] = [];
  private current: OpenRead | undefined;
  private lastFragmentMs = -Infinity;
  private first = true;

  constructor(
    private readonly root: string,
    private readonly index: RecordingIndex,
    private readonly camera: string,
    private readonly fromMs: number,
    /** Bytes per read after the first: larger for a sequential read of many segments (export). */
    private readonly pieceBytes = PIECE_BYTES,
  ) {}

  /** The next fragment, or undefined when nothing more is recorded (yet). */
  async next(): Promise<RecordedFragment | undefined> {
    if (this.queue.length === 0) await this.load();
    return this.queue.shift();
  }

  private async load(): Promise<void> {
    const cur = this.current;
    if (cur) {
      // the same segment again while it has bytes left (it may still be written), else the one after it
      const again = this.index.segmentById(cur.seg.id);
      if (again && again.bytes > cur.next) {
        cur.seg = again;
        return this.readPiece(cur, this.pieceBytes);
      }
      const after = this.index.segmentAfter(this.camera, cur.seg.startMs);
      if (!after) return;
      return this.openSegment(after, false);
    }
    const seg = this.index.segmentAtOrAfter(this.camera, this.fromMs);
    if (seg) await this.openSegment(seg, true);
  }

  private async openSegment(seg: SegmentRow, seeking: boolean): Promise<void> {
    const first = seg.keyframes[0];
    // the keyframe at or before fromMs (on a seek), else the segment's first fragment
    let kf = first;
    if (seeking) for (const k of seg.keyframes) if (seg.startMs + k[0] <= this.fromMs + 0.5) kf = k;
    let head: Buffer;
    try {
      head = await readRange(join(this.root, seg.file), 0, Math.min(seg.bytes || Infinity, (first?.[1] ?? 0) + MOOF_PROBE_BYTES));
    } catch {
      this.current = { seg, init: Buffer.alloc(0), timescale: 1, trexFlags: undefined, tfdt0: 0, next: Infinity };
      return;
    }
    const scan = first ? scanSegment(head.subarray(0, first[1])) : undefined;
    let tfdt0: number | undefined;
    try {
      if (first) tfdt0 = tfdtOf(head.subarray(first[1]));
    } catch {
      tfdt0 = undefined;
    }
    if (!scan || tfdt0 === undefined || !first || !kf) {
      // not indexed by keyframes (or not as indexed): the whole file, scanned
      return this.readWhole(seg, seeking);
    }
    const read: OpenRead = { seg, init: scan.init, timescale: scan.timescale, trexFlags: trexDefaultFlags(scan.init), tfdt0, next: kf[1] };
    this.current = read;
    await this.readPiece(read, seeking ? FIRST_PIECE_BYTES : this.pieceBytes);
  }

  /** Reads from `read.next` at least one complete fragment (more bytes while none is complete). */
  private async readPiece(read: OpenRead, bytes: number): Promise<void> {
    const end = read.seg.bytes || Infinity;
    for (let size = bytes; read.next < end; size *= 2) {
      let piece: Buffer;
      try {
        piece = await readRange(join(this.root, read.seg.file), read.next, Math.min(end, read.next + size));
      } catch {
        read.next = Infinity;
        return;
      }
      if (piece.length === 0) return;
      const scan = scanFragments(piece, read.trexFlags);
      if (scan.fragments.length > 0) {
        const base = read.next;
        this.enqueue(read, scan.fragments.map((f) => ({ ...f, offset: base + f.offset, data: piece.subarray(f.offset, f.offset + f.length) })));
        read.next = base + scan.validBytes;
        return;
      }
      if (read.next + size >= end || piece.length < size) return; // nothing complete yet (still written)
    }
  }

  private async readWhole(seg: SegmentRow, seeking: boolean): Promise<void> {
    this.current = { seg, init: Buffer.alloc(0), timescale: 1, trexFlags: undefined, tfdt0: 0, next: Infinity };
    let buf: Buffer;
    try {
      buf = await readRange(join(this.root, seg.file), 0, seg.bytes || Infinity);
    } catch {
      return;
    }
    const scan = scanSegment(buf);
    const first = scan?.fragments[0];
    if (!scan || !first) return;
    const read: OpenRead = { seg, init: scan.init, timescale: scan.timescale, trexFlags: trexDefaultFlags(scan.init), tfdt0: first.tfdt, next: Infinity };
    let frags = scan.fragments.map((f) => ({ ...f, data: buf.subarray(f.offset, f.offset + f.length) }));
    if (seeking) {
      let startAt = 0;
      for (let i = 0; i < frags.length; i++) {
        if (seg.startMs + ((frags[i]!.tfdt - first.tfdt) / scan.timescale) * 1000 > this.fromMs + 0.5) break;
        if (frags[i]!.keyframe) startAt = i;
      }
      frags = frags.slice(startAt);
    }
    this.current = read;
    this.enqueue(read, frags);
  }

  private enqueue(read: OpenRead, frags: Array<{ tfdt: number; duration: number; keyframe: boolean; data: Buffer; offset: number }>): void {
    const file = join(this.root, read.seg.file);
    const out = frags
      .map((f) => ({
        init: read.init,
        timescale: read.timescale,
        timeMs: read.seg.startMs + ((f.tfdt - read.tfdt0) / read.timescale) * 1000,
        durationMs: (f.duration / read.timescale) * 1000,
        keyframe: f.keyframe,
        data: f.data,
        segmentId: read.seg.id,
        file,
        offset: f.offset,
      }))
      .filter((f) => this.first || f.timeMs > this.lastFragmentMs + 0.5);
    this.first = false;
    this.queue.push(...out);
    const last = out[out.length - 1];
    if (last) this.lastFragmentMs = last.timeMs;
  }
}

/** Bytes [from, to) of a file (fewer at its end). */
async function readRange(file: string, from: number, to: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const size = Number.isFinite(to) ? to - from : Math.max(0, (await fh.stat()).size - from);
    const buf = Buffer.allocUnsafe(Math.max(0, size)); // every byte returned is read from the file
    let at = 0;
    while (at < buf.length) {
      const { bytesRead } = await fh.read(buf, at, buf.length - at, from + at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buf.subarray(0, at);
  } finally {
    await fh.close();
  }
}

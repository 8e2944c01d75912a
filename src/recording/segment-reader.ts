/**
 * Reads recorded fragments of one camera in time order from a given instant: it starts at the
 * keyframe at or before that instant and carries on across segments, giving each fragment its
 * wall-clock time (segment start + decode-time offset). Used by playback and export.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingIndex, SegmentRow } from './index-store.js';
import { scanSegment } from './mp4-time.js';

export interface RecordedFragment {
  init: Buffer;
  timescale: number;
  /** Wall-clock time of the picture, epoch ms (fractional). */
  timeMs: number;
  durationMs: number;
  keyframe: boolean;
  data: Buffer;
  segmentId: number;
}

export class SegmentReader {
  private queue: RecordedFragment[] = [];
  private lastSegment: SegmentRow | undefined;
  private lastFragmentMs = -Infinity;
  private first = true;

  constructor(
    private readonly root: string,
    private readonly index: RecordingIndex,
    private readonly camera: string,
    private readonly fromMs: number,
  ) {}

  /** The next fragment, or undefined when nothing more is recorded (yet). */
  async next(): Promise<RecordedFragment | undefined> {
    if (this.queue.length === 0) await this.load();
    return this.queue.shift();
  }

  /** Which segment to read next: the last one again if it has grown (still written), else the one after it. */
  private pick(): SegmentRow | undefined {
    if (!this.lastSegment) return this.index.segmentAtOrAfter(this.camera, this.fromMs);
    const again = this.index.segmentById(this.lastSegment.id);
    if (again && again.endMs > this.lastFragmentMs + 1 && again.bytes > this.lastSegment.bytes) return again;
    return this.index.segmentAfter(this.camera, this.lastSegment.startMs);
  }

  private async load(): Promise<void> {
    const seg = this.pick();
    if (!seg) return;
    let buf: Buffer;
    try {
      buf = await readFile(join(this.root, seg.file));
    } catch {
      this.lastSegment = seg;
      return;
    }
    const scan = scanSegment(buf.subarray(0, Math.max(seg.bytes, 0) || buf.length));
    this.lastSegment = seg;
    const first = scan?.fragments[0];
    if (!scan || !first) return;
    const frags = scan.fragments.map((f) => ({
      init: scan.init,
      timescale: scan.timescale,
      timeMs: seg.startMs + ((f.tfdt - first.tfdt) / scan.timescale) * 1000,
      durationMs: (f.duration / scan.timescale) * 1000,
      keyframe: f.keyframe,
      data: buf.subarray(f.offset, f.offset + f.length),
      segmentId: seg.id,
    }));
    let startAt = 0;
    if (this.first) {
      this.first = false;
      for (let i = 0; i < frags.length; i++) {
        if (frags[i]!.timeMs > this.fromMs + 0.5) break;
        if (frags[i]!.keyframe) startAt = i;
      }
    } else {
      startAt = frags.findIndex((f) => f.timeMs > this.lastFragmentMs + 0.5);
      if (startAt < 0) return;
    }
    this.queue = frags.slice(startAt);
    const last = this.queue[this.queue.length - 1];
    if (last) this.lastFragmentMs = last.timeMs;
  }
}

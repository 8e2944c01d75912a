/**
 * Export of a recorded range as a standard MP4 file (faststart: the index first, so it plays
 * while it downloads), by remuxing only: the recorded fragments from the keyframe at or before
 * `from` up to `to` are read once for their sample tables (times re-based to zero), the file's
 * head (ftyp + moov + mdat header) is built from them and the camera's own init segment
 * (progressive-mp4.ts), and the samples' bytes are copied after it unchanged. No ffmpeg, no
 * intermediate file, no second pass to move the index to the front (measured: 10 minutes of
 * 720p in about half the CPU time of the former intermediate file plus `ffmpeg -c copy -movflags
 * +faststart`; docs/recording.md).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, UserError } from '../core/errors.js';
import type { ExportRow, RecordingIndex } from './index-store.js';
import { fragmentSamples, trackDefaults } from './mp4-samples.js';
import { progressiveHead, type SampleTable } from './progressive-mp4.js';
import { SegmentReader } from './segment-reader.js';

export interface ExportRequest {
  camera: string;
  fromMs: number;
  toMs: number;
  by: string;
}

export interface ExporterDeps {
  root: string;
  index: RecordingIndex;
  maxExportMinutes: number;
}

/** Where the bytes of each chunk (one recorded fragment's samples) lie in the segment files. */
interface ChunkSource {
  file: string;
  offset: number;
  length: number;
}

/** Bytes the export reads at once from a segment file (a one-minute segment of 2 Mbit/s is 15 MB). */
const EXPORT_PIECE_BYTES = 16 << 20;

/** Bytes read at once when copying samples (several fragments per read, one writev per read). */
const COPY_BYTES = 8 << 20;

async function writeAll(out: FileHandle, parts: Buffer[]): Promise<void> {
  const total = parts.reduce((a, p) => a + p.length, 0);
  const { bytesWritten } = await out.writev(parts);
  // a short write (rare on a regular file): the rest one by one
  if (bytesWritten < total) await out.write(Buffer.concat(parts).subarray(bytesWritten));
}

/** Copies the chunks' bytes, in order, to the end of `out`. */
async function copyChunks(out: FileHandle, chunks: ChunkSource[]): Promise<void> {
  let src: { file: string; fh: FileHandle } | undefined;
  const buf = Buffer.alloc(COPY_BYTES);
  try {
    for (let i = 0; i < chunks.length; ) {
      const c = chunks[i]!;
      if (src?.file !== c.file) {
        await src?.fh.close();
        src = undefined;
        src = { file: c.file, fh: await open(c.file, 'r') };
      }
      // the run of chunks of the same file that fits in one read
      let j = i + 1;
      while (j < chunks.length && chunks[j]!.file === c.file && chunks[j]!.offset >= chunks[j - 1]!.offset && chunks[j]!.offset + chunks[j]!.length - c.offset <= COPY_BYTES) j++;
      const span = chunks[j - 1]!.offset + chunks[j - 1]!.length - c.offset;
      const big = span > COPY_BYTES ? Buffer.alloc(span) : buf;
      let got = 0;
      while (got < span) {
        const { bytesRead } = await src.fh.read(big, got, span - got, c.offset + got);
        if (bytesRead === 0) throw new Error(`recording ${c.file} is shorter than its index says`);
        got += bytesRead;
      }
      const parts = chunks.slice(i, j).map((x) => big.subarray(x.offset - c.offset, x.offset - c.offset + x.length));
      for (let at = 0; at < parts.length; at += 1024) await writeAll(out, parts.slice(at, at + 1024));
      i = j;
    }
  } finally {
    await src?.fh.close();
  }
}

export class Exporter {
  private running = 0;

  constructor(private readonly d: ExporterDeps) {}

  get dir(): string {
    return join(this.d.root, '_exports');
  }

  async create(req: ExportRequest): Promise<ExportRow> {
    if (!(req.toMs > req.fromMs)) throw new UserError('recording.range-order', {}, 400, 'recording.bad_range');
    if (req.toMs - req.fromMs > this.d.maxExportMinutes * 60_000) throw new UserError('recording.range-too-long', { minutes: this.d.maxExportMinutes }, 400, 'recording.range_too_long');
    if (this.running >= 2) throw new UserError('recording.export-busy', {}, 429, 'recording.export_busy');
    this.running++;
    const id = randomUUID();
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `${id}.part.mp4`);
    const file = `${id}.mp4`;
    try {
      const reader = new SegmentReader(this.d.root, this.d.index, req.camera, req.fromMs, EXPORT_PIECE_BYTES);
      let first: { timeMs: number; init: Buffer; timescale: number } | undefined;
      let endMs = 0;
      const table: SampleTable = { sizes: [], durations: [], sync: [], cts: [], chunkSamples: [], chunkBytes: [] };
      const chunks: ChunkSource[] = [];
      let defaults = trackDefaults(Buffer.alloc(0));
      let lastDts = 0;
      let lastFragmentTicks = 0;
      for (;;) {
        const f = await reader.next();
        if (!f || f.timeMs >= req.toMs) break;
        if (!first) {
          first = { timeMs: f.timeMs, init: f.init, timescale: f.timescale };
          defaults = trackDefaults(f.init);
        } else if (!f.init.equals(first.init)) {
          break; // the camera's stream parameters changed: the export ends there
        }
        const samples = fragmentSamples(f.data, defaults);
        if (!samples || samples.sizes.length === 0) continue;
        // decode time re-based to the first picture: the wall-clock time between fragments is kept
        const dts = Math.round(((f.timeMs - first.timeMs) / 1000) * first.timescale);
        if (table.sizes.length > 0) {
          // the previous fragment's last picture lasts until this one starts
          const gap = dts - lastDts;
          const last = table.durations.length - 1;
          table.durations[last] = Math.max(1, gap - (lastFragmentTicks - table.durations[last]!));
        }
        table.sizes.push(...samples.sizes);
        table.durations.push(...samples.durations);
        table.sync.push(...samples.sync);
        table.cts.push(...samples.cts);
        table.chunkSamples.push(samples.sizes.length);
        table.chunkBytes.push(samples.dataLength);
        chunks.push({ file: f.file, offset: f.offset + samples.dataOffset, length: samples.dataLength });
        lastDts = dts;
        lastFragmentTicks = samples.durations.reduce((x, y) => x + y, 0);
        endMs = f.timeMs + f.durationMs;
      }
      if (!first) throw new NotFoundError('recording.nothing-recorded', { camera: req.camera });
      const out = await open(tmp, 'w');
      try {
        await out.write(progressiveHead(first.init, table));
        await copyChunks(out, chunks);
        await out.sync();
      } finally {
        await out.close();
      }
      renameSync(tmp, join(this.dir, file));
      const row: ExportRow = {
        id,
        createdAt: Date.now(),
        createdBy: req.by,
        camera: req.camera,
        fromMs: Math.round(first.timeMs),
        toMs: Math.round(endMs),
        file,
        bytes: statSync(join(this.dir, file)).size,
        durationMs: Math.round(endMs - first.timeMs),
      };
      this.d.index.addExport(row);
      return row;
    } catch (err) {
      rmSync(join(this.dir, file), { force: true });
      throw err;
    } finally {
      rmSync(tmp, { force: true });
      this.running--;
    }
  }

  pathOf(id: string): string {
    const row = this.d.index.getExport(id);
    if (!row) throw new NotFoundError('recording.export-not-found', { id });
    return join(this.dir, row.file);
  }

  delete(id: string): void {
    const row = this.d.index.getExport(id);
    if (!row) throw new NotFoundError('recording.export-not-found', { id });
    rmSync(join(this.dir, row.file), { force: true });
    this.d.index.deleteExport(id);
  }
}

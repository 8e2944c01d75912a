/**
 * Export of a recorded range as a standard MP4 file (faststart: the index first, so it plays
 * while it downloads), by remuxing only: the recorded fragments from the keyframe at or before
 * `from` up to `to` are written into one fragmented MP4 with their times re-based to zero, and
 * ffmpeg copies that (`-c copy`) into a progressive MP4 with `-movflags +faststart`.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, UserError } from '../core/errors.js';
import type { ExportRow, RecordingIndex } from './index-store.js';
import { withTfdt } from './mp4-time.js';
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
  ffmpegPath: () => string;
  maxExportMinutes: number;
}

function runFfmpeg(path: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`ffmpeg ${signal ?? `code ${code}`}: ${stderr.trim().split('\n').slice(-2).join(' | ')}`));
    });
  });
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
      const reader = new SegmentReader(this.d.root, this.d.index, req.camera, req.fromMs);
      const fd = openSync(tmp, 'w');
      let first: { timeMs: number; init: Buffer } | undefined;
      let endMs = 0;
      try {
        for (;;) {
          const f = await reader.next();
          if (!f || f.timeMs >= req.toMs) break;
          if (!first) {
            first = { timeMs: f.timeMs, init: f.init };
            writeSync(fd, f.init);
          } else if (!f.init.equals(first.init)) {
            break; // the camera's stream parameters changed: the export ends there
          }
          writeSync(fd, withTfdt(f.data, ((f.timeMs - first.timeMs) / 1000) * f.timescale));
          endMs = f.timeMs + f.durationMs;
        }
      } finally {
        closeSync(fd);
      }
      if (!first) throw new NotFoundError('recording.nothing-recorded', { camera: req.camera });
      await runFfmpeg(this.d.ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', tmp, '-map', '0:v:0', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', join(this.dir, file)], 120_000);
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

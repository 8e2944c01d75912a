import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, UserError } from '../core/errors.js';
import type { Database } from '../store/database.js';
import { parseWav } from './codecs/wav.js';
import { STORE_SAMPLE_RATE } from './tts.js';

export interface Clip {
  id: string;
  name: string;
  durationMs: number;
  originalName: string | null;
  originalBytes: number;
  uploadedBy: string;
  uploadedAt: string;
}

interface ClipRow {
  id: string;
  name: string;
  file: string;
  duration_ms: number;
  original_name: string | null;
  original_bytes: number;
  uploaded_by: string;
  uploaded_at: string;
}

const toClip = (r: ClipRow): Clip => ({
  id: r.id,
  name: r.name,
  durationMs: r.duration_ms,
  originalName: r.original_name,
  originalBytes: r.original_bytes,
  uploadedBy: r.uploaded_by,
  uploadedAt: r.uploaded_at,
});

/**
 * Uploaded audio clips (WAV, MP3, anything ffmpeg reads): converted once with ffmpeg to 16 kHz
 * mono WAV, kept in `<dir>/<id>.wav` with their metadata in SQLite.
 */
export class ClipStore {
  constructor(
    private readonly deps: { database: Database; dir: string; ffmpeg: () => string; maxSeconds: number; timeoutMs: number },
  ) {}

  list(): Clip[] {
    return this.deps.database.db.prepare<[], ClipRow>('SELECT * FROM broadcast_clips ORDER BY uploaded_at DESC').all().map(toClip);
  }

  get(id: string): Clip {
    const row = this.deps.database.db.prepare<[string], ClipRow>('SELECT * FROM broadcast_clips WHERE id = ?').get(id);
    if (!row) throw new NotFoundError('clip.not-found', { clip: id });
    return toClip(row);
  }

  /** The clip's samples at 16 kHz. */
  samples(id: string): Int16Array {
    const row = this.deps.database.db.prepare<[string], ClipRow>('SELECT * FROM broadcast_clips WHERE id = ?').get(id);
    if (!row) throw new NotFoundError('clip.not-found', { clip: id });
    return parseWav(readFileSync(join(this.deps.dir, row.file))).samples;
  }

  async add(input: { name: string; originalName: string | null; data: Buffer; uploadedBy: string }): Promise<Clip> {
    if (input.data.length === 0) throw new UserError('clip.empty');
    const id = `clip-${randomBytes(6).toString('hex')}`;
    mkdirSync(this.deps.dir, { recursive: true });
    const source = join(this.deps.dir, `${id}.upload`);
    const file = `${id}.wav`;
    writeFileSync(source, input.data);
    try {
      await this.convert(source, join(this.deps.dir, file));
    } finally {
      rmSync(source, { force: true });
    }
    const audio = parseWav(readFileSync(join(this.deps.dir, file)));
    const durationMs = Math.round((audio.samples.length / STORE_SAMPLE_RATE) * 1000);
    if (durationMs === 0) {
      rmSync(join(this.deps.dir, file), { force: true });
      throw new UserError('clip.no-audio');
    }
    const clip: Clip = { id, name: input.name, durationMs, originalName: input.originalName, originalBytes: input.data.length, uploadedBy: input.uploadedBy, uploadedAt: new Date().toISOString() };
    this.deps.database.db
      .prepare('INSERT INTO broadcast_clips (id, name, file, duration_ms, original_name, original_bytes, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, clip.name, file, durationMs, clip.originalName, clip.originalBytes, clip.uploadedBy, clip.uploadedAt);
    return clip;
  }

  remove(id: string): void {
    const row = this.deps.database.db.prepare<[string], ClipRow>('SELECT * FROM broadcast_clips WHERE id = ?').get(id);
    if (!row) throw new NotFoundError('clip.not-found', { clip: id });
    this.deps.database.db.prepare('DELETE FROM broadcast_clips WHERE id = ?').run(id);
    rmSync(join(this.deps.dir, row.file), { force: true });
  }

  private convert(source: string, target: string): Promise<void> {
    return transcodeClip(this.deps.ffmpeg(), source, target, this.deps.maxSeconds, this.deps.timeoutMs);
  }
}

/**
 * Converts an audio file (anything ffmpeg reads) to the clips' 16 kHz mono 16-bit WAV, cut at
 * `maxSeconds`; a file ffmpeg cannot read is a 422 `clip.bad-audio` (also used by the district for
 * its uploaded clips).
 */
export function transcodeClip(ffmpeg: string, source: string, target: string, maxSeconds: number, timeoutMs: number): Promise<void> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', source, '-t', String(maxSeconds), '-vn', '-ac', '1', '-ar', String(STORE_SAMPLE_RATE), '-c:a', 'pcm_s16le', '-f', 'wav', target];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new UserError('ffmpeg.unavailable', { reason: e.message }, 503, 'ffmpeg_unavailable'));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      rmSync(target, { force: true });
      reject(new UserError('clip.bad-audio', { reason: err.trim().split('\n').slice(-2).join(' ').slice(0, 300) }, 422, 'bad_audio'));
    });
  });
}

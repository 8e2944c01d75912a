import { createHash, randomBytes } from 'node:crypto';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type pg from 'pg';
import { UserError } from '../core/errors.js';
import type { ClipDescriptor } from '../uplink/clip-fetch.js';
import { prepareClipAudio } from './clip-upload.js';
import { CLIPS_STREAM, clipChunkSubject } from './nats-config.js';

/** Bytes of audio per message on the CLIPS stream (the cluster's max_payload is 1 MB). */
export const CLIP_CHUNK_BYTES = 128 * 1024;

export interface DistrictClip {
  id: string;
  name: string;
  durationMs: number;
  bytes: number;
  sha256: string;
  chunks: number;
  format: string;
  uploadedBy: string;
  uploadedAt: string;
}

/** What a notice carries about its clip: enough for a site to fetch it and check what it got. */
export type { ClipDescriptor };

interface ClipRow {
  id: string;
  name: string;
  duration_ms: number;
  bytes: number;
  sha256: string;
  chunks: number;
  format: string;
  uploaded_by: string;
  uploaded_at: Date;
}

const toClip = (r: ClipRow): DistrictClip => ({
  id: r.id,
  name: r.name,
  durationMs: r.duration_ms,
  bytes: r.bytes,
  sha256: r.sha256,
  chunks: r.chunks,
  format: r.format,
  uploadedBy: r.uploaded_by,
  uploadedAt: r.uploaded_at.toISOString(),
});

const COLUMNS = 'id, name, duration_ms, bytes, sha256, chunks, format, uploaded_by, uploaded_at';

/**
 * Audio clips an officer uploads at the district: checked (type, size, length) and converted to
 * the sites' 16 kHz mono WAV once, kept in PostgreSQL, and published on the CLIPS stream as
 * numbered chunks (`clip.<id>.<n>`, Nats-Msg-Id `clip/<id>/<n>`, R3 like the notices) before the
 * first notice that names the clip. A site fetches the chunks with JetStream direct gets when its
 * notice arrives (also when it returns after being offline) and checks size and SHA-256.
 */
export class DistrictClips {
  constructor(private readonly deps: { pool: pg.Pool; js: () => JetStreamClient; jsm: () => JetStreamManager; ffmpeg: () => string; maxSeconds: number; timeoutMs: number }) {}

  async list(): Promise<DistrictClip[]> {
    const { rows } = await this.deps.pool.query<ClipRow>(`SELECT ${COLUMNS} FROM district_clips ORDER BY uploaded_at DESC LIMIT 500`);
    return rows.map(toClip);
  }

  async get(id: string): Promise<DistrictClip> {
    const { rows } = await this.deps.pool.query<ClipRow>(`SELECT ${COLUMNS} FROM district_clips WHERE id = $1`, [id]);
    if (!rows[0]) throw new UserError('district.clip-not-found', { clip: id }, 404, 'clip-not-found');
    return toClip(rows[0]);
  }

  async add(input: { name: string; data: Buffer; contentType: string | undefined; by: string }): Promise<DistrictClip> {
    const { wav, durationMs, format } = await prepareClipAudio({ data: input.data, contentType: input.contentType, ffmpeg: this.deps.ffmpeg(), maxSeconds: this.deps.maxSeconds, timeoutMs: this.deps.timeoutMs });
    const id = `dc-${randomBytes(6).toString('hex')}`;
    const sha256 = createHash('sha256').update(wav).digest('hex');
    const chunks = Math.ceil(wav.length / CLIP_CHUNK_BYTES);
    const { rows } = await this.deps.pool.query<ClipRow>(
      `INSERT INTO district_clips (id, name, duration_ms, bytes, sha256, chunks, format, uploaded_by, audio) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [id, input.name, durationMs, wav.length, sha256, chunks, format, input.by, wav],
    );
    return toClip(rows[0]!);
  }

  descriptor(clip: DistrictClip): ClipDescriptor {
    return { id: clip.id, sha256: clip.sha256, bytes: clip.bytes, chunks: clip.chunks, durationMs: clip.durationMs };
  }

  /**
   * Puts the clip's chunks on the CLIPS stream unless its last chunk is already there (a clip is
   * published once, however many notices name it; again only if the stream no longer has it).
   */
  async ensurePublished(clip: DistrictClip): Promise<void> {
    const last = await this.deps.jsm().direct.getMessage(CLIPS_STREAM, { last_by_subj: clipChunkSubject(clip.id, clip.chunks - 1) }).catch(() => null);
    if (last) return;
    const { rows } = await this.deps.pool.query<{ audio: Buffer }>('SELECT audio FROM district_clips WHERE id = $1', [clip.id]);
    const audio = rows[0]!.audio;
    const js = this.deps.js();
    // in order, each acknowledged: the last chunk is stored only after all the others
    for (let i = 0; i < clip.chunks; i++) {
      await js.publish(clipChunkSubject(clip.id, i), audio.subarray(i * CLIP_CHUNK_BYTES, (i + 1) * CLIP_CHUNK_BYTES), { msgID: `clip/${clip.id}/${i}` });
    }
  }
}

import { createHash } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { UserError } from '../core/errors.js';
import { CLIPS_STREAM, clipChunkSubject } from '../district/nats-config.js';

/** What a notice says about its clip (src/district/clips.ts). */
export interface ClipDescriptor {
  id: string;
  sha256: string;
  bytes: number;
  chunks: number;
  durationMs: number;
}

/** The most a site accepts for one clip (the district's longest, 600 s of 16 kHz 16-bit mono, is 19.2 MB). */
export const MAX_CLIP_BYTES = 24 * 1024 * 1024;
export const MAX_CLIP_CHUNKS = 512;

/** The link is down or the cluster did not answer in time: try again later (not a failure of the notice). */
export class ClipNotReachable extends Error {}

/**
 * Reads a district clip's chunks from the CLIPS stream with JetStream direct gets (the last
 * message on each chunk's subject; the site's user may read only `clip.>` there), in order, and
 * checks the whole against the notice's size and SHA-256. A chunk the stream no longer has is
 * `notice.clip-unavailable`; wrong size or checksum `notice.clip-corrupt`.
 */
export async function fetchDistrictClip(nc: NatsConnection, clip: ClipDescriptor, timeoutMs = 5000): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let i = 0; i < clip.chunks; i++) {
    let reply;
    try {
      reply = await nc.request(`$JS.API.DIRECT.GET.${CLIPS_STREAM}.${clipChunkSubject(clip.id, i)}`, undefined, { timeout: timeoutMs });
    } catch (err) {
      throw new ClipNotReachable(`clip ${clip.id} chunk ${i}: ${String(err)}`);
    }
    const code = reply.headers?.code ?? -1;
    if (code === 404) throw new UserError('notice.clip-unavailable', {}, 404, 'clip-unavailable');
    if (code !== 0) throw new ClipNotReachable(`clip ${clip.id} chunk ${i}: status ${code} ${reply.headers?.description ?? ''}`);
    size += reply.data.length;
    if (size > clip.bytes) throw new UserError('notice.clip-corrupt', {}, 422, 'clip-corrupt');
    parts.push(reply.data);
  }
  const data = Buffer.concat(parts);
  if (data.length !== clip.bytes || createHash('sha256').update(data).digest('hex') !== clip.sha256) throw new UserError('notice.clip-corrupt', {}, 422, 'clip-corrupt');
  return data;
}

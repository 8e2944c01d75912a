/**
 * An entry's snapshot for the gates page: barriers send where they keep the picture (a URL or a
 * file name on their own storage). The gateway fetches it only from hosts the configuration names
 * (`access.snapshotHosts`: a barrier's URL is not trusted to point anywhere), within 5 s and 4 MiB,
 * and serves it only when its bytes are an image, with the type those bytes show.
 */
import { sniffImageType } from '../../devices/onvif-camera/image-type.js';
import { UserError } from '../core/errors.js';

const MAX_BYTES = 4 * 1024 * 1024;
const TIMEOUT_MS = 5000;

export async function fetchSnapshot(reference: string, allowedHosts: readonly string[]): Promise<{ body: Buffer; contentType: string }> {
  let url: URL;
  try {
    url = new URL(reference);
  } catch {
    throw new UserError('snapshot.on-barrier', { reference }, 404, 'snapshot_unavailable');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError('snapshot.not-http', { protocol: url.protocol }, 404, 'snapshot_unavailable');
  if (!allowedHosts.includes(url.hostname)) throw new UserError('snapshot.host-not-allowed', { host: url.hostname }, 403, 'snapshot_host_not_allowed');
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new UserError('snapshot.fetch-failed', { host: url.host, reason: err instanceof Error ? err.message : String(err) }, 502, 'snapshot_fetch_failed');
  }
  if (!res.ok || !res.body) throw new UserError('snapshot.http', { status: res.status }, 502, 'snapshot_fetch_failed');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_BYTES) throw new UserError('snapshot.too-large', { size: '4 MiB' }, 502, 'snapshot_fetch_failed');
    chunks.push(Buffer.from(chunk));
  }
  const body = Buffer.concat(chunks);
  const contentType = sniffImageType(body);
  if (!contentType) throw new UserError('snapshot.not-image', {}, 502, 'snapshot_fetch_failed');
  return { body, contentType };
}

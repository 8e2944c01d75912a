/**
 * What the gateway fetches from URLs a camera names (snapshot, RTSP): only on the camera's own
 * host or one the configuration allows (the password goes along), and a snapshot only when its
 * bytes are an image, typed by those bytes, bounded in size and total time.
 */
import { DeviceUnavailableError, UserError } from '../../src/core/errors.js';
import { fetchWithAuth } from './http-fetch.js';
import { sniffImageType, type ImageType } from './image-type.js';
import { formatBytes } from './soap-transport.js';
import { withoutCredentials } from './xml-text.js';

export const DEFAULT_SNAPSHOT_MAX_BYTES = 8 * 1024 * 1024;

export interface MediaFetchOptions {
  label: string;
  host: string;
  mediaHosts?: readonly string[] | undefined;
  username?: string | undefined;
  password?: string | undefined;
  requestTimeoutMs: number;
  maxSnapshotBytes?: number | undefined;
}

const bare = (h: string): string => h.replace(/^\[|\]$/g, '').toLowerCase();

/** Throws unless the URL's host is the camera's own or an allowed one. */
export function checkMediaHost(url: string, what: 'stream' | 'snapshot', o: MediaFetchOptions): void {
  let host: string;
  try {
    host = bare(new URL(url).hostname);
  } catch {
    throw new UserError('camera.media-url-unreadable', { camera: o.label, what }, 502, 'camera_fault');
  }
  if (![o.host, ...(o.mediaHosts ?? [])].map(bare).includes(host)) {
    throw new UserError(
      'camera.media-foreign-host',
      { camera: o.label, what, url: withoutCredentials(url), host: o.host },
      502,
      'camera_foreign_host',
    );
  }
}

export async function fetchSnapshot(uri: string, o: MediaFetchOptions): Promise<{ contentType: ImageType; body: Buffer }> {
  const maxBytes = o.maxSnapshotBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
  let answer;
  try {
    answer = await fetchWithAuth(uri, o.username, o.password, { timeoutMs: o.requestTimeoutMs, maxBytes });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ETOOLARGE') throw new UserError('camera.snapshot-too-large', { camera: o.label, size: formatBytes(maxBytes) }, 502, 'camera_fault');
    throw new DeviceUnavailableError('camera.snapshot-failed', { camera: o.label, reason: e.message });
  }
  if (answer.status !== 200) throw new UserError('camera.snapshot-http', { camera: o.label, status: answer.status }, 502, 'camera_fault');
  // Served on the gateway's origin: only real images, typed by their bytes, never by the camera's word.
  const type = sniffImageType(answer.body);
  if (!type) throw new UserError('camera.snapshot-not-image', { camera: o.label }, 502, 'camera_fault');
  return { contentType: type, body: answer.body };
}

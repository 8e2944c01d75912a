import { apiError } from './api.js';
import { token } from './session.js';
import { siteClock } from './time.js';

function stamp(at: Date): string {
  const d = siteClock(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** A file name people can sort and read: `<camera name>_<YYYYMMDD-HHMMSS>.jpg` in the site's time. */
export function snapshotFileName(name: string, at: Date): string {
  const safe = name.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 60) || 'camera';
  return `${safe}_${stamp(at)}.jpg`;
}

/** Asks the camera for a JPEG (through the gateway) and saves it as a download. */
export async function downloadSnapshot(cameraId: string, name: string): Promise<string> {
  const headers: Record<string, string> = token.value ? { authorization: `Bearer ${token.value}` } : {};
  const res = await fetch(`/api/cameras/${encodeURIComponent(cameraId)}/snapshot`, { headers });
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as Parameters<typeof apiError>[1];
    throw apiError(res, body);
  }
  const url = URL.createObjectURL(await res.blob());
  const file = snapshotFileName(name, new Date());
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return file;
}

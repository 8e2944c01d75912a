import { ApiError } from './api.js';
import { token } from './session.js';

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A file name people can sort and read: `<camera name>_<YYYYMMDD-HHMMSS>.jpg` in local time. */
export function snapshotFileName(name: string, at: Date): string {
  const safe = name.replace(/[\\/:*?"<>|\s]+/g, '_').slice(0, 60) || 'camera';
  return `${safe}_${stamp(at)}.jpg`;
}

/** Asks the camera for a JPEG (through the gateway) and saves it as a download. */
export async function downloadSnapshot(cameraId: string, name: string): Promise<string> {
  const headers: Record<string, string> = token.value ? { authorization: `Bearer ${token.value}` } : {};
  const res = await fetch(`/api/cameras/${encodeURIComponent(cameraId)}/snapshot`, { headers });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string; code?: string };
    throw new ApiError(body.error ?? `${res.status}`, res.status, body.code ?? 'error');
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

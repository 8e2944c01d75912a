/**
 * Clock offset between the gateway and a camera. WS-UsernameToken digests carry a Created time
 * the camera checks against its own clock; a camera hours off (no NTP, battery-less RTC) refuses
 * every call unless the client writes Created in the camera's time. The `onvif` client keeps
 * that offset as `timeShift` (camera time minus process uptime), set once at connect; after a
 * camera's clock jumps we read GetSystemDateAndTime again and replace it.
 */
import type { OnvifClient } from './onvif-client.js';

/** The camera's clock minus ours, ms (second resolution: GetSystemDateAndTime has whole seconds). */
export function clockOffsetMs(client: OnvifClient): number {
  const shift = client.cam.timeShift;
  if (typeof shift !== 'number') return 0;
  return Math.round(shift + process.uptime() * 1000 - Date.now());
}

/** Reads the camera's time again and adopts it as the new offset. */
export async function resyncClock(client: OnvifClient): Promise<number> {
  const previous = client.cam.timeShift;
  client.cam.timeShift = undefined;
  try {
    await client.call('getSystemDateAndTime');
  } catch (err) {
    client.cam.timeShift = previous;
    throw err;
  }
  return clockOffsetMs(client);
}

/** True when a failure means "your credentials (or their timestamp) were refused". */
export function isAuthFailure(err: unknown): boolean {
  const e = err as { faults?: readonly string[]; message?: string };
  return Boolean(e.faults?.includes('ter:NotAuthorized') || /not authori[sz]ed|Digest authentication failed/i.test(e.message ?? ''));
}

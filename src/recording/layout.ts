/**
 * Where segments live: `<recordings>/<camera>/<YYYY-MM-DD (UTC)>/<start epoch ms>-<profile>.mp4`.
 * The start time is in the name, so a segment whose index row was lost (power cut before SQLite
 * wrote it) is still found and indexed at the next start.
 */
import { join } from 'node:path';

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const SEGMENT_NAME = /^(\d{10,16})-(main|sub)\.mp4$/;

export function safeCameraId(id: string): boolean {
  return SAFE_ID.test(id);
}

export function segmentPath(camera: string, profile: string, startMs: number): string {
  if (!safeCameraId(camera)) throw new Error(`camera id not usable as a folder name: ${JSON.stringify(camera)}`);
  const day = new Date(startMs).toISOString().slice(0, 10);
  return join(camera, day, `${startMs}-${profile}.mp4`);
}

/** Start time and profile from a segment's file name; undefined for other files. */
export function parseSegmentName(name: string): { startMs: number; profile: 'main' | 'sub' } | undefined {
  const m = SEGMENT_NAME.exec(name);
  return m ? { startMs: Number(m[1]), profile: m[2] as 'main' | 'sub' } : undefined;
}

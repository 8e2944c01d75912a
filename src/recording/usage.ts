/** Disk usage and forecast of the recordings: bytes per camera, today's rate, days left above the floor. */
import type { RecordingIndex } from './index-store.js';
import type { Retention } from './retention.js';

const DAY_MS = 86_400_000;

export interface RecordingUsage {
  cameras: Array<{ camera: string; bytes: number; segments: number; from: string | null; to: string | null }>;
  totalBytes: number;
  freeBytes: number | null;
  diskBytes: number | null;
  floorBytes: number | null;
  /** Bytes recorded per day at the rate of the last 24 h (or since recording began, if shorter). */
  bytesPerDay: number;
  /** Days until the free space reaches the floor at that rate (then the oldest video goes); null when nothing records. */
  daysUntilFloor: number | null;
  /** Days of video the disk holds at that rate (what is kept plus what still fits above the floor). */
  daysRetainable: number | null;
  deletedSegments: number;
}

export function recordingUsage(index: RecordingIndex, retention: Retention, now = Date.now()): RecordingUsage {
  const rows = index.usage();
  const totalBytes = rows.reduce((n, r) => n + r.bytes, 0);
  const first = rows.length ? Math.min(...rows.map((r) => r.firstMs)) : now;
  const window = Math.min(DAY_MS, Math.max(60_000, now - first));
  const bytesPerDay = (index.bytesSince(now - window) / window) * DAY_MS;
  const space = retention.lastSpace;
  const floor = space ? retention.floorBytes(space) : null;
  const above = space && floor !== null ? Math.max(0, space.freeBytes - floor) : null;
  return {
    cameras: rows.map((r) => ({ camera: r.camera, bytes: r.bytes, segments: r.segments, from: new Date(r.firstMs).toISOString(), to: new Date(r.lastMs).toISOString() })),
    totalBytes,
    freeBytes: space?.freeBytes ?? null,
    diskBytes: space?.totalBytes ?? null,
    floorBytes: floor,
    bytesPerDay: Math.round(bytesPerDay),
    daysUntilFloor: above !== null && bytesPerDay > 0 ? Math.round((above / bytesPerDay) * 10) / 10 : null,
    daysRetainable: above !== null && bytesPerDay > 0 ? Math.round(((above + totalBytes) / bytesPerDay) * 10) / 10 : null,
    deletedSegments: retention.deletedTotal,
  };
}

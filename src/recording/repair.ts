/**
 * At start, before anything records: every segment the index still calls `open` (the gateway
 * died while writing it) and every segment file the index does not know (its row was lost) is
 * cut back to its last complete fragment and indexed with the times read from the file itself.
 * A file without a usable init segment or without one complete fragment is deleted.
 */
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../core/logger.js';
import { describeInit } from '../streaming/fmp4-splitter.js';
import type { RecordingIndex } from './index-store.js';
import { parseSegmentName, safeCameraId } from './layout.js';
import { scanSegment } from './mp4-time.js';

export interface RepairReport {
  repaired: number;
  removed: number;
  /** Bytes cut off the ends of interrupted segments. */
  truncatedBytes: number;
}

/** Indexes one interrupted segment; returns false when nothing usable was in it (file removed). */
function repairOne(root: string, rel: string, camera: string, profile: string, startMs: number, index: RecordingIndex, report: RepairReport): boolean {
  const abs = join(root, rel);
  let buf: Buffer;
  try {
    buf = readFileSync(abs);
  } catch {
    return false;
  }
  const scan = scanSegment(buf);
  const first = scan?.fragments[0];
  if (!scan || !first) {
    rmSync(abs, { force: true });
    report.removed++;
    return false;
  }
  if (scan.validBytes < buf.length) {
    truncateSync(abs, scan.validBytes);
    report.truncatedBytes += buf.length - scan.validBytes;
  }
  const fd = openSync(abs, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const ms = (ticks: number): number => ((ticks - first.tfdt) / scan.timescale) * 1000;
  const last = scan.fragments[scan.fragments.length - 1]!;
  const keyframes = scan.fragments.filter((f) => f.keyframe).map((f): [number, number] => [Math.round(ms(f.tfdt)), f.offset]);
  index.upsertRepaired({
    camera,
    profile,
    startMs,
    endMs: startMs + Math.round(ms(last.tfdt + last.duration)),
    file: rel,
    bytes: scan.validBytes,
    codec: describeInit(scan.init)?.codecs ?? 'unknown',
    keyframes,
  });
  report.repaired++;
  return true;
}

export function repairRecordings(root: string, index: RecordingIndex, log: Logger): RepairReport {
  const report: RepairReport = { repaired: 0, removed: 0, truncatedBytes: 0 };
  for (const row of index.openSegments()) {
    if (!repairOne(root, row.file, row.camera, row.profile, row.startMs, index, report)) index.deleteSegment(row.id);
  }
  const known = index.knownFiles();
  let cameras: string[] = [];
  try {
    cameras = readdirSync(root).filter(safeCameraId);
  } catch {
    return report;
  }
  for (const camera of cameras) {
    let days: string[] = [];
    try {
      days = readdirSync(join(root, camera)).filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d));
    } catch {
      continue;
    }
    for (const day of days) {
      for (const name of readdirSync(join(root, camera, day))) {
        const parsed = parseSegmentName(name);
        const rel = join(camera, day, name);
        if (!parsed || known.has(rel) || !statSync(join(root, rel)).isFile()) continue;
        repairOne(root, rel, camera, parsed.profile, parsed.startMs, index, report);
      }
    }
  }
  if (report.repaired || report.removed) log.info(report, 'interrupted recordings repaired');
  return report;
}

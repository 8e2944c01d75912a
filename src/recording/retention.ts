/**
 * Retention: per camera, video older than its `retentionDays` goes (events-only cameras keep only
 * what lies inside an event's span); seconds around events are kept until their own
 * `eventRetentionDays`; and whatever the days say, the free space never falls below the floor
 * (`minFreeGb` and `minFreePercent` of the disk): below it the oldest video of any camera goes
 * first, event spans last. The free space comes from a probe (statfs; tests give their own).
 */
import { statfs } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CameraRecordingConfig, RecordingConfig } from '../config/schema.js';
import type { Logger } from '../core/logger.js';
import type { RecordingIndex, SegmentRow } from './index-store.js';

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

export type FreeSpaceProbe = (dir: string) => Promise<DiskSpace> | DiskSpace;

export const statfsProbe: FreeSpaceProbe = async (dir) => {
  const s = await statfs(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
};

const DAY_MS = 86_400_000;
const BATCH = 200;

export interface RetentionDeps {
  root: string;
  config: RecordingConfig;
  settingsOf: (camera: string) => CameraRecordingConfig;
  index: RecordingIndex;
  probe: FreeSpaceProbe;
  log: Logger;
  now?: () => number;
}

export interface RetentionReport {
  byAge: number;
  byEventsMode: number;
  byFloor: number;
  freedBytes: number;
}

export class Retention {
  /** Last probe result, for usage and forecast. */
  lastSpace: DiskSpace | undefined;
  deletedTotal = 0;

  constructor(private readonly d: RetentionDeps) {}

  private now(): number {
    return (this.d.now ?? Date.now)();
  }

  floorBytes(space: DiskSpace): number {
    return Math.max(this.d.config.minFreeGb * 1024 ** 3, (this.d.config.minFreePercent / 100) * space.totalBytes);
  }

  private remove(seg: SegmentRow): void {
    rmSync(join(this.d.root, seg.file), { force: true });
    this.d.index.deleteSegment(seg.id);
    this.deletedTotal++;
  }

  /** One pass: ages and modes first, then the free-space floor. */
  async run(): Promise<RetentionReport> {
    const report: RetentionReport = { byAge: 0, byEventsMode: 0, byFloor: 0, freedBytes: 0 };
    const now = this.now();
    const { index } = this.d;
    for (const camera of index.cameras()) {
      const s = this.d.settingsOf(camera);
      // Video older than the camera's days: kept only where an event span still protects it.
      const cutoff = now - s.retentionDays * DAY_MS;
      for (const seg of index.endedBefore(camera, cutoff, BATCH * 10)) {
        if (index.protectedByEvent(camera, seg.startMs, seg.endMs, now)) continue;
        report.freedBytes += seg.bytes;
        this.remove(seg);
        report.byAge++;
      }
      // Events-only: what can no longer become pre-roll and lies in no event span goes.
      if (s.mode === 'events') {
        const preroll = now - (s.preSeconds * 1000 + this.d.config.segmentSeconds * 1000);
        for (const seg of index.endedBefore(camera, preroll, BATCH * 10)) {
          if (index.protectedByEvent(camera, seg.startMs, seg.endMs, now)) continue;
          report.freedBytes += seg.bytes;
          this.remove(seg);
          report.byEventsMode++;
        }
      }
      index.deleteGapsBefore(camera, cutoff);
    }
    index.deleteEventsExpired(now);
    await this.enforceFloor(report);
    if (report.byAge + report.byEventsMode + report.byFloor > 0) this.d.log.info(report, 'recording retention removed segments');
    return report;
  }

  /** Deletes oldest segments (event spans last) until the free space is above the floor. */
  async enforceFloor(report: RetentionReport = { byAge: 0, byEventsMode: 0, byFloor: 0, freedBytes: 0 }): Promise<RetentionReport> {
    let space = await this.d.probe(this.d.root);
    this.lastSpace = space;
    const floor = this.floorBytes(space);
    if (space.freeBytes >= floor) return report;
    let need = floor - space.freeBytes;
    const now = this.now();
    for (const protectEvents of [true, false]) {
      for (const seg of this.d.index.oldest(BATCH * 50)) {
        if (need <= 0) break;
        if (protectEvents && this.d.index.protectedByEvent(seg.camera, seg.startMs, seg.endMs, now)) continue;
        this.remove(seg);
        need -= seg.bytes;
        report.freedBytes += seg.bytes;
        report.byFloor++;
      }
      if (need <= 0) break;
    }
    space = await this.d.probe(this.d.root);
    this.lastSpace = space;
    if (space.freeBytes < floor) this.d.log.warn({ freeBytes: space.freeBytes, floorBytes: floor }, 'the disk is below the recording floor and nothing more can be deleted');
    return report;
  }

  /**
   * Synchronous emergency for a write that hit ENOSPC: delete the oldest few segments (event
   * spans last) without asking the probe. True when something was deleted.
   */
  freeNow(count = 3): boolean {
    const now = this.now();
    const oldest = this.d.index.oldest(50);
    const order = [...oldest.filter((s) => !this.d.index.protectedByEvent(s.camera, s.startMs, s.endMs, now)), ...oldest];
    const done = new Set<number>();
    for (const seg of order) {
      if (done.size >= count) break;
      if (done.has(seg.id)) continue;
      done.add(seg.id);
      this.remove(seg);
    }
    if (done.size) this.d.log.warn({ deleted: done.size }, 'the disk was full: deleted the oldest recordings');
    return done.size > 0;
  }
}

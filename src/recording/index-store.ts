/** The recording index in SQLite: segments with their keyframes, gaps, event marks and exports. */
import type { Database } from '../store/database.js';

export interface SegmentRow {
  id: number;
  camera: string;
  profile: string;
  startMs: number;
  endMs: number;
  /** Relative to the recordings folder. */
  file: string;
  bytes: number;
  codec: string;
  /** [ms after start, byte offset] of every keyframe. */
  keyframes: Array<[number, number]>;
  state: 'open' | 'closed' | 'repaired';
}

export interface GapRow {
  camera: string;
  startMs: number;
  endMs: number;
  reason: string;
}

export interface EventRow {
  id: number;
  camera: string;
  atMs: number;
  kind: string;
  label: string | null;
  keepFromMs: number;
  keepToMs: number;
  keepUntilMs: number;
}

export interface ExportRow {
  id: string;
  createdAt: number;
  createdBy: string;
  camera: string;
  fromMs: number;
  toMs: number;
  file: string;
  bytes: number;
  durationMs: number;
}

interface RawSegment {
  id: number;
  camera: string;
  profile: string;
  start_ms: number;
  end_ms: number;
  file: string;
  bytes: number;
  codec: string;
  keyframes: string;
  state: SegmentRow['state'];
}

function segment(r: RawSegment): SegmentRow {
  return { id: r.id, camera: r.camera, profile: r.profile, startMs: r.start_ms, endMs: r.end_ms, file: r.file, bytes: r.bytes, codec: r.codec, keyframes: JSON.parse(r.keyframes) as Array<[number, number]>, state: r.state };
}

const EVENT_COLUMNS = 'id, camera, at_ms AS atMs, kind, label, keep_from_ms AS keepFromMs, keep_to_ms AS keepToMs, keep_until_ms AS keepUntilMs';
const EXPORT_COLUMNS = 'id, created_at AS createdAt, created_by AS createdBy, camera, from_ms AS fromMs, to_ms AS toMs, file, bytes, duration_ms AS durationMs';

export class RecordingIndex {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  openSegment(s: Omit<SegmentRow, 'id' | 'state'>): number {
    const r = this.db
      .prepare('INSERT INTO recording_segments (camera, profile, start_ms, end_ms, file, bytes, codec, keyframes, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.camera, s.profile, s.startMs, s.endMs, s.file, s.bytes, s.codec, JSON.stringify(s.keyframes), 'open');
    return Number(r.lastInsertRowid);
  }

  updateSegment(id: number, u: { startMs?: number; endMs: number; bytes: number; keyframes: Array<[number, number]>; state?: SegmentRow['state'] }): void {
    this.db
      .prepare('UPDATE recording_segments SET start_ms = COALESCE(?, start_ms), end_ms = ?, bytes = ?, keyframes = ?, state = COALESCE(?, state) WHERE id = ?')
      .run(u.startMs ?? null, u.endMs, u.bytes, JSON.stringify(u.keyframes), u.state ?? null, id);
  }

  upsertRepaired(s: Omit<SegmentRow, 'id' | 'state'>): void {
    this.db
      .prepare(
        `INSERT INTO recording_segments (camera, profile, start_ms, end_ms, file, bytes, codec, keyframes, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'repaired')
         ON CONFLICT (file) DO UPDATE SET end_ms = excluded.end_ms, bytes = excluded.bytes, keyframes = excluded.keyframes, codec = excluded.codec, state = 'repaired'`,
      )
      .run(s.camera, s.profile, s.startMs, s.endMs, s.file, s.bytes, s.codec, JSON.stringify(s.keyframes));
  }

  openSegments(): SegmentRow[] {
    return this.db.prepare<[], RawSegment>("SELECT * FROM recording_segments WHERE state = 'open'").all().map(segment);
  }

  knownFiles(): Set<string> {
    return new Set(this.db.prepare<[], { file: string }>('SELECT file FROM recording_segments').all().map((r) => r.file));
  }

  deleteSegment(id: number): void {
    this.db.prepare('DELETE FROM recording_segments WHERE id = ?').run(id);
  }

  /** Segments of a camera overlapping [fromMs, toMs), oldest first. */
  segments(camera: string, fromMs: number, toMs: number): SegmentRow[] {
    return this.db
      .prepare<[string, number, number], RawSegment>('SELECT * FROM recording_segments WHERE camera = ? AND end_ms > ? AND start_ms < ? ORDER BY start_ms')
      .all(camera, fromMs, toMs)
      .map(segment);
  }

  /** The segment holding `atMs`, or else the first one after it. */
  segmentAtOrAfter(camera: string, atMs: number): SegmentRow | undefined {
    const r = this.db
      .prepare<[string, number], RawSegment>('SELECT * FROM recording_segments WHERE camera = ? AND end_ms > ? ORDER BY start_ms LIMIT 1')
      .get(camera, atMs);
    return r && segment(r);
  }

  segmentById(id: number): SegmentRow | undefined {
    const r = this.db.prepare<[number], RawSegment>('SELECT * FROM recording_segments WHERE id = ?').get(id);
    return r && segment(r);
  }

  /** The first segment of the camera that starts after `startMs`. */
  segmentAfter(camera: string, startMs: number): SegmentRow | undefined {
    const r = this.db.prepare<[string, number], RawSegment>('SELECT * FROM recording_segments WHERE camera = ? AND start_ms > ? ORDER BY start_ms LIMIT 1').get(camera, startMs);
    return r && segment(r);
  }

  lastSegment(camera: string): SegmentRow | undefined {
    const r = this.db.prepare<[string], RawSegment>('SELECT * FROM recording_segments WHERE camera = ? ORDER BY start_ms DESC LIMIT 1').get(camera);
    return r && segment(r);
  }

  /** Oldest segments first (any camera), for the free-space floor. */
  oldest(limit: number): SegmentRow[] {
    return this.db.prepare<[number], RawSegment>("SELECT * FROM recording_segments WHERE state != 'open' ORDER BY start_ms LIMIT ?").all(limit).map(segment);
  }

  /** Closed segments of a camera that ended before `beforeMs`, oldest first. */
  endedBefore(camera: string, beforeMs: number, limit: number): SegmentRow[] {
    return this.db
      .prepare<[string, number, number], RawSegment>("SELECT * FROM recording_segments WHERE camera = ? AND state != 'open' AND end_ms < ? ORDER BY start_ms LIMIT ?")
      .all(camera, beforeMs, limit)
      .map(segment);
  }

  cameras(): string[] {
    return this.db.prepare<[], { camera: string }>('SELECT DISTINCT camera FROM recording_segments').all().map((r) => r.camera);
  }

  usage(): Array<{ camera: string; bytes: number; segments: number; firstMs: number; lastMs: number }> {
    return this.db
      .prepare<[], { camera: string; bytes: number; segments: number; firstMs: number; lastMs: number }>(
        'SELECT camera, SUM(bytes) AS bytes, COUNT(*) AS segments, MIN(start_ms) AS firstMs, MAX(end_ms) AS lastMs FROM recording_segments GROUP BY camera',
      )
      .all();
  }

  /** Bytes of segments that started at or after `sinceMs` (all cameras). */
  bytesSince(sinceMs: number): number {
    return this.db.prepare<[number], { n: number | null }>('SELECT SUM(bytes) AS n FROM recording_segments WHERE start_ms >= ?').get(sinceMs)?.n ?? 0;
  }

  addGap(g: GapRow): void {
    this.db.prepare('INSERT INTO recording_gaps (camera, start_ms, end_ms, reason) VALUES (?, ?, ?, ?)').run(g.camera, g.startMs, g.endMs, g.reason);
  }

  gaps(camera: string, fromMs: number, toMs: number): GapRow[] {
    return this.db
      .prepare<[string, number, number], GapRow>('SELECT camera, start_ms AS startMs, end_ms AS endMs, reason FROM recording_gaps WHERE camera = ? AND end_ms > ? AND start_ms < ? ORDER BY start_ms')
      .all(camera, fromMs, toMs);
  }

  deleteGapsBefore(camera: string, beforeMs: number): void {
    this.db.prepare('DELETE FROM recording_gaps WHERE camera = ? AND end_ms < ?').run(camera, beforeMs);
  }

  addEvent(e: Omit<EventRow, 'id'>): number {
    const r = this.db
      .prepare('INSERT INTO recording_events (camera, at_ms, kind, label, keep_from_ms, keep_to_ms, keep_until_ms) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(e.camera, e.atMs, e.kind, e.label, e.keepFromMs, e.keepToMs, e.keepUntilMs);
    return Number(r.lastInsertRowid);
  }

  /** Whether the camera already has an event mark of this kind and label (alarms are marked once). */
  hasEvent(camera: string, kind: string, label: string): boolean {
    return this.db.prepare<[string, string, string], { n: number }>('SELECT COUNT(*) AS n FROM recording_events WHERE camera = ? AND kind = ? AND label = ?').get(camera, kind, label)!.n > 0;
  }

  events(camera: string, fromMs: number, toMs: number): EventRow[] {
    return this.db.prepare<[string, number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM recording_events WHERE camera = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms LIMIT 5000`).all(camera, fromMs, toMs);
  }

  /** Whether a still-kept event span of the camera overlaps [fromMs, toMs). */
  protectedByEvent(camera: string, fromMs: number, toMs: number, nowMs: number): boolean {
    return (
      this.db
        .prepare<[string, number, number, number], { n: number }>('SELECT COUNT(*) AS n FROM recording_events WHERE camera = ? AND keep_to_ms > ? AND keep_from_ms < ? AND keep_until_ms > ?')
        .get(camera, fromMs, toMs, nowMs)!.n > 0
    );
  }

  deleteEventsExpired(nowMs: number): void {
    this.db.prepare('DELETE FROM recording_events WHERE keep_until_ms <= ?').run(nowMs);
  }

  addExport(e: ExportRow): void {
    this.db
      .prepare('INSERT INTO recording_exports (id, created_at, created_by, camera, from_ms, to_ms, file, bytes, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.id, e.createdAt, e.createdBy, e.camera, e.fromMs, e.toMs, e.file, e.bytes, e.durationMs);
  }

  exports(): ExportRow[] {
    return this.db.prepare<[], ExportRow>(`SELECT ${EXPORT_COLUMNS} FROM recording_exports ORDER BY created_at DESC LIMIT 1000`).all();
  }

  getExport(id: string): ExportRow | undefined {
    return this.db.prepare<[string], ExportRow>(`SELECT ${EXPORT_COLUMNS} FROM recording_exports WHERE id = ?`).get(id);
  }

  deleteExport(id: string): void {
    this.db.prepare('DELETE FROM recording_exports WHERE id = ?').run(id);
  }

  retentionOverrides(): Map<string, number> {
    return new Map(this.db.prepare<[], { camera: string; days: number }>('SELECT camera, retention_days AS days FROM recording_retention_overrides').all().map((r) => [r.camera, r.days]));
  }

  setRetentionOverride(camera: string, days: number, by: string, atMs: number): void {
    this.db
      .prepare('INSERT INTO recording_retention_overrides (camera, retention_days, changed_by, changed_at) VALUES (?, ?, ?, ?) ON CONFLICT (camera) DO UPDATE SET retention_days = excluded.retention_days, changed_by = excluded.changed_by, changed_at = excluded.changed_at')
      .run(camera, days, by, atMs);
  }
}

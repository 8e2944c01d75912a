/** The vision feature's tables: zones, the detection list, and line-crossing counts per hour. */
import { randomUUID } from 'node:crypto';
import { NotFoundError } from '../core/errors.js';
import type { Db, MigrationSet } from '../store/database.js';
import { zoneInput, type Zone, type ZoneInput } from './zones.js';

export const visionMigrations: MigrationSet = {
  feature: 'vision',
  migrations: [
    {
      version: 1,
      name: 'zones, detections, line counts',
      up: `
        CREATE TABLE vision_zones (id TEXT PRIMARY KEY, camera_id TEXT NOT NULL, definition TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE TABLE vision_events (
          id TEXT PRIMARY KEY, at TEXT NOT NULL, camera_id TEXT NOT NULL, kind TEXT NOT NULL, zone_id TEXT NOT NULL, zone_name TEXT NOT NULL,
          preset TEXT NOT NULL, classes TEXT NOT NULL, confidence REAL NOT NULL, track_id TEXT NOT NULL, snapshot TEXT, boxes TEXT NOT NULL);
        CREATE INDEX vision_events_at ON vision_events (at);
        CREATE TABLE vision_line_counts (
          zone_id TEXT NOT NULL, hour TEXT NOT NULL, direction TEXT NOT NULL, class TEXT NOT NULL, count INTEGER NOT NULL,
          PRIMARY KEY (zone_id, hour, direction, class));`,
    },
  ],
};

export interface StoredEvent {
  id: string;
  at: string;
  cameraId: string;
  kind: string;
  zoneId: string;
  zoneName: string;
  preset: string;
  classes: string[];
  confidence: number;
  trackId: string;
  snapshot: string | null;
  boxes: Array<{ label: string; score: number; box: { x: number; y: number; w: number; h: number } }>;
}

interface EventRow {
  id: string; at: string; camera_id: string; kind: string; zone_id: string; zone_name: string; preset: string;
  classes: string; confidence: number; track_id: string; snapshot: string | null; boxes: string;
}

export class VisionStore {
  private cache: Zone[] | undefined;

  constructor(private readonly db: () => Db) {}

  zones(): Zone[] {
    this.cache ??= this.db()
      .prepare<[], { id: string; definition: string }>('SELECT id, definition FROM vision_zones ORDER BY camera_id, id')
      .all()
      .map((r) => ({ ...(JSON.parse(r.definition) as ZoneInput), id: r.id }));
    return this.cache;
  }

  zonesOf(cameraId: string): Zone[] {
    return this.zones().filter((z) => z.cameraId === cameraId);
  }

  zone(id: string): Zone {
    const z = this.zones().find((x) => x.id === id);
    if (!z) throw new NotFoundError('vision.zone-not-found', { zone: id });
    return z;
  }

  addZone(input: ZoneInput, by: string): Zone {
    const id = randomUUID();
    this.db().prepare('INSERT INTO vision_zones (id, camera_id, definition, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)').run(id, input.cameraId, JSON.stringify(input), by, new Date().toISOString());
    this.cache = undefined;
    return { ...input, id };
  }

  replaceZone(id: string, input: ZoneInput, by: string): Zone {
    this.zone(id);
    this.db().prepare('UPDATE vision_zones SET camera_id = ?, definition = ?, updated_by = ?, updated_at = ? WHERE id = ?').run(input.cameraId, JSON.stringify(zoneInput.parse(input)), by, new Date().toISOString(), id);
    this.cache = undefined;
    return { ...input, id };
  }

  removeZone(id: string): Zone {
    const z = this.zone(id);
    this.db().prepare('DELETE FROM vision_zones WHERE id = ?').run(id);
    this.cache = undefined;
    return z;
  }

  /** Adds an event; returns the snapshot files of events beyond the newest `keep` (deleted here). */
  addEvent(e: StoredEvent, keep: number): string[] {
    const db = this.db();
    db.prepare('INSERT INTO vision_events (id, at, camera_id, kind, zone_id, zone_name, preset, classes, confidence, track_id, snapshot, boxes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      e.id, e.at, e.cameraId, e.kind, e.zoneId, e.zoneName, e.preset, e.classes.join(','), e.confidence, e.trackId, e.snapshot, JSON.stringify(e.boxes),
    );
    const old = db.prepare<[number], { id: string; snapshot: string | null }>('SELECT id, snapshot FROM vision_events ORDER BY at DESC, id LIMIT -1 OFFSET ?').all(keep);
    const del = db.prepare('DELETE FROM vision_events WHERE id = ?');
    for (const r of old) del.run(r.id);
    return old.flatMap((r) => (r.snapshot ? [r.snapshot] : []));
  }

  events(o: { cameraId?: string | undefined; limit: number; before?: string | undefined }): StoredEvent[] {
    const rows = this.db()
      .prepare<[string | null, string | null, string | null, string | null, number], EventRow>('SELECT * FROM vision_events WHERE (? IS NULL OR camera_id = ?) AND (? IS NULL OR at < ?) ORDER BY at DESC LIMIT ?')
      .all(o.cameraId ?? null, o.cameraId ?? null, o.before ?? null, o.before ?? null, o.limit);
    return rows.map((r) => ({ id: r.id, at: r.at, cameraId: r.camera_id, kind: r.kind, zoneId: r.zone_id, zoneName: r.zone_name, preset: r.preset, classes: r.classes.split(','), confidence: r.confidence, trackId: r.track_id, snapshot: r.snapshot, boxes: JSON.parse(r.boxes) as StoredEvent['boxes'] }));
  }

  snapshotExists(file: string): boolean {
    return this.db().prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM vision_events WHERE snapshot = ?').get(file)!.n > 0;
  }

  countCrossing(zoneId: string, at: Date, direction: 'in' | 'out', cls: string): void {
    const hour = `${at.toISOString().slice(0, 13)}:00Z`;
    this.db().prepare('INSERT INTO vision_line_counts (zone_id, hour, direction, class, count) VALUES (?, ?, ?, ?, 1) ON CONFLICT (zone_id, hour, direction, class) DO UPDATE SET count = count + 1').run(zoneId, hour, direction, cls);
  }

  counts(zoneId: string, from: string, to: string): Array<{ hour: string; direction: string; class: string; count: number }> {
    return this.db().prepare<[string, string, string], { hour: string; direction: string; class: string; count: number }>('SELECT hour, direction, class, count FROM vision_line_counts WHERE zone_id = ? AND hour >= ? AND hour < ? ORDER BY hour, direction, class').all(zoneId, from, to);
  }

  /** Crossings of one UTC hour ("2026-12-01T08:00Z") by direction and class. */
  hourCrossings(zoneId: string, hour: string): { in: Record<string, number>; out: Record<string, number> } {
    const out = { in: {} as Record<string, number>, out: {} as Record<string, number> };
    const rows = this.db().prepare<[string, string], { direction: string; class: string; count: number }>('SELECT direction, class, count FROM vision_line_counts WHERE zone_id = ? AND hour = ?').all(zoneId, hour);
    for (const r of rows) (r.direction === 'in' ? out.in : out.out)[r.class] = r.count;
    return out;
  }
}

import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../store/database.js';
import { UserError } from '../core/errors.js';
import type { MigrationSet } from '../store/database.js';

/** Kinds of things placed on the site map. */
export const SITE_MAP_KINDS = ['cameras', 'barriers', 'speakers', 'alarm-buttons', 'door-sensors', 'homes'] as const;
export type SiteMapKind = (typeof SITE_MAP_KINDS)[number];

/** Largest plan image accepted (bytes). */
export const MAX_PLAN_BYTES = 5 * 1024 * 1024;

export interface PlanImage {
  contentType: 'image/png' | 'image/jpeg';
  bytes: number;
  /** Bumped at each upload (the pages load the new one). */
  version: number;
  uploadedBy: string;
  uploadedAt: string;
}

export interface Placement {
  kind: SiteMapKind;
  id: string;
  /** Left and top of the place as fractions (0..1) of the image's width and height. */
  x: number;
  y: number;
  placedBy: string;
  placedAt: string;
}

export const siteMapMigrations: MigrationSet = {
  feature: 'site-map',
  migrations: [
    {
      version: 1,
      name: 'site map: plan image and placements',
      up: `
        CREATE TABLE site_map_image (
          slot INTEGER PRIMARY KEY CHECK (slot = 1),
          content_type TEXT NOT NULL,
          bytes INTEGER NOT NULL,
          version INTEGER NOT NULL,
          uploaded_by TEXT NOT NULL,
          uploaded_at TEXT NOT NULL
        );
        CREATE TABLE site_map_placements (
          kind TEXT NOT NULL,
          id TEXT NOT NULL,
          x REAL NOT NULL,
          y REAL NOT NULL,
          placed_by TEXT NOT NULL,
          placed_at TEXT NOT NULL,
          PRIMARY KEY (kind, id)
        );
      `,
    },
  ],
};

/** The format an image's first bytes say it is (PNG or JPEG), or null. */
export function sniffImage(bytes: Buffer): PlanImage['contentType'] | null {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

interface ImageRow {
  content_type: PlanImage['contentType'];
  bytes: number;
  version: number;
  uploaded_by: string;
  uploaded_at: string;
}
interface PlacementRow {
  kind: SiteMapKind;
  id: string;
  x: number;
  y: number;
  placed_by: string;
  placed_at: string;
}

/** The plan image (one file in the data folder) and where each thing sits on it (SQLite). */
export class SiteMapStore {
  constructor(private readonly deps: { db: () => Db; dir: string; now?: () => number }) {}

  private now(): string {
    return new Date(this.deps.now?.() ?? Date.now()).toISOString();
  }

  private get file(): string {
    return join(this.deps.dir, 'plan.img');
  }

  image(): PlanImage | null {
    const row = this.deps.db().prepare<[], ImageRow>('SELECT content_type, bytes, version, uploaded_by, uploaded_at FROM site_map_image WHERE slot = 1').get();
    return row ? { contentType: row.content_type, bytes: row.bytes, version: row.version, uploadedBy: row.uploaded_by, uploadedAt: row.uploaded_at } : null;
  }

  /** The image's bytes, or null when none was uploaded. */
  imageBytes(): { contentType: PlanImage['contentType']; bytes: Buffer } | null {
    const meta = this.image();
    if (!meta || !existsSync(this.file)) return null;
    return { contentType: meta.contentType, bytes: readFileSync(this.file) };
  }

  /** Replaces the plan image: a PNG or JPEG (by its first bytes) of at most 5 MiB. Places are kept. */
  saveImage(bytes: Buffer, by: string): PlanImage {
    if (bytes.length === 0) throw new UserError('site-map.image-empty', {}, 400, 'bad_image');
    if (bytes.length > MAX_PLAN_BYTES) throw new UserError('site-map.image-too-big', { mib: MAX_PLAN_BYTES / 1024 / 1024 }, 413, 'image_too_big');
    const contentType = sniffImage(bytes);
    if (!contentType) throw new UserError('site-map.image-type', {}, 415, 'bad_image');
    mkdirSync(this.deps.dir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, this.file);
    const version = (this.image()?.version ?? 0) + 1;
    this.deps
      .db()
      .prepare('INSERT INTO site_map_image (slot, content_type, bytes, version, uploaded_by, uploaded_at) VALUES (1, ?, ?, ?, ?, ?) ON CONFLICT (slot) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, version = excluded.version, uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at')
      .run(contentType, bytes.length, version, by, this.now());
    return this.image()!;
  }

  placements(): Placement[] {
    return this.deps
      .db()
      .prepare<[], PlacementRow>('SELECT kind, id, x, y, placed_by, placed_at FROM site_map_placements ORDER BY kind, id')
      .all()
      .map((r) => ({ kind: r.kind, id: r.id, x: r.x, y: r.y, placedBy: r.placed_by, placedAt: r.placed_at }));
  }

  place(kind: SiteMapKind, id: string, x: number, y: number, by: string): Placement {
    this.deps
      .db()
      .prepare('INSERT INTO site_map_placements (kind, id, x, y, placed_by, placed_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET x = excluded.x, y = excluded.y, placed_by = excluded.placed_by, placed_at = excluded.placed_at')
      .run(kind, id, x, y, by, this.now());
    return this.placements().find((p) => p.kind === kind && p.id === id)!;
  }

  /** Takes a thing off the map; false when it was not on it. */
  remove(kind: SiteMapKind, id: string): boolean {
    return this.deps.db().prepare('DELETE FROM site_map_placements WHERE kind = ? AND id = ?').run(kind, id).changes > 0;
  }
}

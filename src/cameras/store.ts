/** The cameras feature's tables: cameras added at run time, preset display names, tours. */
import type { Db, MigrationSet } from '../store/database.js';

export const cameraMigrations: MigrationSet = {
  feature: 'cameras',
  migrations: [
    {
      version: 1,
      name: 'cameras, preset names, tours',
      up: `
        CREATE TABLE cameras (
          id TEXT PRIMARY KEY, name TEXT NOT NULL, host TEXT NOT NULL, port INTEGER NOT NULL, path TEXT,
          username TEXT, password TEXT, location TEXT, added_by TEXT NOT NULL, added_at TEXT NOT NULL);
        CREATE TABLE camera_preset_names (
          camera_id TEXT NOT NULL, token TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (camera_id, token));
        CREATE TABLE camera_tours (
          camera_id TEXT NOT NULL, name TEXT NOT NULL, definition TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL,
          PRIMARY KEY (camera_id, name));
        CREATE TABLE camera_tour_active (camera_id TEXT PRIMARY KEY, name TEXT NOT NULL, started_by TEXT NOT NULL);`,
    },
  ],
};

export interface CameraDefinition {
  id: string;
  name: string;
  host: string;
  port: number;
  path?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  location?: string | undefined;
  /** Speakers near the camera (ids or `group:<name>`); configured cameras only. */
  speakers?: string[] | undefined;
}

interface CameraRow {
  id: string;
  name: string;
  host: string;
  port: number;
  path: string | null;
  username: string | null;
  password: string | null;
  location: string | null;
}

export class CameraStore {
  constructor(private readonly db: () => Db) {}

  addedCameras(): CameraDefinition[] {
    return this.db()
      .prepare<[], CameraRow>('SELECT * FROM cameras ORDER BY added_at')
      .all()
      .map((r) => ({
        id: r.id,
        name: r.name,
        host: r.host,
        port: r.port,
        path: r.path ?? undefined,
        username: r.username ?? undefined,
        password: r.password ?? undefined,
        location: r.location ?? undefined,
      }));
  }

  addCamera(def: CameraDefinition, by: string): void {
    this.db()
      .prepare('INSERT INTO cameras (id, name, host, port, path, username, password, location, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(def.id, def.name, def.host, def.port, def.path ?? null, def.username ?? null, def.password ?? null, def.location ?? null, by, new Date().toISOString());
  }

  /** Removes a run-time camera and everything kept about it. */
  removeCamera(id: string): boolean {
    const db = this.db();
    return db.transaction(() => {
      for (const table of ['camera_preset_names', 'camera_tours', 'camera_tour_active']) db.prepare(`DELETE FROM ${table} WHERE camera_id = ?`).run(id);
      return db.prepare('DELETE FROM cameras WHERE id = ?').run(id).changes > 0;
    })();
  }

  presetNames(cameraId: string): Map<string, string> {
    const rows = this.db().prepare<[string], { token: string; name: string }>('SELECT token, name FROM camera_preset_names WHERE camera_id = ?').all(cameraId);
    return new Map(rows.map((r) => [r.token, r.name]));
  }

  setPresetName(cameraId: string, token: string, name: string): void {
    this.db().prepare('INSERT INTO camera_preset_names (camera_id, token, name) VALUES (?, ?, ?) ON CONFLICT (camera_id, token) DO UPDATE SET name = excluded.name').run(cameraId, token, name);
  }

  forgetPresetName(cameraId: string, token: string): void {
    this.db().prepare('DELETE FROM camera_preset_names WHERE camera_id = ? AND token = ?').run(cameraId, token);
  }

  tours(cameraId: string): Array<{ name: string; definition: unknown }> {
    return this.db()
      .prepare<[string], { name: string; definition: string }>('SELECT name, definition FROM camera_tours WHERE camera_id = ? ORDER BY name')
      .all(cameraId)
      .map((r) => ({ name: r.name, definition: JSON.parse(r.definition) as unknown }));
  }

  saveTour(cameraId: string, name: string, definition: unknown, by: string): void {
    this.db()
      .prepare(
        'INSERT INTO camera_tours (camera_id, name, definition, updated_by, updated_at) VALUES (?, ?, ?, ?, ?) ' +
          'ON CONFLICT (camera_id, name) DO UPDATE SET definition = excluded.definition, updated_by = excluded.updated_by, updated_at = excluded.updated_at',
      )
      .run(cameraId, name, JSON.stringify(definition), by, new Date().toISOString());
  }

  deleteTour(cameraId: string, name: string): boolean {
    return this.db().prepare('DELETE FROM camera_tours WHERE camera_id = ? AND name = ?').run(cameraId, name).changes > 0;
  }

  activeTours(): Array<{ cameraId: string; name: string; startedBy: string }> {
    return this.db()
      .prepare<[], { camera_id: string; name: string; started_by: string }>('SELECT * FROM camera_tour_active')
      .all()
      .map((r) => ({ cameraId: r.camera_id, name: r.name, startedBy: r.started_by }));
  }

  setActiveTour(cameraId: string, name: string | null, by = 'gateway'): void {
    if (name === null) this.db().prepare('DELETE FROM camera_tour_active WHERE camera_id = ?').run(cameraId);
    else this.db().prepare('INSERT INTO camera_tour_active (camera_id, name, started_by) VALUES (?, ?, ?) ON CONFLICT (camera_id) DO UPDATE SET name = excluded.name, started_by = excluded.started_by').run(cameraId, name, by);
  }
}

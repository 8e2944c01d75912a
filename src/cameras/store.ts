/**
 * The cameras feature's tables: cameras added at run time (passwords encrypted at rest, see
 * secret-box.ts), preset display names, tours, and which cameras the gateway had set moving.
 */
import type { Db, MigrationSet } from '../store/database.js';
import { SecretBox } from './secret-box.js';

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
    {
      version: 2,
      name: 'cameras the gateway set moving (Stop at the next connect)',
      up: `CREATE TABLE camera_moving (camera_id TEXT PRIMARY KEY, since TEXT NOT NULL);`,
    },
    {
      version: 3,
      name: 'speakers near a camera added at run time',
      up: `ALTER TABLE cameras ADD COLUMN speakers TEXT;`,
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
  /** Speakers near the camera (ids or `group:<name>`). */
  speakers?: string[] | undefined;
  /** Other hosts its snapshot and RTSP URLs may name; configured cameras only. */
  mediaHosts?: string[] | undefined;
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
  speakers: string | null;
}

export class CameraStore {
  private box: SecretBox | undefined;

  /** `secrets` opens the key (made at first use); without it passwords are kept as they are (tests of other features). */
  constructor(
    private readonly db: () => Db,
    private readonly secrets?: () => SecretBox,
  ) {}

  private sealer(): SecretBox | undefined {
    if (!this.secrets) return undefined;
    return (this.box ??= this.secrets());
  }

  /** Encrypts passwords kept in clear by earlier versions; returns how many rows it changed. */
  sealClearPasswords(): number {
    const box = this.sealer();
    if (!box) return 0;
    const db = this.db();
    const rows = db.prepare<[], { id: string; password: string }>("SELECT id, password FROM cameras WHERE password IS NOT NULL AND password NOT LIKE 'enc:v1:%'").all();
    const update = db.prepare('UPDATE cameras SET password = ? WHERE id = ?');
    db.transaction(() => {
      for (const r of rows) update.run(box.seal(r.password), r.id);
    })();
    return rows.length;
  }

  /** Run-time cameras; `onUnreadable` names a camera whose stored password cannot be decrypted (its password is then absent). */
  addedCameras(onUnreadable: (id: string, err: Error) => void = () => {}): CameraDefinition[] {
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
        password: r.password === null ? undefined : this.reveal(r.id, r.password, onUnreadable),
        location: r.location ?? undefined,
        speakers: r.speakers ? (JSON.parse(r.speakers) as string[]) : undefined,
      }));
  }

  private reveal(id: string, stored: string, onUnreadable: (id: string, err: Error) => void): string | undefined {
    if (!SecretBox.isSealed(stored)) return stored;
    const box = this.sealer();
    try {
      if (!box) throw new Error('no key to decrypt it');
      return box.open(stored);
    } catch (err) {
      onUnreadable(id, err as Error);
      return undefined;
    }
  }

  addCamera(def: CameraDefinition, by: string): void {
    const box = this.sealer();
    const password = def.password === undefined ? null : box ? box.seal(def.password) : def.password;
    this.db()
      .prepare('INSERT INTO cameras (id, name, host, port, path, username, password, location, speakers, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(def.id, def.name, def.host, def.port, def.path ?? null, def.username ?? null, password, def.location ?? null, def.speakers ? JSON.stringify(def.speakers) : null, by, new Date().toISOString());
  }

  /** Changes a run-time camera (its password stays as it was when `def.password` is undefined and `keepPassword`). */
  updateCamera(def: CameraDefinition, keepPassword: boolean): void {
    const box = this.sealer();
    const password = def.password === undefined ? null : box ? box.seal(def.password) : def.password;
    const db = this.db();
    db.transaction(() => {
      db.prepare('UPDATE cameras SET name = ?, host = ?, port = ?, path = ?, username = ?, location = ?, speakers = ? WHERE id = ?').run(
        def.name, def.host, def.port, def.path ?? null, def.username ?? null, def.location ?? null, def.speakers ? JSON.stringify(def.speakers) : null, def.id,
      );
      if (!keepPassword) db.prepare('UPDATE cameras SET password = ? WHERE id = ?').run(password, def.id);
    })();
  }

  /** Cameras the gateway set moving and has not stopped (it may have died mid-move). */
  movingCameras(): Set<string> {
    return new Set(this.db().prepare<[], { camera_id: string }>('SELECT camera_id FROM camera_moving').all().map((r) => r.camera_id));
  }

  setMoving(cameraId: string, moving: boolean): void {
    if (moving) this.db().prepare('INSERT INTO camera_moving (camera_id, since) VALUES (?, ?) ON CONFLICT (camera_id) DO NOTHING').run(cameraId, new Date().toISOString());
    else this.db().prepare('DELETE FROM camera_moving WHERE camera_id = ?').run(cameraId);
  }

  /** Removes a run-time camera and everything kept about it. */
  removeCamera(id: string): boolean {
    const db = this.db();
    return db.transaction(() => {
      for (const table of ['camera_preset_names', 'camera_tours', 'camera_tour_active', 'camera_moving']) db.prepare(`DELETE FROM ${table} WHERE camera_id = ?`).run(id);
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

/**
 * Presets and the home position of one simulated camera, kept in memory and, when a data
 * directory is given, in `<dataDir>/<cameraId>.presets.json` so they survive restarts.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PtzPhysical } from '../../devices/onvif-camera/protocol.js';

export interface Preset {
  token: string;
  name: string;
  position: PtzPhysical;
}

interface StoredPresets {
  presets: Preset[];
  home: PtzPhysical | null;
  nextToken: number;
}

export class PresetStore {
  private data: StoredPresets = { presets: [], home: null, nextToken: 1 };
  private readonly file: string | undefined;

  constructor(
    cameraId: string,
    dataDir: string | undefined,
    readonly maxPresets = 128,
  ) {
    this.file = dataDir ? join(dataDir, `${cameraId.replace(/[^A-Za-z0-9_-]/g, '_')}.presets.json`) : undefined;
  }

  /** Reads the file if there is one; a corrupt file is reported and replaced by an empty store. */
  load(onError: (message: string) => void): void {
    if (!this.file) return;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as StoredPresets;
      if (Array.isArray(parsed.presets)) this.data = { presets: parsed.presets, home: parsed.home ?? null, nextToken: parsed.nextToken || 1 };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') onError(`presets file ${this.file} unreadable, starting empty: ${String(err)}`);
    }
  }

  list(): readonly Preset[] {
    return this.data.presets;
  }

  get(token: string): Preset | undefined {
    return this.data.presets.find((p) => p.token === token);
  }

  /** Creates (no token) or overwrites (existing token) a preset; returns its token, or an error text. */
  set(token: string | undefined, name: string | undefined, position: PtzPhysical): { token: string } | { error: 'no-token' | 'too-many' | 'name-exists' } {
    if (token) {
      const existing = this.get(token);
      if (!existing) return { error: 'no-token' };
      existing.position = { ...position };
      if (name) existing.name = name;
      this.save();
      return { token };
    }
    if (this.data.presets.length >= this.maxPresets) return { error: 'too-many' };
    if (name && this.data.presets.some((p) => p.name === name)) return { error: 'name-exists' };
    const newToken = `Preset_${this.data.nextToken++}`;
    this.data.presets.push({ token: newToken, name: name || newToken, position: { ...position } });
    this.save();
    return { token: newToken };
  }

  remove(token: string): boolean {
    const before = this.data.presets.length;
    this.data.presets = this.data.presets.filter((p) => p.token !== token);
    if (this.data.presets.length === before) return false;
    this.save();
    return true;
  }

  get home(): PtzPhysical | null {
    return this.data.home;
  }

  setHome(position: PtzPhysical): void {
    this.data.home = { ...position };
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    mkdirSync(join(this.file, '..'), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data, null, 2));
    renameSync(tmp, this.file);
  }
}

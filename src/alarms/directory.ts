import { ConflictError, NotFoundError, UserError } from '../core/errors.js';
import type { Db } from '../store/database.js';
import type { Clock } from './alarm-service.js';
import type { AlarmsConfig, GridConfig, HomeConfig, WorkerConfig } from './config.js';
import { HomeWatch } from './watch.js';

/** Where an entry comes from: the configuration file (read-only on the pages) or the pages (SQLite). */
export type EntryOrigin = 'config' | 'page';

export type GridEntry = GridConfig & { origin: EntryOrigin };
export type WorkerEntry = WorkerConfig & { origin: EntryOrigin };
export type HomeEntry = HomeConfig & { origin: EntryOrigin; /** Epoch ms the watch was ended early (null: runs to its last day). */ endedAt: number | null };

type Kind = 'grid' | 'worker' | 'home';

/** What the directory checks names against (devices of the config, cameras of the registry). */
export interface DirectoryTargets {
  doorSensorExists(id: string): boolean;
  alarmDeviceExists(id: string): boolean;
  gateExists(id: string): boolean;
  cameraExists(id: string): boolean;
}

/**
 * Grids, grid workers and homes under watch: those of the configuration file (kept as they are)
 * plus those added on the pages (stored in SQLite). The on-duty state of every worker and the early
 * end of every home's watch are stored too, whichever its origin. Work-order assignment and the
 * door-sensor watch read the merged lists from here.
 */
export class AlarmDirectory {
  private cache: { grids: GridEntry[]; workers: WorkerEntry[]; homes: HomeEntry[] } | undefined;

  constructor(private readonly deps: { db: () => Db; config: AlarmsConfig; targets: DirectoryTargets; clock: Clock }) {}

  grids(): GridEntry[] {
    return this.load().grids;
  }

  workers(): WorkerEntry[] {
    return this.load().workers;
  }

  homes(): HomeEntry[] {
    return this.load().homes;
  }

  addGrid(grid: GridConfig, by: string): GridEntry {
    this.checkGrid(grid);
    this.insert('grid', grid.id, grid, by);
    return this.grids().find((g) => g.id === grid.id)!;
  }

  updateGrid(id: string, grid: Omit<GridConfig, 'id'>, by: string): GridEntry {
    this.pageEntry('grid', id);
    this.checkGrid({ ...grid, id }, id);
    this.update('grid', id, { ...grid, id }, by);
    return this.grids().find((g) => g.id === id)!;
  }

  removeGrid(id: string): void {
    this.pageEntry('grid', id);
    const workers = this.workers().filter((w) => w.grid === id);
    if (workers.length) throw new ConflictError('directory.grid-has-workers', { grid: this.gridName(id), workers: workers.map((w) => w.name).join(', ') });
    this.remove('grid', id);
  }

  addWorker(worker: WorkerConfig, by: string): WorkerEntry {
    this.checkWorker(worker);
    this.insert('worker', worker.id, worker, by);
    this.deps.db().prepare('INSERT OR REPLACE INTO alarm_worker_duty (worker, on_duty, by, at) VALUES (?, ?, ?, ?)').run(worker.id, worker.onDuty ? 1 : 0, by, this.deps.clock.now());
    return this.changed().workers.find((w) => w.id === worker.id)!;
  }

  updateWorker(id: string, worker: Omit<WorkerConfig, 'id'>, by: string): WorkerEntry {
    this.pageEntry('worker', id);
    this.checkWorker({ ...worker, id }, id);
    this.update('worker', id, { ...worker, id }, by);
    return this.setOnDuty(id, worker.onDuty, by);
  }

  removeWorker(id: string): void {
    this.pageEntry('worker', id);
    this.remove('worker', id);
    this.deps.db().prepare('DELETE FROM alarm_worker_duty WHERE worker = ?').run(id);
    this.changed();
  }

  /** On or off duty: any worker, from the configuration file or the page. */
  setOnDuty(id: string, onDuty: boolean, by: string): WorkerEntry {
    if (!this.workers().some((w) => w.id === id)) throw new NotFoundError('directory.worker-not-found', { worker: id });
    this.deps.db().prepare('INSERT OR REPLACE INTO alarm_worker_duty (worker, on_duty, by, at) VALUES (?, ?, ?, ?)').run(id, onDuty ? 1 : 0, by, this.deps.clock.now());
    return this.changed().workers.find((w) => w.id === id)!;
  }

  addHome(home: HomeConfig, by: string): HomeEntry {
    this.checkHome(home);
    this.insert('home', home.id, home, by);
    return this.homes().find((h) => h.id === home.id)!;
  }

  updateHome(id: string, home: Omit<HomeConfig, 'id'>, by: string): HomeEntry {
    this.pageEntry('home', id);
    this.checkHome({ ...home, id }, id);
    this.update('home', id, { ...home, id }, by);
    this.deps.db().prepare('DELETE FROM alarm_watch_ended WHERE home = ?').run(id);
    return this.changed().homes.find((h) => h.id === id)!;
  }

  removeHome(id: string): void {
    this.pageEntry('home', id);
    this.remove('home', id);
    this.deps.db().prepare('DELETE FROM alarm_watch_ended WHERE home = ?').run(id);
    this.changed();
  }

  /** Ends a home's watch now (any home; the daily log stays). */
  endWatch(id: string, by: string): HomeEntry {
    const home = this.homes().find((h) => h.id === id);
    if (!home) throw new NotFoundError('directory.home-not-found', { home: id });
    if (!home.watch) throw new ConflictError('directory.home-not-watched', { home: HomeWatch.label(home) });
    this.deps.db().prepare('INSERT OR REPLACE INTO alarm_watch_ended (home, ended_at, by) VALUES (?, ?, ?)').run(id, this.deps.clock.now(), by);
    return this.changed().homes.find((h) => h.id === id)!;
  }

  private gridName(id: string): string {
    return this.grids().find((g) => g.id === id)?.name ?? id;
  }

  private checkGrid(grid: GridConfig, self?: string): void {
    if (self === undefined) this.checkFreeId('grid', grid.id, this.grids());
    for (const gate of grid.gates) if (!this.deps.targets.gateExists(gate)) throw new UserError('directory.gate-unknown', { gate }, 400, 'unknown_gate');
    for (const camera of grid.cameras) if (!this.deps.targets.cameraExists(camera)) throw new UserError('directory.camera-unknown', { camera }, 400, 'unknown_camera');
    for (const device of grid.devices) if (!this.deps.targets.alarmDeviceExists(device)) throw new UserError('directory.device-unknown', { device }, 400, 'unknown_device');
  }

  private checkWorker(worker: WorkerConfig, self?: string): void {
    if (self === undefined) this.checkFreeId('worker', worker.id, this.workers());
    if (!this.grids().some((g) => g.id === worker.grid)) throw new UserError('directory.grid-unknown', { grid: worker.grid }, 400, 'unknown_grid');
  }

  private checkHome(home: HomeConfig, self?: string): void {
    if (self === undefined) this.checkFreeId('home', home.id, this.homes());
    if (home.sensors.length === 0) throw new UserError('directory.home-no-sensor', {}, 400, 'no_sensor');
    for (const sensor of home.sensors) {
      if (!this.deps.targets.doorSensorExists(sensor)) throw new UserError('directory.sensor-unknown', { sensor }, 400, 'unknown_sensor');
      const other = this.homes().find((h) => h.id !== home.id && h.sensors.includes(sensor));
      if (other) throw new ConflictError('directory.sensor-taken', { sensor, home: HomeWatch.label(other) });
    }
    if (home.cameraId !== undefined && !this.deps.targets.cameraExists(home.cameraId)) throw new UserError('directory.camera-unknown', { camera: home.cameraId }, 400, 'unknown_camera');
    if (home.watch && home.watch.from > home.watch.to) throw new UserError('directory.watch-order', { from: home.watch.from, to: home.watch.to }, 400, 'bad_watch');
  }

  private checkFreeId(kind: Kind, id: string, existing: ReadonlyArray<{ id: string }>): void {
    if (existing.some((e) => e.id === id)) throw new ConflictError('directory.id-taken', { id, kind });
  }

  /** A page entry (config entries are refused: they are changed in the file). */
  private pageEntry(kind: Kind, id: string): void {
    const list: ReadonlyArray<{ id: string; origin: EntryOrigin }> = kind === 'grid' ? this.grids() : kind === 'worker' ? this.workers() : this.homes();
    const entry = list.find((e) => e.id === id);
    if (!entry) throw new NotFoundError(`directory.${kind}-not-found`, { [kind]: id });
    if (entry.origin === 'config') throw new ConflictError('directory.from-config', { id });
  }

  private insert(kind: Kind, id: string, data: unknown, by: string): void {
    this.deps.db().prepare('INSERT INTO alarm_directory (kind, id, data, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)').run(kind, id, JSON.stringify(data), by, this.deps.clock.now());
    this.changed();
  }

  private update(kind: Kind, id: string, data: unknown, by: string): void {
    this.deps.db().prepare('UPDATE alarm_directory SET data = ?, updated_by = ?, updated_at = ? WHERE kind = ? AND id = ?').run(JSON.stringify(data), by, this.deps.clock.now(), kind, id);
    this.changed();
  }

  private remove(kind: Kind, id: string): void {
    this.deps.db().prepare('DELETE FROM alarm_directory WHERE kind = ? AND id = ?').run(kind, id);
    this.changed();
  }

  private changed(): NonNullable<AlarmDirectory['cache']> {
    this.cache = undefined;
    return this.load();
  }

  private load(): NonNullable<AlarmDirectory['cache']> {
    if (this.cache) return this.cache;
    const db = this.deps.db();
    const rows = db.prepare<[], { kind: Kind; data: string }>('SELECT kind, data FROM alarm_directory ORDER BY rowid').all();
    const page = <T>(kind: Kind) => rows.filter((r) => r.kind === kind).map((r) => JSON.parse(r.data) as T);
    const duty = new Map(db.prepare<[], { worker: string; on_duty: number }>('SELECT worker, on_duty FROM alarm_worker_duty').all().map((r) => [r.worker, r.on_duty === 1]));
    const ended = new Map(db.prepare<[], { home: string; ended_at: number }>('SELECT home, ended_at FROM alarm_watch_ended').all().map((r) => [r.home, r.ended_at]));
    const { config } = this.deps;
    const withDuty = (w: WorkerConfig, origin: EntryOrigin): WorkerEntry => ({ ...w, onDuty: duty.get(w.id) ?? w.onDuty, origin });
    const withEnd = (h: HomeConfig, origin: EntryOrigin): HomeEntry => ({ ...h, origin, endedAt: ended.get(h.id) ?? null });
    this.cache = {
      grids: [...config.grids.map((g) => ({ ...g, origin: 'config' as const })), ...page<GridConfig>('grid').map((g) => ({ ...g, origin: 'page' as const }))],
      workers: [...config.workers.map((w) => withDuty(w, 'config')), ...page<WorkerConfig>('worker').map((w) => withDuty(w, 'page'))],
      homes: [...config.homes.map((h) => withEnd(h, 'config')), ...page<HomeConfig>('home').map((h) => withEnd(h, 'page'))],
    };
    return this.cache;
  }
}

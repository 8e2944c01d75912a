import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Counter, Histogram } from 'prom-client';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../metrics/registry.js';
import type { Database } from '../store/database.js';
import { writeArchive, type Manifest } from './archive.js';

export interface BackupSettings {
  /** Folder of the archives; null: `<dataDir>/backups`. */
  dir: string | null;
  /** Hours between scheduled backups; 0: only on demand. */
  intervalHours: number;
  /** Archives kept; older ones are deleted after each new one. */
  keep: number;
}

export interface BackupInfo {
  name: string;
  bytes: number;
  createdAt: string;
}

const ARCHIVE = /^gateway-[A-Za-z0-9_-]+-\d{8}T\d{6}(\d{3})?Z\.tar\.gz$/;

/** Backups on a schedule and on demand, with retention; one at a time. */
export class BackupService implements Service {
  readonly name = 'backup';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<BackupInfo & { manifest: Manifest }> | undefined;
  private made: Counter | undefined;
  private seconds: Histogram | undefined;

  constructor(
    private readonly deps: { settings: BackupSettings; dataDir: string; configFile?: string | undefined; site: string; version: string; database: Database; metrics?: Metrics; log: Logger },
  ) {}

  get dir(): string {
    return this.deps.settings.dir ?? join(this.deps.dataDir, 'backups');
  }

  async start(): Promise<void> {
    this.made = this.deps.metrics?.counter('gateway_backups_total', 'Backups made, by outcome', ['outcome']);
    this.seconds = this.deps.metrics?.histogram('gateway_backup_seconds', 'Time to make one backup', [0.1, 0.5, 1, 5, 30, 120, 600]);
    const hours = this.deps.settings.intervalHours;
    if (hours > 0) {
      this.timer = setInterval(() => {
        this.create().catch((err: unknown) => this.deps.log.error({ err }, 'scheduled backup failed'));
      }, hours * 3_600_000);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  list(): BackupInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => ARCHIVE.test(name))
      .map((name) => {
        const s = statSync(join(this.dir, name));
        return { name, bytes: s.size, createdAt: s.mtime.toISOString() };
      })
      .sort((a, b) => b.name.localeCompare(a.name));
  }

  /** The archive's path, for download; undefined for a name that is not one of ours. */
  pathOf(name: string): string | undefined {
    return ARCHIVE.test(name) && existsSync(join(this.dir, name)) ? join(this.dir, name) : undefined;
  }

  /** Makes a backup now (or joins the one running). */
  create(): Promise<BackupInfo & { manifest: Manifest }> {
    this.running ??= this.make().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async make(): Promise<BackupInfo & { manifest: Manifest }> {
    const started = Date.now();
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '');
    const name = `gateway-${this.deps.site}-${stamp}.tar.gz`;
    const out = join(this.dir, name);
    try {
      const manifest = await writeArchive({
        out,
        dataDir: this.deps.dataDir,
        configFile: this.deps.configFile,
        site: this.deps.site,
        version: this.deps.version,
        backupDatabase: (destination) => this.deps.database.db.backup(destination),
      });
      this.made?.inc({ outcome: 'ok' });
      this.seconds?.observe((Date.now() - started) / 1000);
      this.prune();
      const bytes = statSync(out).size;
      this.deps.log.info({ archive: out, bytes, ms: Date.now() - started }, 'backup made');
      return { name, bytes, createdAt: manifest.createdAt, manifest };
    } catch (err) {
      this.made?.inc({ outcome: 'failed' });
      rmSync(`${out}.partial`, { force: true });
      throw err;
    }
  }

  private prune(): void {
    for (const old of this.list().slice(this.deps.settings.keep)) {
      rmSync(join(this.dir, old.name), { force: true });
      this.deps.log.info({ archive: old.name }, 'old backup deleted (backup.keep)');
    }
  }
}

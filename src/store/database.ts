import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';

export type Db = BetterSqlite3.Database;

/** One numbered schema step of one feature. Steps of a feature run in order, once each. */
export interface Migration {
  version: number;
  name: string;
  up: string | ((db: Db) => void);
}

/**
 * Each feature owns its migrations (`feature` + numbered steps), so features added in parallel never
 * collide on numbers. Applied versions are recorded in `schema_migrations`.
 */
export interface MigrationSet {
  feature: string;
  migrations: readonly Migration[];
}

export interface DatabaseOptions {
  dataDir: string;
  fileName?: string;
  migrations: readonly MigrationSet[];
  log: Logger;
}

/** The gateway's SQLite store: WAL mode, foreign keys on, migrations applied at start. */
export class Database implements Service {
  readonly name = 'database';
  private handle: Db | undefined;

  constructor(private readonly options: DatabaseOptions) {}

  get db(): Db {
    if (!this.handle) throw new Error('database is not started');
    return this.handle;
  }

  get file(): string {
    return join(this.options.dataDir, this.options.fileName ?? 'gateway.sqlite');
  }

  async start(): Promise<void> {
    // The data folder holds secrets (camera passwords, the key that encrypts them): owner only.
    mkdirSync(this.options.dataDir, { recursive: true, mode: 0o700 });
    try {
      chmodSync(this.options.dataDir, 0o700);
    } catch (err) {
      this.options.log.warn({ dir: this.options.dataDir, err: (err as Error).message }, 'could not make the data folder private (owner only)');
    }
    // SQLite gives its -wal and -shm files the mode of the database file.
    closeSync(openSync(this.file, 'a', 0o600));
    for (const f of [this.file, `${this.file}-wal`, `${this.file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
    const db = new BetterSqlite3(this.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    this.handle = db;
    applyMigrations(db, this.options.migrations, this.options.log);
  }

  async stop(): Promise<void> {
    if (!this.handle) return;
    this.handle.close();
    this.handle = undefined;
  }
}

export function applyMigrations(db: Db, sets: readonly MigrationSet[], log: Logger): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    feature TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL,
    PRIMARY KEY (feature, version))`);
  const applied = db.prepare<[string], { version: number }>('SELECT version FROM schema_migrations WHERE feature = ?');
  const record = db.prepare('INSERT INTO schema_migrations (feature, version, name, applied_at) VALUES (?, ?, ?, ?)');
  for (const set of sets) {
    const done = new Set(applied.all(set.feature).map((r) => r.version));
    const pending = [...set.migrations].sort((a, b) => a.version - b.version).filter((m) => !done.has(m.version));
    for (const migration of pending) {
      db.transaction(() => {
        if (typeof migration.up === 'string') db.exec(migration.up);
        else migration.up(db);
        record.run(set.feature, migration.version, migration.name, new Date().toISOString());
      })();
      log.info({ feature: set.feature, version: migration.version, migration: migration.name }, 'database migration applied');
    }
  }
}

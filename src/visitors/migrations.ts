import type { MigrationSet } from '../store/database.js';

/** Visitor passes, their version for the barriers, each barrier's applied version, and entries made with a pass. */
export const visitorMigrations: MigrationSet = {
  feature: 'visitors',
  migrations: [
    {
      version: 1,
      name: 'visitor passes, pass version, pass sync, visitor entries',
      up: `
        CREATE TABLE visitor_passes (
          id INTEGER PRIMARY KEY,
          token TEXT NOT NULL UNIQUE,
          name TEXT NOT NULL,
          phone TEXT NOT NULL,
          building TEXT NOT NULL,
          unit TEXT NOT NULL,
          room TEXT NOT NULL,
          plate TEXT,
          reason TEXT,
          valid_from INTEGER NOT NULL,
          valid_until INTEGER NOT NULL,
          created_by TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          revoked_at INTEGER,
          revoked_by TEXT
        );
        CREATE INDEX visitor_passes_from ON visitor_passes (valid_from);
        CREATE INDEX visitor_passes_until ON visitor_passes (valid_until);

        CREATE TABLE visitor_pass_version (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          version INTEGER NOT NULL
        );
        INSERT INTO visitor_pass_version (id, version) VALUES (1, 0);

        CREATE TABLE visitor_pass_sync (
          gate TEXT PRIMARY KEY,
          published_version INTEGER,
          published_at TEXT,
          applied_version INTEGER,
          applied_at TEXT
        );

        CREATE TABLE visitor_entries (
          entry_id INTEGER PRIMARY KEY,
          pass_id INTEGER NOT NULL REFERENCES visitor_passes (id),
          gate TEXT NOT NULL,
          occurred_at INTEGER NOT NULL,
          direction TEXT NOT NULL,
          result TEXT NOT NULL,
          reason TEXT
        );
        CREATE INDEX visitor_entries_time ON visitor_entries (occurred_at);
        CREATE INDEX visitor_entries_pass ON visitor_entries (pass_id);
      `,
    },
  ],
};

import type { MigrationSet } from '../store/database.js';
import { normalisePlateSql } from './plate.js';

/** Tables of the access feature: entries (unique per barrier and eventId), who is inside, lists and their sync. */
export const accessMigrations: MigrationSet = {
  feature: 'access',
  migrations: [
    {
      version: 1,
      name: 'entries, presence, lists, list sync',
      up: `
        CREATE TABLE access_entries (
          id INTEGER PRIMARY KEY,
          gate TEXT NOT NULL,
          event_id TEXT NOT NULL,
          occurred_at INTEGER NOT NULL,
          received_at INTEGER NOT NULL,
          direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
          lane TEXT,
          credential_type TEXT NOT NULL,
          credential_value TEXT NOT NULL,
          result TEXT NOT NULL CHECK (result IN ('granted', 'denied')),
          reason TEXT,
          plate_color TEXT,
          vehicle_type TEXT,
          snapshot TEXT,
          confidence REAL,
          retransmission INTEGER NOT NULL DEFAULT 0,
          source TEXT NOT NULL,
          UNIQUE (gate, event_id)
        );
        CREATE INDEX access_entries_time ON access_entries (occurred_at, id);
        CREATE INDEX access_entries_gate_time ON access_entries (gate, occurred_at);
        CREATE INDEX access_entries_credential ON access_entries (credential_value, occurred_at);

        CREATE TABLE access_inside (
          plate TEXT PRIMARY KEY,
          direction TEXT NOT NULL,
          gate TEXT NOT NULL,
          occurred_at INTEGER NOT NULL
        );

        CREATE TABLE access_list_items (
          id INTEGER PRIMARY KEY,
          list TEXT NOT NULL CHECK (list IN ('allow', 'deny')),
          credential_type TEXT NOT NULL,
          value TEXT NOT NULL,
          note TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          UNIQUE (credential_type, value)
        );

        CREATE TABLE access_list_version (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          version INTEGER NOT NULL,
          changed_at TEXT NOT NULL
        );
        INSERT INTO access_list_version (id, version, changed_at) VALUES (1, 0, datetime('now'));

        CREATE TABLE access_list_sync (
          gate TEXT PRIMARY KEY,
          published_version INTEGER,
          published_at TEXT,
          applied_version INTEGER,
          applied_at TEXT
        );
      `,
    },
    {
      version: 2,
      name: 'barrier clock (device time, corrected offset, UTC offset) and eventId conflicts',
      up: `
        ALTER TABLE access_entries ADD COLUMN device_time INTEGER;
        ALTER TABLE access_entries ADD COLUMN clock_offset_ms INTEGER;
        ALTER TABLE access_entries ADD COLUMN utc_offset TEXT;
        UPDATE access_entries SET device_time = occurred_at;

        CREATE TABLE access_conflicts (
          id INTEGER PRIMARY KEY,
          gate TEXT NOT NULL,
          event_id TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          stored_entry TEXT NOT NULL,
          received_entry TEXT NOT NULL,
          UNIQUE (gate, event_id, received_entry)
        );
        CREATE INDEX access_conflicts_time ON access_conflicts (received_at, id);
      `,
    },
    {
      version: 3,
      name: 'plates stored in one spelling (case, spaces, middle dot), the raw value kept beside it',
      up: `
        ALTER TABLE access_entries ADD COLUMN credential_raw TEXT;
        UPDATE access_entries SET credential_raw = credential_value, credential_value = ${normalisePlateSql('credential_value')}
          WHERE credential_type = 'plate' AND credential_value <> ${normalisePlateSql('credential_value')};
        UPDATE OR REPLACE access_inside SET plate = ${normalisePlateSql('plate')} WHERE plate <> ${normalisePlateSql('plate')};
        UPDATE OR REPLACE access_list_items SET value = ${normalisePlateSql('value')} WHERE credential_type = 'plate' AND value <> ${normalisePlateSql('value')};
      `,
    },
  ],
};

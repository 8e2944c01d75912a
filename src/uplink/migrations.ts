import type { MigrationSet } from '../store/database.js';

/**
 * The outbox of records for the district (written in the same transaction as what they report),
 * a counter of records refused when it was full, the hours whose statistics were queued, and the
 * notices already handled (so that a redelivered notice plays once), and the district's clips
 * already fetched (each kept as one of the site's clips).
 */
export const uplinkMigrations: MigrationSet = {
  feature: 'uplink',
  migrations: [
    {
      version: 1,
      name: 'outbox, state, notices',
      up: `
        CREATE TABLE uplink_outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          kind TEXT NOT NULL,
          record_id TEXT NOT NULL,
          payload TEXT NOT NULL,
          created_at INTEGER NOT NULL
        );
        CREATE TABLE uplink_state (
          key TEXT PRIMARY KEY,
          value INTEGER NOT NULL
        );
        INSERT INTO uplink_state (key, value) VALUES ('dropped', 0), ('stats_hour', 0);
        CREATE TABLE uplink_notices (
          notice_id TEXT PRIMARY KEY,
          received_at INTEGER NOT NULL,
          state TEXT NOT NULL,
          job_id TEXT,
          detail TEXT
        );
      `,
    },
    {
      version: 2,
      name: 'clips fetched from the district',
      up: `
        CREATE TABLE uplink_clips (
          district_clip_id TEXT PRIMARY KEY,
          sha256 TEXT NOT NULL,
          local_clip_id TEXT NOT NULL,
          fetched_at INTEGER NOT NULL
        );
      `,
    },
  ],
};

import type { MigrationSet } from '../store/database.js';

/** Tables of the recording feature: segments (the index), gaps, event marks, exports. Times are epoch ms. */
export const recordingMigrations: MigrationSet = {
  feature: 'recording',
  migrations: [
    {
      version: 1,
      name: 'segments, gaps, events, exports',
      up: `
        CREATE TABLE recording_segments (
          id INTEGER PRIMARY KEY,
          camera TEXT NOT NULL,
          profile TEXT NOT NULL,
          start_ms INTEGER NOT NULL,
          end_ms INTEGER NOT NULL,
          file TEXT NOT NULL UNIQUE,
          bytes INTEGER NOT NULL,
          codec TEXT NOT NULL,
          -- JSON [[ms after start, byte offset], ...] of every keyframe
          keyframes TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'repaired'))
        );
        CREATE INDEX recording_segments_camera_time ON recording_segments (camera, start_ms);
        CREATE INDEX recording_segments_time ON recording_segments (start_ms);

        CREATE TABLE recording_gaps (
          id INTEGER PRIMARY KEY,
          camera TEXT NOT NULL,
          start_ms INTEGER NOT NULL,
          end_ms INTEGER NOT NULL,
          reason TEXT NOT NULL
        );
        CREATE INDEX recording_gaps_camera_time ON recording_gaps (camera, start_ms);

        CREATE TABLE recording_events (
          id INTEGER PRIMARY KEY,
          camera TEXT NOT NULL,
          at_ms INTEGER NOT NULL,
          kind TEXT NOT NULL,
          label TEXT,
          keep_from_ms INTEGER NOT NULL,
          keep_to_ms INTEGER NOT NULL,
          keep_until_ms INTEGER NOT NULL
        );
        CREATE INDEX recording_events_camera_time ON recording_events (camera, at_ms);

        CREATE TABLE recording_exports (
          id TEXT PRIMARY KEY,
          created_at INTEGER NOT NULL,
          created_by TEXT NOT NULL,
          camera TEXT NOT NULL,
          from_ms INTEGER NOT NULL,
          to_ms INTEGER NOT NULL,
          file TEXT NOT NULL,
          bytes INTEGER NOT NULL,
          duration_ms INTEGER NOT NULL
        );

        -- Retention days an admin set at run time (over the configuration)
        CREATE TABLE recording_retention_overrides (
          camera TEXT PRIMARY KEY,
          retention_days REAL NOT NULL,
          changed_by TEXT NOT NULL,
          changed_at INTEGER NOT NULL
        );
      `,
    },
  ],
};

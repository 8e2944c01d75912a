import type { MigrationSet } from '../store/database.js';

export const broadcastMigrations: MigrationSet = {
  feature: 'broadcast',
  migrations: [
    {
      version: 1,
      name: 'clips, schedules and job history',
      up: `
        CREATE TABLE broadcast_clips (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          file TEXT NOT NULL,
          duration_ms INTEGER NOT NULL,
          original_name TEXT,
          original_bytes INTEGER NOT NULL,
          uploaded_by TEXT NOT NULL,
          uploaded_at TEXT NOT NULL
        );
        CREATE TABLE broadcast_schedules (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          cron TEXT NOT NULL,
          timezone TEXT,
          targets TEXT NOT NULL,
          content TEXT NOT NULL,
          repeat INTEGER NOT NULL,
          volume INTEGER,
          quiet_hours TEXT,
          on_preempt TEXT NOT NULL CHECK (on_preempt IN ('resume', 'skip')),
          enabled INTEGER NOT NULL,
          created_by TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          last_fired_at TEXT
        );
        CREATE TABLE broadcast_jobs (
          id TEXT PRIMARY KEY,
          class TEXT NOT NULL,
          source TEXT NOT NULL,
          status TEXT NOT NULL,
          created_by TEXT NOT NULL,
          created_at TEXT NOT NULL,
          ended_at TEXT,
          schedule_id TEXT,
          view TEXT NOT NULL
        );
        CREATE INDEX broadcast_jobs_created ON broadcast_jobs (created_at);
      `,
    },
    {
      version: 2,
      name: 'schedules without cron (daily, weekdays, weekly, once at a time)',
      up: `ALTER TABLE broadcast_schedules ADD COLUMN when_spec TEXT;`,
    },
  ],
};

import type { MigrationSet } from '../store/database.js';

export const alarmMigrations: MigrationSet = {
  feature: 'alarms',
  migrations: [
    {
      version: 1,
      name: 'alarms, linkage outcomes, rules, door openings, work orders',
      up: `
        CREATE TABLE alarms (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          dedupe_key TEXT UNIQUE,
          source TEXT NOT NULL,
          kind TEXT NOT NULL,
          severity TEXT NOT NULL,
          location TEXT,
          device TEXT,
          occurred_at TEXT NOT NULL,
          received_at TEXT NOT NULL,
          raw TEXT,
          status TEXT NOT NULL DEFAULT 'raised',
          group_key TEXT NOT NULL,
          group_id INTEGER,
          group_count INTEGER NOT NULL DEFAULT 1,
          camera_id TEXT,
          clip_from TEXT,
          clip_to TEXT,
          rules TEXT NOT NULL DEFAULT '[]',
          acknowledged_by TEXT,
          acknowledged_at TEXT,
          closed_by TEXT,
          closed_at TEXT,
          closed_as TEXT,
          note TEXT,
          work_order_id INTEGER,
          escalation_level INTEGER NOT NULL DEFAULT 0,
          escalated_at TEXT,
          linkage_done INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX alarms_occurred ON alarms (occurred_at);
        CREATE INDEX alarms_open ON alarms (status, group_key);
        CREATE TABLE alarm_actions (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          alarm_id INTEGER NOT NULL REFERENCES alarms(id),
          rule TEXT NOT NULL,
          action TEXT NOT NULL,
          target TEXT,
          status TEXT NOT NULL,
          detail TEXT,
          started_at TEXT NOT NULL,
          ended_at TEXT
        );
        CREATE INDEX alarm_actions_alarm ON alarm_actions (alarm_id);
        CREATE TABLE alarm_rulesets (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          yaml TEXT NOT NULL,
          saved_by TEXT NOT NULL,
          saved_at TEXT NOT NULL
        );
        CREATE TABLE door_openings (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          home TEXT NOT NULL,
          sensor TEXT NOT NULL,
          event_id TEXT NOT NULL,
          opened_at TEXT NOT NULL,
          local_day TEXT NOT NULL,
          allowed INTEGER NOT NULL,
          alarm_id INTEGER,
          UNIQUE (sensor, event_id)
        );
        CREATE INDEX door_openings_day ON door_openings (home, local_day);
        CREATE TABLE work_orders (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          origin TEXT NOT NULL,
          alarm_id INTEGER,
          title TEXT NOT NULL,
          description TEXT,
          location TEXT,
          caller_phone TEXT,
          camera_id TEXT,
          grid TEXT,
          worker TEXT,
          complexity TEXT NOT NULL DEFAULT 'small',
          status TEXT NOT NULL,
          created_by TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          assigned_at INTEGER,
          accepted_at INTEGER,
          on_site_at INTEGER,
          resolved_at INTEGER,
          planned_at INTEGER,
          note TEXT,
          photo TEXT,
          breaches TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE work_order_steps (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
          step TEXT NOT NULL,
          by TEXT NOT NULL,
          at INTEGER NOT NULL,
          detail TEXT
        );
        CREATE INDEX work_order_steps_order ON work_order_steps (work_order_id);
      `,
    },
    {
      version: 2,
      name: 'door closings in the daily log',
      up: `
        ALTER TABLE door_openings ADD COLUMN kind TEXT NOT NULL DEFAULT 'open';
      `,
    },
    {
      version: 3,
      name: 'grids, grid workers and homes added on the pages; on-duty states; watches ended early',
      up: `
        CREATE TABLE alarm_directory (
          kind TEXT NOT NULL,
          id TEXT NOT NULL,
          data TEXT NOT NULL,
          updated_by TEXT NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (kind, id)
        );
        CREATE TABLE alarm_worker_duty (
          worker TEXT PRIMARY KEY,
          on_duty INTEGER NOT NULL,
          by TEXT NOT NULL,
          at INTEGER NOT NULL
        );
        CREATE TABLE alarm_watch_ended (
          home TEXT PRIMARY KEY,
          ended_at INTEGER NOT NULL,
          by TEXT NOT NULL
        );
      `,
    },
  ],
};

import type { MigrationSet } from '../store/database.js';

export const authMigrations: MigrationSet = {
  feature: 'auth',
  migrations: [
    {
      version: 1,
      name: 'users, tokens and audit log',
      up: `
        CREATE TABLE users (
          name TEXT PRIMARY KEY,
          role TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'viewer')),
          display_name TEXT,
          password_hash TEXT NOT NULL,
          source TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE tokens (
          id TEXT PRIMARY KEY,
          token_hash TEXT NOT NULL UNIQUE,
          kind TEXT NOT NULL CHECK (kind IN ('session', 'wall')),
          user_name TEXT NOT NULL,
          role TEXT NOT NULL,
          label TEXT,
          created_at TEXT NOT NULL,
          expires_at TEXT,
          revoked_at TEXT,
          last_used_at TEXT
        );
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at TEXT NOT NULL,
          user_name TEXT NOT NULL,
          role TEXT NOT NULL,
          action TEXT NOT NULL,
          target TEXT,
          detail TEXT,
          remote TEXT,
          outcome TEXT NOT NULL
        );
        CREATE INDEX audit_log_at ON audit_log (at);
      `,
    },
  ],
};

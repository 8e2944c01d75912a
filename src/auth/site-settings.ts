import type { Database, MigrationSet } from '../store/database.js';

export const siteSettingsMigrations: MigrationSet = {
  feature: 'site-settings',
  migrations: [
    {
      version: 1,
      name: 'site settings an admin changes on the page',
      up: `CREATE TABLE site_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at TEXT NOT NULL);`,
    },
  ],
};

export const MAX_SITE_NAME = 64;

/**
 * Settings of the site an admin changes on the Administration page (the site name); the
 * configuration's value holds until then. Read from the database at each use (no resources held).
 */
export class SiteSettings {
  constructor(
    private readonly database: Database,
    private readonly configured: { name: string },
  ) {}

  siteName(): string {
    const row = this.database.db.prepare<[string], { value: string }>('SELECT value FROM site_settings WHERE key = ?').get('name');
    return row?.value ?? this.configured.name;
  }

  setSiteName(name: string, by: string): string {
    this.database.db
      .prepare('INSERT INTO site_settings (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at')
      .run('name', name, by, new Date().toISOString());
    return name;
  }
}

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role, UserConfig } from '../config/schema.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/database.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

export const ADMIN_PASSWORD_ENV = 'GATEWAY_ADMIN_PASSWORD';
export const INITIAL_ADMIN_FILE = 'initial-admin-password';
const DEFAULT_ADMIN = 'admin';

export interface User {
  name: string;
  role: Role;
  displayName: string | null;
}

interface UserRow {
  name: string;
  role: Role;
  display_name: string | null;
  password_hash: string;
}

export interface UserDirectoryOptions {
  database: Database;
  users: readonly UserConfig[];
  dataDir: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Called once when an admin password was generated at first start (to print it). */
  onGeneratedAdminPassword?: (name: string, password: string) => void;
}

/**
 * Users from the configuration (config wins on every start) plus the first admin. There is no
 * fixed default password: the admin's comes from GATEWAY_ADMIN_PASSWORD or is generated at first
 * start, printed once and kept in <dataDir>/initial-admin-password (0600) until it is changed.
 */
export class UserDirectory implements Service {
  readonly name = 'users';

  constructor(private readonly options: UserDirectoryOptions) {}

  private get db() {
    return this.options.database.db;
  }

  async start(): Promise<void> {
    const now = new Date().toISOString();
    const upsert = this.db.prepare(
      `INSERT INTO users (name, role, display_name, password_hash, source, updated_at) VALUES (?, ?, ?, ?, 'config', ?)
       ON CONFLICT(name) DO UPDATE SET role = excluded.role, display_name = excluded.display_name,
         password_hash = excluded.password_hash, source = 'config', updated_at = excluded.updated_at`,
    );
    for (const user of this.options.users) {
      const hash = user.passwordHash ?? hashPassword(user.password!);
      upsert.run(user.name, user.role, user.displayName ?? null, hash, now);
    }
    this.ensureAdmin(now);
  }

  async stop(): Promise<void> {}

  private ensureAdmin(now: string): void {
    const fromEnv = this.options.env[ADMIN_PASSWORD_ENV];
    const existing = this.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin'").get()!.n;
    if (existing > 0 && !fromEnv) return;
    if (fromEnv) {
      this.db
        .prepare(
          `INSERT INTO users (name, role, display_name, password_hash, source, updated_at) VALUES (?, 'admin', NULL, ?, 'env', ?)
           ON CONFLICT(name) DO UPDATE SET role = 'admin', password_hash = excluded.password_hash, source = 'env', updated_at = excluded.updated_at`,
        )
        .run(DEFAULT_ADMIN, hashPassword(fromEnv), now);
      return;
    }
    const password = generatePassword();
    this.db
      .prepare(`INSERT INTO users (name, role, display_name, password_hash, source, updated_at) VALUES (?, 'admin', NULL, ?, 'generated', ?)`)
      .run(DEFAULT_ADMIN, hashPassword(password), now);
    mkdirSync(this.options.dataDir, { recursive: true });
    writeFileSync(this.initialPasswordFile, password + '\n', { mode: 0o600 });
    this.options.log.warn({ user: DEFAULT_ADMIN, file: this.initialPasswordFile }, 'generated the first admin password; change it after logging in');
    this.options.onGeneratedAdminPassword?.(DEFAULT_ADMIN, password);
  }

  get initialPasswordFile(): string {
    return join(this.options.dataDir, INITIAL_ADMIN_FILE);
  }

  find(name: string): User | undefined {
    const row = this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?').get(name);
    return row ? { name: row.name, role: row.role, displayName: row.display_name } : undefined;
  }

  list(): User[] {
    return this.db
      .prepare<[], UserRow>('SELECT * FROM users ORDER BY name')
      .all()
      .map((r) => ({ name: r.name, role: r.role, displayName: r.display_name }));
  }

  async authenticate(name: string, password: string): Promise<User | undefined> {
    const row = this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?').get(name);
    // Verify against a dummy hash when the user is unknown, so timing does not reveal names.
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    return row && ok ? { name: row.name, role: row.role, displayName: row.display_name } : undefined;
  }

  changePassword(name: string, password: string): void {
    const result = this.db
      .prepare("UPDATE users SET password_hash = ?, source = 'api', updated_at = ? WHERE name = ?")
      .run(hashPassword(password), new Date().toISOString(), name);
    if (result.changes === 0) throw new Error(`no user ${name}`);
    if (name === DEFAULT_ADMIN && existsSync(this.initialPasswordFile)) rmSync(this.initialPasswordFile);
  }
}

const DUMMY_HASH = hashPassword('not-a-real-password');

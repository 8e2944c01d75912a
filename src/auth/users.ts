import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role, UserConfig } from '../config/schema.js';
import { ConflictError, NotFoundError, UserError } from '../core/errors.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/database.js';
import { passwordProblem, passwordProblemMessage, passwordProblemParams } from './password-policy.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import type { TokenService } from './tokens.js';

export const ADMIN_PASSWORD_ENV = 'GATEWAY_ADMIN_PASSWORD';
export const INITIAL_ADMIN_FILE = 'initial-admin-password';
const DEFAULT_ADMIN = 'admin';

/**
 * Who owns a user's row, and so its password:
 * - `config`: a user of `auth.users`; the configuration is the truth (role, password, existence),
 *   applied at every start; its password cannot be changed through the API.
 * - `env`: the admin whose password comes from GATEWAY_ADMIN_PASSWORD (the same, while it is set).
 * - `generated`: the first admin with a generated password; `local` once its password was changed
 *   through the API. The database is the truth for both.
 */
export type UserSource = 'config' | 'env' | 'generated' | 'local';

export interface User {
  name: string;
  role: Role;
  displayName: string | null;
  source: UserSource;
}

interface UserRow {
  name: string;
  role: Role;
  display_name: string | null;
  password_hash: string;
  source: string;
}

export interface UserDirectoryOptions {
  database: Database;
  tokens: TokenService;
  users: readonly UserConfig[];
  dataDir: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Called once when an admin password was generated at first start (to print it). */
  onGeneratedAdminPassword?: (name: string, password: string) => void;
}

function toUser(row: UserRow): User {
  const source: UserSource = row.source === 'config' || row.source === 'env' || row.source === 'generated' ? row.source : 'local';
  return { name: row.name, role: row.role, displayName: row.display_name, source };
}

/**
 * Users from the configuration (owned by it: applied at every start, removed with it) plus the
 * first admin. There is no fixed default password: the admin's comes from GATEWAY_ADMIN_PASSWORD
 * or is generated at first start, printed once and kept in <dataDir>/initial-admin-password (0600)
 * until it is changed. A change of a user's role, password or existence ends its login sessions.
 */
export class UserDirectory implements Service {
  readonly name = 'users';

  constructor(private readonly options: UserDirectoryOptions) {}

  private get db() {
    return this.options.database.db;
  }

  private row(name: string): UserRow | undefined {
    return this.db.prepare<[string], UserRow>('SELECT * FROM users WHERE name = ?').get(name);
  }

  async start(): Promise<void> {
    const now = new Date().toISOString();
    const upsert = this.db.prepare(
      `INSERT INTO users (name, role, display_name, password_hash, source, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(name) DO UPDATE SET role = excluded.role, display_name = excluded.display_name,
         password_hash = excluded.password_hash, source = excluded.source, updated_at = excluded.updated_at`,
    );
    const configured = new Set(this.options.users.map((u) => u.name));
    for (const user of this.options.users) {
      const row = this.row(user.name);
      const hash = await this.configuredHash(user, row);
      const changed = row !== undefined && (row.password_hash !== hash || row.role !== user.role || row.source !== 'config');
      upsert.run(user.name, user.role, user.displayName ?? null, hash, 'config', now);
      if (changed) this.endSessions(user.name, 'its role or password changed in the configuration');
      if (user.password !== undefined) {
        const problem = passwordProblem(user.password);
        if (problem) this.options.log.warn({ user: user.name, problem }, `the configured password of ${user.name} is weak: ${passwordProblemMessage(problem)}`);
      }
    }
    const stale = this.db.prepare<[], UserRow>("SELECT * FROM users WHERE source = 'config'").all().filter((r) => !configured.has(r.name));
    for (const row of stale) {
      this.db.prepare('DELETE FROM users WHERE name = ?').run(row.name);
      this.options.log.warn({ user: row.name }, `user ${row.name} is no longer in the configuration: removed`);
      this.endSessions(row.name, 'it was removed from the configuration');
    }
    await this.ensureAdmin(now, configured);
  }

  async stop(): Promise<void> {}

  /** The stored hash for a configured user: kept when it still matches, so a restart is no change. */
  private async configuredHash(user: UserConfig, row: UserRow | undefined): Promise<string> {
    if (user.passwordHash !== undefined) return user.passwordHash;
    if (row && (await verifyPassword(user.password!, row.password_hash))) return row.password_hash;
    return hashPassword(user.password!);
  }

  private endSessions(name: string, why: string, exceptTokenId?: string): number {
    const revoked = this.options.tokens.revokeSessionsOf(name, exceptTokenId);
    if (revoked > 0) this.options.log.info({ user: name, revoked }, `ended login sessions of ${name} (${revoked}): ${why}`);
    return revoked;
  }

  private async ensureAdmin(now: string, configured: ReadonlySet<string>): Promise<void> {
    const fromEnv = this.options.env[ADMIN_PASSWORD_ENV];
    if (fromEnv && configured.has(DEFAULT_ADMIN)) {
      this.options.log.warn({ user: DEFAULT_ADMIN }, `${ADMIN_PASSWORD_ENV} is ignored: the configuration defines the user ${DEFAULT_ADMIN}`);
      return;
    }
    const existing = this.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin'").get()!.n;
    if (existing > 0 && !fromEnv) return;
    if (fromEnv) {
      const row = this.row(DEFAULT_ADMIN);
      if (row && row.source === 'env' && row.role === 'admin' && (await verifyPassword(fromEnv, row.password_hash))) return;
      this.db
        .prepare(
          `INSERT INTO users (name, role, display_name, password_hash, source, updated_at) VALUES (?, 'admin', NULL, ?, 'env', ?)
           ON CONFLICT(name) DO UPDATE SET role = 'admin', password_hash = excluded.password_hash, source = 'env', updated_at = excluded.updated_at`,
        )
        .run(DEFAULT_ADMIN, hashPassword(fromEnv), now);
      if (row) this.endSessions(DEFAULT_ADMIN, `its password was set from ${ADMIN_PASSWORD_ENV}`);
      return;
    }
    const password = generatePassword();
    this.db
      .prepare(`INSERT INTO users (name, role, display_name, password_hash, source, updated_at) VALUES (?, 'admin', NULL, ?, 'generated', ?)`)
      .run(DEFAULT_ADMIN, hashPassword(password), now);
    mkdirSync(this.options.dataDir, { recursive: true });
    writeFileSync(this.initialPasswordFile, password + '\n', { mode: 0o600 });
    this.options.log.warn({ user: DEFAULT_ADMIN, file: this.initialPasswordFile }, 'generated the first admin password; change it after logging in, on the Administration page (My password)');
    this.options.onGeneratedAdminPassword?.(DEFAULT_ADMIN, password);
  }

  get initialPasswordFile(): string {
    return join(this.options.dataDir, INITIAL_ADMIN_FILE);
  }

  find(name: string): User | undefined {
    const row = this.row(name);
    return row ? toUser(row) : undefined;
  }

  list(): User[] {
    return this.db.prepare<[], UserRow>('SELECT * FROM users ORDER BY name').all().map(toUser);
  }

  async authenticate(name: string, password: string): Promise<User | undefined> {
    const row = this.row(name);
    // Verify against a dummy hash when the user is unknown, so timing does not reveal names.
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    return row && ok ? toUser(row) : undefined;
  }

  /**
   * Sets a user's password (owned by the database: not a config or GATEWAY_ADMIN_PASSWORD user),
   * after the strength check, and ends every other login session of the user. Answers how many
   * sessions were ended.
   */
  changePassword(name: string, password: string, options: { keepTokenId?: string | undefined } = {}): { endedSessions: number } {
    const row = this.row(name);
    if (!row) throw new NotFoundError('user.not-found', { user: name });
    if (row.source === 'config') {
      throw new UserError('user.password-in-config', { user: name }, 409, 'password_managed_by_config');
    }
    if (row.source === 'env' && this.options.env[ADMIN_PASSWORD_ENV]) {
      throw new UserError('user.password-in-env', { user: name, variable: ADMIN_PASSWORD_ENV }, 409, 'password_managed_by_env');
    }
    const problem = passwordProblem(password);
    if (problem) throw new UserError(`password.${problem}`, passwordProblemParams(problem), 400, 'weak_password', { reason: problem });
    this.db.prepare("UPDATE users SET password_hash = ?, source = 'local', updated_at = ? WHERE name = ?").run(hashPassword(password), new Date().toISOString(), name);
    if (name === DEFAULT_ADMIN && existsSync(this.initialPasswordFile)) rmSync(this.initialPasswordFile);
    return { endedSessions: this.endSessions(name, 'its password was changed', options.keepTokenId) };
  }

  /** Adds a user kept in the database (an admin's act on the administration page). */
  create(input: { name: string; role: Role; password: string; displayName?: string | null | undefined }): User {
    if (this.row(input.name)) throw new ConflictError('user.exists', { user: input.name });
    const problem = passwordProblem(input.password);
    if (problem) throw new UserError(`password.${problem}`, passwordProblemParams(problem), 400, 'weak_password', { reason: problem });
    this.db
      .prepare("INSERT INTO users (name, role, display_name, password_hash, source, updated_at) VALUES (?, ?, ?, ?, 'local', ?)")
      .run(input.name, input.role, input.displayName ?? null, hashPassword(input.password), new Date().toISOString());
    return this.find(input.name)!;
  }

  /** Changes a database user's role or display name; a role change ends its login sessions. */
  update(name: string, change: { role?: Role | undefined; displayName?: string | null | undefined }, by: string): User {
    const row = this.editable(name, by, change.role !== undefined && change.role !== 'admin');
    if (change.role !== undefined && change.role !== row.role) {
      this.db.prepare('UPDATE users SET role = ?, updated_at = ? WHERE name = ?').run(change.role, new Date().toISOString(), name);
      this.endSessions(name, `its role changed to ${change.role}`);
    }
    if (change.displayName !== undefined) this.db.prepare('UPDATE users SET display_name = ? WHERE name = ?').run(change.displayName, name);
    return this.find(name)!;
  }

  /** Removes a database user and ends its login sessions. */
  remove(name: string, by: string): void {
    this.editable(name, by, true);
    this.db.prepare('DELETE FROM users WHERE name = ?').run(name);
    this.endSessions(name, 'it was removed');
  }

  /** The row of a user an admin may change: not one of the configuration file, not themselves, never the last admin. */
  private editable(name: string, by: string, losesAdmin: boolean): UserRow {
    const row = this.row(name);
    if (!row) throw new NotFoundError('user.not-found', { user: name });
    if (row.source === 'config') throw new UserError('user.in-config', { user: name }, 409, 'managed_by_config');
    if (losesAdmin && name === by) throw new UserError('user.self', {}, 409, 'conflict');
    if (losesAdmin && row.role === 'admin') {
      const admins = this.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin'").get()!.n;
      if (admins <= 1) throw new UserError('user.last-admin', { user: name }, 409, 'conflict');
    }
    return row;
  }
}

const DUMMY_HASH = hashPassword('not-a-real-password');

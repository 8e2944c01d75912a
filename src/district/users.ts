import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { DistrictConfig } from './config.js';

export type DistrictRole = 'viewer' | 'officer' | 'admin';
export interface DistrictPrincipal {
  name: string;
  displayName: string;
  role: DistrictRole;
}

const RANK: Record<DistrictRole, number> = { viewer: 1, officer: 2, admin: 3 };
export const allowsRole = (p: DistrictPrincipal, need: DistrictRole) => RANK[p.role] >= RANK[need];
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The district's own users (from its config, hashes kept in PostgreSQL) and their login tokens. */
export class DistrictUsers {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlMs = 12 * 3600_000,
  ) {}

  /** Brings the table in line with the configuration (new users, changed roles or passwords). */
  async sync(users: DistrictConfig['users']): Promise<void> {
    const { rows } = await this.pool.query<{ name: string; password_hash: string }>('SELECT name, password_hash FROM district_users');
    const stored = new Map(rows.map((r) => [r.name, r.password_hash]));
    for (const u of users) {
      const old = stored.get(u.name);
      const hash = old && (await verifyPassword(u.password, old)) ? old : hashPassword(u.password);
      await this.pool.query(
        `INSERT INTO district_users (name, display_name, role, password_hash) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name) DO UPDATE SET display_name = excluded.display_name, role = excluded.role, password_hash = excluded.password_hash`,
        [u.name, u.displayName ?? null, u.role, hash],
      );
    }
    await this.pool.query('DELETE FROM district_users WHERE NOT (name = ANY($1::text[]))', [users.map((u) => u.name)]);
  }

  async login(name: string, password: string): Promise<{ token: string; principal: DistrictPrincipal } | undefined> {
    const { rows } = await this.pool.query<{ name: string; display_name: string | null; role: DistrictRole; password_hash: string }>('SELECT * FROM district_users WHERE name = $1', [name]);
    const u = rows[0];
    if (!u || !(await verifyPassword(password, u.password_hash))) return undefined;
    const token = randomBytes(24).toString('base64url');
    await this.pool.query('INSERT INTO district_sessions (token_hash, user_name, expires_at) VALUES ($1, $2, $3)', [tokenHash(token), u.name, new Date(Date.now() + this.ttlMs)]);
    return { token, principal: { name: u.name, displayName: u.display_name ?? u.name, role: u.role } };
  }

  async verify(token: string): Promise<DistrictPrincipal | undefined> {
    const { rows } = await this.pool.query<{ name: string; display_name: string | null; role: DistrictRole }>(
      'SELECT u.name, u.display_name, u.role FROM district_sessions s JOIN district_users u ON u.name = s.user_name WHERE s.token_hash = $1 AND s.expires_at > now()',
      [tokenHash(token)],
    );
    const u = rows[0];
    return u ? { name: u.name, displayName: u.display_name ?? u.name, role: u.role } : undefined;
  }

  async logout(token: string): Promise<void> {
    await this.pool.query('DELETE FROM district_sessions WHERE token_hash = $1', [tokenHash(token)]);
  }
}

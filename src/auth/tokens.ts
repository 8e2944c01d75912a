import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Service } from '../core/lifecycle.js';
import type { Database } from '../store/database.js';
import type { Principal } from './principal.js';
import type { User } from './users.js';

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: string | null;
}

export interface WallTokenInfo {
  id: string;
  label: string | null;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

interface TokenRow {
  id: string;
  kind: 'session' | 'wall';
  user_name: string;
  role: Principal['role'];
  label: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Bearer tokens for HTTP and WebSocket: login sessions that expire, and long-lived read-only
 * wall tokens for TV walls, revocable. Only a hash of each token is stored.
 */
export class TokenService implements Service {
  readonly name = 'tokens';

  constructor(
    private readonly database: Database,
    private readonly sessionTtlMs: number,
  ) {}

  async start(): Promise<void> {
    this.database.db.prepare("DELETE FROM tokens WHERE kind = 'session' AND expires_at < ?").run(new Date().toISOString());
  }

  async stop(): Promise<void> {}

  private insert(kind: 'session' | 'wall', user: string, role: Principal['role'], label: string | null, expiresAt: string | null): IssuedToken {
    const token = randomBytes(32).toString('base64url');
    const id = randomUUID();
    this.database.db
      .prepare('INSERT INTO tokens (id, token_hash, kind, user_name, role, label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, digest(token), kind, user, role, label, new Date().toISOString(), expiresAt);
    return { id, token, expiresAt };
  }

  issueSession(user: User): IssuedToken {
    return this.insert('session', user.name, user.role, null, new Date(Date.now() + this.sessionTtlMs).toISOString());
  }

  /** A read-only token for a TV wall: never expires, revocable by an admin. */
  issueWall(label: string, createdBy: string): IssuedToken {
    return this.insert('wall', createdBy, 'viewer', label, null);
  }

  /**
   * The principal of a token. A session's role is the user's role now (not the one at login); a
   * session of a user that no longer exists resolves to nothing.
   */
  resolve(token: string): Principal | undefined {
    const row = this.database.db
      .prepare<[string], TokenRow & { current_role: Principal['role'] | null }>(
        'SELECT tokens.*, users.role AS current_role FROM tokens LEFT JOIN users ON users.name = tokens.user_name WHERE tokens.token_hash = ?',
      )
      .get(digest(token));
    if (!row || row.revoked_at) return undefined;
    if (row.expires_at && row.expires_at < new Date().toISOString()) return undefined;
    if (row.kind === 'wall') {
      this.database.db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(new Date().toISOString(), row.id);
      return { name: `wall:${row.label ?? row.id}`, role: 'viewer', via: 'wall', tokenId: row.id };
    }
    if (!row.current_role) return undefined;
    return { name: row.user_name, role: row.current_role, via: 'session', tokenId: row.id };
  }

  revoke(id: string): boolean {
    return this.database.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id).changes > 0;
  }

  /**
   * Revokes every login session of a user (its role, password or existence changed), except
   * `exceptId` (the session that changed its own password). Wall tokens are not sessions: they
   * stay until an admin revokes them. Answers how many were revoked.
   */
  revokeSessionsOf(userName: string, exceptId?: string): number {
    return this.database.db
      .prepare("UPDATE tokens SET revoked_at = ? WHERE kind = 'session' AND user_name = ? AND revoked_at IS NULL AND id IS NOT ?")
      .run(new Date().toISOString(), userName, exceptId ?? null).changes;
  }

  listWalls(): WallTokenInfo[] {
    return this.database.db
      .prepare<[], TokenRow>("SELECT * FROM tokens WHERE kind = 'wall' ORDER BY created_at DESC")
      .all()
      .map((r) => ({ id: r.id, label: r.label, createdBy: r.user_name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revoked: r.revoked_at !== null }));
  }
}

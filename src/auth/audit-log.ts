import type { Service } from '../core/lifecycle.js';
import type { Database } from '../store/database.js';
import type { Principal } from './principal.js';

export interface AuditEntry {
  id: number;
  at: string;
  user: string;
  role: string;
  action: string;
  target: string | null;
  detail: unknown;
  remote: string | null;
  outcome: string;
}

export interface AuditRecord {
  principal: Principal;
  /** Dotted verb, e.g. `camera.preset.save`, `auth.wall-token.create`. */
  action: string;
  target?: string | undefined;
  detail?: unknown;
  /** Address the request came from. */
  remote?: string | undefined;
  outcome?: 'ok' | 'failed' | 'refused';
}

interface AuditRow {
  id: number;
  at: string;
  user_name: string;
  role: string;
  action: string;
  target: string | null;
  detail: string | null;
  remote: string | null;
  outcome: string;
}

/** Who did what, when, from where: every state-changing action is written here. */
export class AuditLog implements Service {
  readonly name = 'audit-log';

  constructor(private readonly database: Database) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  record(entry: AuditRecord): void {
    this.database.db
      .prepare('INSERT INTO audit_log (at, user_name, role, action, target, detail, remote, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        new Date().toISOString(),
        entry.principal.name,
        entry.principal.role,
        entry.action,
        entry.target ?? null,
        entry.detail === undefined ? null : JSON.stringify(entry.detail),
        entry.remote ?? null,
        entry.outcome ?? 'ok',
      );
  }

  /** Newest first; `beforeId` pages backwards. */
  list(options: { limit: number; beforeId?: number | undefined; action?: string | undefined }): AuditEntry[] {
    const rows = this.database.db
      .prepare<{ before: number; action: string | null; limit: number }, AuditRow>(
        'SELECT * FROM audit_log WHERE id < @before AND (@action IS NULL OR action = @action) ORDER BY id DESC LIMIT @limit',
      )
      .all({ before: options.beforeId ?? Number.MAX_SAFE_INTEGER, action: options.action ?? null, limit: options.limit });
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      user: r.user_name,
      role: r.role,
      action: r.action,
      target: r.target,
      detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown),
      remote: r.remote,
      outcome: r.outcome,
    }));
  }
}

import type { Service } from '../core/lifecycle.js';
import type { Database } from '../store/database.js';

/** Who an entry is about: a principal, or a caller that is not logged in (role `none`). */
export interface AuditActor {
  name: string;
  role: string;
}

export type AuditOutcome = 'ok' | 'failed' | 'refused';

/** The actor of requests made without a valid login (a failed login, a public route). */
export const ANONYMOUS_ACTOR: AuditActor = { name: 'anonymous', role: 'none' };

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
  principal: AuditActor;
  /** Dotted verb, e.g. `camera.preset.save`, `auth.wall-token.create`. */
  action: string;
  target?: string | undefined;
  detail?: unknown;
  /** Address the request came from. */
  remote?: string | undefined;
  outcome?: AuditOutcome;
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
/** What the audit log can be filtered by (times as ISO strings, `to` exclusive). */
export interface AuditFilter {
  action?: string | undefined;
  user?: string | undefined;
  outcome?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export class AuditLog implements Service {
  readonly name = 'audit-log';

  constructor(private readonly database: Database) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  record(entry: AuditRecord): void {
    this.insert(entry, entry.outcome ?? 'ok');
  }

  /**
   * Writes the entry of an action about to run, with outcome `pending`, and answers its id. It
   * throws when the entry cannot be written: the caller must then not run the action.
   */
  begin(entry: Omit<AuditRecord, 'outcome'>): number {
    return this.insert(entry, 'pending');
  }

  /** Completes an entry written by begin() with the action's outcome (and who it turned out to be). */
  finish(id: number, result: { outcome: AuditOutcome; principal?: AuditActor | undefined; target?: string | undefined; detail?: unknown }): void {
    this.database.db
      .prepare(
        `UPDATE audit_log SET outcome = @outcome, user_name = coalesce(@user, user_name), role = coalesce(@role, role),
           target = coalesce(@target, target), detail = coalesce(@detail, detail) WHERE id = @id`,
      )
      .run({
        id,
        outcome: result.outcome,
        user: result.principal?.name ?? null,
        role: result.principal?.role ?? null,
        target: result.target ?? null,
        detail: result.detail === undefined ? null : JSON.stringify(result.detail),
      });
  }

  /**
   * Deletes entries of `action` with `outcome` older than `before`, and those beyond the newest
   * `keepNewest` (retention of failed logins). Answers how many were deleted.
   */
  prune(options: { action: string; outcome: AuditOutcome; before: Date; keepNewest: number }): number {
    const db = this.database.db;
    const old = db.prepare('DELETE FROM audit_log WHERE action = ? AND outcome = ? AND at < ?').run(options.action, options.outcome, options.before.toISOString()).changes;
    const cutoff = db
      .prepare<[string, string, number], { id: number }>('SELECT id FROM audit_log WHERE action = ? AND outcome = ? ORDER BY id DESC LIMIT 1 OFFSET ?')
      .get(options.action, options.outcome, options.keepNewest);
    const excess = cutoff ? db.prepare('DELETE FROM audit_log WHERE action = ? AND outcome = ? AND id <= ?').run(options.action, options.outcome, cutoff.id).changes : 0;
    return old + excess;
  }

  private insert(entry: Omit<AuditRecord, 'outcome'>, outcome: string): number {
    const result = this.database.db
      .prepare('INSERT INTO audit_log (at, user_name, role, action, target, detail, remote, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        new Date().toISOString(),
        entry.principal.name,
        entry.principal.role,
        entry.action,
        entry.target ?? null,
        entry.detail === undefined ? null : JSON.stringify(entry.detail),
        entry.remote ?? null,
        outcome,
      );
    return Number(result.lastInsertRowid);
  }

  /** Newest first; `beforeId` pages backwards; `action` matches exactly or as a prefix ending in `.` (`camera.`). */
  list(options: AuditFilter & { limit: number; beforeId?: number | undefined }): AuditEntry[] {
    const action = options.action ?? null;
    const rows = this.database.db
      .prepare<{ before: number; action: string | null; prefix: number; user: string | null; outcome: string | null; from: string | null; to: string | null; limit: number }, AuditRow>(
        `SELECT * FROM audit_log WHERE id < @before
           AND (@action IS NULL OR (@prefix = 1 AND substr(action, 1, length(@action)) = @action) OR (@prefix = 0 AND action = @action))
           AND (@user IS NULL OR user_name = @user) AND (@outcome IS NULL OR outcome = @outcome)
           AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({
        before: options.beforeId ?? Number.MAX_SAFE_INTEGER,
        action,
        prefix: action?.endsWith('.') ? 1 : 0,
        user: options.user ?? null,
        outcome: options.outcome ?? null,
        from: options.from ?? null,
        to: options.to ?? null,
        limit: options.limit,
      });
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

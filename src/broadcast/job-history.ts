import type { Database } from '../store/database.js';
import { message, renderMessage } from '../core/messages.js';
import type { JobView } from './job.js';

/** Every job, persisted: who said what (text or clip), to whom, when, and how it ended. */
export class JobHistory {
  constructor(private readonly database: Database) {}

  save(view: JobView): void {
    this.database.db
      .prepare(
        `INSERT INTO broadcast_jobs (id, class, source, status, created_by, created_at, ended_at, schedule_id, view) VALUES (@id, @class, @source, @status, @createdBy, @createdAt, @endedAt, @scheduleId, @view)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, ended_at = excluded.ended_at, view = excluded.view`,
      )
      .run({ id: view.id, class: view.class, source: view.source, status: view.status, createdBy: view.createdBy, createdAt: view.createdAt, endedAt: view.endedAt, scheduleId: view.scheduleId, view: JSON.stringify(view) });
  }

  get(id: string): JobView | undefined {
    const row = this.database.db.prepare<[string], { view: string }>('SELECT view FROM broadcast_jobs WHERE id = ?').get(id);
    return row ? (JSON.parse(row.view) as JobView) : undefined;
  }

  /** Newest first. */
  list(options: { limit: number; scheduleId?: string | undefined }): JobView[] {
    return this.database.db
      .prepare<{ limit: number; schedule: string | null }, { view: string }>('SELECT view FROM broadcast_jobs WHERE (@schedule IS NULL OR schedule_id = @schedule) ORDER BY created_at DESC LIMIT @limit')
      .all({ limit: options.limit, schedule: options.scheduleId ?? null })
      .map((r) => JSON.parse(r.view) as JobView);
  }

  /** Jobs that were running when the gateway stopped are closed as stopped at the next start. */
  closeInterrupted(): number {
    const rows = this.database.db.prepare<[], { view: string }>(`SELECT view FROM broadcast_jobs WHERE ended_at IS NULL`).all();
    for (const row of rows) {
      const view = JSON.parse(row.view) as JobView;
      const reason = message('job.reason.gateway-stopped');
      this.save({ ...view, status: 'stopped', endedAt: new Date().toISOString(), reason: renderMessage(reason.messageCode), reasonMessage: reason });
    }
    return rows.length;
  }
}

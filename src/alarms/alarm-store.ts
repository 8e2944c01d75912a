import BetterSqlite3 from 'better-sqlite3';
import { NotFoundError } from '../core/errors.js';
import type { Db } from '../store/database.js';
import { groupKeyOf, type ActionOutcome, type Alarm, type AlarmInput, type AlarmStatus, type ClosedAs } from './model.js';

interface AlarmRow {
  id: number;
  source: string;
  kind: string;
  severity: string;
  status: string;
  location: string | null;
  device: string | null;
  occurred_at: string;
  received_at: string;
  raw: string | null;
  group_key: string;
  group_id: number | null;
  group_count: number;
  camera_id: string | null;
  clip_from: string | null;
  clip_to: string | null;
  rules: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  closed_by: string | null;
  closed_at: string | null;
  closed_as: string | null;
  note: string | null;
  work_order_id: number | null;
  escalation_level: number;
  escalated_at: string | null;
}

function toAlarm(r: AlarmRow): Alarm {
  return {
    id: r.id,
    source: r.source as Alarm['source'],
    kind: r.kind,
    severity: r.severity as Alarm['severity'],
    status: r.status as AlarmStatus,
    location: r.location,
    device: r.device,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    raw: r.raw ? (JSON.parse(r.raw) as unknown) : null,
    groupKey: r.group_key,
    groupId: r.group_id,
    groupCount: r.group_count,
    cameraId: r.camera_id,
    clip: r.camera_id && r.clip_from && r.clip_to ? { cameraId: r.camera_id, from: r.clip_from, to: r.clip_to } : null,
    rules: JSON.parse(r.rules) as string[],
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: r.acknowledged_at,
    closedBy: r.closed_by,
    closedAt: r.closed_at,
    closedAs: r.closed_as as ClosedAs | null,
    note: r.note,
    workOrderId: r.work_order_id,
    escalationLevel: r.escalation_level,
    escalatedAt: r.escalated_at,
  };
}

export interface Inserted {
  alarm: Alarm;
  /** false: its dedupeKey was stored before (nothing new). */
  isNew: boolean;
  /** The alarm it was grouped into, when it is part of a storm. */
  parent: Alarm | null;
}

export interface AlarmFilter {
  status?: AlarmStatus | undefined;
  source?: string | undefined;
  severity?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Only alarms that are not grouped into another (default true). */
  topLevel?: boolean | undefined;
  limit?: number | undefined;
}

/**
 * Alarms on disk. Inserts go through a connection of their own with `synchronous = FULL` (an
 * acknowledged device event must survive a power cut: the device forgets it after the ack), in one
 * transaction per batch; a dedupe key stored before is a duplicate, never a second alarm.
 */
export class AlarmStore {
  private writer: BetterSqlite3.Database | undefined;
  /** The insert path's statements, prepared once per connection (every press goes through them). */
  private statements: ReturnType<typeof prepareInserts> | undefined;

  constructor(
    private readonly deps: { file: string; db: () => Db; groupWindowS: number; clipPreS?: number; clipPostS?: number },
  ) {}

  open(): void {
    const db = new BetterSqlite3(this.deps.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    this.writer = db;
  }

  close(): void {
    this.writer?.close();
    this.writer = undefined;
    this.statements = undefined;
  }

  /** Stores a batch in one transaction (durable when it returns). */
  insert(inputs: readonly AlarmInput[], receivedAt: Date): Inserted[] {
    const db = this.writer;
    if (!db) throw new Error('alarm store is not open');
    const { exists, parentOf, add, bump, byId } = this.statements ??= prepareInserts(db);
    const received = receivedAt.toISOString();
    const windowStart = new Date(receivedAt.getTime() - this.deps.groupWindowS * 1000).toISOString();
    const pre = (this.deps.clipPreS ?? 10) * 1000;
    const post = (this.deps.clipPostS ?? 30) * 1000;
    return db.transaction(() =>
      inputs.map((input): Inserted => {
        if (input.dedupeKey) {
          const found = exists.get(input.dedupeKey);
          if (found) return { alarm: toAlarm(found), isNew: false, parent: null };
        }
        const groupKey = groupKeyOf(input);
        const parent = this.deps.groupWindowS > 0 ? parentOf.get(groupKey, windowStart) : undefined;
        const at = Date.parse(input.occurredAt);
        const { lastInsertRowid } = add.run({
          dedupeKey: input.dedupeKey ?? null,
          source: input.source,
          kind: input.kind,
          severity: input.severity,
          location: input.location,
          device: input.device,
          occurredAt: input.occurredAt,
          receivedAt: received,
          raw: JSON.stringify(input.raw ?? null).slice(0, 16_384),
          groupKey,
          groupId: parent?.id ?? null,
          cameraId: input.cameraId ?? null,
          clipFrom: input.cameraId ? new Date(at - pre).toISOString() : null,
          clipTo: input.cameraId ? new Date(at + post).toISOString() : null,
        });
        if (parent) bump.run(parent.id);
        return { alarm: toAlarm(byId.get(lastInsertRowid)!), isNew: true, parent: parent ? toAlarm(byId.get(parent.id)!) : null };
      }),
    )();
  }

  get(id: number): Alarm {
    const row = this.deps.db().prepare<[number], AlarmRow>('SELECT * FROM alarms WHERE id = ?').get(id);
    if (!row) throw new NotFoundError('alarm.not-found', { alarm: id });
    return { ...toAlarm(row), actions: this.actions(id) };
  }

  list(filter: AlarmFilter = {}): Alarm[] {
    const where: string[] = [];
    const args: Record<string, unknown> = {};
    if (filter.topLevel !== false) where.push('group_id IS NULL');
    for (const key of ['status', 'source', 'severity'] as const) {
      if (filter[key]) {
        where.push(`${key} = @${key}`);
        args[key] = filter[key];
      }
    }
    if (filter.from) {
      where.push('occurred_at >= @from');
      args.from = filter.from;
    }
    if (filter.to) {
      where.push('occurred_at < @to');
      args.to = filter.to;
    }
    args.limit = Math.max(1, Math.min(1000, filter.limit ?? 100));
    const sql = `SELECT * FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
    return this.deps.db().prepare<[Record<string, unknown>], AlarmRow>(sql).all(args).map(toAlarm);
  }

  /** Every stored alarm, grouped ones included. */
  count(): number {
    return this.deps.db().prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM alarms').get()?.n ?? 0;
  }

  /** Open top-level alarms not acknowledged since before `before` (ISO). */
  unacknowledged(before: string): Alarm[] {
    return this.deps
      .db()
      .prepare<[string], AlarmRow>(`SELECT * FROM alarms WHERE status = 'raised' AND group_id IS NULL AND COALESCE(escalated_at, received_at) <= ? ORDER BY id LIMIT 200`)
      .all(before)
      .map(toAlarm);
  }

  /** Alarms whose linkage had not finished when the gateway stopped (run again at start). */
  pendingLinkage(): Alarm[] {
    return this.deps.db().prepare<[], AlarmRow>(`SELECT * FROM alarms WHERE linkage_done = 0 AND group_id IS NULL AND status = 'raised' ORDER BY id LIMIT 200`).all().map(toAlarm);
  }

  update(id: number, fields: Partial<Record<'status' | 'acknowledged_by' | 'acknowledged_at' | 'closed_by' | 'closed_at' | 'closed_as' | 'note' | 'work_order_id' | 'escalation_level' | 'escalated_at' | 'rules' | 'linkage_done', unknown>>): Alarm {
    const keys = Object.keys(fields);
    if (keys.length) {
      this.deps.db().prepare(`UPDATE alarms SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...fields, id });
    }
    return this.get(id);
  }

  recordAction(alarmId: number, outcome: ActionOutcome): number {
    const { lastInsertRowid } = this.deps
      .db()
      .prepare('INSERT INTO alarm_actions (alarm_id, rule, action, target, status, detail, started_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(alarmId, outcome.rule, outcome.action, outcome.target, outcome.status, outcome.detail, outcome.startedAt, outcome.endedAt);
    return Number(lastInsertRowid);
  }

  finishAction(actionId: number, status: ActionOutcome['status'], detail: string | null): void {
    this.deps.db().prepare('UPDATE alarm_actions SET status = ?, detail = ?, ended_at = ? WHERE id = ?').run(status, detail?.slice(0, 1000) ?? null, new Date().toISOString(), actionId);
  }

  actions(alarmId: number): ActionOutcome[] {
    return this.deps
      .db()
      .prepare<[number], { rule: string; action: string; target: string | null; status: string; detail: string | null; started_at: string; ended_at: string | null }>(
        'SELECT * FROM alarm_actions WHERE alarm_id = ? ORDER BY id',
      )
      .all(alarmId)
      .map((r) => ({ rule: r.rule, action: r.action, target: r.target, status: r.status as ActionOutcome['status'], detail: r.detail, startedAt: r.started_at, endedAt: r.ended_at }));
  }
}

function prepareInserts(db: BetterSqlite3.Database) {
  const exists = db.prepare<[string], AlarmRow>('SELECT * FROM alarms WHERE dedupe_key = ?');
  const parentOf = db.prepare<[string, string], AlarmRow>(
    `SELECT * FROM alarms WHERE group_key = ? AND group_id IS NULL AND status != 'closed' AND received_at >= ? ORDER BY id DESC LIMIT 1`,
  );
  const add = db.prepare(
    `INSERT INTO alarms (dedupe_key, source, kind, severity, location, device, occurred_at, received_at, raw, group_key, group_id, camera_id, clip_from, clip_to)
     VALUES (@dedupeKey, @source, @kind, @severity, @location, @device, @occurredAt, @receivedAt, @raw, @groupKey, @groupId, @cameraId, @clipFrom, @clipTo)`,
  );
  const bump = db.prepare('UPDATE alarms SET group_count = group_count + 1 WHERE id = ?');
  const byId = db.prepare<[number | bigint], AlarmRow>('SELECT * FROM alarms WHERE id = ?');
  return { exists, parentOf, add, bump, byId };
}

import { randomBytes } from 'node:crypto';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { NotFoundError, UserError } from '../core/errors.js';
import type { Database } from '../store/database.js';
import type { JobTargets, PreemptPolicy } from './job.js';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24 h)');

export const targetsSchema = z
  .strictObject({
    speakers: z.array(z.string().min(1)).default([]),
    groups: z.array(z.string().min(1)).default([]),
  })
  .refine((t) => t.speakers.length + t.groups.length > 0, 'name at least one speaker or group');

export const scheduleContentSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('tts'), text: z.string().min(1).max(2000), language: z.string().max(16).optional() }),
  z.strictObject({ kind: z.literal('clip'), clipId: z.string().min(1) }),
]);
export type ScheduleContent = z.infer<typeof scheduleContentSchema>;

export const scheduleInputSchema = z.strictObject({
  name: z.string().min(1).max(200),
  /** Cron expression: 5 fields, or 6 with seconds first. */
  cron: z.string().min(1).max(200),
  /** IANA time zone of the cron expression and quiet hours; null: the gateway's. */
  timezone: z.string().max(64).nullable().default(null),
  targets: targetsSchema,
  content: scheduleContentSchema,
  repeat: z.number().int().min(1).max(20).default(1),
  volume: z.number().int().min(0).max(100).nullable().default(null),
  /** No publicity in this window (may cross midnight, e.g. 22:00-07:00). */
  quietHours: z.strictObject({ start: hhmm, end: hhmm }).nullable().default(null),
  /** What happens when a higher job takes the speakers: continue afterwards, or give up. */
  onPreempt: z.enum(['resume', 'skip']).default('resume'),
  enabled: z.boolean().default(true),
});
export type ScheduleInput = z.infer<typeof scheduleInputSchema>;

export interface Schedule extends ScheduleInput {
  id: string;
  targets: JobTargets;
  onPreempt: PreemptPolicy;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  lastFiredAt: string | null;
}

interface ScheduleRow {
  id: string;
  name: string;
  cron: string;
  timezone: string | null;
  targets: string;
  content: string;
  repeat: number;
  volume: number | null;
  quiet_hours: string | null;
  on_preempt: PreemptPolicy;
  enabled: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  last_fired_at: string | null;
}

const toSchedule = (r: ScheduleRow): Schedule => ({
  id: r.id,
  name: r.name,
  cron: r.cron,
  timezone: r.timezone,
  targets: JSON.parse(r.targets) as JobTargets,
  content: JSON.parse(r.content) as ScheduleContent,
  repeat: r.repeat,
  volume: r.volume,
  quietHours: r.quiet_hours ? (JSON.parse(r.quiet_hours) as { start: string; end: string }) : null,
  onPreempt: r.on_preempt,
  enabled: r.enabled === 1,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastFiredAt: r.last_fired_at,
});

/** The next time a cron expression fires after `after`; throws a UserError for a bad expression or zone. */
export function nextFire(cron: string, timezone: string | null, after: Date): Date {
  try {
    return CronExpressionParser.parse(cron, { currentDate: after, ...(timezone ? { tz: timezone } : {}) })
      .next()
      .toDate();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw timezone ? new UserError('schedule.cron-invalid-zone', { expression: cron, zone: timezone, reason }) : new UserError('schedule.cron-invalid', { expression: cron, reason });
  }
}

/** Minutes since midnight of `at` in the zone (the gateway's when null). */
function minuteOfDay(at: Date, timezone: string | null): number {
  const parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(timezone ? { timeZone: timezone } : {}) }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Whether `at` falls in the quiet hours [start, end) (a window may cross midnight). */
export function inQuietHours(quiet: { start: string; end: string } | null, at: Date, timezone: string | null): boolean {
  if (!quiet) return false;
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  const start = toMin(quiet.start);
  const end = toMin(quiet.end);
  const now = minuteOfDay(at, timezone);
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

/** Publicity schedules, persisted in SQLite. */
export class ScheduleStore {
  constructor(private readonly database: Database) {}

  list(): Schedule[] {
    return this.database.db.prepare<[], ScheduleRow>('SELECT * FROM broadcast_schedules ORDER BY created_at').all().map(toSchedule);
  }

  get(id: string): Schedule {
    const row = this.database.db.prepare<[string], ScheduleRow>('SELECT * FROM broadcast_schedules WHERE id = ?').get(id);
    if (!row) throw new NotFoundError('schedule.not-found', { id });
    return toSchedule(row);
  }

  create(input: ScheduleInput, createdBy: string): Schedule {
    nextFire(input.cron, input.timezone, new Date());
    const id = `sched-${randomBytes(5).toString('hex')}`;
    const now = new Date().toISOString();
    this.database.db
      .prepare(
        `INSERT INTO broadcast_schedules (id, name, cron, timezone, targets, content, repeat, volume, quiet_hours, on_preempt, enabled, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.name, input.cron, input.timezone, JSON.stringify(input.targets), JSON.stringify(input.content), input.repeat, input.volume, input.quietHours ? JSON.stringify(input.quietHours) : null, input.onPreempt, input.enabled ? 1 : 0, createdBy, now, now);
    return this.get(id);
  }

  update(id: string, input: ScheduleInput): Schedule {
    this.get(id);
    nextFire(input.cron, input.timezone, new Date());
    this.database.db
      .prepare(
        `UPDATE broadcast_schedules SET name = ?, cron = ?, timezone = ?, targets = ?, content = ?, repeat = ?, volume = ?, quiet_hours = ?, on_preempt = ?, enabled = ?, updated_at = ? WHERE id = ?`,
      )
      .run(input.name, input.cron, input.timezone, JSON.stringify(input.targets), JSON.stringify(input.content), input.repeat, input.volume, input.quietHours ? JSON.stringify(input.quietHours) : null, input.onPreempt, input.enabled ? 1 : 0, new Date().toISOString(), id);
    return this.get(id);
  }

  remove(id: string): void {
    if (this.database.db.prepare('DELETE FROM broadcast_schedules WHERE id = ?').run(id).changes === 0) throw new NotFoundError('schedule.not-found', { id });
  }

  markFired(id: string, at: Date): void {
    this.database.db.prepare('UPDATE broadcast_schedules SET last_fired_at = ? WHERE id = ?').run(at.toISOString(), id);
  }
}

/**
 * Schedules without cron: "daily / on weekdays / weekly on these days / once on a date, at HH:MM".
 * Each becomes a cron expression (what the scheduler runs; experts may still write their own), and
 * the site's UTC offset becomes its time zone, so that "20:00" means 20:00 at the site whatever the
 * gateway host's own zone. A once schedule fires on its date only and is disabled after it fired.
 */
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (24 h)');
const isoDate = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date as YYYY-MM-DD');

export const scheduleWhenSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('daily'), time: hhmm }),
  z.strictObject({ kind: z.literal('weekdays'), time: hhmm }),
  /** days: 0 = Sunday .. 6 = Saturday. */
  z.strictObject({ kind: z.literal('weekly'), time: hhmm, days: z.array(z.number().int().min(0).max(6)).min(1).max(7) }),
  z.strictObject({ kind: z.literal('once'), time: hhmm, date: isoDate }),
]);
export type ScheduleWhen = z.infer<typeof scheduleWhenSchema>;

/** The cron expression (5 fields) of a simple schedule. */
export function cronOf(when: ScheduleWhen): string {
  const [h, m] = when.time.split(':').map(Number) as [number, number];
  switch (when.kind) {
    case 'daily':
      return `${m} ${h} * * *`;
    case 'weekdays':
      return `${m} ${h} * * 1-5`;
    case 'weekly':
      return `${m} ${h} * * ${[...new Set(when.days)].sort((a, b) => a - b).join(',')}`;
    case 'once': {
      const [, month, day] = when.date.split('-').map(Number) as [number, number, number];
      return `${m} ${h} ${day} ${month} *`;
    }
  }
}

/** The IANA zone of a whole-hour UTC offset (`Etc/GMT-8` is UTC+8); null for offsets that have none (then the gateway's zone). */
export function zoneOfOffset(utcOffsetMinutes: number): string | null {
  if (utcOffsetMinutes === 0) return 'Etc/UTC';
  if (utcOffsetMinutes % 60 !== 0) return null;
  const hours = utcOffsetMinutes / 60;
  return `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}

/** The instant a once schedule fires (its date and time in the zone), from the cron next after the day before. */
function onceInstant(when: Extract<ScheduleWhen, { kind: 'once' }>, timezone: string | null): Date {
  const dayBefore = new Date(Date.parse(`${when.date}T00:00:00Z`) - 2 * 86_400_000);
  return CronExpressionParser.parse(cronOf(when), { currentDate: dayBefore, ...(timezone ? { tz: timezone } : {}) })
    .next()
    .toDate();
}

/** The next `count` fire times after `after` (a once schedule: its one time, if still ahead). */
export function nextRuns(cron: string, timezone: string | null, when: ScheduleWhen | null, after: Date, count: number): Date[] {
  if (when?.kind === 'once') {
    const at = onceInstant(when, timezone);
    return at.getTime() > after.getTime() ? [at] : [];
  }
  const it = CronExpressionParser.parse(cron, { currentDate: after, ...(timezone ? { tz: timezone } : {}) });
  return Array.from({ length: count }, () => it.next().toDate());
}

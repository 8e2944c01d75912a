import { z } from 'zod';
import { csvLine } from '../access/csv.js';
import { UTF8_BOM } from '../access/csv-export.js';
import { siteLocalTime } from '../core/site-time.js';
import { UserError } from '../core/errors.js';
import type { PassStore, PassView } from './passes.js';
import type { VisitorEntries, VisitorEntryView } from './visitor-entries.js';

const DAY_MS = 86_400_000;

export const dayQuerySchema = z.strictObject({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD').optional() });

/** [from, to) of a site day (`2026-12-01` at UTC+8 is 2026-11-30T16:00Z to 2026-12-01T16:00Z); today when no day is given. */
export function siteDay(day: string | undefined, utcOffsetMinutes: number): { day: string; from: number; to: number } {
  const offset = utcOffsetMinutes * 60_000;
  const name = day ?? new Date(Date.now() + offset).toISOString().slice(0, 10);
  const midnight = Date.parse(`${name}T00:00:00.000Z`);
  if (Number.isNaN(midnight) || new Date(midnight).toISOString().slice(0, 10) !== name) throw new UserError('visitor.day-invalid', { day: name });
  return { day: name, from: midnight - offset, to: midnight - offset + DAY_MS };
}

export interface VisitorReport {
  day: string;
  from: string;
  to: string;
  passes: Array<PassView & { entries: number; firstIn: string | null; lastOut: string | null; refused: number }>;
  entries: VisitorEntryView[];
}

/** The day's visitors: every pass valid at some time of the day, with its entries of that day. */
export function visitorReport(passes: PassStore, entries: VisitorEntries, day: string | undefined, utcOffsetMinutes: number): VisitorReport {
  const range = siteDay(day, utcOffsetMinutes);
  const dayEntries = entries.between(range.from, range.to);
  return {
    day: range.day,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    passes: passes.list({ from: range.from, to: range.to }, 5000).map((p) => {
      const own = dayEntries.filter((e) => e.passId === p.id);
      const granted = own.filter((e) => e.result === 'granted');
      return {
        ...p,
        entries: granted.length,
        refused: own.length - granted.length,
        firstIn: granted.find((e) => e.direction === 'in')?.occurredAt ?? null,
        lastOut: granted.filter((e) => e.direction === 'out').at(-1)?.occurredAt ?? null,
      };
    }),
    entries: dayEntries,
  };
}

const CSV_HEADER = ['visitor', 'phone', 'building', 'unit', 'room', 'plate', 'reason', 'valid_from', 'valid_until', 'status', 'registered_by', 'first_in', 'last_out', 'entries', 'refused'];

/** The report as CSV in site time, with the UTF-8 byte order mark (as the entries CSV). */
export function visitorReportCsv(report: VisitorReport, utcOffsetMinutes: number): string {
  const t = (at: string | null) => (at ? siteLocalTime(at, utcOffsetMinutes) : '');
  let out = UTF8_BOM + csvLine(CSV_HEADER);
  for (const p of report.passes) {
    out += csvLine([p.name, p.phone, p.host.building, p.host.unit, p.host.room, p.plate, p.reason, t(p.validFrom), t(p.validUntil), p.status, p.createdBy, t(p.firstIn), t(p.lastOut), p.entries, p.refused]);
  }
  return out;
}

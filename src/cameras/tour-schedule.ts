/** Time windows of a patrol tour ("08:00-18:00 on weekdays"), in the gateway's local time. */
import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM (00:00 to 23:59)');

export const tourWindowSchema = z.strictObject({
  from: hhmm,
  to: hhmm,
  /** 0 = Sunday .. 6 = Saturday; absent: every day. */
  days: z.array(z.number().int().min(0).max(6)).min(1).optional(),
});

export type TourWindow = z.infer<typeof tourWindowSchema>;

function minutes(t: string): number {
  const [h, m] = t.split(':').map(Number);
  return h! * 60 + m!;
}

/** True when `at` lies in one of the windows (no windows: always). A window may cross midnight. */
export function inWindows(windows: readonly TourWindow[] | undefined, at: Date = new Date()): boolean {
  if (!windows || windows.length === 0) return true;
  const now = at.getHours() * 60 + at.getMinutes();
  const day = at.getDay();
  return windows.some((w) => {
    const from = minutes(w.from);
    const to = minutes(w.to);
    if (from <= to) return (!w.days || w.days.includes(day)) && now >= from && now < to;
    // Crosses midnight: the part after midnight belongs to the previous day's window.
    if (now >= from) return !w.days || w.days.includes(day);
    return now < to && (!w.days || w.days.includes((day + 6) % 7));
  });
}

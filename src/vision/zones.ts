/** Zones: drawn per camera and per preset, active only while the camera is at that preset. */
import { z } from 'zod';
import { WATCHED_CLASSES, type WatchedClass } from './coco.js';

export const ZONE_KINDS = ['intrusion', 'loitering', 'crowding', 'vehicle-dwell', 'line-crossing'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

const point = z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM');

export const zoneSchedule = z.object({
  /** Days of the week, 0 = Sunday. */
  days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
  from: hhmm,
  to: hhmm,
});
export type ZoneSchedule = z.infer<typeof zoneSchedule>;

export const zoneInput = z
  .object({
    cameraId: z.string().min(1).max(64),
    /** The preset's token; '' for a camera without presets (the zone is active whenever it is still). */
    preset: z.string().max(64),
    name: z.string().trim().min(1).max(64),
    kind: z.enum(ZONE_KINDS),
    enabled: z.boolean().default(true),
    /** A polygon (3..32 points), or for line crossing the line's two ends (A -> B; "in" is to the right of A->B). */
    points: z.array(point).min(2).max(32),
    classes: z.array(z.enum(WATCHED_CLASSES)).min(1).max(WATCHED_CLASSES.length).default(['person']),
    schedule: zoneSchedule.nullable().default(null),
    /** Loitering / vehicle dwell: seconds. */
    thresholdSec: z.number().min(1).max(86_400).default(30),
    /** Crowding: more than this many persons. */
    maxPersons: z.number().int().min(1).max(500).default(5),
  })
  .strict()
  .refine((zn) => (zn.kind === 'line-crossing' ? zn.points.length === 2 : zn.points.length >= 3), { message: 'a line has two points, a zone at least three', path: ['points'] });
export type ZoneInput = z.infer<typeof zoneInput>;

export interface Zone extends ZoneInput {
  id: string;
}

export function insidePolygon(p: { x: number; y: number }, poly: ReadonlyArray<readonly [number, number]>): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!;
    const [xj, yj] = poly[j]!;
    if (yi > p.y !== yj > p.y && p.x < ((xj - xi) * (p.y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Which side of the line A->B the point is on: 1 right ("in"), -1 left ("out"), 0 within `deadband` of the line. */
export function sideOfLine(p: { x: number; y: number }, a: readonly [number, number], b: readonly [number, number], deadband = 0.01): -1 | 0 | 1 {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = Math.hypot(dx, dy) || 1;
  // Image coordinates (y down): a positive cross product is to the right of A->B as seen on screen.
  const dist = (dx * (p.y - a[1]) - dy * (p.x - a[0])) / len;
  if (Math.abs(dist) <= deadband) return 0;
  return dist > 0 ? 1 : -1;
}

/** Whether the segment P->Q crosses the segment A->B (not just its extension). */
export function segmentsCross(p: { x: number; y: number }, q: { x: number; y: number }, a: readonly [number, number], b: readonly [number, number]): boolean {
  const o = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number => Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
  return o(p.x, p.y, q.x, q.y, a[0], a[1]) !== o(p.x, p.y, q.x, q.y, b[0], b[1]) && o(a[0], a[1], b[0], b[1], p.x, p.y) !== o(a[0], a[1], b[0], b[1], q.x, q.y);
}

/** Whether the schedule allows the zone at this local time (null: always). A window may pass midnight. */
export function scheduleAllows(schedule: ZoneSchedule | null, at: Date): boolean {
  if (!schedule) return true;
  const minutes = at.getHours() * 60 + at.getMinutes();
  const [fh, fm] = schedule.from.split(':').map(Number) as [number, number];
  const [th, tm] = schedule.to.split(':').map(Number) as [number, number];
  const from = fh * 60 + fm;
  const to = th * 60 + tm;
  if (from <= to) return schedule.days.includes(at.getDay()) && minutes >= from && minutes < to;
  // Over midnight: the part after midnight belongs to the day before.
  if (minutes >= from) return schedule.days.includes(at.getDay());
  return minutes < to && schedule.days.includes((at.getDay() + 6) % 7);
}

export function classMatches(zone: Pick<Zone, 'classes'>, label: WatchedClass): boolean {
  return zone.classes.includes(label);
}

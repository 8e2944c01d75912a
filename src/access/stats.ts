import { z } from 'zod';
import { UserError } from '../core/errors.js';
import type { Db } from '../store/database.js';
import { entryFilterSchema, whereOf } from './entry-query.js';

export const statsQuerySchema = entryFilterSchema.pick({ from: true, to: true, gate: true }).extend({
  bucket: z.enum(['hour', 'day']).default('hour'),
});
export type StatsQuery = z.infer<typeof statsQuerySchema>;

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Most buckets one request may ask for (per gate). */
const MAX_BUCKETS = 24 * 92;

export interface StatsBucket {
  gate: string;
  /** Start of the hour or day (in the configured UTC offset), as an ISO time. */
  start: string;
  in: number;
  out: number;
  denied: number;
}

export interface FlowStats {
  bucket: 'hour' | 'day';
  utcOffsetMinutes: number;
  from: string;
  to: string;
  buckets: StatsBucket[];
  totals: { in: number; out: number; denied: number };
  /** Vehicles (plates) whose last granted passage was inward. */
  vehiclesInside: number;
}

/** In/out (granted) and denied attempts per gate per hour or day, by the barriers' clocks. */
export function flowStats(db: Db, query: StatsQuery, utcOffsetMinutes: number, now = Date.now()): FlowStats {
  const size = query.bucket === 'hour' ? HOUR : DAY;
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - (query.bucket === 'hour' ? DAY : 30 * DAY);
  if (from >= to) throw new UserError('query.range-order', {}, 400, 'invalid_query');
  if ((to - from) / size > MAX_BUCKETS) throw new UserError('query.too-many-buckets', { max: MAX_BUCKETS, bucket: query.bucket }, 400, 'invalid_query');
  const offset = utcOffsetMinutes * 60_000;
  const { sql, params } = whereOf({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...(query.gate ? { gate: query.gate } : {}) });
  const rows = db
    .prepare<Record<string, string | number>, { gate: string; b: number; i: number; o: number; d: number }>(
      `SELECT gate, CAST((occurred_at + @offset) / @size AS INTEGER) AS b,
         SUM(direction = 'in' AND result = 'granted') AS i,
         SUM(direction = 'out' AND result = 'granted') AS o,
         SUM(result = 'denied') AS d
       FROM access_entries WHERE ${sql} GROUP BY gate, b ORDER BY b, gate`,
    )
    .all({ ...params, offset, size });
  const buckets = rows.map((r) => ({ gate: r.gate, start: new Date(r.b * size - offset).toISOString(), in: r.i, out: r.o, denied: r.d }));
  const totals = buckets.reduce((t, b) => ({ in: t.in + b.in, out: t.out + b.out, denied: t.denied + b.denied }), { in: 0, out: 0, denied: 0 });
  return {
    bucket: query.bucket,
    utcOffsetMinutes,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    buckets,
    totals,
    vehiclesInside: vehiclesInside(db).count,
  };
}

export function vehiclesInside(db: Db, limit = 0): { count: number; vehicles: Array<{ plate: string; gate: string; since: string }> } {
  const count = db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM access_inside WHERE direction = 'in'`).get()!.n;
  const vehicles =
    limit > 0
      ? db
          .prepare<[number], { plate: string; gate: string; occurred_at: number }>(`SELECT plate, gate, occurred_at FROM access_inside WHERE direction = 'in' ORDER BY occurred_at DESC LIMIT ?`)
          .all(limit)
          .map((r) => ({ plate: r.plate, gate: r.gate, since: new Date(r.occurred_at).toISOString() }))
      : [];
  return { count, vehicles };
}

import type { Db } from '../store/database.js';
import type { OutboxStore } from './outbox.js';

const HOUR = 3600_000;

export interface HourStats {
  gate: string;
  /** Start of the hour, ms since the epoch (hours are whole in every zone the gateway uses). */
  hourStart: number;
  in: number;
  out: number;
  denied: number;
}

/** Granted in/out and denied attempts per gate for one hour, by the barriers' (corrected) clocks. */
export function statsOfHour(db: Db, hourStart: number): HourStats[] {
  return db
    .prepare<[number, number, number], HourStats>(
      `SELECT gate, ? AS hourStart,
         sum(CASE WHEN result = 'granted' AND direction = 'in' THEN 1 ELSE 0 END) AS "in",
         sum(CASE WHEN result = 'granted' AND direction = 'out' THEN 1 ELSE 0 END) AS "out",
         sum(CASE WHEN result = 'denied' THEN 1 ELSE 0 END) AS denied
       FROM access_entries WHERE occurred_at >= ? AND occurred_at < ? GROUP BY gate ORDER BY gate`,
    )
    .all(hourStart, hourStart, hourStart + HOUR);
}

/**
 * Queues the statistics of every finished hour not queued yet (from the last one queued, at most
 * 48 back), each gate's hour under the id `<gate>/<hour start ISO>`, with the hour mark in the
 * same transaction, so that an hour is queued once even across a crash.
 */
export function queueFinishedHours(db: Db, outbox: OutboxStore, siteId: string, now = Date.now()): number {
  const current = Math.floor(now / HOUR) * HOUR;
  let queued = 0;
  db.transaction(() => {
    const last = outbox.stateValue('stats_hour');
    let hour = last > 0 ? last + HOUR : current - HOUR;
    hour = Math.max(hour, current - 48 * HOUR);
    for (; hour < current; hour += HOUR) {
      for (const s of statsOfHour(db, hour)) {
        outbox.append('stats', `${s.gate}/${new Date(hour).toISOString()}`, { site: siteId, ...s });
        queued++;
      }
      outbox.setStateValue('stats_hour', hour);
    }
  })();
  return queued;
}

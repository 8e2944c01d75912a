import { z } from 'zod';
import type { EntryRecord } from '../../devices/mqtt-barrier/driver.js';
import type { EntryConflict } from '../../devices/mqtt-barrier/protocol.js';
import { defineRoutes, type RouteModule } from '../http/route.js';
import type { Database } from '../store/database.js';
import { parseQuery } from './entry-query.js';

interface ConflictRow {
  id: number;
  gate: string;
  event_id: string;
  received_at: number;
  stored_entry: string;
  received_entry: string;
}

function conflictOf(row: ConflictRow): EntryConflict {
  return {
    id: row.id,
    gate: row.gate,
    eventId: row.event_id,
    receivedAt: new Date(row.received_at).toISOString(),
    stored: JSON.parse(row.stored_entry) as Record<string, unknown>,
    received: JSON.parse(row.received_entry) as Record<string, unknown>,
  };
}

/**
 * eventIds a barrier reused for a different entry (access_conflicts, written by the entry writer in
 * the batch's transaction): the first entry stays stored, the second is rejected to the barrier,
 * and both contents are kept here for the officer.
 */
export class ConflictStore {
  constructor(private readonly database: Database) {}

  /** The latest conflict row of each of these entries. */
  async recent(entries: readonly EntryRecord[]): Promise<EntryConflict[]> {
    const one = this.database.db.prepare<[string, string], ConflictRow>('SELECT * FROM access_conflicts WHERE gate = ? AND event_id = ? ORDER BY id DESC LIMIT 1');
    const seen = new Set<number>();
    const out: EntryConflict[] = [];
    for (const e of entries) {
      const row = one.get(e.gate, e.eventId);
      if (row && !seen.has(row.id)) {
        seen.add(row.id);
        out.push(conflictOf(row));
      }
    }
    return out;
  }

  list(options: { gate?: string | undefined; limit: number }): { conflicts: EntryConflict[]; total: number } {
    const { db } = this.database;
    const where = options.gate ? 'WHERE gate = ?' : '';
    const params = options.gate ? [options.gate] : [];
    const rows = db.prepare<unknown[], ConflictRow>(`SELECT * FROM access_conflicts ${where} ORDER BY received_at DESC, id DESC LIMIT ?`).all(...params, options.limit);
    const total = (db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM access_conflicts ${where}`).get(...params) ?? { n: 0 }).n;
    return { conflicts: rows.map(conflictOf), total };
  }
}

const conflictQuery = z.strictObject({
  gate: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function conflictRoutes(deps: { conflicts: ConflictStore }): RouteModule {
  return defineRoutes([
    {
      method: 'get',
      path: '/api/access/conflicts',
      access: 'viewer',
      summary: 'eventIds a barrier reused for a different entry, newest first, with both contents and the total count; filters gate, limit (<= 1000).',
      handler: (req) => deps.conflicts.list(parseQuery(conflictQuery, req.query)),
    },
  ]);
}

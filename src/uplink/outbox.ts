import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/database.js';

export interface OutboxRow {
  id: number;
  kind: string;
  record_id: string;
  payload: string;
  created_at: number;
}

/**
 * Rows in the outbox: max(id) - min(id) + 1, exact because rows leave only as a prefix. Each
 * aggregate in its own subquery: SQLite answers a lone min() or max() on the rowid from the
 * b-tree's edge (O(log n)), but `max(id) - min(id)` in one SELECT scans the whole table, which
 * made every append O(outbox) while a backlog built up.
 */
export const OUTBOX_SIZE_SQL = 'coalesce((SELECT max(id) FROM uplink_outbox) - (SELECT min(id) FROM uplink_outbox) + 1, 0)';

export type OutboxAppend = (kind: string, recordId: string, payload: unknown, createdAt?: number) => boolean;

/**
 * Prepares the outbox insert on a connection, to be called inside that connection's transaction
 * (the entry writer's, for entries). When the outbox holds `maxRows` the record is not queued
 * (answer false) and `uplink_state.dropped` counts it, in the same transaction; the record itself
 * stays in the site's own tables. The size test is OUTBOX_SIZE_SQL: O(log n), and exact while
 * rows leave in order (they do).
 */
export function prepareOutboxAppend(db: Db, maxRows: number): OutboxAppend {
  const size = db.prepare<[], { n: number }>(`SELECT ${OUTBOX_SIZE_SQL} AS n`);
  const insert = db.prepare('INSERT INTO uplink_outbox (kind, record_id, payload, created_at) VALUES (?, ?, ?, ?)');
  const dropped = db.prepare("UPDATE uplink_state SET value = value + 1 WHERE key = 'dropped'");
  return (kind, recordId, payload, createdAt = Date.now()) => {
    if (size.get()!.n >= maxRows) {
      dropped.run();
      return false;
    }
    insert.run(kind, recordId, JSON.stringify(payload), createdAt);
    return true;
  };
}

/** The outbox as the uplink reads and empties it (the gateway's main connection). */
export class OutboxStore {
  private appendFn: OutboxAppend | undefined;

  constructor(
    private readonly db: () => Db,
    private readonly maxRows: number,
  ) {}

  /** Queues one record in its own transaction (for records with no other local row). */
  append(kind: string, recordId: string, payload: unknown, createdAt = Date.now()): boolean {
    this.appendFn ??= prepareOutboxAppend(this.db(), this.maxRows);
    const fn = this.appendFn;
    return this.db().transaction(() => fn(kind, recordId, payload, createdAt))();
  }

  /** The oldest rows after `afterId`, in order (a range read on the row id). */
  after(afterId: number, limit: number): OutboxRow[] {
    return this.statements().after.all(afterId, limit);
  }

  /** Removes every row up to `id` (the prefix the cluster acknowledged), in one statement. */
  removeUpTo(id: number): void {
    this.statements().remove.run(id);
  }

  /** Rows waiting: max(id) - min(id) + 1, exact because rows leave only as a prefix (O(log n), not a count). */
  size(): number {
    return this.statements().size.get()!.n;
  }

  /** The drain's statements, prepared once per connection (the drain runs them for every ack). */
  private prepared: { db: Db; after: Statement<[number, number], OutboxRow>; remove: Statement<[number]>; size: Statement<[], { n: number }> } | undefined;
  private statements() {
    const db = this.db();
    if (this.prepared?.db !== db) {
      this.prepared = {
        db,
        after: db.prepare<[number, number], OutboxRow>('SELECT id, kind, record_id, payload, created_at FROM uplink_outbox WHERE id > ? ORDER BY id LIMIT ?'),
        remove: db.prepare<[number]>('DELETE FROM uplink_outbox WHERE id <= ?'),
        size: db.prepare<[], { n: number }>(`SELECT ${OUTBOX_SIZE_SQL} AS n`),
      };
    }
    return this.prepared;
  }

  dropped(): number {
    return this.db().prepare<[], { value: number }>("SELECT value FROM uplink_state WHERE key = 'dropped'").get()!.value;
  }

  stateValue(key: string): number {
    return this.db().prepare<[string], { value: number }>('SELECT value FROM uplink_state WHERE key = ?').get(key)?.value ?? 0;
  }

  setStateValue(key: string, value: number): void {
    this.db().prepare('INSERT INTO uplink_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}

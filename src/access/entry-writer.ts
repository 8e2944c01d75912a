import BetterSqlite3 from 'better-sqlite3';
import type { EntryRecord } from '../../devices/mqtt-barrier/driver.js';
import type { Db } from '../store/database.js';
import type { EntryRow } from './entry-row.js';

export interface BatchOutcome {
  /** Rows stored by this batch, in arrival order. */
  stored: EntryRow[];
  /** Entries already stored before (or twice in this batch): acknowledged again, not stored again. */
  duplicates: EntryRecord[];
}

/**
 * Writes entries on its own connection with `synchronous = FULL`: when a batch's transaction
 * returns, its rows are on disk (the WAL was fsynced), so the acknowledgement that follows can
 * let the barrier forget them even if the power fails next. The UNIQUE (gate, event_id)
 * constraint makes a resent entry a no-op.
 */
export class EntryWriter {
  private db: Db | undefined;
  private insert: BetterSqlite3.Statement | undefined;
  private inside: BetterSqlite3.Statement | undefined;
  private batch: ((items: Array<{ entry: EntryRecord; receivedAt: number }>) => BatchOutcome) | undefined;

  constructor(private readonly file: string) {}

  open(): void {
    const db = new BetterSqlite3(this.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    this.db = db;
    const insert = db.prepare(
      `INSERT INTO access_entries (gate, event_id, occurred_at, received_at, direction, lane, credential_type, credential_value, result, reason,
         plate_color, vehicle_type, snapshot, confidence, retransmission, source)
       VALUES (@gate, @eventId, @occurredAt, @receivedAt, @direction, @lane, @credentialType, @credentialValue, @result, @reason,
         @plateColor, @vehicleType, @snapshot, @confidence, @retransmission, @source)
       ON CONFLICT (gate, event_id) DO NOTHING
       RETURNING id`,
    );
    const inside = db.prepare(
      `INSERT INTO access_inside (plate, direction, gate, occurred_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (plate) DO UPDATE SET direction = excluded.direction, gate = excluded.gate, occurred_at = excluded.occurred_at
       WHERE excluded.occurred_at >= access_inside.occurred_at`,
    );
    this.insert = insert;
    this.inside = inside;
    this.batch = db.transaction((items: Array<{ entry: EntryRecord; receivedAt: number }>) => {
      const stored: EntryRow[] = [];
      const duplicates: EntryRecord[] = [];
      for (const { entry, receivedAt } of items) {
        const row = insert.get({ ...entry, receivedAt, retransmission: entry.retransmission ? 1 : 0 }) as { id: number } | undefined;
        if (!row) {
          duplicates.push(entry);
          continue;
        }
        if (entry.credentialType === 'plate' && entry.result === 'granted') inside.run(entry.credentialValue, entry.direction, entry.gate, entry.occurredAt);
        stored.push({
          id: row.id,
          gate: entry.gate,
          event_id: entry.eventId,
          occurred_at: entry.occurredAt,
          received_at: receivedAt,
          direction: entry.direction,
          lane: entry.lane,
          credential_type: entry.credentialType,
          credential_value: entry.credentialValue,
          result: entry.result,
          reason: entry.reason,
          plate_color: entry.plateColor,
          vehicle_type: entry.vehicleType,
          snapshot: entry.snapshot,
          confidence: entry.confidence,
          retransmission: entry.retransmission ? 1 : 0,
          source: entry.source,
        });
      }
      return { stored, duplicates };
    });
  }

  /** One transaction for the whole batch; throws (and stores nothing) when the commit fails. */
  write(items: Array<{ entry: EntryRecord; receivedAt: number }>): BatchOutcome {
    if (!this.batch) throw new Error('entry writer is not open');
    return this.batch(items);
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.insert = undefined;
    this.inside = undefined;
    this.batch = undefined;
  }
}

import BetterSqlite3 from 'better-sqlite3';
import type { EntryRecord } from '../../devices/mqtt-barrier/driver.js';
import type { Db } from '../store/database.js';
import { prepareOutboxAppend } from '../uplink/outbox.js';
import { entryRow, storedEntry, type EntryRow } from './entry-row.js';

export interface BatchOutcome {
  /** Rows stored by this batch, in arrival order. */
  stored: EntryRow[];
  /** Entries already stored before (or twice in this batch) with the same content: acknowledged again, not stored again. */
  duplicates: EntryRecord[];
  /** Entries whose (gate, eventId) is already stored with other content: kept in access_conflicts, rejected to the barrier. */
  conflicts: EntryRecord[];
}

/** What makes two entries with one eventId the same entry (the retransmission flag and the receive time may differ). */
const CONTENT_COLUMNS = ['device_time', 'direction', 'lane', 'credential_type', 'credential_value', 'result', 'reason', 'plate_color', 'vehicle_type', 'snapshot', 'confidence', 'source'] as const;

function contentOf(entry: EntryRecord): Record<(typeof CONTENT_COLUMNS)[number], unknown> {
  const row = entryRow(entry, 0, 0);
  return Object.fromEntries(CONTENT_COLUMNS.map((column) => [column, row[column]])) as Record<(typeof CONTENT_COLUMNS)[number], unknown>;
}

/** writeIds' answer for an item: its new row id, DUPLICATE, or CONFLICT. */
export const DUPLICATE = null;
export const CONFLICT = -1;

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
  private batch: ((items: Array<{ entry: EntryRecord; receivedAt: number }>) => Array<number | null>) | undefined;
  private existing: BetterSqlite3.Statement | undefined;
  private conflict: BetterSqlite3.Statement | undefined;

  /** outbox: also queue each stored entry for the district (src/uplink), in the same transaction. */
  constructor(
    private readonly file: string,
    private readonly outbox?: { maxRows: number },
  ) {}

  open(): void {
    const db = new BetterSqlite3(this.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    this.db = db;
    const insert = db.prepare(
      `INSERT INTO access_entries (gate, event_id, occurred_at, received_at, direction, lane, credential_type, credential_value, result, reason,
         plate_color, vehicle_type, snapshot, confidence, retransmission, source, device_time, clock_offset_ms, utc_offset, credential_raw)
       VALUES (@gate, @eventId, @occurredAt, @receivedAt, @direction, @lane, @credentialType, @credentialValue, @result, @reason,
         @plateColor, @vehicleType, @snapshot, @confidence, @retransmission, @source, @deviceTime, @clockOffsetMs, @utcOffset, @credentialRaw)
       ON CONFLICT (gate, event_id) DO NOTHING
       RETURNING id`,
    );
    const inside = db.prepare(
      `INSERT INTO access_inside (plate, direction, gate, occurred_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (plate) DO UPDATE SET direction = excluded.direction, gate = excluded.gate, occurred_at = excluded.occurred_at
       WHERE excluded.occurred_at >= access_inside.occurred_at`,
    );
    const existing = db.prepare(`SELECT ${CONTENT_COLUMNS.join(', ')} FROM access_entries WHERE gate = ? AND event_id = ?`);
    const conflict = db.prepare(
      `INSERT INTO access_conflicts (gate, event_id, received_at, stored_entry, received_entry) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (gate, event_id, received_entry) DO NOTHING`,
    );
    this.insert = insert;
    this.inside = inside;
    this.existing = existing;
    this.conflict = conflict;
    const toOutbox = this.outbox ? prepareOutboxAppend(db, this.outbox.maxRows) : undefined;
    this.batch = db.transaction((items: Array<{ entry: EntryRecord; receivedAt: number }>) => {
      const ids: Array<number | null> = [];
      for (const { entry, receivedAt } of items) {
        const row = insert.get({ ...entry, credentialRaw: entry.credentialRaw ?? null, receivedAt, retransmission: entry.retransmission ? 1 : 0 }) as { id: number } | undefined;
        if (!row) {
          // Stored before: the same entry again (a resend), or another entry under a reused eventId.
          const stored = existing.get(entry.gate, entry.eventId) as Record<string, unknown>;
          const received = contentOf(entry);
          if (CONTENT_COLUMNS.every((c) => stored[c] === received[c])) ids.push(DUPLICATE);
          else {
            conflict.run(entry.gate, entry.eventId, receivedAt, JSON.stringify(stored), JSON.stringify(received));
            ids.push(CONFLICT);
          }
          continue;
        }
        ids.push(row.id);
        toOutbox?.('entry', String(row.id), storedEntry(entryRow(entry, receivedAt, row.id)));
        if (row && entry.credentialType === 'plate' && entry.result === 'granted') inside.run(entry.credentialValue, entry.direction, entry.gate, entry.occurredAt);
      }
      return ids;
    });
  }

  /** One transaction for the whole batch; throws (and stores nothing) when the commit fails. */
  write(items: Array<{ entry: EntryRecord; receivedAt: number }>): BatchOutcome {
    return batchOutcome(items, this.writeIds(items));
  }

  /** Like write(), answering only each item's new row id, or null when it was already stored. */
  writeIds(items: Array<{ entry: EntryRecord; receivedAt: number }>): Array<number | null> {
    if (!this.batch) throw new Error('entry writer is not open');
    return this.batch(items);
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.insert = undefined;
    this.inside = undefined;
    this.existing = undefined;
    this.conflict = undefined;
    this.batch = undefined;
  }
}

/** Splits a written batch into the rows it stored and the duplicates it found. */
export function batchOutcome(items: ReadonlyArray<{ entry: EntryRecord; receivedAt: number }>, ids: ReadonlyArray<number | null>): BatchOutcome {
  const stored: EntryRow[] = [];
  const duplicates: EntryRecord[] = [];
  const conflicts: EntryRecord[] = [];
  items.forEach(({ entry, receivedAt }, i) => {
    const id = ids[i];
    if (id === null || id === undefined) duplicates.push(entry);
    else if (id === CONFLICT) conflicts.push(entry);
    else stored.push(entryRow(entry, receivedAt, id));
  });
  return { stored, duplicates, conflicts };
}

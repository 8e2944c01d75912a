import type { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { UserError } from '../core/errors.js';
import { csvLine } from './csv.js';
import { whereOf, type EntryFilter } from './entry-query.js';

export const CSV_HEADER = [
  'id', 'gate', 'event_id', 'occurred_at', 'received_at', 'direction', 'lane', 'credential_type', 'credential_value',
  'result', 'reason', 'plate_color', 'vehicle_type', 'snapshot', 'confidence', 'retransmission', 'source',
  'occurred_local', 'credential_raw',
] as const;

/** The stored columns the export reads (occurred_local is computed from occurred_at). */
const SELECTED = [...CSV_HEADER.slice(0, 17), 'occurred_at AS occurred_local', 'credential_raw'] as const;

/** The byte order mark that makes Excel (Chinese Windows included) read the file as UTF-8. */
export const UTF8_BOM = '\uFEFF';

/** `2026-12-01 20:00:00`: the time in the site's UTC offset (access.utcOffsetMinutes). */
export function localTime(epochMs: number, utcOffsetMinutes: number): string {
  return new Date(epochMs + utcOffsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

const CHUNK_BYTES = 64 * 1024;

/**
 * Streams matching entries as CSV, oldest first, from a read-only connection of its own (a
 * consistent snapshot; the writer keeps committing meanwhile). Rows are read one at a time from
 * the statement and written in 64 KiB chunks; when the response's buffer is full it waits for
 * 'drain', so memory stays flat whatever the table's size. Stops when the client goes away.
 */
export class CsvExporter {
  private running = 0;

  constructor(
    private readonly databaseFile: string,
    private readonly maxConcurrent: number,
    private readonly utcOffsetMinutes = 0,
  ) {}

  get active(): number {
    return this.running;
  }

  async export(filter: EntryFilter, out: Writable): Promise<number> {
    if (this.running >= this.maxConcurrent) throw new UserError('export.busy', { running: this.running }, 429, 'too_many_exports');
    this.running++;
    const db = new BetterSqlite3(this.databaseFile, { readonly: true, fileMustExist: true });
    let rows = 0;
    let closed = false;
    const onClose = () => (closed = true);
    out.once('close', onClose);
    try {
      const { sql, params } = whereOf(filter);
      const statement = db.prepare(`SELECT ${SELECTED.join(', ')} FROM access_entries WHERE ${sql} ORDER BY occurred_at, id`).raw(true);
      let chunk = UTF8_BOM + csvLine(CSV_HEADER);
      for (const row of statement.iterate(params) as IterableIterator<unknown[]>) {
        row[3] = new Date(row[3] as number).toISOString();
        row[4] = new Date(row[4] as number).toISOString();
        row[15] = row[15] === 1 ? 'true' : 'false';
        row[17] = localTime(row[17] as number, this.utcOffsetMinutes);
        chunk += csvLine(row);
        rows++;
        if (chunk.length >= CHUNK_BYTES) {
          if (closed) break;
          const ok = out.write(chunk);
          chunk = '';
          if (!ok) {
            await drainOrClose(out);
            if (closed) break;
          }
        }
      }
      if (!closed) out.end(chunk);
      return rows;
    } finally {
      out.off('close', onClose);
      db.close();
      this.running--;
    }
  }
}

function drainOrClose(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

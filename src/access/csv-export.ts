import type { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { UserError } from '../core/errors.js';
import { csvLine } from './csv.js';
import { whereOf, type EntryFilter } from './entry-query.js';

export const CSV_HEADER = [
  'id', 'gate', 'event_id', 'occurred_at', 'received_at', 'direction', 'lane', 'credential_type', 'credential_value',
  'result', 'reason', 'plate_color', 'vehicle_type', 'snapshot', 'confidence', 'retransmission', 'source',
] as const;

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
      const statement = db.prepare(`SELECT ${CSV_HEADER.join(', ')} FROM access_entries WHERE ${sql} ORDER BY occurred_at, id`).raw(true);
      let chunk = csvLine(CSV_HEADER);
      for (const row of statement.iterate(params) as IterableIterator<unknown[]>) {
        row[3] = new Date(row[3] as number).toISOString();
        row[4] = new Date(row[4] as number).toISOString();
        row[15] = row[15] === 1 ? 'true' : 'false';
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

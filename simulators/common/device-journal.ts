import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface HeldEvent<T> {
  payload: T;
  /** How many times it was published (events read back from the journal count as sent once). */
  attempts: number;
}

/**
 * A simulated device's durable memory of events not yet acknowledged (barrier entries, alarm
 * button and door sensor events): an append-only file of JSON lines (`{"e": event}`,
 * `{"a": [eventIds]}` acknowledged, `{"r": [[eventId, reason]]}` rejected).
 * `append` resolves only after the line is on disk (fdatasync); appends that arrive while a
 * flush runs are written together with the next one (group commit). Acknowledgements need no
 * sync: losing one only means the entry is sent again, and the gateway dedupes it. On open the
 * file is replayed (a torn last line from a crash is skipped) and rewritten with only what is held.
 */
export class DeviceJournal<T extends { eventId: string }> {
  private readonly held = new Map<string, HeldEvent<T>>();
  private readonly rejectedEvents: Array<{ eventId: string; reason: string }> = [];
  private handle: FileHandle | undefined;
  private lines: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private flushing: Promise<void> | undefined;
  private linesInFile = 0;

  constructor(private readonly file: string) {}

  async open(): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true });
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (!line) continue;
        let record: { e?: T; a?: string[]; r?: Array<[string, string]> };
        try {
          record = JSON.parse(line) as typeof record;
        } catch {
          continue; // torn write at a crash: that event's publish never happened
        }
        if (record.e) this.held.set(record.e.eventId, { payload: record.e, attempts: 1 });
        for (const id of record.a ?? []) this.held.delete(id);
        for (const [id, reason] of record.r ?? []) {
          this.held.delete(id);
          this.rejectedEvents.push({ eventId: id, reason });
        }
      }
    }
    await this.rewrite();
  }

  /** Events held (not acknowledged), oldest first. */
  entries(): IterableIterator<HeldEvent<T>> {
    return this.held.values();
  }

  get(eventId: string): HeldEvent<T> | undefined {
    return this.held.get(eventId);
  }

  get size(): number {
    return this.held.size;
  }

  get rejected(): ReadonlyArray<{ eventId: string; reason: string }> {
    return this.rejectedEvents;
  }

  /** Keeps an event; resolves once it is durable. */
  async append(payload: T): Promise<void> {
    await this.write(JSON.stringify({ e: payload }), true);
    this.held.set(payload.eventId, { payload, attempts: 0 });
  }

  /** Forgets acknowledged events; returns how many were held. */
  acknowledge(eventIds: readonly string[]): number {
    let n = 0;
    for (const id of eventIds) if (this.held.delete(id)) n++;
    if (n > 0) void this.write(JSON.stringify({ a: eventIds }), false).catch(() => {});
    return n;
  }

  reject(eventId: string, reason: string): boolean {
    if (!this.held.delete(eventId)) return false;
    this.rejectedEvents.push({ eventId, reason });
    void this.write(JSON.stringify({ r: [[eventId, reason]] }), false).catch(() => {});
    return true;
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }

  private write(line: string, durable: boolean): Promise<void> {
    this.lines.push(line);
    const done = durable ? new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject })) : Promise.resolve();
    if (!this.flushing) this.flushing = this.flushLoop().finally(() => (this.flushing = undefined));
    return done;
  }

  private async flushLoop(): Promise<void> {
    while (this.lines.length > 0) {
      const lines = this.lines;
      const waiters = this.waiters;
      this.lines = [];
      this.waiters = [];
      try {
        if (!this.handle) throw new Error('journal is closed');
        await this.handle.write(lines.join('\n') + '\n');
        if (waiters.length > 0) await this.handle.datasync();
        this.linesInFile += lines.length;
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err as Error);
      }
      // Keep the file small: rewrite it with only the held events once it is mostly acknowledged lines.
      if (this.linesInFile > 20_000 && this.held.size < this.linesInFile / 4 && this.lines.length === 0) await this.rewrite();
    }
  }

  /** Writes the held events to a new file, syncs it and renames it over the journal. */
  private async rewrite(): Promise<void> {
    await this.handle?.close();
    const tmp = `${this.file}.tmp`;
    const out = await open(tmp, 'w');
    const body = [
      ...this.rejectedEvents.map((r) => JSON.stringify({ r: [[r.eventId, r.reason]] })),
      ...[...this.held.values()].map((h) => JSON.stringify({ e: h.payload })),
    ].join('\n');
    await out.write(body ? `${body}\n` : '');
    await out.datasync();
    await out.close();
    await rename(tmp, this.file);
    this.linesInFile = this.held.size + this.rejectedEvents.length;
    this.handle = await open(this.file, 'a');
  }
}

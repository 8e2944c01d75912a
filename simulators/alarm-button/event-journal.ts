import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A device's durable memory of events not yet acknowledged: JSON lines `{"e": event}` (held) and
 * `{"a": [ids]}` (acknowledged). `append` resolves after fdatasync; on open the file is replayed
 * (a torn last line is skipped) and rewritten with what is still held.
 */
export class EventJournal<T extends { eventId: string }> {
  private readonly held = new Map<string, T>();
  private handle: FileHandle | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async open(): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true });
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const record = JSON.parse(line) as { e?: T; a?: string[] };
          if (record.e) this.held.set(record.e.eventId, record.e);
          for (const id of record.a ?? []) this.held.delete(id);
        } catch {
          // torn write at a crash: that event was never published
        }
      }
    }
    const rewrite = await open(`${this.file}.tmp`, 'w');
    await rewrite.writeFile([...this.held.values()].map((e) => JSON.stringify({ e }) + '\n').join(''));
    await rewrite.datasync();
    await rewrite.close();
    const { rename } = await import('node:fs/promises');
    await rename(`${this.file}.tmp`, this.file);
    this.handle = await open(this.file, 'a');
  }

  entries(): T[] {
    return [...this.held.values()];
  }

  get size(): number {
    return this.held.size;
  }

  append(event: T): Promise<void> {
    this.held.set(event.eventId, event);
    return this.write(JSON.stringify({ e: event }) + '\n', true);
  }

  /** Forgets acknowledged events; returns how many were held. */
  acknowledge(ids: readonly string[]): number {
    const known = ids.filter((id) => this.held.delete(id));
    if (known.length) void this.write(JSON.stringify({ a: known }) + '\n', false).catch(() => {});
    return known.length;
  }

  async close(): Promise<void> {
    await this.chain.catch(() => {});
    await this.handle?.close();
    this.handle = undefined;
  }

  private write(line: string, sync: boolean): Promise<void> {
    const next = this.chain.then(async () => {
      if (!this.handle) throw new Error('journal is closed');
      await this.handle.write(line);
      if (sync) await this.handle.datasync();
    });
    this.chain = next.catch(() => {});
    return next;
  }
}

import type { Worker } from 'node:worker_threads';
import type { EntryRecord } from '../../devices/mqtt-barrier/driver.js';
import type { FromWriterThread, ToWriterThread } from './entry-writer-worker.js';
import { spawnTsWorker } from '../core/ts-worker.js';

type Items = Array<{ entry: EntryRecord; receivedAt: number }>;

/**
 * The EntryWriter on its own thread. `write` resolves after the batch's transaction committed
 * (synchronous = FULL, as in EntryWriter) with each item's row id, or null for a duplicate; it
 * rejects, having stored nothing, when the commit failed or the thread died. The gateway's event
 * loop keeps receiving and validating entries while SQLite writes, syncs and checkpoints.
 */
export class EntryWriterThread {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (ids: Array<number | null>) => void; reject: (err: Error) => void }>();
  private closing: (() => void) | undefined;
  private opened = false;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly outbox?: { maxRows: number },
  ) {}

  async open(): Promise<void> {
    this.opened = true;
    const worker = spawnTsWorker(new URL('./entry-writer-worker.ts', import.meta.url), { file: this.file, outbox: this.outbox });
    this.worker = worker;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWriterThread) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'open-failed') reject(new Error(`entry writer could not open ${this.file}: ${m.error}`));
        else this.onMessage(m);
      };
      worker.on('message', onMessage);
      // An uncaught error in the thread is followed by its exit, which fails the pending batches.
      worker.on('error', reject);
      worker.once('exit', (code) => {
        reject(new Error(`entry writer thread exited with ${code}`));
        this.onExit(code);
      });
    });
  }

  async write(items: Items): Promise<Array<number | null>> {
    if (!this.worker && this.opened && !this.closed) await this.open(); // the thread died (its batches failed): start a new one
    const worker = this.worker;
    if (!worker) throw new Error('entry writer is not open');
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      worker.postMessage({ type: 'write', seq, items } satisfies ToWriterThread);
    });
  }

  /** Waits for the batches already sent, then closes the database and ends the thread. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const closed = new Promise<void>((resolve) => (this.closing = resolve));
    worker.postMessage({ type: 'close' } satisfies ToWriterThread);
    await closed;
    await worker.terminate();
  }

  private onMessage(m: FromWriterThread): void {
    if (m.type === 'closed') {
      this.worker = undefined;
      this.closing?.();
      return;
    }
    if (m.type !== 'written' && m.type !== 'failed') return;
    const waiting = this.pending.get(m.seq);
    if (!waiting) return;
    this.pending.delete(m.seq);
    if (m.type === 'written') waiting.resolve(m.storedIds);
    else waiting.reject(new Error(m.error));
  }

  private onExit(code: number): void {
    this.worker = undefined;
    for (const [, waiting] of this.pending) waiting.reject(new Error(`entry writer thread exited with ${code}`));
    this.pending.clear();
    this.closing?.();
  }
}

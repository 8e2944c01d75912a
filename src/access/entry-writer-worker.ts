/**
 * The entry writer's thread (see entry-writer-thread.ts): opens an EntryWriter on the database
 * file it is given and commits each batch it receives, answering with what was stored. Runs
 * nothing else, so the commit (fsync) and SQLite's checkpoints never block the gateway's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EntryRecord } from '../../devices/mqtt-barrier/driver.js';
import { EntryWriter } from './entry-writer.js';

export type ToWriterThread = { type: 'write'; seq: number; items: Array<{ entry: EntryRecord; receivedAt: number }> } | { type: 'close' };
export type FromWriterThread =
  | { type: 'ready' }
  | { type: 'open-failed'; error: string }
  /** storedIds[i] is the row id of items[i], or null when it was a duplicate. */
  | { type: 'written'; seq: number; storedIds: Array<number | null> }
  | { type: 'failed'; seq: number; error: string }
  | { type: 'closed' };

const port = parentPort!;
const data = workerData as { file: string; outbox?: { maxRows: number } };
const writer = new EntryWriter(data.file, data.outbox);
const reply = (m: FromWriterThread) => port.postMessage(m);

try {
  writer.open();
  reply({ type: 'ready' });
} catch (err) {
  reply({ type: 'open-failed', error: (err as Error).message });
}

port.on('message', (m: ToWriterThread) => {
  if (m.type === 'close') {
    writer.close();
    reply({ type: 'closed' });
    port.close();
    return;
  }
  try {
    reply({ type: 'written', seq: m.seq, storedIds: writer.writeIds(m.items) });
  } catch (err) {
    reply({ type: 'failed', seq: m.seq, error: (err as Error).message });
  }
});

import type { Counter, Histogram } from 'prom-client';
import type { BarrierDriver, EntryRecord } from '../../devices/mqtt-barrier/driver.js';
import { accessConflictFeed, accessEntryFeed, type EntryConflict, type StoredEntry } from '../../devices/mqtt-barrier/protocol.js';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../metrics/registry.js';
import type { MqttPublisher } from '../mqtt/publisher.js';
import { storedEntry } from './entry-row.js';
import { normalisePlate } from './plate.js';
import { batchOutcome } from './entry-writer.js';
import { EntryWriterThread } from './entry-writer-thread.js';

declare module '../core/event-bus.js' {
  interface GatewayEvents {
    /** One newly stored entry, after its transaction committed. */
    'access.entry': StoredEntry;
    /** A batch committed: every (gate, eventId) it stored or found already stored, and when (epoch ms, sub-ms). */
    /** A barrier reused an eventId for a different entry (the first is kept). */
    'access.conflict': EntryConflict;
    'access.committed': { at: number; entries: Array<{ gate: string; eventId: string; receivedAt: number }>; stored: number; duplicates: number };
  }
}

export interface EntryIngestDeps {
  databaseFile: string;
  /** Queue each stored entry for the district in the same transaction (src/uplink): the outbox's bound. */
  uplinkOutbox?: { maxRows: number } | undefined;
  driver: BarrierDriver;
  publisher: MqttPublisher;
  bus: EventBus;
  metrics: Metrics;
  log: Logger;
  batchMaxRows: number;
  batchMaxDelayMs: number;
  /** Corrects entry times from barriers whose clock is off. */
  clocks?: { correct(entry: EntryRecord, receivedAt: number): EntryRecord };
  /** Reads conflicts back for the feed (the writer thread stored them). */
  conflicts?: ConflictReader;
}

export interface ConflictReader {
  /** The stored conflict rows of these entries (latest per gate and eventId). */
  recent(entries: readonly EntryRecord[]): Promise<EntryConflict[]>;
}

/**
 * ingest -> (validated by the driver) -> batch -> one transaction (duplicates are no-ops) ->
 * acknowledgement to each barrier -> live feed (bus, MQTT, /api/feed). Nothing is acknowledged
 * before its commit; a failed commit acknowledges nothing, and the barriers send those entries again.
 */
export class EntryIngest implements Service {
  readonly name = 'access-ingest';
  private readonly writer: EntryWriterThread;
  /** The batch being committed (at most one at a time: what arrives meanwhile forms the next batch). */
  private inFlight: Promise<void> | undefined;
  private queue: Array<{ entry: EntryRecord; receivedAt: number; stored?: (() => void) | undefined }> = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private storedTotal: Counter | undefined;
  private duplicateTotal: Counter | undefined;
  private failedTotal: Counter | undefined;
  private conflictTotal: Counter | undefined;
  private batchSize: Histogram | undefined;
  private commitSeconds: Histogram | undefined;

  constructor(private readonly deps: EntryIngestDeps) {
    this.writer = new EntryWriterThread(deps.databaseFile, deps.uplinkOutbox);
  }

  async start(): Promise<void> {
    const { metrics } = this.deps;
    this.storedTotal = metrics.counter('gateway_access_entries_stored_total', 'Entries stored (each once)');
    this.duplicateTotal = metrics.counter('gateway_access_entries_duplicate_total', 'Entries received again after they were stored (acknowledged again)');
    this.conflictTotal = metrics.counter('gateway_access_entry_conflicts_total', 'Entries refused because their eventId was already stored with other content');
    this.failedTotal = metrics.counter('gateway_access_commit_failures_total', 'Batches whose transaction failed (nothing acknowledged; barriers resend)');
    this.batchSize = metrics.histogram('gateway_access_batch_rows', 'Entries per committed transaction', [1, 5, 20, 50, 100, 200, 500, 1000, 5000]);
    this.commitSeconds = metrics.histogram('gateway_access_commit_seconds', 'Time to write and commit one batch', [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5]);
    await this.writer.open();
    this.running = true;
    this.deps.driver.on('entry', (entry, stored) => this.add(entry, stored));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // Commit (and acknowledge) everything already received before closing the database.
    while (this.inFlight || this.queue.length > 0) await (this.inFlight ?? this.flush());
    await this.writer.close();
  }

  /** Number of entries waiting for the next commit. */
  get queued(): number {
    return this.queue.length;
  }

  /**
   * Queues an entry for the next commit. `stored` (the MQTT acknowledgement of the message that
   * carried it) is called after the commit, so that a gateway killed before it leaves the message
   * to the broker, which delivers it again to the next session.
   */
  add(entry: EntryRecord, stored?: () => void): void {
    if (!this.running) return; // not acknowledged at all: the broker (and the barrier) send it again
    const receivedAt = performance.timeOrigin + performance.now();
    const spelled = withNormalisedPlate(entry);
    this.queue.push({ entry: this.deps.clocks ? this.deps.clocks.correct(spelled, receivedAt) : spelled, receivedAt, stored });
    if (this.inFlight) return; // goes with the next batch, as soon as the one in flight committed
    if (this.queue.length >= this.deps.batchMaxRows) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.deps.batchMaxDelayMs);
    }
  }

  /**
   * Commits what is queued (at most batchMaxRows in one transaction) on the writer thread, then
   * acknowledges and publishes it. Entries that arrive during a commit are committed right after
   * it (group commit), so the batch size follows the load and nothing waits for a timer under load.
   */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight) return this.inFlight;
    if (this.queue.length === 0) return Promise.resolve();
    const max = this.deps.batchMaxRows;
    const items = this.queue.length > max ? this.queue.splice(0, max) : this.queue;
    if (items === this.queue) this.queue = [];
    const inFlight = this.commit(items).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length > 0) void this.flush();
    });
    this.inFlight = inFlight;
    return inFlight;
  }

  private async commit(items: Array<{ entry: EntryRecord; receivedAt: number; stored?: (() => void) | undefined }>): Promise<void> {
    const started = performance.now();
    let outcome;
    try {
      outcome = batchOutcome(items, await this.writer.write(items.map(({ entry, receivedAt }) => ({ entry, receivedAt }))));
    } catch (err) {
      this.failedTotal?.inc();
      this.deps.log.error({ err, entries: items.length }, 'could not commit entries; they are not acknowledged and will be sent again');
      // Released all the same: the barrier resends (no application ack), and a broker would otherwise stop delivering.
      for (const item of items) item.stored?.();
      return;
    }
    for (const item of items) item.stored?.();
    const committedAt = performance.timeOrigin + performance.now();
    this.commitSeconds?.observe((performance.now() - started) / 1000);
    this.batchSize?.observe(items.length);
    this.storedTotal?.inc(outcome.stored.length);
    if (outcome.duplicates.length) this.duplicateTotal?.inc(outcome.duplicates.length);

    const conflicting = new Set(outcome.conflicts);
    const byGate = new Map<string, string[]>();
    for (const { entry } of items) {
      if (conflicting.has(entry)) continue;
      let ids = byGate.get(entry.gate);
      if (!ids) byGate.set(entry.gate, (ids = []));
      ids.push(entry.eventId);
    }
    const at = new Date(committedAt);
    for (const [gate, eventIds] of byGate) {
      this.deps.driver.acknowledge(gate, eventIds, at).catch((err: Error) => this.deps.log.warn({ gate, err: err.message }, 'could not acknowledge; the barrier will resend and be acknowledged then'));
    }
    this.deps.bus.emit('access.committed', {
      at: committedAt,
      entries: items.map(({ entry, receivedAt }) => ({ gate: entry.gate, eventId: entry.eventId, receivedAt })),
      stored: outcome.stored.length,
      duplicates: outcome.duplicates.length,
    });
    if (outcome.conflicts.length) this.reportConflicts(outcome.conflicts);
    for (const row of outcome.stored) {
      const entry = storedEntry(row);
      this.deps.bus.emit('access.entry', entry);
      this.deps.publisher.publish(accessEntryFeed, { gate: entry.gate }, entry).catch(() => {});
    }
  }

  /** Rejects each conflicting entry to its barrier and tells the officer (log, metric, bus, feed). */
  private reportConflicts(conflicts: readonly EntryRecord[]): void {
    this.conflictTotal?.inc(conflicts.length);
    for (const entry of conflicts) {
      const reason = `eventId ${entry.eventId} is already stored with other content; the first entry is kept and both are shown to the officer`;
      this.deps.driver.refuse(entry.gate, entry.eventId, reason, 'event-id-conflict');
      this.deps.log.warn({ gate: entry.gate, eventId: entry.eventId }, 'a barrier reused an eventId for a different entry');
    }
    void this.deps.conflicts?.recent(conflicts).then(
      (rows) => {
        for (const conflict of rows) {
          this.deps.bus.emit('access.conflict', conflict);
          this.deps.publisher.publish(accessConflictFeed, { gate: conflict.gate }, conflict).catch(() => {});
        }
      },
      (err: Error) => this.deps.log.warn({ err: err.message }, 'could not read the conflicts back'),
    );
  }
}

/** Plates are stored in one spelling (`京a 88888` -> `京A88888`), the barrier's own kept as credentialRaw. */
export function withNormalisedPlate(entry: EntryRecord): EntryRecord {
  if (entry.credentialType !== 'plate') return entry;
  const value = normalisePlate(entry.credentialValue);
  return value === entry.credentialValue ? entry : { ...entry, credentialValue: value, credentialRaw: entry.credentialValue };
}

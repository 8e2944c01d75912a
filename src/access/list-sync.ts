import type { BarrierDriver } from '../../devices/mqtt-barrier/driver.js';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/database.js';
import type { ListStore } from './lists.js';

export interface ListSyncStatus {
  gate: string;
  currentVersion: number;
  publishedVersion: number | null;
  appliedVersion: number | null;
  appliedAt: string | null;
  /** in-sync: the barrier applied the current version; pending: it has not yet; unknown: it never reported. */
  status: 'in-sync' | 'pending' | 'unknown';
}

interface SyncRow {
  gate: string;
  published_version: number | null;
  published_at: string | null;
  applied_version: number | null;
  applied_at: string | null;
}

/**
 * Keeps every barrier's copy of the lists current: publishes the complete, versioned lists
 * (retained) to each barrier after a change (debounced), at start, and whenever a barrier comes
 * online with an older version; records the version each barrier reports having applied.
 */
export class ListSync implements Service {
  readonly name = 'access-list-sync';
  private timer: NodeJS.Timeout | undefined;
  private offAvailability: (() => void) | undefined;
  private running = false;

  constructor(
    private readonly deps: {
      gates: readonly string[];
      database: Database;
      lists: () => ListStore;
      driver: BarrierDriver;
      bus: EventBus;
      log: Logger;
      publishDelayMs: number;
    },
  ) {}

  async start(): Promise<void> {
    this.running = true;
    const upsert = this.deps.database.db.prepare(
      `INSERT INTO access_list_sync (gate, applied_version, applied_at) VALUES (?, ?, ?)
       ON CONFLICT (gate) DO UPDATE SET applied_version = excluded.applied_version, applied_at = excluded.applied_at`,
    );
    this.deps.driver.on('listsApplied', (gate, applied) => {
      upsert.run(gate, applied.version, applied.at);
      this.deps.log.debug({ gate, version: applied.version }, 'barrier applied lists');
    });
    this.offAvailability = this.deps.bus.on('device.availability', ({ kind, id, availability }) => {
      if (kind !== 'barriers' || availability !== 'online' || !this.running) return;
      const row = this.row(id);
      if (row?.applied_version !== this.deps.lists().version) this.publishTo([id]);
    });
    this.publishTo(this.deps.gates);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.offAvailability?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Called after every list change: publishes to every known barrier after the quiet time. */
  changed(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.publishTo(this.knownGates());
    }, this.deps.publishDelayMs);
  }

  status(): ListSyncStatus[] {
    const current = this.deps.lists().version;
    return this.knownGates().map((gate) => {
      const row = this.row(gate);
      const applied = row?.applied_version ?? null;
      return {
        gate,
        currentVersion: current,
        publishedVersion: row?.published_version ?? null,
        appliedVersion: applied,
        appliedAt: row?.applied_at ?? null,
        status: applied === null ? 'unknown' : applied === current ? 'in-sync' : 'pending',
      };
    });
  }

  private knownGates(): string[] {
    const seen = this.deps.database.db.prepare<[], { gate: string }>('SELECT gate FROM access_list_sync').all().map((r) => r.gate);
    return [...new Set([...this.deps.gates, ...seen])].sort();
  }

  private row(gate: string): SyncRow | undefined {
    return this.deps.database.db.prepare<[string], SyncRow>('SELECT * FROM access_list_sync WHERE gate = ?').get(gate);
  }

  private publishTo(gates: readonly string[]): void {
    if (gates.length === 0) return;
    const snapshot = this.deps.lists().snapshot();
    const record = this.deps.database.db.prepare(
      `INSERT INTO access_list_sync (gate, published_version, published_at) VALUES (?, ?, ?)
       ON CONFLICT (gate) DO UPDATE SET published_version = excluded.published_version, published_at = excluded.published_at`,
    );
    for (const gate of gates) {
      this.deps.driver
        .publishLists(gate, snapshot)
        .then(() => {
          if (this.running) record.run(gate, snapshot.version, snapshot.publishedAt);
        })
        .catch((err: Error) => this.deps.log.warn({ gate, err: err.message }, 'could not publish lists; retried when the barrier comes online'));
    }
  }
}

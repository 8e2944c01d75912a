import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Database } from './database.js';

/** A complete, versioned copy that each barrier holds (allow/deny lists, visitor passes). */
export interface VersionedSnapshot {
  version: number;
  publishedAt: string;
}

export interface CopySyncStatus {
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
  applied_version: number | null;
  applied_at: string | null;
}

export interface CopySyncDeps<S extends VersionedSnapshot> {
  /** The service's name in logs and the lifecycle. */
  name: string;
  /** What the copy is, for log lines ("lists", "visitor passes"). */
  what: string;
  /** The SQLite table (gate, published_version, published_at, applied_version, applied_at), owned by the feature's migrations. */
  table: string;
  gates: readonly string[];
  database: Database;
  /** The current version, and the complete copy to publish. */
  current: () => { version: number; snapshot(): S };
  publish: (gate: string, snapshot: S) => Promise<void>;
  /** Registers the handler for a barrier's report of the version it applied. */
  onApplied: (handler: (gate: string, applied: { version: number; at: string }) => void) => void;
  bus: EventBus;
  log: Logger;
  /** Quiet time after a change before publishing. */
  publishDelayMs: number;
  /** Publishes to every barrier again at this interval (for copies that age, like passes); none when absent. */
  republishMs?: number;
}

/**
 * Keeps every barrier's copy current: publishes the complete, versioned copy (retained) to each
 * barrier after a change (debounced), at start, whenever a barrier comes online holding an older
 * version, and every `republishMs` when set; records the version each barrier published and
 * reports having applied.
 */
export class VersionedCopySync<S extends VersionedSnapshot> implements Service {
  readonly name: string;
  private timer: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private offAvailability: (() => void) | undefined;
  private running = false;

  constructor(private readonly deps: CopySyncDeps<S>) {
    this.name = deps.name;
  }

  async start(): Promise<void> {
    this.running = true;
    const upsert = this.deps.database.db.prepare(
      `INSERT INTO ${this.deps.table} (gate, applied_version, applied_at) VALUES (?, ?, ?)
       ON CONFLICT (gate) DO UPDATE SET applied_version = excluded.applied_version, applied_at = excluded.applied_at`,
    );
    this.deps.onApplied((gate, applied) => {
      if (!this.running) return;
      upsert.run(gate, applied.version, applied.at);
      this.deps.log.debug({ gate, version: applied.version }, `barrier applied ${this.deps.what}`);
    });
    this.offAvailability = this.deps.bus.on('device.availability', ({ kind, id, availability }) => {
      if (kind !== 'barriers' || availability !== 'online' || !this.running) return;
      if (this.row(id)?.applied_version !== this.deps.current().version) this.publishTo([id]);
    });
    this.publishTo(this.deps.gates);
    if (this.deps.republishMs !== undefined) {
      this.sweep = setInterval(() => this.publishTo(this.knownGates()), this.deps.republishMs);
      this.sweep.unref();
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.offAvailability?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.sweep) clearInterval(this.sweep);
    this.timer = undefined;
    this.sweep = undefined;
  }

  /** Called after every change: publishes to every known barrier after the quiet time. */
  changed(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.publishTo(this.knownGates());
    }, this.deps.publishDelayMs);
  }

  status(): CopySyncStatus[] {
    const current = this.deps.current().version;
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
    const seen = this.deps.database.db.prepare<[], { gate: string }>(`SELECT gate FROM ${this.deps.table}`).all().map((r) => r.gate);
    return [...new Set([...this.deps.gates, ...seen])].sort();
  }

  private row(gate: string): SyncRow | undefined {
    return this.deps.database.db.prepare<[string], SyncRow>(`SELECT * FROM ${this.deps.table} WHERE gate = ?`).get(gate);
  }

  private publishTo(gates: readonly string[]): void {
    if (gates.length === 0 || !this.running) return;
    const snapshot = this.deps.current().snapshot();
    const record = this.deps.database.db.prepare(
      `INSERT INTO ${this.deps.table} (gate, published_version, published_at) VALUES (?, ?, ?)
       ON CONFLICT (gate) DO UPDATE SET published_version = excluded.published_version, published_at = excluded.published_at`,
    );
    for (const gate of gates) {
      this.deps
        .publish(gate, snapshot)
        .then(() => {
          if (this.running) record.run(gate, snapshot.version, snapshot.publishedAt);
        })
        .catch((err: Error) => this.deps.log.warn({ gate, err: err.message }, `could not publish the ${this.deps.what}; retried when the barrier comes online`));
    }
  }
}

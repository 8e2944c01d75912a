import type { BarrierPassesDriver } from '../../devices/mqtt-barrier/passes-driver.js';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../store/database.js';
import type { PassStore } from './passes.js';

export interface PassSyncStatus {
  gate: string;
  currentVersion: number;
  appliedVersion: number | null;
  appliedAt: string | null;
  status: 'in-sync' | 'pending' | 'unknown';
}

interface SyncRow {
  gate: string;
  published_version: number | null;
  applied_version: number | null;
  applied_at: string | null;
}

/**
 * Keeps every barrier's copy of the visitor passes current, as the allow list is kept: the
 * complete, versioned passes (retained) after a change (debounced), at start, when a barrier comes
 * online holding an older version, and every `republishMs` (expired passes drop out of the copy;
 * the barrier refuses them by its own clock meanwhile).
 */
export class PassSync implements Service {
  readonly name = 'visitor-pass-sync';
  private timer: NodeJS.Timeout | undefined;
  private sweep: NodeJS.Timeout | undefined;
  private offAvailability: (() => void) | undefined;
  private running = false;

  constructor(
    private readonly deps: {
      gates: readonly string[];
      database: Database;
      passes: () => PassStore;
      driver: BarrierPassesDriver;
      bus: EventBus;
      log: Logger;
      publishDelayMs: number;
      republishMs: number;
    },
  ) {}

  async start(): Promise<void> {
    this.running = true;
    const upsert = this.deps.database.db.prepare(
      `INSERT INTO visitor_pass_sync (gate, applied_version, applied_at) VALUES (?, ?, ?)
       ON CONFLICT (gate) DO UPDATE SET applied_version = excluded.applied_version, applied_at = excluded.applied_at`,
    );
    this.deps.driver.onApplied((gate, applied) => {
      if (this.running) upsert.run(gate, applied.version, applied.at);
    });
    this.offAvailability = this.deps.bus.on('device.availability', ({ kind, id, availability }) => {
      if (kind !== 'barriers' || availability !== 'online' || !this.running) return;
      if (this.row(id)?.applied_version !== this.deps.passes().version) this.publishTo([id]);
    });
    this.publishTo(this.deps.gates);
    this.sweep = setInterval(() => this.publishTo(this.knownGates()), this.deps.republishMs);
    this.sweep.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.offAvailability?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.sweep) clearInterval(this.sweep);
    this.timer = undefined;
    this.sweep = undefined;
  }

  changed(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.publishTo(this.knownGates());
    }, this.deps.publishDelayMs);
  }

  status(): PassSyncStatus[] {
    const current = this.deps.passes().version;
    return this.knownGates().map((gate) => {
      const row = this.row(gate);
      const applied = row?.applied_version ?? null;
      return { gate, currentVersion: current, appliedVersion: applied, appliedAt: row?.applied_at ?? null, status: applied === null ? 'unknown' : applied === current ? 'in-sync' : 'pending' };
    });
  }

  private knownGates(): string[] {
    const seen = this.deps.database.db.prepare<[], { gate: string }>('SELECT gate FROM visitor_pass_sync').all().map((r) => r.gate);
    return [...new Set([...this.deps.gates, ...seen])].sort();
  }

  private row(gate: string): SyncRow | undefined {
    return this.deps.database.db.prepare<[string], SyncRow>('SELECT * FROM visitor_pass_sync WHERE gate = ?').get(gate);
  }

  private publishTo(gates: readonly string[]): void {
    if (gates.length === 0 || !this.running) return;
    const snapshot = this.deps.passes().snapshot();
    const record = this.deps.database.db.prepare(
      `INSERT INTO visitor_pass_sync (gate, published_version, published_at) VALUES (?, ?, ?)
       ON CONFLICT (gate) DO UPDATE SET published_version = excluded.published_version, published_at = excluded.published_at`,
    );
    for (const gate of gates) {
      this.deps.driver
        .publishPasses(gate, snapshot)
        .then(() => {
          if (this.running) record.run(gate, snapshot.version, snapshot.publishedAt);
        })
        .catch((err: Error) => this.deps.log.warn({ gate, err: err.message }, 'could not publish the visitor passes; retried when the barrier comes online'));
    }
  }
}

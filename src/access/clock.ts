import type { Gauge } from 'prom-client';
import type { BarrierDriver, EntryRecord } from '../../devices/mqtt-barrier/driver.js';
import { accessBarrierClock, type StatePayload } from '../../devices/mqtt-barrier/protocol.js';
import type { Service } from '../core/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../metrics/registry.js';
import type { MqttPublisher } from '../mqtt/publisher.js';

export interface BarrierClock {
  /** The barrier's clock minus the gateway's (ms), at the last observation. */
  offsetMs: number;
  /** When it was observed (ISO time, gateway clock). */
  observedAt: string;
  /** What it was measured from: a live state message (its `at`) or a live entry (its `timestamp`). */
  source: 'state' | 'entry';
  /** True when the offset is beyond the accepted skew: this barrier's entry times are corrected. */
  corrected: boolean;
}

/**
 * Watches each barrier's clock and corrects entry times from a clock that is off.
 *
 * The offset is measured from what the barrier says about now: a live (not retained) state
 * message's `at`, or a live entry (`retransmission` not set: sent as it happened). Within
 * `maxSkewMs` the barrier's own times are kept. Beyond it, every entry of that barrier is stored
 * at its device time minus the offset (a held entry keeps its true age) with the offset noted;
 * the device time is always kept beside it. A retransmitted entry does not move the estimate (it
 * may be hours old), but one dated more than `maxSkewMs` in the gateway's future is impossible
 * and is stored at its receive time.
 */
export class BarrierClocks implements Service {
  readonly name = 'access-clocks';
  private readonly clocks = new Map<string, BarrierClock>();
  private gauge: Gauge<'gate'> | undefined;

  /** What was last published per barrier (published again when corrected flips or the offset moves > 1 s). */
  private readonly published = new Map<string, BarrierClock>();

  constructor(private readonly deps: { driver: BarrierDriver; metrics: Metrics; log: Logger; maxSkewMs: number; publisher?: MqttPublisher }) {}

  async start(): Promise<void> {
    this.gauge = this.deps.metrics.gauge('gateway_barrier_clock_offset_seconds', "Each barrier's clock minus the gateway's, at the last live observation", ['gate']);
    this.deps.driver.on('state', (gate, state, retained) => this.observeState(gate, state, retained));
  }

  async stop(): Promise<void> {}

  /** The clock of one barrier, or null before any live observation. */
  clockOf(gate: string): BarrierClock | null {
    return this.clocks.get(gate) ?? null;
  }

  observeState(gate: string, state: StatePayload, retained: boolean, now = Date.now()): void {
    if (retained) return; // a retained state may be old: it says nothing about the clock now
    const at = Date.parse(state.at);
    if (Number.isFinite(at)) this.observe(gate, at - now, 'state', now);
  }

  /** The entry as it is to be stored: occurredAt corrected (and clockOffsetMs set) when the barrier's clock is off. */
  correct(entry: EntryRecord, receivedAt: number): EntryRecord {
    const { maxSkewMs } = this.deps;
    if (!entry.retransmission) this.observe(entry.gate, entry.deviceTime - receivedAt, 'entry', receivedAt);
    const clock = this.clocks.get(entry.gate);
    if (clock?.corrected) return { ...entry, occurredAt: entry.deviceTime - clock.offsetMs, clockOffsetMs: clock.offsetMs };
    if (entry.deviceTime - receivedAt > maxSkewMs) return { ...entry, occurredAt: receivedAt, clockOffsetMs: entry.deviceTime - receivedAt };
    return entry;
  }

  private observe(gate: string, offsetMs: number, source: BarrierClock['source'], now: number): void {
    const corrected = Math.abs(offsetMs) > this.deps.maxSkewMs;
    const before = this.clocks.get(gate);
    this.clocks.set(gate, { offsetMs, observedAt: new Date(now).toISOString(), source, corrected });
    this.gauge?.set({ gate }, offsetMs / 1000);
    const last = this.published.get(gate);
    if (!last || last.corrected !== corrected || Math.abs(last.offsetMs - offsetMs) > 1000) {
      const clock = this.clocks.get(gate)!;
      this.published.set(gate, clock);
      this.deps.publisher?.publish(accessBarrierClock, { gate }, clock).catch(() => {});
    }
    if (corrected !== (before?.corrected ?? false)) {
      if (corrected) this.deps.log.warn({ gate, offsetSeconds: Math.round(offsetMs / 1000) }, `barrier ${gate}'s clock is off by ${describeOffset(offsetMs)}; its entry times are corrected (the barrier's own time is kept beside them)`);
      else this.deps.log.info({ gate }, `barrier ${gate}'s clock is right again`);
    }
  }
}

/** "3 h 12 min ahead", "45 s behind". */
export function describeOffset(offsetMs: number): string {
  const s = Math.round(Math.abs(offsetMs) / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = d > 0 ? [`${d} d`, `${h} h`] : h > 0 ? [`${h} h`, `${m} min`] : m > 0 ? [`${m} min`, `${s % 60} s`] : [`${s} s`];
  return `${parts.join(' ')} ${offsetMs >= 0 ? 'ahead' : 'behind'}`;
}

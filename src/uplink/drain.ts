import type { JetStreamClient } from '@nats-io/jetstream';
import type { Counter, Gauge } from 'prom-client';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../metrics/registry.js';
import { msgIdOf, subjectOf } from './kinds.js';
import type { NatsLink } from './nats-link.js';
import type { OutboxRow, OutboxStore } from './outbox.js';

export interface DrainOptions {
  siteId: string;
  outbox: OutboxStore;
  link: NatsLink;
  metrics: Metrics;
  log: Logger;
  maxPublishPerSecond: number;
  maxInFlight: number;
  publishTimeoutMs: number;
  maxOutboxRows: number;
  warnAtPercent: readonly number[];
}

/** What a site publishes: the record with where and when it was committed. */
export interface UplinkEnvelope {
  site: string;
  kind: string;
  id: string;
  committedAt: number;
  record: unknown;
}

/**
 * Empties the outbox in order into JetStream: up to maxInFlight publishes at once, each with
 * Nats-Msg-Id `<site>/<kind>/<id>` (the cluster drops a repeat within its duplicate window), at
 * most maxPublishPerSecond. A row leaves the outbox only when its publish was acknowledged, and
 * only with every older row (an unacknowledged one is sent again with those after it, which the
 * cluster then drops as duplicates).
 */
export class OutboxDrain {
  private js: JetStreamClient | undefined;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private sleeper: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private published: Counter | undefined;
  private failures: Counter | undefined;
  private armed = new Set<number>();
  private lastDropped = 0;
  private sizeCache = 0;
  private sizeCheckedAt = 0;

  constructor(private readonly o: DrainOptions) {}

  start(): void {
    const m = this.o.metrics;
    this.published = m.counter('gateway_uplink_published_total', 'Records acknowledged by the district cluster');
    this.failures = m.counter('gateway_uplink_publish_failures_total', 'Publishes to the district that failed or timed out (sent again)');
    m.gauge('gateway_uplink_outbox_rows', 'Records waiting in the outbox for the district', [], (g: Gauge) => g.set(this.o.outbox.size()));
    m.gauge('gateway_uplink_outbox_dropped', 'Records not queued because the outbox was full (kept locally only)', [], (g: Gauge) => g.set(this.o.outbox.dropped()));
    m.gauge('gateway_uplink_connected', '1 while the district link is up', [], (g: Gauge) => g.set(this.o.link.connection && !this.o.link.connection.isClosed() ? 1 : 0));
    this.lastDropped = this.o.outbox.dropped();
    this.stopped = false;
    this.o.link.onConnected((nc) => {
      this.js = this.o.link.jetstream(nc, { timeout: this.o.publishTimeoutMs });
      this.wake();
    });
    this.loop = this.run();
  }

  /** Ends the loop after the publishes in flight (their rows stay if unacknowledged). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    this.js = undefined;
  }

  /** New rows were queued: do not wait for the next poll. */
  wake(): void {
    const s = this.sleeper;
    if (!s) return;
    this.sleeper = undefined;
    clearTimeout(s.timer);
    s.resolve();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleeper = { timer: setTimeout(() => ((this.sleeper = undefined), resolve()), ms), resolve };
    });
  }

  private size(): number {
    const now = Date.now();
    if (now - this.sizeCheckedAt > 1000) {
      this.sizeCache = this.o.outbox.size();
      this.sizeCheckedAt = now;
    }
    return this.sizeCache;
  }

  private watchFill(): void {
    const size = this.size();
    const percent = (size / this.o.maxOutboxRows) * 100;
    for (const t of this.o.warnAtPercent) {
      if (percent >= t && !this.armed.has(t)) {
        this.armed.add(t);
        this.o.log.warn({ rows: size, max: this.o.maxOutboxRows, percent: Math.round(percent) }, `the district outbox is ${t}% full (the link has been down a long time)`);
      } else if (percent < t * 0.9) this.armed.delete(t);
    }
    const dropped = this.o.outbox.dropped();
    if (dropped > this.lastDropped) {
      this.o.log.error({ dropped: dropped - this.lastDropped, total: dropped }, 'the district outbox is full: new records are kept at this site only and do not reach the district');
      this.lastDropped = dropped;
    }
  }

  private async run(): Promise<void> {
    let lastFillCheck = 0;
    while (!this.stopped) {
      if (Date.now() - lastFillCheck > 1000) {
        this.watchFill();
        lastFillCheck = Date.now();
      }
      const js = this.js;
      if (!js || !this.o.link.connection) {
        await this.sleep(250);
        continue;
      }
      const rows = this.o.outbox.peek(this.o.maxInFlight);
      if (!rows.length) {
        await this.sleep(200);
        continue;
      }
      const began = Date.now();
      const acked = await this.publishAll(js, rows);
      if (acked.length) {
        this.o.outbox.remove(acked);
        this.published?.inc(acked.length);
        this.sizeCache = Math.max(0, this.sizeCache - acked.length);
      }
      if (acked.length < rows.length) {
        this.failures?.inc(rows.length - acked.length);
        await this.sleep(500);
        continue;
      }
      // bounded drain rate: this batch may take no less than rows / maxPublishPerSecond
      const minMs = (rows.length / this.o.maxPublishPerSecond) * 1000 - (Date.now() - began);
      if (minMs > 1) await this.sleep(minMs);
    }
  }

  /** Publishes the rows at once; answers the ids of the acknowledged prefix. */
  private async publishAll(js: JetStreamClient, rows: readonly OutboxRow[]): Promise<number[]> {
    const { siteId } = this.o;
    const results = await Promise.allSettled(
      rows.map((r) => {
        const envelope = `{"site":${JSON.stringify(siteId)},"kind":${JSON.stringify(r.kind)},"id":${JSON.stringify(r.record_id)},"committedAt":${r.created_at},"record":${r.payload}}`;
        return js.publish(subjectOf(siteId, r.kind), envelope, { msgID: msgIdOf(siteId, r.kind, r.record_id), timeout: this.o.publishTimeoutMs });
      }),
    );
    const acked: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = results[i]!;
      if (r.status !== 'fulfilled') {
        this.o.log.debug({ err: String(r.reason), row: rows[i]!.id }, 'publish to the district not acknowledged; sent again');
        break;
      }
      acked.push(rows[i]!.id);
    }
    return acked;
  }
}

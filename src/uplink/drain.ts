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
  /** When nothing wakes it (no commit, no ack), the drain looks at the outbox this often. */
  pollMs?: number;
  maxOutboxRows: number;
  warnAtPercent: readonly number[];
  /** Called for every acknowledged publish: when its row was committed, sent, acknowledged (ms). For measuring the hops. */
  onAck?: (committedAt: number, sentAt: number, ackedAt: number) => void;
}

/** What a site publishes: the record with where and when it was committed. */
export interface UplinkEnvelope {
  site: string;
  kind: string;
  id: string;
  committedAt: number;
  record: unknown;
}

interface InFlight {
  id: number;
  /** undefined while the ack is awaited. */
  ok: boolean | undefined;
  err?: unknown;
}

/** After a failed publish: wait this long before sending again from the first unacknowledged row. */
const RETRY_MS = 250;

/**
 * Empties the outbox in order into JetStream as a sliding window: up to maxInFlight publishes
 * await their acks at once (new rows are read and sent as soon as earlier acks free room, not batch
 * by batch), each with Nats-Msg-Id `<site>/<kind>/<id>` (the cluster drops a repeat within its
 * duplicate window), at most maxPublishPerSecond. Rows leave the outbox as an acknowledged prefix
 * (one DELETE of `id <= n`): a row leaves only with every older row. After a failed or timed-out
 * publish the window waits for the publishes still in flight, then sends again from the first
 * unacknowledged row (the rows after it that were acknowledged are dropped by the cluster as
 * duplicates).
 */
export class OutboxDrain {
  private js: JetStreamClient | undefined;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private waiter: { timer: NodeJS.Timeout | undefined; resolve: () => void } | undefined;
  private published: Counter | undefined;
  private failures: Counter | undefined;
  private armed = new Set<number>();
  private lastDropped = 0;
  private readonly window: InFlight[] = [];
  /** Highest row id sent in the current window (rows above it are read next). */
  private lastSent = 0;
  private tokens = 0;
  private tokensAt = 0;
  /** After a failed publish nothing is sent before this (commits do not cut it short). */
  private backoffUntil = 0;
  /**
   * After a failed publish only the first unacknowledged row is sent, alone, until one is
   * acknowledged: while the stream has no leader (a node just died) every publish fails at once,
   * and resending the whole window every 250 ms made an error storm of up to maxInFlight errors
   * per site per retry.
   */
  private probing = false;

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

  /** New rows were queued (call it after every commit that queued some), or an ack came back: do not wait for the next poll. */
  wake(): void {
    const w = this.waiter;
    if (!w) return;
    this.waiter = undefined;
    if (w.timer) clearTimeout(w.timer);
    w.resolve();
  }

  /** Until wake() or ms (undefined: only wake()). */
  private wait(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = { timer: ms === undefined ? undefined : setTimeout(() => ((this.waiter = undefined), resolve()), ms), resolve };
    });
  }

  private watchFill(): void {
    const size = this.o.outbox.size();
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

  /** Publishes allowed now by the rate bound (a bucket of at most maxInFlight). */
  private allowance(): number {
    const now = Date.now();
    const rate = this.o.maxPublishPerSecond;
    this.tokens = Math.min(this.o.maxInFlight, this.tokens + ((now - this.tokensAt) / 1000) * rate);
    this.tokensAt = now;
    return Math.floor(this.tokens);
  }

  private async run(): Promise<void> {
    let lastFillCheck = 0;
    this.tokensAt = Date.now();
    while (!this.stopped) {
      if (Date.now() - lastFillCheck > 1000) {
        this.watchFill();
        lastFillCheck = Date.now();
      }
      const failed = this.settlePrefix();
      if (failed) {
        await this.recover(failed);
        continue;
      }
      const js = this.js;
      if (!js || !this.o.link.connection) {
        await this.wait(this.window.length ? undefined : 250);
        continue;
      }
      if (Date.now() < this.backoffUntil) {
        await this.wait(this.backoffUntil - Date.now());
        continue;
      }
      const windowRoom = this.probing ? (this.window.length ? 0 : 1) : this.o.maxInFlight - this.window.length;
      const room = Math.min(windowRoom, this.allowance());
      const rows = room > 0 ? this.o.outbox.after(this.lastSent, room) : [];
      for (const r of rows) this.send(js, r);
      if (rows.length) {
        this.tokens -= rows.length;
        this.lastSent = rows[rows.length - 1]!.id;
        continue;
      }
      if (windowRoom <= 0) await this.wait(1000); // full window: the head's ack wakes us
      else if (room <= 0) await this.wait(Math.ceil(((1 - this.tokens) / this.o.maxPublishPerSecond) * 1000)); // rate bound
      else await this.wait(this.window.length ? 1000 : (this.o.pollMs ?? 200)); // nothing new: a commit or the head's ack wakes us
    }
    // stopping: let the publishes in flight settle, keep what they acknowledged
    while (this.window.some((f) => f.ok === undefined)) await this.wait(100);
    this.settlePrefix();
  }

  private send(js: JetStreamClient, r: OutboxRow): void {
    const { siteId } = this.o;
    const f: InFlight = { id: r.id, ok: undefined };
    const sentAt = Date.now();
    this.window.push(f);
    const envelope = `{"site":${JSON.stringify(siteId)},"kind":${JSON.stringify(r.kind)},"id":${JSON.stringify(r.record_id)},"committedAt":${r.created_at},"record":${r.payload}}`;
    js.publish(subjectOf(siteId, r.kind), envelope, { msgID: msgIdOf(siteId, r.kind, r.record_id), timeout: this.o.publishTimeoutMs }).then(
      () => {
        f.ok = true;
        this.o.onAck?.(r.created_at, sentAt, Date.now());
        if (this.window[0] === f) this.wake();
      },
      (err: unknown) => {
        f.ok = false;
        f.err = err;
        this.wake();
      },
    );
  }

  /** Removes the acknowledged prefix of the window from the outbox; answers the first failed publish. */
  private settlePrefix(): InFlight | undefined {
    let n = 0;
    while (n < this.window.length && this.window[n]!.ok === true) n++;
    if (n) {
      const upTo = this.window[n - 1]!.id;
      this.window.splice(0, n);
      this.o.outbox.removeUpTo(upTo);
      this.published?.inc(n);
      this.probing = false;
    }
    const head = this.window[0];
    return head && head.ok === false ? head : undefined;
  }

  /** A publish failed: wait for the rest of the window, then send again from the failed row. */
  private async recover(failed: InFlight): Promise<void> {
    this.o.log.debug({ err: String(failed.err), row: failed.id }, 'publish to the district not acknowledged; sent again');
    while (this.window.some((f) => f.ok === undefined)) await this.wait(100);
    this.failures?.inc(this.window.filter((f) => f.ok === false).length);
    this.window.length = 0;
    this.lastSent = failed.id - 1;
    this.backoffUntil = Date.now() + RETRY_MS;
    this.probing = true;
  }
}

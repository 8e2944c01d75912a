import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type pg from 'pg';
import type { Logger } from '../core/logger.js';
import { IngestLag } from './ingest-lag.js';
import { checkRecord, envelopeSchema, writeBatch, type Envelope } from './records.js';

/** Most records in one PostgreSQL transaction (one multi-row INSERT per kind). */
const MAX_BATCH = 2000;
/** Below the consumer's max_ack_pending (10,000: src/district/streams.ts). */
/** Records pulled ahead of the writer at most (the next batch collects while one commits). */
const MAX_BUFFERED = 4 * MAX_BATCH;
/** A batch PostgreSQL refused is written again after this, doubling up to RETRY_MAX_MS. */
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 10_000;
/** The ingest's lag per hop is logged this often (info), while records arrive. */
const LAG_LOG_MS = 10_000;

interface Pulled {
  m: JsMsg;
  /** When this process received it from the cluster. */
  at: number;
}

/**
 * The district's durable consumer of SITES into PostgreSQL. Messages are written in batches of up
 * to MAX_BATCH, strictly one after the other, each in one transaction (one INSERT ... ON CONFLICT
 * DO NOTHING per kind; the next batch collects while one commits), and each message is
 * acknowledged after its batch's COMMIT. A batch PostgreSQL refuses is written again (backing
 * off), not acknowledged meanwhile. A crash between COMMIT and ack redelivers the batch; the unique
 * keys make that a no-op. A message that is not a valid record is logged, counted and terminated
 * (never written, never redelivered).
 *
 * Explicit acks, not one cumulative ack per batch (ack policy `all`): a cumulative ack would also
 * acknowledge a message the consumer delivered that never arrived here (lost in transit when a
 * node dies), which would then never be redelivered.
 */
export class DistrictIngest {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private buffer: Pulled[] = [];
  private readonly lag = new IngestLag();
  private lagTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private stopped = false;
  private retryTimer: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  stored = 0;
  refused = 0;

  constructor(private readonly deps: { pool: pg.Pool; log: Logger; lagLogMs?: number }) {}

  async start(consumer: Consumer): Promise<void> {
    this.stopped = false;
    // short pulls (idle heartbeat every ~1 s): after a node dies the consumer notices within about
    // two seconds and pulls again from the consumer's new leader
    this.messages = await consumer.consume({ max_messages: MAX_BUFFERED, expires: 2000 });
    const messages = this.messages;
    this.loop = (async () => {
      for await (const m of messages) {
        this.buffer.push({ m, at: Date.now() });
        if (!this.flushing) this.flushing = this.flushAll();
        else if (this.buffer.length >= MAX_BUFFERED) await this.flushing;
      }
    })().catch((err: unknown) => this.deps.log.error({ err: String(err) }, 'district ingest stopped'));
    this.lagTimer = setInterval(() => this.logLag(), this.deps.lagLogMs ?? LAG_LOG_MS);
  }

  /** Where the time between a site's commit and the district's row went, per hop, since the last log. */
  private logLag(): void {
    const hops = this.lag.take();
    if (Object.keys(hops).length) this.deps.log.info({ hops }, 'district ingest lag (ms) per hop');
  }

  private async flushAll(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.buffer.length && !this.stopped) {
      const batch = this.buffer.splice(0, MAX_BATCH);
      await this.flush(batch);
    }
    this.flushing = undefined;
  }

  /**
   * Validates; answers the records to write (bad ones are logged and left out) and each site's last
   * contact: when the cluster stored its newest message (so records replayed after a district
   * outage do not make a site look online now).
   */
  private decode(batch: readonly Pulled[]): { good: Array<Envelope & { pulled: Pulled }>; contact: Map<string, number>; refused: Set<JsMsg> } {
    const good: Array<Envelope & { pulled: Pulled }> = [];
    const refused = new Set<JsMsg>();
    const contact = new Map<string, number>();
    for (const pulled of batch) {
      const m = pulled.m;
      const [, site = '', kind = ''] = m.subject.split('.');
      if (site) {
        const at = m.time.getTime();
        if (at > (contact.get(site) ?? 0)) contact.set(site, at);
      }
      let envelope: Envelope | undefined;
      let problem: string | undefined;
      try {
        const parsed = envelopeSchema.safeParse(m.json());
        if (!parsed.success) problem = 'not a record envelope';
        else if (parsed.data.site !== site) problem = `names site "${parsed.data.site}" but came on ${m.subject}`;
        else if (parsed.data.kind !== kind) problem = `kind "${parsed.data.kind}" on ${m.subject}`;
        else {
          problem = checkRecord(parsed.data);
          envelope = parsed.data;
        }
      } catch {
        problem = 'not JSON';
      }
      if (problem || !envelope) {
        this.refused++;
        this.deps.log.warn({ subject: m.subject, seq: m.seq, problem }, 'a record from a site was refused');
        m.term();
        refused.add(m);
        continue;
      }
      good.push(Object.assign(envelope, { pulled }));
    }
    return { good, contact, refused };
  }

  private async flush(batch: Pulled[]): Promise<void> {
    const { good, contact, refused } = this.decode(batch);
    let delay = RETRY_MIN_MS;
    let written = false;
    const writeStart = Date.now();
    while (!written && !this.stopped) {
      const error = await this.write(good, contact);
      if (!error) {
        written = true;
        break;
      }
      this.deps.log.error({ err: error, rows: good.length, retryInMs: delay }, 'records could not be written to PostgreSQL; trying again');
      await new Promise<void>((resolve) => (this.retryTimer = { timer: setTimeout(resolve, delay), resolve }));
      this.retryTimer = undefined;
      delay = Math.min(RETRY_MAX_MS, delay * 2);
    }
    if (!written) return; // stopped before it was written: the cluster redelivers it to the next run
    const committed = Date.now();
    this.lag.add('batch_write', committed - writeStart);
    this.stored += good.length;
    for (const { m } of batch) if (!refused.has(m)) m.ack();
    for (const e of good) {
      const streamAt = e.pulled.m.time.getTime();
      this.lag.add('commit_to_stream', streamAt - e.committedAt);
      this.lag.add('stream_to_fetch', e.pulled.at - streamAt);
      this.lag.add('fetch_to_commit', committed - e.pulled.at);
      this.lag.add('commit_to_commit', committed - e.committedAt);
    }
  }

  /** One transaction: the records and the sites' last contact. Answers an error text, or undefined once committed. */
  private async write(good: readonly Envelope[], contact: ReadonlyMap<string, number>): Promise<string | undefined> {
    let client: pg.PoolClient;
    try {
      client = await this.deps.pool.connect();
    } catch (err) {
      return `PostgreSQL unreachable: ${String(err)}`;
    }
    try {
      await client.query('BEGIN');
      if (good.length) await writeBatch(client, good);
      // a site gets a row when configured or by a valid record; a heartbeat moves only its last contact
      const known = new Set(good.filter((e) => e.kind !== 'heartbeat').map((e) => e.site));
      const sites = [...contact.keys()];
      await client.query(
        `INSERT INTO sites (id, last_contact_at, last_record_at)
         SELECT x.id, to_timestamp(x.at / 1000.0), CASE WHEN x.rec THEN to_timestamp(x.at / 1000.0) END
         FROM unnest($1::text[], $2::float8[], $3::bool[]) AS x(id, at, rec)
         WHERE x.rec OR EXISTS (SELECT 1 FROM sites s WHERE s.id = x.id)
         ON CONFLICT (id) DO UPDATE SET last_contact_at = greatest(sites.last_contact_at, excluded.last_contact_at),
           last_record_at = coalesce(greatest(sites.last_record_at, excluded.last_record_at), sites.last_record_at, excluded.last_record_at)`,
        [sites, sites.map((s) => contact.get(s)!), sites.map((s) => known.has(s))],
      );
      await client.query('COMMIT');
      return undefined;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      return String(err);
    } finally {
      client.release();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.lagTimer) clearInterval(this.lagTimer);
    this.lagTimer = undefined;
    if (this.retryTimer) {
      clearTimeout(this.retryTimer.timer);
      this.retryTimer.resolve();
    }
    this.messages?.stop();
    await this.loop;
    await this.flushing;
  }
}

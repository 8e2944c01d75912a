import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type pg from 'pg';
import type { Logger } from '../core/logger.js';
import { checkRecord, envelopeSchema, writeBatch, type Envelope } from './records.js';

const MAX_BATCH = 1000;

/**
 * The district's durable consumer of SITES into PostgreSQL: messages are written in batches (one
 * transaction each, group commit: the next batch collects while one commits) and acknowledged
 * after the commit. A crash between commit and ack redelivers them; their unique keys make that a
 * no-op. A message that is not a valid record is terminated (never redelivered) and logged.
 */
export class DistrictIngest {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private buffer: JsMsg[] = [];
  private flushing: Promise<void> | undefined;
  stored = 0;
  refused = 0;

  constructor(private readonly deps: { pool: pg.Pool; log: Logger }) {}

  async start(consumer: Consumer): Promise<void> {
    // short pulls (heartbeats every ~2.5 s): after a node dies the consumer notices within seconds and pulls again
    this.messages = await consumer.consume({ max_messages: 4000, expires: 5000 });
    const messages = this.messages;
    this.loop = (async () => {
      for await (const m of messages) {
        this.buffer.push(m);
        if (!this.flushing) this.flushing = this.flushAll();
        else if (this.buffer.length >= 4 * MAX_BATCH) await this.flushing;
      }
    })().catch((err: unknown) => this.deps.log.error({ err: String(err) }, 'district ingest stopped'));
  }

  private async flushAll(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.buffer.length) {
      const batch = this.buffer.splice(0, MAX_BATCH);
      await this.flush(batch);
    }
    this.flushing = undefined;
  }

  private async flush(batch: JsMsg[]): Promise<void> {
    const good: Envelope[] = [];
    const ok: JsMsg[] = [];
    for (const m of batch) {
      const site = m.subject.split('.')[1] ?? '';
      let envelope: Envelope | undefined;
      let problem: string | undefined;
      try {
        const parsed = envelopeSchema.safeParse(m.json());
        if (!parsed.success) problem = 'not a record envelope';
        else if (parsed.data.site !== site) problem = `names site "${parsed.data.site}" but came on ${m.subject}`;
        else if (parsed.data.kind !== m.subject.split('.')[2]) problem = `kind "${parsed.data.kind}" on ${m.subject}`;
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
        continue;
      }
      good.push(envelope);
      ok.push(m);
    }
    if (!good.length) return;
    const client = await this.deps.pool.connect().catch((err: unknown) => {
      this.deps.log.error({ err: String(err) }, 'PostgreSQL unreachable; records redelivered later');
      return undefined;
    });
    if (!client) {
      for (const m of ok) m.nak(2000);
      return;
    }
    try {
      await client.query('BEGIN');
      await writeBatch(client, good);
      const sites = [...new Set(good.map((e) => e.site))];
      await client.query(
        `INSERT INTO sites (id, last_contact_at, last_record_at) SELECT unnest($1::text[]), now(), now()
         ON CONFLICT (id) DO UPDATE SET last_contact_at = now(), last_record_at = now()`,
        [sites],
      );
      await client.query('COMMIT');
      this.stored += good.length;
      for (const m of ok) m.ack();
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      this.deps.log.error({ err: String(err), rows: good.length }, 'records could not be written; redelivered later');
      for (const m of ok) m.nak(2000);
    } finally {
      client.release();
    }
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
    await this.flushing;
  }
}

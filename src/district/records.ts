import type pg from 'pg';
import { z } from 'zod';

/** What every site publishes (src/uplink/drain.ts): bounded and validated before it is written. */
export const envelopeSchema = z.object({
  site: z.string().min(1).max(64),
  kind: z.string().min(1).max(32),
  id: z.string().min(1).max(256),
  committedAt: z.number().int().nonnegative(),
  record: z.unknown(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

const text = (max: number) => z.string().max(max);
const entrySchema = z.object({
  gate: text(64).min(1),
  eventId: text(128).min(1),
  occurredAt: z.iso.datetime({ offset: true }),
  direction: z.enum(['in', 'out']),
  credential: z.object({ type: text(16), value: text(128) }),
  result: z.enum(['granted', 'denied']),
  reason: text(256).nullable(),
  plateColor: text(32).nullable(),
  vehicleType: text(32).nullable(),
});
const availabilitySchema = z.object({ kind: text(32), id: text(64), availability: z.enum(['online', 'offline']), at: z.iso.datetime({ offset: true }) });
const statsSchema = z.object({ gate: text(64), hourStart: z.number().int(), in: z.number().int().min(0), out: z.number().int().min(0), denied: z.number().int().min(0) });
export const NOTICE_STATES = { sent: 1, received: 2, scheduled: 2, playing: 3, played: 4, expired: 4, failed: 4 } as const;
export type NoticeState = keyof typeof NOTICE_STATES;
const noticeStateSchema = z.object({ noticeId: text(64), state: z.enum(Object.keys(NOTICE_STATES) as [NoticeState, ...NoticeState[]]), detail: text(256).nullable().optional() });

/**
 * How each kind of record lands in PostgreSQL: one statement per kind per batch, every one
 * idempotent (a unique key per record, ON CONFLICT DO NOTHING or a monotonic upsert), so a
 * redelivery after a crash changes nothing. A kind with no writer here (alarms and work orders
 * when they come) is kept as JSON in `records` under the same unique key.
 */
export type RecordWriter = (client: pg.ClientBase, batch: readonly Envelope[]) => Promise<void>;

const writers = new Map<string, { schema: z.ZodType; write: RecordWriter }>();

export function registerRecordWriter(kind: string, schema: z.ZodType, write: RecordWriter): void {
  writers.set(kind, { schema, write });
}

/** Validates one record of a kind; answers an error text for a bad one. */
export function checkRecord(e: Envelope): string | undefined {
  const w = writers.get(e.kind);
  if (!w) return undefined;
  const r = w.schema.safeParse(e.record);
  return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 300);
}

export async function writeBatch(client: pg.ClientBase, batch: readonly Envelope[]): Promise<void> {
  const byKind = new Map<string, Envelope[]>();
  for (const e of batch) byKind.set(e.kind, [...(byKind.get(e.kind) ?? []), e]);
  for (const [kind, list] of byKind) {
    const w = writers.get(kind);
    if (w) await w.write(client, list);
    else await writeGeneric(client, list);
  }
}

async function writeGeneric(client: pg.ClientBase, list: readonly Envelope[]): Promise<void> {
  const rows = list.map((e) => ({ site_id: e.site, kind: e.kind, record_id: e.id, payload: e.record ?? null, committed_at: new Date(e.committedAt).toISOString() }));
  await client.query(
    `INSERT INTO records (site_id, kind, record_id, payload, committed_at)
     SELECT site_id, kind, record_id, payload, committed_at FROM jsonb_to_recordset($1::jsonb)
       AS x(site_id TEXT, kind TEXT, record_id TEXT, payload JSONB, committed_at TIMESTAMPTZ)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

registerRecordWriter('entry', entrySchema, async (client, list) => {
  const rows = list.map((e) => {
    const r = e.record as z.infer<typeof entrySchema>;
    return {
      site_id: e.site,
      record_id: e.id,
      gate: r.gate,
      event_id: r.eventId,
      occurred_at: r.occurredAt,
      direction: r.direction,
      credential_type: r.credential.type,
      credential_value: r.credential.value,
      result: r.result,
      reason: r.reason,
      plate_color: r.plateColor,
      vehicle_type: r.vehicleType,
      committed_at: new Date(e.committedAt).toISOString(),
    };
  });
  await client.query(
    `INSERT INTO entries (site_id, record_id, gate, event_id, occurred_at, direction, credential_type, credential_value, result, reason, plate_color, vehicle_type, committed_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(site_id TEXT, record_id TEXT, gate TEXT, event_id TEXT, occurred_at TIMESTAMPTZ, direction TEXT,
       credential_type TEXT, credential_value TEXT, result TEXT, reason TEXT, plate_color TEXT, vehicle_type TEXT, committed_at TIMESTAMPTZ)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
});

registerRecordWriter('availability', availabilitySchema, async (client, list) => {
  for (const e of list) {
    const r = e.record as z.infer<typeof availabilitySchema>;
    await client.query(
      `INSERT INTO device_availability (site_id, kind, device_id, availability, since) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (site_id, kind, device_id) DO UPDATE SET availability = excluded.availability, since = excluded.since
       WHERE excluded.since >= device_availability.since`,
      [e.site, r.kind, r.id, r.availability, r.at],
    );
  }
});

registerRecordWriter('stats', statsSchema, async (client, list) => {
  for (const e of list) {
    const r = e.record as z.infer<typeof statsSchema>;
    await client.query(
      `INSERT INTO hourly_flow (site_id, gate, hour_start, entries_in, entries_out, denied) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (site_id, gate, hour_start) DO UPDATE SET entries_in = excluded.entries_in, entries_out = excluded.entries_out, denied = excluded.denied`,
      [e.site, r.gate, new Date(r.hourStart).toISOString(), r.in, r.out, r.denied],
    );
  }
});

registerRecordWriter('notice-state', noticeStateSchema, async (client, list) => {
  for (const e of list) {
    const r = e.record as z.infer<typeof noticeStateSchema>;
    await client.query(
      `INSERT INTO notice_deliveries (notice_id, site_id, state, rank, detail, updated_at)
       SELECT $1, $2, $3, $4, $5, now() WHERE EXISTS (SELECT 1 FROM notices WHERE id = $1)
       ON CONFLICT (notice_id, site_id) DO UPDATE SET state = excluded.state, rank = excluded.rank, detail = excluded.detail, updated_at = now()
       WHERE excluded.rank >= notice_deliveries.rank`,
      [r.noticeId, e.site, r.state, NOTICE_STATES[r.state], r.detail ?? null],
    );
  }
});

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

const heartbeatSchema = z.object({ sentAt: z.number().int().nonnegative(), outboxRows: z.number().int().min(0).optional() });
// A heartbeat only moves the site's last contact (done for every message by the ingest itself).
registerRecordWriter('heartbeat', heartbeatSchema, async () => {});

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

const isoOrNull = z.string().max(40).nullable();
const msOrNull = z.number().int().nonnegative().nullable();
const alarmSchema = z.object({
  id: z.number().int().positive(),
  rev: z.number().int().positive(),
  source: text(32),
  kind: text(64),
  severity: text(16),
  status: text(16),
  location: text(128).nullable(),
  device: text(64).nullable(),
  occurredAt: z.iso.datetime({ offset: true }),
  receivedAt: z.iso.datetime({ offset: true }),
  groupId: z.number().int().nullable(),
  acknowledgedAt: isoOrNull,
  closedAt: isoOrNull,
  closedAs: text(32).nullable(),
  workOrderId: z.number().int().nullable(),
});
const workOrderSchema = z.object({
  id: z.number().int().positive(),
  rev: z.number().int().positive(),
  alarmId: z.number().int().nullable(),
  title: text(256),
  grid: text(64).nullable(),
  gridName: text(64).nullable(),
  worker: text(64).nullable(),
  complexity: z.enum(['small', 'complex']),
  status: text(16),
  createdAt: z.number().int().nonnegative(),
  assignedAt: msOrNull,
  onSiteAt: msOrNull,
  resolvedAt: msOrNull,
  plannedAt: msOrNull,
  deadlines: z.object({ onSiteMin: z.number().positive(), smallFixMin: z.number().positive(), complexPlanHours: z.number().positive() }),
});
const msIso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

// An alarm or work order arrives after each change: the newest revision wins, a repeat is a no-op.
registerRecordWriter('alarm', alarmSchema, async (client, list) => {
  const rows = list.map((e) => {
    const r = e.record as z.infer<typeof alarmSchema>;
    return { site_id: e.site, alarm_id: r.id, rev: r.rev, source: r.source, kind: r.kind, severity: r.severity, status: r.status, location: r.location, device: r.device, occurred_at: r.occurredAt, received_at: r.receivedAt, acknowledged_at: r.acknowledgedAt, closed_at: r.closedAt, closed_as: r.closedAs, group_id: r.groupId, work_order_id: r.workOrderId, payload: r };
  });
  await client.query(
    `INSERT INTO alarms (site_id, alarm_id, rev, source, kind, severity, status, location, device, occurred_at, received_at, acknowledged_at, closed_at, closed_as, group_id, work_order_id, payload)
     SELECT DISTINCT ON (site_id, alarm_id) * FROM jsonb_to_recordset($1::jsonb) AS x(site_id TEXT, alarm_id BIGINT, rev BIGINT, source TEXT, kind TEXT, severity TEXT, status TEXT, location TEXT, device TEXT,
       occurred_at TIMESTAMPTZ, received_at TIMESTAMPTZ, acknowledged_at TIMESTAMPTZ, closed_at TIMESTAMPTZ, closed_as TEXT, group_id BIGINT, work_order_id BIGINT, payload JSONB)
     ORDER BY site_id, alarm_id, rev DESC
     ON CONFLICT (site_id, alarm_id) DO UPDATE SET rev = excluded.rev, status = excluded.status, severity = excluded.severity, acknowledged_at = excluded.acknowledged_at, closed_at = excluded.closed_at,
       closed_as = excluded.closed_as, group_id = excluded.group_id, work_order_id = excluded.work_order_id, payload = excluded.payload
     WHERE excluded.rev > alarms.rev`,
    [JSON.stringify(rows)],
  );
});

registerRecordWriter('work-order', workOrderSchema, async (client, list) => {
  const rows = list.map((e) => {
    const r = e.record as z.infer<typeof workOrderSchema>;
    return {
      site_id: e.site, order_id: r.id, rev: r.rev, alarm_id: r.alarmId, title: r.title, grid: r.grid, grid_name: r.gridName, worker: r.worker, complexity: r.complexity, status: r.status,
      created_at: msIso(r.createdAt), assigned_at: msIso(r.assignedAt), on_site_at: msIso(r.onSiteAt), resolved_at: msIso(r.resolvedAt), planned_at: msIso(r.plannedAt),
      on_site_min: r.deadlines.onSiteMin, small_fix_min: r.deadlines.smallFixMin, complex_plan_hours: r.deadlines.complexPlanHours, payload: r,
    };
  });
  await client.query(
    `INSERT INTO work_orders (site_id, order_id, rev, alarm_id, title, grid, grid_name, worker, complexity, status, created_at, assigned_at, on_site_at, resolved_at, planned_at, on_site_min, small_fix_min, complex_plan_hours, payload)
     SELECT DISTINCT ON (site_id, order_id) * FROM jsonb_to_recordset($1::jsonb) AS x(site_id TEXT, order_id BIGINT, rev BIGINT, alarm_id BIGINT, title TEXT, grid TEXT, grid_name TEXT, worker TEXT, complexity TEXT, status TEXT,
       created_at TIMESTAMPTZ, assigned_at TIMESTAMPTZ, on_site_at TIMESTAMPTZ, resolved_at TIMESTAMPTZ, planned_at TIMESTAMPTZ, on_site_min FLOAT8, small_fix_min FLOAT8, complex_plan_hours FLOAT8, payload JSONB)
     ORDER BY site_id, order_id, rev DESC
     ON CONFLICT (site_id, order_id) DO UPDATE SET rev = excluded.rev, alarm_id = excluded.alarm_id, title = excluded.title, grid = excluded.grid, grid_name = excluded.grid_name, worker = excluded.worker,
       complexity = excluded.complexity, status = excluded.status, assigned_at = excluded.assigned_at, on_site_at = excluded.on_site_at, resolved_at = excluded.resolved_at, planned_at = excluded.planned_at,
       on_site_min = excluded.on_site_min, small_fix_min = excluded.small_fix_min, complex_plan_hours = excluded.complex_plan_hours, payload = excluded.payload
     WHERE excluded.rev > work_orders.rev`,
    [JSON.stringify(rows)],
  );
});

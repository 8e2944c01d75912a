import { z } from 'zod';
import { defineTopic, jsonPayload } from '../../src/core/mqtt-contract.js';
import { credentialSchema } from './credential.js';

/** The gateway's own access topics: the live feed of stored entries, entry conflicts, and each barrier's clock offset. */
const OWNER = 'barrier';

export const storedEntrySchema = z.object({
  id: z.number().int(),
  gate: z.string(),
  eventId: z.string(),
  occurredAt: z.string(),
  receivedAt: z.string(),
  direction: z.enum(['in', 'out']),
  lane: z.string().nullable(),
  credential: credentialSchema,
  result: z.enum(['granted', 'denied']),
  reason: z.string().nullable(),
  plateColor: z.string().nullable(),
  vehicleType: z.string().nullable(),
  snapshot: z.string().nullable(),
  confidence: z.number().nullable(),
  retransmission: z.boolean(),
  source: z.string(),
  /** When it happened by the barrier's own clock (equals occurredAt unless the gateway corrected it). */
  deviceTime: z.string(),
  /** How far the barrier's clock was off (barrier minus gateway, ms) when the gateway corrected occurredAt; null when not corrected. */
  clockOffsetMs: z.number().nullable(),
  /** The UTC offset in the barrier's timestamp (`+08:00`, `Z`), kept as sent; occurredAt is always UTC. */
  utcOffset: z.string().nullable(),
  /** The credential as the barrier sent it, when the gateway stores another spelling (plates: `京a 88888` is stored as `京A88888`). */
  credentialRaw: z.string().nullable().optional(),
});
export type StoredEntry = z.infer<typeof storedEntrySchema>;

export const accessEntryFeed = defineTopic({
  name: 'access.entry',
  pattern: 'access/entries/{gate}',
  direction: 'from-gateway',
  qos: 0,
  retained: false,
  payload: jsonPayload(storedEntrySchema),
  summary: 'Every newly stored entry, once, after it was committed (for dashboards and integrations; also on the `/api/feed` WebSocket).',
  example: {
    id: 1042,
    gate: 'gate-north',
    eventId: 'gate-north-lz3k9-000042',
    occurredAt: '2026-11-24T00:01:02.345Z',
    receivedAt: '2026-11-24T00:01:02.349Z',
    direction: 'in',
    lane: 'lane-1',
    credential: { type: 'plate', value: '豫A12345' },
    result: 'granted',
    reason: 'allow-list',
    plateColor: 'blue',
    vehicleType: 'car',
    snapshot: null,
    confidence: 97,
    retransmission: false,
    source: 'native',
    deviceTime: '2026-11-24T00:01:02.345Z',
    clockOffsetMs: null,
    utcOffset: '+08:00',
  },
  owner: OWNER,
});

export const entryConflictSchema = z.object({
  id: z.number().int(),
  gate: z.string(),
  eventId: z.string(),
  receivedAt: z.string(),
  /** The entry stored first under this eventId (kept). */
  stored: z.record(z.string(), z.unknown()),
  /** The other entry sent later under the same eventId (rejected to the barrier with `event-id-conflict`). */
  received: z.record(z.string(), z.unknown()),
});
export type EntryConflict = z.infer<typeof entryConflictSchema>;

export const accessConflictFeed = defineTopic({
  name: 'access.conflict',
  pattern: 'access/conflicts/{gate}',
  direction: 'from-gateway',
  qos: 0,
  retained: false,
  payload: jsonPayload(entryConflictSchema),
  summary: 'A barrier reused an eventId for a different entry: both contents, once, when the second arrived (also on `/api/feed` and `GET /api/access/conflicts`).',
  example: {
    id: 3,
    gate: 'gate-north',
    eventId: 'gate-north-lz3k9-000042',
    receivedAt: '2026-11-24T00:05:00.120Z',
    stored: { device_time: 1763942462345, direction: 'in', credential_value: '豫A12345', result: 'granted' },
    received: { device_time: 1763942700000, direction: 'out', credential_value: '豫B54321', result: 'granted' },
  },
  owner: OWNER,
});

export const barrierClockSchema = z.object({
  /** The barrier's clock minus the gateway's, in ms, at the last live observation. */
  offsetMs: z.number(),
  observedAt: z.string(),
  /** Measured from a live `state` message or a live entry. */
  source: z.enum(['state', 'entry']),
  /** Beyond `access.maxClockSkewMs`: this barrier's entry times are corrected. */
  corrected: z.boolean(),
});
export type BarrierClockPayload = z.infer<typeof barrierClockSchema>;

export const accessBarrierClock = defineTopic({
  name: 'access.barrier-clock',
  pattern: 'access/clocks/{gate}',
  direction: 'from-gateway',
  qos: 1,
  retained: true,
  payload: jsonPayload(barrierClockSchema),
  summary: "Each barrier's clock offset as the gateway measures it (retained), published when it starts or stops being corrected and when it moves by more than a second.",
  example: { offsetMs: 10_800_250, observedAt: '2026-11-24T00:01:02.349Z', source: 'entry', corrected: true },
  owner: OWNER,
});

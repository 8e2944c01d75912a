import type { StoredEntry } from '../../devices/mqtt-barrier/protocol.js';
import type { CredentialType } from '../../devices/mqtt-barrier/protocol.js';
import type { EntryRecord } from '../../devices/mqtt-barrier/driver.js';

/** A row of access_entries as SQLite returns it. */
export interface EntryRow {
  id: number;
  gate: string;
  event_id: string;
  occurred_at: number;
  received_at: number;
  direction: 'in' | 'out';
  lane: string | null;
  credential_type: string;
  credential_value: string;
  result: 'granted' | 'denied';
  reason: string | null;
  plate_color: string | null;
  vehicle_type: string | null;
  snapshot: string | null;
  confidence: number | null;
  retransmission: number;
  source: string;
  device_time: number | null;
  clock_offset_ms: number | null;
  utc_offset: string | null;
  credential_raw: string | null;
}

export const ENTRY_COLUMNS =
  'id, gate, event_id, occurred_at, received_at, direction, lane, credential_type, credential_value, result, reason, plate_color, vehicle_type, snapshot, confidence, retransmission, source, device_time, clock_offset_ms, utc_offset, credential_raw';

export function storedEntry(row: EntryRow): StoredEntry {
  return {
    id: row.id,
    gate: row.gate,
    eventId: row.event_id,
    occurredAt: new Date(row.occurred_at).toISOString(),
    receivedAt: new Date(row.received_at).toISOString(),
    direction: row.direction,
    lane: row.lane,
    credential: { type: row.credential_type as CredentialType, value: row.credential_value },
    result: row.result,
    reason: row.reason,
    plateColor: row.plate_color,
    vehicleType: row.vehicle_type,
    snapshot: row.snapshot,
    confidence: row.confidence,
    retransmission: row.retransmission === 1,
    source: row.source,
    deviceTime: new Date(row.device_time ?? row.occurred_at).toISOString(),
    clockOffsetMs: row.clock_offset_ms,
    utcOffset: row.utc_offset,
    credentialRaw: row.credential_raw,
  };
}

/** The row an entry became when it was stored with this id. */
export function entryRow(entry: EntryRecord, receivedAt: number, id: number): EntryRow {
  return {
    id,
    gate: entry.gate,
    event_id: entry.eventId,
    occurred_at: entry.occurredAt,
    received_at: receivedAt,
    direction: entry.direction,
    lane: entry.lane,
    credential_type: entry.credentialType,
    credential_value: entry.credentialValue,
    result: entry.result,
    reason: entry.reason,
    plate_color: entry.plateColor,
    vehicle_type: entry.vehicleType,
    snapshot: entry.snapshot,
    confidence: entry.confidence,
    retransmission: entry.retransmission ? 1 : 0,
    source: entry.source,
    device_time: entry.deviceTime,
    clock_offset_ms: entry.clockOffsetMs,
    utc_offset: entry.utcOffset,
    credential_raw: entry.credentialRaw ?? null,
  };
}

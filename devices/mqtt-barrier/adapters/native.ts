import { PayloadError } from '../../../src/core/mqtt-contract.js';
import { entryPayloadSchema, type EntryPayload } from '../protocol.js';
import { rejectableEventId, utcOffsetOf, type EntryAdapter, type EntryRecord } from './types.js';

/** Maps the contract's own entry payload (already validated by the router) into the common model. */
export function entryFromPayload(gate: string, e: EntryPayload, source = 'native'): EntryRecord {
  const occurredAt = Date.parse(e.timestamp);
  if (!Number.isFinite(occurredAt)) throw new PayloadError(`timestamp: "${e.timestamp}" is not a time`);
  return {
    gate,
    eventId: e.eventId,
    occurredAt,
    deviceTime: occurredAt,
    clockOffsetMs: null,
    utcOffset: utcOffsetOf(e.timestamp),
    direction: e.direction,
    lane: e.lane ?? null,
    credentialType: e.credential.type,
    credentialValue: e.credential.value,
    result: e.result,
    reason: e.reason ?? null,
    plateColor: e.plateColor ?? null,
    vehicleType: e.vehicleType ?? null,
    snapshot: e.snapshot ?? null,
    confidence: e.confidence ?? null,
    retransmission: e.retransmission === true,
    source,
  };
}

export const nativeAdapter: EntryAdapter = {
  format: 'native',
  decode(gate, payload) {
    const parsed = entryPayloadSchema.safeParse(payload);
    if (!parsed.success) throw new PayloadError(parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; '));
    return entryFromPayload(gate, parsed.data);
  },
  eventIdOf(payload) {
    return rejectableEventId((payload as { eventId?: unknown } | null)?.eventId);
  },
};

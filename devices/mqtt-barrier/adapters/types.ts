import type { CredentialType } from '../protocol.js';

/**
 * The common entry model every vendor format is mapped into: what the access service stores.
 * Times are epoch milliseconds.
 */
export interface EntryRecord {
  gate: string;
  eventId: string;
  /**
   * When it happened: the barrier's time, or the gateway's correction of it when the barrier's
   * clock was off by more than the accepted skew (then clockOffsetMs says by how much).
   */
  occurredAt: number;
  /** When it happened by the barrier's own clock, as sent. */
  deviceTime: number;
  /** The barrier clock's offset (barrier minus gateway, ms) that was corrected; null when the time is the barrier's own. */
  clockOffsetMs: number | null;
  /** The UTC offset the barrier wrote in its timestamp (`+08:00`, `Z`), kept as sent. */
  utcOffset: string | null;
  direction: 'in' | 'out';
  lane: string | null;
  credentialType: CredentialType;
  credentialValue: string;
  /** The value as the barrier sent it, when the gateway stored another spelling (plates: see src/access/plate.ts). */
  credentialRaw?: string | null;
  result: 'granted' | 'denied';
  reason: string | null;
  plateColor: string | null;
  vehicleType: string | null;
  snapshot: string | null;
  confidence: number | null;
  retransmission: boolean;
  /** The adapter that produced it (`native`, `hikvision-anpr`, ...). */
  source: string;
}

/**
 * A vendor's entry format. `decode` validates the vendor's JSON and maps it into the common model,
 * throwing PayloadError (from src/core/mqtt-contract.ts) with a reason a vendor can act on.
 * `eventIdOf` finds the event id in a payload that failed validation, so that the gateway can tell
 * the barrier it will never store it.
 */
export interface EntryAdapter {
  readonly format: string;
  decode(gate: string, payload: unknown): EntryRecord;
  eventIdOf(payload: unknown): string | undefined;
}

/**
 * The event id to name in a rejection, from a payload that failed validation: any string up to
 * 1024 characters (a 129-character one too) or a number (written as text); undefined when there
 * is nothing the barrier could recognise.
 */
export function rejectableEventId(value: unknown): string | undefined {
  if (typeof value === 'string') return value.length > 0 && value.length <= 1024 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The UTC offset written in an ISO 8601 timestamp (`+08:00`, `Z`), or null when there is none. */
export function utcOffsetOf(timestamp: string): string | null {
  const m = /(Z|[+-]\d{2}:?\d{2})$/i.exec(timestamp);
  return m ? m[1]!.toUpperCase() : null;
}

import type { CredentialType } from '../protocol.js';

/**
 * The common entry model every vendor format is mapped into: what the access service stores.
 * Times are epoch milliseconds.
 */
export interface EntryRecord {
  gate: string;
  eventId: string;
  /** When it happened, by the barrier's clock. */
  occurredAt: number;
  direction: 'in' | 'out';
  lane: string | null;
  credentialType: CredentialType;
  credentialValue: string;
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

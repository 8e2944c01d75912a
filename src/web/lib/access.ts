import { api } from './api.js';

/** A committed entry, as on `access/entries/<gate>` and GET /api/access/entries (docs/access.md). */
export interface StoredEntry {
  id: number;
  gate: string;
  eventId: string;
  occurredAt: string;
  receivedAt: string;
  direction: 'in' | 'out';
  lane: string | null;
  credential: { type: string; value: string };
  result: 'granted' | 'denied';
  reason: string | null;
  plateColor: string | null;
  vehicleType: string | null;
  confidence: number | null;
  retransmission: boolean;
  source: string;
}

export const CREDENTIAL_TYPES = ['plate', 'card', 'qr', 'face', 'remote', 'manual'] as const;
export const BARRIER_COMMANDS = ['open', 'hold-open', 'release', 'close'] as const;
export type BarrierCommand = (typeof BARRIER_COMMANDS)[number];

export interface EntryFilter {
  gate: string;
  direction: '' | 'in' | 'out';
  credentialType: string;
  result: '' | 'granted' | 'denied';
  /** Part of a plate, card number or other credential value (matched in the browser). */
  text: string;
}

export const NO_FILTER: EntryFilter = { gate: '', direction: '', credentialType: '', result: '', text: '' };

/** The query string the gateway understands (the free text is matched here, see matchesFilter). */
export function entryQuery(filter: EntryFilter, limit: number): string {
  const query = new URLSearchParams({ limit: String(limit) });
  if (filter.gate) query.set('gate', filter.gate);
  if (filter.direction) query.set('direction', filter.direction);
  if (filter.credentialType) query.set('credentialType', filter.credentialType);
  if (filter.result) query.set('result', filter.result);
  return query.toString();
}

export function matchesFilter(entry: StoredEntry, filter: EntryFilter): boolean {
  if (filter.gate && entry.gate !== filter.gate) return false;
  if (filter.direction && entry.direction !== filter.direction) return false;
  if (filter.credentialType && entry.credential.type !== filter.credentialType) return false;
  if (filter.result && entry.result !== filter.result) return false;
  const text = filter.text.trim().toUpperCase();
  return !text || entry.credential.value.toUpperCase().includes(text);
}

export interface BarrierView {
  id: string;
  availability: string;
  state: { state: string; holdOpen?: boolean } | null;
  /** The barrier's clock minus the gateway's; `corrected` when beyond the accepted skew. */
  clock?: { offsetMs: number; corrected: boolean } | null;
}

export interface ListItem {
  id: number;
  list: 'allow' | 'deny';
  type: string;
  value: string;
  note: string | null;
}

export interface SyncStatus {
  gate: string;
  appliedVersion: number | null;
  status: 'in-sync' | 'pending' | 'unknown';
}

export interface FlowStats {
  utcOffsetMinutes: number;
  buckets: Array<{ gate: string; start: string; in: number; out: number; denied: number }>;
  totals: { in: number; out: number; denied: number };
}

/** Sends a remote command; resolves with the barrier's reported state. */
export function commandBarrier(id: string, command: BarrierCommand, reason: string): Promise<{ state?: string; elapsedMs?: number }> {
  return api(`/api/barriers/${encodeURIComponent(id)}/${command}`, { method: 'POST', body: { reason } });
}

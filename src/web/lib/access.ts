import { api } from './api.js';
import { normalisePlate } from './plate.js';
import { siteInputToIso } from './site-time.js';

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
  /** The credential as the barrier sent it, when the gateway stores another spelling. */
  credentialRaw?: string | null;
  snapshot?: string | null;
}

export const CREDENTIAL_TYPES = ['plate', 'card', 'qr', 'face', 'remote', 'manual'] as const;
export const BARRIER_COMMANDS = ['open', 'hold-open', 'release', 'close'] as const;
export type BarrierCommand = (typeof BARRIER_COMMANDS)[number];

export interface EntryFilter {
  gate: string;
  direction: '' | 'in' | 'out';
  credentialType: string;
  result: '' | 'granted' | 'denied';
  /** Part of a plate, card number or other credential value (the gateway's `search`; plates in any spelling). */
  text: string;
  /** `datetime-local` values in site time ('' = open). */
  from: string;
  to: string;
}

export const NO_FILTER: EntryFilter = { gate: '', direction: '', credentialType: '', result: '', text: '', from: '', to: '' };

/** The gateway's query parameters for a filter (times converted from site time with its UTC offset). */
export function filterParams(filter: EntryFilter, utcOffsetMinutes: number): URLSearchParams {
  const query = new URLSearchParams();
  const from = filter.from ? siteInputToIso(filter.from, utcOffsetMinutes) : null;
  const to = filter.to ? siteInputToIso(filter.to, utcOffsetMinutes) : null;
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  if (filter.text.trim()) query.set('search', filter.text.trim());
  if (filter.gate) query.set('gate', filter.gate);
  if (filter.direction) query.set('direction', filter.direction);
  if (filter.credentialType) query.set('credentialType', filter.credentialType);
  if (filter.result) query.set('result', filter.result);
  return query;
}

/** The list query: the filter, a page size and the cursor of the previous page. */
export function entryQuery(filter: EntryFilter, limit: number, utcOffsetMinutes: number, cursor?: string): string {
  const query = filterParams(filter, utcOffsetMinutes);
  query.set('limit', String(limit));
  if (cursor) query.set('cursor', cursor);
  return query.toString();
}

/** The CSV export of exactly what the filter shows (every page). */
export function csvUrl(filter: EntryFilter, utcOffsetMinutes: number): string {
  const query = filterParams(filter, utcOffsetMinutes).toString();
  return `/api/access/entries.csv${query ? `?${query}` : ''}`;
}

export interface AccessOptions {
  quickReasons: string[];
  gateCameras: Record<string, string>;
  utcOffsetMinutes: number;
}

export function matchesFilter(entry: StoredEntry, filter: EntryFilter, utcOffsetMinutes = 0): boolean {
  const from = filter.from ? siteInputToIso(filter.from, utcOffsetMinutes) : null;
  const to = filter.to ? siteInputToIso(filter.to, utcOffsetMinutes) : null;
  if (from && entry.occurredAt < from) return false;
  if (to && entry.occurredAt >= to) return false;
  if (filter.gate && entry.gate !== filter.gate) return false;
  if (filter.direction && entry.direction !== filter.direction) return false;
  if (filter.credentialType && entry.credential.type !== filter.credentialType) return false;
  if (filter.result && entry.result !== filter.result) return false;
  const text = filter.text.trim();
  if (!text) return true;
  const value = entry.credential.value;
  return value.includes(text) || value.includes(normalisePlate(text)) || value.toUpperCase().includes(text.toUpperCase());
}

export interface BarrierView {
  id: string;
  availability: string;
  /** When the availability last changed. */
  since?: string | null;
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

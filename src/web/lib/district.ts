import { signal } from '@preact/signals';
import { apiError } from './api.js';

/** The district service's own login (a Bearer token kept for this tab only). */
export const districtToken = signal<string | null>(sessionStorage.getItem('cg_district_token'));

export function setDistrictToken(token: string | null): void {
  districtToken.value = token;
  if (token) sessionStorage.setItem('cg_district_token', token);
  else sessionStorage.removeItem('cg_district_token');
}

/** Calls /api/district/...; a 401 forgets the login. Errors are ApiErrors: their message is in the UI language when the service gave a message code. */
export async function districtApi<T>(path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (districtToken.value) headers.authorization = `Bearer ${districtToken.value}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`/api/district${path}`, { method: body === undefined ? 'GET' : 'POST', headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const json = (await res.json().catch(() => undefined)) as Parameters<typeof apiError>[1];
  if (res.status === 401 && path !== '/login') setDistrictToken(null);
  if (!res.ok) throw apiError(res, json);
  return json as T;
}

/** Uploads an audio file as a district clip (the file itself is the body). */
export async function districtUploadClip(file: File, name: string): Promise<DistrictClip> {
  const headers: Record<string, string> = { 'content-type': file.type || 'application/octet-stream' };
  if (districtToken.value) headers.authorization = `Bearer ${districtToken.value}`;
  const res = await fetch(`/api/district/clips?name=${encodeURIComponent(name)}`, { method: 'POST', headers, body: file });
  const json = (await res.json().catch(() => undefined)) as Parameters<typeof apiError>[1];
  if (res.status === 401) setDistrictToken(null);
  if (!res.ok) throw apiError(res, json);
  return (json as unknown as { clip: DistrictClip }).clip;
}

export interface DistrictClip {
  id: string;
  name: string;
  durationMs: number;
  bytes: number;
  uploadedBy: string;
  uploadedAt: string;
}

export interface DistrictSite {
  id: string;
  name: string;
  state: 'online' | 'offline' | 'never';
  lastContactAt: string | null;
  entriesToday: number;
  devicesOffline: number;
}
export interface FlowBucket {
  site: string;
  hour: string;
  in: number;
  out: number;
  denied: number;
}
export interface PlateEntry {
  site: string;
  gate: string;
  eventId: string;
  occurredAt: string;
  direction: 'in' | 'out';
  result: 'granted' | 'denied';
}
export interface DistrictNotice {
  id: string;
  createdBy: string;
  createdAt: string;
  content: { kind: 'tts'; text: string } | { kind: 'clip'; clipName: string; clip?: { id: string; durationMs: number } };
  priority: string;
  deliveries: Array<{ site: string; state: string; detail: string | null }>;
}
export interface DistrictAlarm {
  site: string;
  id: number;
  source: string;
  kind: string;
  severity: 'info' | 'warning' | 'critical';
  status: string;
  location: string | null;
  device: string | null;
  occurredAt: string;
  groupCount: number;
  workOrderId: number | null;
}
export interface DistrictWorkOrder {
  site: string;
  id: number;
  alarmId: number | null;
  title: string;
  grid: string | null;
  gridName: string | null;
  worker: string | null;
  status: string;
  createdAt: string;
}
export interface DistrictGridStats {
  site: string;
  grid: string | null;
  gridName: string | null;
  orders: number;
  medianToSiteS: number | null;
  onSitePct: number | null;
  smallFixPct: number | null;
  complexPlanPct: number | null;
}

import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api.js';
import { onFeed } from '../../lib/feed.js';
import type { AlarmNotice } from '../../lib/alarms.js';

export type SiteMapKind = 'cameras' | 'barriers' | 'speakers' | 'alarm-buttons' | 'door-sensors' | 'homes';

export interface SiteMapItem {
  kind: SiteMapKind;
  id: string;
  name: string;
  devices: string[];
  cameraId?: string;
}

export interface Placement {
  kind: SiteMapKind;
  id: string;
  x: number;
  y: number;
}

export interface SiteMapAnswer {
  image: { contentType: string; bytes: number; version: number } | null;
  items: SiteMapItem[];
  placements: Placement[];
}

export const itemKey = (p: { kind: string; id: string }) => `${p.kind}/${p.id}`;

export const placementPath = (p: { kind: string; id: string }) => `/api/site-map/placements/${encodeURIComponent(p.kind)}/${encodeURIComponent(p.id)}`;

/** Reads a picture file as base64 (without the data: prefix). */
export function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1] ?? '');
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(file);
  });
}

/**
 * The alarms still raised, by the device that raised them: loaded once, then kept live from the
 * console's feed (`alarms/alarm/<id>`), so that a place flashes until its alarm is acknowledged.
 */
export function useRaisedAlarms(): ReadonlyMap<string, AlarmNotice> {
  const [raised, setRaised] = useState<ReadonlyMap<number, AlarmNotice>>(new Map());
  useEffect(() => {
    let live = true;
    const apply = (a: AlarmNotice) =>
      setRaised((prev) => {
        const next = new Map(prev);
        if (a.status === 'raised') next.set(a.id, a);
        else next.delete(a.id);
        return next;
      });
    const off = onFeed('alarms/alarm/+', (m) => apply(m.payload as AlarmNotice));
    void api<{ alarms: AlarmNotice[] }>('/api/alarms?status=raised&limit=200').then(
      (answer) => {
        if (live) for (const a of answer.alarms) apply(a);
      },
      () => undefined,
    );
    return () => {
      live = false;
      off();
    };
  }, []);
  const byDevice = new Map<string, AlarmNotice>();
  for (const a of raised.values()) if (a.device && !byDevice.has(a.device)) byDevice.set(a.device, a);
  return byDevice;
}

import { signal } from '@preact/signals';
import { api } from './api.js';
import { t } from '../i18n/index.js';
import { cameras } from './cameras.js';

export interface SiteInfo {
  site: { id: string; name: string; utcOffsetMinutes: number };
  names: { devices: Record<string, string>; groups: Record<string, string>; lanes: Record<string, Record<string, string>> };
}

/** The site's name, time zone and the display names of its devices (GET /api/system); null until loaded. */
export const siteInfo = signal<SiteInfo | null>(null);

/** China's offset until the gateway said otherwise (access.utcOffsetMinutes defaults to 480). */
const DEFAULT_OFFSET_MINUTES = 480;

export function loadSite(): Promise<void> {
  return api<SiteInfo>('/api/system').then(
    (info) => {
      siteInfo.value = info;
    },
    () => undefined,
  );
}

export function siteOffsetMinutes(): number {
  return siteInfo.value?.site.utcOffsetMinutes ?? DEFAULT_OFFSET_MINUTES;
}

/** A camera's display name (its configured name), else its id. */
export function cameraName(id: string): string {
  return cameras.value.find((c) => c.id === id)?.name || id;
}

/** A barrier's or speaker's display name from the configuration, else its id. */
export function deviceName(id: string): string {
  // A camera's own loudspeaker as a broadcast target is named after its camera.
  if (id.startsWith('camera:')) return t('cameraSpeakers.label', { name: cameraName(id.slice('camera:'.length)) });
  return siteInfo.value?.names.devices[id] ?? id;
}

export function groupName(id: string): string {
  return siteInfo.value?.names.groups[id] ?? id;
}

export function laneName(barrier: string, lane: string): string {
  return siteInfo.value?.names.lanes[barrier]?.[lane] ?? lane;
}

/** Any device id (camera, barrier, speaker) as a person reads it. */
export function anyName(id: string): string {
  const device = siteInfo.value?.names.devices[id];
  return device ?? cameraName(id);
}

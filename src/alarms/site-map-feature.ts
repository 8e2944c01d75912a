import { join } from 'node:path';
import { ALARM_CAMERAS } from '../cameras/alarm-control.js';
import type { GatewayConfig } from '../config/schema.js';
import type { Feature, FeatureFactory } from '../feature.js';
import { siteMapRoutes, type SiteMapItem } from './site-map-routes.js';
import { SiteMapStore, siteMapMigrations, type SiteMapKind } from './site-map-store.js';

const DEVICE_KINDS: readonly SiteMapKind[] = ['barriers', 'speakers', 'alarm-buttons', 'door-sensors'];

/** Everything the configuration lets one place on the map, with display names (cameras added at run time are checked live). */
export function siteMapItems(config: GatewayConfig): SiteMapItem[] {
  const alarmDevices = new Map(config.alarms.devices.map((d) => [d.id, d]));
  const homeOfSensor = new Map(config.alarms.homes.flatMap((h) => h.sensors.map((s) => [s, `${h.building}-${h.unit}-${h.room}`] as const)));
  const items: SiteMapItem[] = config.cameras.list.map((c) => ({ kind: 'cameras', id: c.id, name: c.name, devices: [c.id], cameraId: c.id }));
  for (const d of config.mqtt.devices) {
    if (!DEVICE_KINDS.includes(d.kind as SiteMapKind)) continue;
    const meta = alarmDevices.get(d.id);
    const cameraId = meta?.cameraId;
    items.push({ kind: d.kind as SiteMapKind, id: d.id, name: meta?.name ?? d.name ?? (homeOfSensor.has(d.id) ? `${homeOfSensor.get(d.id)!} (${d.id})` : d.id), devices: [d.id], ...(cameraId ? { cameraId } : {}) });
  }
  for (const h of config.alarms.homes) {
    items.push({ kind: 'homes', id: h.id, name: `${h.building}-${h.unit}-${h.room}`, devices: [...h.sensors], ...(h.cameraId ? { cameraId: h.cameraId } : {}) });
  }
  return items;
}

/** The site map: a plan image of the compound with cameras, devices and watched homes placed on it. */
export const siteMapFeature: FeatureFactory = (ctx): Feature => {
  const store = new SiteMapStore({ db: () => ctx.database.db, dir: join(ctx.config.storage.dataDir, 'site-map') });
  const configured = siteMapItems(ctx.config);
  const items = (): SiteMapItem[] => configured;
  const cameraKnown = (id: string) => ctx.capabilities.optional(ALARM_CAMERAS)?.has(id) ?? false;
  return {
    name: 'site-map',
    migrations: siteMapMigrations,
    services: [],
    routes: siteMapRoutes({ store, items, cameraKnown }),
  };
};

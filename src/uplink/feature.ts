import type { Feature, FeatureFactory } from '../feature.js';
import { NOTICE_PLAYER } from '../broadcast/notice-player.js';
import { uplinkMigrations } from './migrations.js';
import { UplinkService } from './uplink-service.js';

/**
 * The uplink to the district (docs/district.md), off by default: its tables always exist (the
 * entry writer queues into the outbox only when `uplink.enabled`), its service runs only then.
 */
export const uplinkFeature: FeatureFactory = (ctx): Feature => {
  const { config } = ctx;
  if (!config.uplink.enabled) return { name: 'uplink', migrations: uplinkMigrations, services: [] };
  const log = ctx.log.child({ component: 'uplink' });
  const service = new UplinkService({ config: config.uplink, siteId: config.site.id, database: ctx.database, bus: ctx.bus, metrics: ctx.metrics, log, player: () => ctx.capabilities.optional(NOTICE_PLAYER) });
  return { name: 'uplink', migrations: uplinkMigrations, services: [service] };
};

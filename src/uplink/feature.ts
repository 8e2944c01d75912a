import type { Feature, FeatureFactory } from '../feature.js';
import type { Service } from '../core/lifecycle.js';
import { NOTICE_PLAYER } from '../broadcast/notice-player.js';
import { removeAlarmFeed } from './alarm-feed.js';
import { uplinkMigrations } from './migrations.js';
import { UplinkService } from './uplink-service.js';

/**
 * The uplink to the district (docs/district.md), off by default: its tables always exist (the
 * entry writer queues into the outbox only when `uplink.enabled`), its service runs only then.
 * Turned off, it removes the triggers that queue alarms and work orders.
 */
export const uplinkFeature: FeatureFactory = (ctx): Feature => {
  const { config } = ctx;
  if (!config.uplink.enabled) {
    const off: Service = { name: 'uplink-off', start: async () => removeAlarmFeed(ctx.database.db), stop: async () => {} };
    return { name: 'uplink', migrations: uplinkMigrations, services: [off] };
  }
  const log = ctx.log.child({ component: 'uplink' });
  const service = new UplinkService({ config: config.uplink, alarms: config.alarms, siteId: config.site.id, database: ctx.database, bus: ctx.bus, metrics: ctx.metrics, log, player: () => ctx.capabilities.optional(NOTICE_PLAYER) });
  return { name: 'uplink', migrations: uplinkMigrations, services: [service] };
};

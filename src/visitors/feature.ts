import { BarrierPassesDriver } from '../../devices/mqtt-barrier/passes-driver.js';
import type { Feature, FeatureFactory } from '../feature.js';
import { passSync, type PassSync } from './pass-sync.js';
import { PassStore } from './passes.js';
import { visitorMigrations } from './migrations.js';
import { visitorRoutes } from './routes.js';
import { VisitorEntries } from './visitor-entries.js';
import { capabilityKey } from '../core/capabilities.js';

/** What Home Assistant (or any other part) may read of the visitors: granted visitor entries in a time range. */
export interface VisitorCounts {
  countGranted(from: number, to: number): number;
}
export const VISITOR_COUNTS = capabilityKey<VisitorCounts>('visitor-counts');

/**
 * Visitor passes (外来人员): an officer registers a visitor, the gateway issues a QR pass that the
 * barriers hold with its validity (so they decide it by their own clock, also while the gateway is
 * away); entries made with a pass are tagged with it; a report per site day.
 */
export const visitorsFeature: FeatureFactory = (ctx): Feature => {
  const { config } = ctx;
  const log = ctx.log.child({ component: 'visitors' });
  const gates = config.mqtt.devices.filter((d) => d.kind === 'barriers').map((d) => d.id);
  const driver = new BarrierPassesDriver({ router: ctx.router, publisher: ctx.publisher });
  const sync: PassSync = passSync({
    gates,
    database: ctx.database,
    passes: () => passes,
    driver,
    bus: ctx.bus,
    log,
    publishDelayMs: config.visitors.publishDelayMs,
    republishMs: config.visitors.republishMs,
  });
  const passes = new PassStore(ctx.database, { maxValidityDays: config.visitors.maxValidityDays }, () => sync.changed());
  const entries = new VisitorEntries({ database: ctx.database, bus: ctx.bus, log });
  ctx.capabilities.provide(VISITOR_COUNTS, entries);
  return {
    name: 'visitors',
    migrations: visitorMigrations,
    services: [driver, entries, sync],
    routes: visitorRoutes({ passes: () => passes, entries, sync, utcOffsetMinutes: config.access.utcOffsetMinutes }),
  };
};

import { BarrierDriver } from '../../devices/mqtt-barrier/driver.js';
import type { Feature, FeatureFactory } from '../feature.js';
import { ALARM_BARRIERS, alarmBarriers } from './alarm-barriers.js';
import { BARRIER_COMMANDS, BarrierControl } from './barrier-control.js';
import { BarrierClocks } from './clock.js';
import { CommandAudit } from './command-audit.js';
import { ConflictStore, conflictRoutes } from './conflicts.js';
import { CsvExporter } from './csv-export.js';
import { EntryIngest } from './ingest.js';
import { listSync, type ListSync } from './list-sync.js';
import { ListStore } from './lists.js';
import { accessMigrations } from './migrations.js';
import { barrierRoutes } from './routes-barriers.js';
import { entryRoutes } from './routes-entries.js';
import { listRoutes } from './routes-lists.js';

/**
 * Gate barriers and their entry records: the barrier driver, zero-loss ingest (batched commits,
 * acknowledgement after commit), queries and CSV export, statistics, remote commands and the
 * allow/deny lists with their sync to the barriers.
 */
export const accessFeature: FeatureFactory = (ctx): Feature => {
  const { config } = ctx;
  const log = ctx.log.child({ component: 'access' });
  const gates = config.mqtt.devices.filter((d) => d.kind === 'barriers').map((d) => d.id);
  const driver = new BarrierDriver({
    base: config.mqtt.baseTopic,
    router: ctx.router,
    publisher: ctx.publisher,
    bus: ctx.bus,
    log,
    commandTimeoutMs: config.access.commandTimeoutMs,
  });
  const conflicts = new ConflictStore(ctx.database);
  const clocks = new BarrierClocks({ driver, metrics: ctx.metrics, log, maxSkewMs: config.access.maxClockSkewMs, publisher: ctx.publisher });
  const ingest = new EntryIngest({
    conflicts,
    clocks,
    databaseFile: ctx.database.file,
    uplinkOutbox: config.uplink.enabled ? { maxRows: config.uplink.maxOutboxRows } : undefined,
    driver,
    publisher: ctx.publisher,
    bus: ctx.bus,
    metrics: ctx.metrics,
    log,
    batchMaxRows: config.access.batchMaxRows,
    batchMaxDelayMs: config.access.batchMaxDelayMs,
  });
  const sync: ListSync = listSync({
    gates,
    database: ctx.database,
    lists: () => lists,
    driver,
    bus: ctx.bus,
    log,
    publishDelayMs: config.access.listPublishDelayMs,
  });
  const lists = new ListStore(ctx.database, () => sync.changed());
  const control = new BarrierControl({ gates, driver, presence: ctx.presence, clocks });
  ctx.capabilities.provide(ALARM_BARRIERS, alarmBarriers(control, driver));
  ctx.capabilities.provide(BARRIER_COMMANDS, control);
  const commandAudit = new CommandAudit({ driver, audit: ctx.audit, integrations: (config.mqtt.integrations ?? []).map((i) => i.name), log });
  const exporter = new CsvExporter(ctx.database.file, config.access.maxConcurrentExports, config.access.utcOffsetMinutes);
  const modules = [
    entryRoutes({ database: ctx.database, exporter, utcOffsetMinutes: config.access.utcOffsetMinutes, snapshotHosts: config.access.snapshotHosts }),
    listRoutes({ lists: () => lists, sync }),
    barrierRoutes({ control, sync, quickReasons: config.access.quickReasons, gateCameras: config.access.gateCameras, utcOffsetMinutes: config.access.utcOffsetMinutes }),
    conflictRoutes({ conflicts }),
  ];
  return {
    name: 'access',
    migrations: accessMigrations,
    services: [driver, clocks, ingest, control, sync, commandAudit],
    routes: { routes: () => modules.flatMap((m) => m.routes()) },
  };
};

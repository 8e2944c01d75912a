import { join } from 'node:path';
import { ALARM_BARRIERS } from '../access/alarm-barriers.js';
import { ALARM_ANNOUNCER } from '../broadcast/alarm-announcer.js';
import { ALARM_CAMERAS } from '../cameras/alarm-control.js';
import type { Feature, FeatureFactory, GatewayContext } from '../feature.js';
import type { RouteModule } from '../http/route.js';
import { AlarmButtonDriver } from '../../devices/alarm-button/driver.js';
import { DoorSensorDriver } from '../../devices/door-sensor/driver.js';
import { AlarmService, SYSTEM_CLOCK, type Clock } from './alarm-service.js';
import { AlarmStore } from './alarm-store.js';
import { LinkageRunner } from './linkage.js';
import { alarmMigrations } from './migrations.js';
import { RuleBook } from './rule-book.js';
import { alarmRoutes } from './routes.js';
import { AlarmDirectory } from './directory.js';
import { directoryRoutes } from './directory-routes.js';
import { AlarmSources } from './sources.js';
import { PresetWarmer } from './preset-warmer.js';
import { HomeWatch } from './watch.js';
import { WorkOrders } from './work-orders.js';

export interface AlarmsFeatureOptions {
  /** The clock of deadlines, escalation and watch days (tests inject a fake one). */
  clock?: Clock;
}

export const alarmsFeature: FeatureFactory = (ctx) => createAlarmsFeature()(ctx);

export function createAlarmsFeature(options: AlarmsFeatureOptions = {}): FeatureFactory {
  return (ctx) => buildAlarmsFeature(ctx, options);
}

/** Alarm devices, the alarm model and its sources, linkage rules, homes under watch, work orders. */
function buildAlarmsFeature(ctx: GatewayContext, options: AlarmsFeatureOptions): Feature {
  const { config } = ctx;
  const settings = config.alarms;
  const clock = options.clock ?? SYSTEM_CLOCK;
  const log = ctx.log.child({ component: 'alarms' });
  const base = config.mqtt.baseTopic;
  const db = () => ctx.database.db;
  const deviceDeps = { base, router: ctx.router, publisher: ctx.publisher, bus: ctx.bus, log };
  const buttons = new AlarmButtonDriver(deviceDeps);
  const doors = new DoorSensorDriver(deviceDeps);
  const buttonIds = new Set(config.mqtt.devices.filter((d) => d.kind === 'alarm-buttons').map((d) => d.id));
  const store = new AlarmStore({ file: ctx.database.file, db, groupWindowS: settings.groupWindowS });
  const linkage: LinkageRunner = new LinkageRunner({
    store,
    publisher: ctx.publisher,
    config: settings,
    log,
    onPopup: (alarm, enlargeS) => service.popup(alarm, enlargeS),
    targets: () => ({ cameras: ctx.capabilities.optional(ALARM_CAMERAS), speakers: ctx.capabilities.optional(ALARM_ANNOUNCER), barriers: ctx.capabilities.optional(ALARM_BARRIERS), buttons, buttonIds }),
  });
  const service: AlarmService = new AlarmService({ store, linkage, publisher: ctx.publisher, bus: ctx.bus, config: settings, log, clock });
  const alarmDevices = config.mqtt.devices.filter((d) => d.kind === 'alarm-buttons' || d.kind === 'door-sensors');
  const directory = new AlarmDirectory({
    db,
    config: settings,
    clock,
    targets: {
      doorSensorExists: (id) => config.mqtt.devices.some((d) => d.kind === 'door-sensors' && d.id === id),
      alarmDeviceExists: (id) => alarmDevices.some((d) => d.id === id),
      gateExists: (id) => config.mqtt.devices.some((d) => d.kind === 'barriers' && d.id === id),
      cameraExists: (id) => ctx.capabilities.optional(ALARM_CAMERAS)?.has(id) ?? false,
    },
  });
  const watch = new HomeWatch({ homes: () => directory.homes(), db, utcOffsetMinutes: settings.utcOffsetMinutes });
  const orders = new WorkOrders({ db, config: settings, directory, clock, publisher: ctx.publisher, log, photoDir: join(config.storage.dataDir, 'work-orders', 'photos') });
  service.setWorkOrderHook((alarm, by) => {
    if (alarm.workOrderId) return;
    const order = orders.create({ origin: 'alarm', alarmId: alarm.id, title: `${alarm.kind} (${alarm.source}) ${alarm.location ?? alarm.device ?? ''}`.trim(), location: alarm.location ?? undefined, cameraId: alarm.cameraId ?? undefined, device: alarm.device ?? undefined }, by);
    service.linkWorkOrder(alarm.id, order.id);
  });
  const speakerDevices = config.mqtt.devices.filter((d) => d.kind === 'speakers');
  const rules = new RuleBook({
    db,
    configured: settings.rules,
    service,
    targets: {
      cameraExists: (id) => ctx.capabilities.optional(ALARM_CAMERAS)?.has(id) ?? false,
      presets: async (id) => {
        const cams = ctx.capabilities.optional(ALARM_CAMERAS);
        if (!cams?.isOnline(id)) return null;
        return cams.presetNames(id).catch(() => null);
      },
      speakerExists: (id) => speakerDevices.some((d) => d.id === id),
      speakerGroupExists: (g) => speakerDevices.some((d) => d.groups.includes(g)),
      barrierExists: (id) => config.mqtt.devices.some((d) => d.kind === 'barriers' && d.id === id),
      buttonExists: (id) => buttonIds.has(id),
    },
  });
  const presetWarmer = new PresetWarmer({ bus: ctx.bus, rules: () => service.currentRules(), cameras: () => ctx.capabilities.optional(ALARM_CAMERAS) });
  const sources = new AlarmSources({ service, buttons, doors, watch, bus: ctx.bus, config: settings, clock, barriers: () => ctx.capabilities.optional(ALARM_BARRIERS) });
  return {
    name: 'alarms',
    migrations: alarmMigrations,
    services: [buttons, doors, { name: 'alarm-rules', start: async () => rules.load(), stop: async () => {} }, service, sources, orders, presetWarmer],
    routes: joinRoutes(
      alarmRoutes({ service, store, rules, watch, orders, clock }),
      directoryRoutes({ directory, devices: () => config.mqtt.devices.filter((d) => ['door-sensors', 'alarm-buttons', 'barriers'].includes(d.kind)).map((d) => ({ id: d.id, name: d.name ?? d.id, kind: d.kind })) }),
    ),
  };
}

function joinRoutes(...modules: RouteModule[]): RouteModule {
  return { routes: () => modules.flatMap((m) => m.routes()) };
}

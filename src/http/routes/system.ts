import type { Metrics } from '../../metrics/registry.js';
import type { DevicePresenceTracker } from '../../mqtt/device-presence.js';
import type { MqttConnection } from '../../mqtt/connection.js';
import { defineRoutes, type RouteModule } from '../route.js';

export interface SiteNames {
  devices: Record<string, string>;
  groups: Record<string, string>;
  lanes: Record<string, Record<string, string>>;
}

/** The display names the configuration gives (ids without one are left out: the id is their name). */
export function siteNames(config: { names: { groups: Record<string, string> }; mqtt: { devices: readonly { id: string; name?: string | undefined; lanes?: Record<string, string> | undefined }[] } }): SiteNames {
  const devices: Record<string, string> = {};
  const lanes: Record<string, Record<string, string>> = {};
  for (const d of config.mqtt.devices) {
    if (d.name) devices[d.id] = d.name;
    if (d.lanes) lanes[d.id] = { ...d.lanes };
  }
  return { devices, groups: { ...config.names.groups }, lanes };
}

export function systemRoutes(deps: {
  siteId: string;
  /** The site's name now (an admin may change it on the page). */
  siteName: () => string;
  version: string;
  metrics: Metrics;
  mqtt: MqttConnection;
  presence: DevicePresenceTracker;
  /** Display names: MQTT devices, speaker groups, barrier lanes (id -> name). */
  names: SiteNames;
  /** The site's UTC offset (access.utcOffsetMinutes): every time on the dashboards is shown in it. */
  utcOffsetMinutes: number;
}): RouteModule {
  return defineRoutes([
    {
      method: 'get',
      path: '/healthz',
      access: 'public',
      summary: 'Liveness and readiness: 200 while the gateway serves and its MQTT connection is up, else 503.',
      handler: (_req, res) => {
        const healthy = deps.mqtt.connected;
        res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', mqtt: healthy ? 'connected' : 'disconnected' });
      },
    },
    {
      method: 'get',
      path: '/metrics',
      access: 'public',
      summary: 'Prometheus metrics (text format).',
      handler: async (_req, res) => {
        res.setHeader('Content-Type', deps.metrics.contentType);
        res.send(await deps.metrics.render());
      },
    },
    {
      method: 'get',
      path: '/api/system',
      access: 'viewer',
      summary: 'Site (name, UTC offset of its clock), version, uptime, MQTT connection state, and the display names of devices, speaker groups and lanes.',
      handler: () => ({
        site: { id: deps.siteId, name: deps.siteName(), utcOffsetMinutes: deps.utcOffsetMinutes },
        names: deps.names,
        version: deps.version,
        uptimeSeconds: Math.round(process.uptime()),
        mqtt: { connected: deps.mqtt.connected },
      }),
    },
    {
      method: 'get',
      path: '/api/devices',
      access: 'viewer',
      summary: 'Every MQTT device (barriers, speakers) and whether it is online.',
      handler: () => ({ devices: deps.presence.list() }),
    },
  ]);
}

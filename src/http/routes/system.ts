import type { Metrics } from '../../metrics/registry.js';
import type { DevicePresenceTracker } from '../../mqtt/device-presence.js';
import type { MqttConnection } from '../../mqtt/connection.js';
import { defineRoutes, type RouteModule } from '../route.js';

export function systemRoutes(deps: {
  siteId: string;
  siteName: string;
  version: string;
  metrics: Metrics;
  mqtt: MqttConnection;
  presence: DevicePresenceTracker;
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
      summary: 'Site, version, uptime and MQTT connection state.',
      handler: () => ({
        site: { id: deps.siteId, name: deps.siteName },
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

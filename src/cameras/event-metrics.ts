/** Event health per camera as Prometheus gauges (read when /metrics is scraped). */
import type { Metrics } from '../metrics/registry.js';
import type { CameraRegistry } from './registry.js';

export function cameraEventMetrics(registry: CameraRegistry, metrics: Metrics | undefined): void {
  if (!metrics) return;
  metrics.gauge('gateway_camera_event_subscriptions', 'Event (PullPoint) subscriptions the gateway holds at each camera', ['camera'], (g) => {
    g.reset();
    for (const cam of registry.list()) g.set({ camera: cam.id }, cam.eventHealth?.subscribed ? 1 : 0);
  });
  metrics.gauge('gateway_camera_event_last_pull_ok_timestamp_seconds', 'When the last PullMessages of each camera succeeded (Unix time; 0: never)', ['camera'], (g) => {
    g.reset();
    for (const cam of registry.list()) {
      const at = cam.eventHealth?.lastPullOkAt;
      g.set({ camera: cam.id }, at ? Date.parse(at) / 1000 : 0);
    }
  });
  metrics.gauge('gateway_camera_event_failures', 'Event subscription failures in a row per camera (0: healthy)', ['camera'], (g) => {
    g.reset();
    for (const cam of registry.list()) g.set({ camera: cam.id }, cam.eventHealth?.failures ?? 0);
  });
}

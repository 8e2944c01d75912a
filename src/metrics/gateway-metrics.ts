import type { Counter } from 'prom-client';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { DevicePresenceTracker } from '../mqtt/device-presence.js';
import type { Metrics } from './registry.js';

/**
 * Key figures that no single service owns: entries per gate, devices online per kind, cameras
 * online, and broker traffic. Everything comes from the bus and from state already kept; the
 * gauges are read at scrape time.
 */
export class GatewayMetrics implements Service {
  readonly name = 'gateway-metrics';
  private offs: Array<() => void> = [];
  private entries: Counter<'gate' | 'direction' | 'result' | 'credential'> | undefined;
  private registered = false;

  constructor(private readonly deps: { metrics: Metrics; bus: EventBus; presence: DevicePresenceTracker; cameras: () => Array<{ online: boolean }> | undefined }) {}

  async start(): Promise<void> {
    const { metrics, bus, presence } = this.deps;
    if (!this.registered) {
      this.registered = true;
      this.entries = metrics.counter('gateway_access_entries_total', 'Entries stored, per gate, direction, result and credential type', ['gate', 'direction', 'result', 'credential']);
      metrics.gauge('gateway_devices_online', 'MQTT devices online, per kind', ['kind'], (g) => {
        g.reset();
        const counts = new Map<string, number>();
        for (const d of presence.list()) counts.set(d.kind, (counts.get(d.kind) ?? 0) + (d.availability === 'online' ? 1 : 0));
        for (const [kind, n] of counts) g.set({ kind }, n);
      });
      metrics.gauge('gateway_devices_configured', 'MQTT devices known, per kind', ['kind'], (g) => {
        g.reset();
        const counts = new Map<string, number>();
        for (const d of presence.list()) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1);
        for (const [kind, n] of counts) g.set({ kind }, n);
      });
      metrics.gauge('gateway_cameras_online', 'Cameras the gateway reaches', [], (g) => g.set(this.deps.cameras()?.filter((c) => c.online).length ?? 0));
      metrics.gauge('gateway_cameras_configured', 'Cameras known (configured and added at run time)', [], (g) => g.set(this.deps.cameras()?.length ?? 0));
    }
    this.offs.push(bus.on('access.entry', (e) => this.entries?.inc({ gate: e.gate, direction: e.direction, result: e.result, credential: e.credential.type })));
  }

  async stop(): Promise<void> {
    for (const off of this.offs.splice(0)) off();
  }
}

import type { MqttDeviceConfig } from '../config/schema.js';
import type { EventBus } from '../core/event-bus.js';
import type { Service } from '../core/lifecycle.js';
import type { Availability } from '../core/mqtt-contract.js';
import { barrierAvailability } from '../../devices/mqtt-barrier/protocol.js';
import { speakerAvailability } from '../../devices/mqtt-speaker/protocol.js';
import { alarmButtonAvailability } from '../../devices/alarm-button/protocol.js';
import { doorSensorAvailability } from '../../devices/door-sensor/protocol.js';
import type { ContractRouter } from './contract-router.js';

declare module '../core/event-bus.js' {
  interface GatewayEvents {
    'device.availability': { kind: string; id: string; availability: Availability; at: string };
  }
}

export interface DevicePresence {
  kind: string;
  id: string;
  availability: Availability | 'unknown';
  /** Whether the device is in the configuration (an unknown device cannot connect to the embedded broker). */
  configured: boolean;
  since: string | null;
}

/** Online/offline of every MQTT device, from their retained availability topics. */
export class DevicePresenceTracker implements Service {
  readonly name = 'device-presence';
  private readonly devices = new Map<string, DevicePresence>();

  constructor(
    private readonly deps: { devices: readonly MqttDeviceConfig[]; router: ContractRouter; bus: EventBus },
  ) {}

  async start(): Promise<void> {
    for (const d of this.deps.devices) {
      this.devices.set(`${d.kind}/${d.id}`, { kind: d.kind, id: d.id, availability: 'unknown', configured: true, since: null });
    }
    for (const spec of [barrierAvailability, speakerAvailability, alarmButtonAvailability, doorSensorAvailability]) {
      const kind = spec.pattern.split('/')[0]!;
      this.deps.router.handle(spec, ({ params, payload }) => this.update(kind, params.id, payload));
    }
  }

  async stop(): Promise<void> {}

  private update(kind: string, id: string, availability: Availability): void {
    const key = `${kind}/${id}`;
    const previous = this.devices.get(key);
    if (previous?.availability === availability) return;
    const at = new Date().toISOString();
    this.devices.set(key, { kind, id, availability, configured: previous?.configured ?? false, since: at });
    this.deps.bus.emit('device.availability', { kind, id, availability, at });
  }

  list(): DevicePresence[] {
    return [...this.devices.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  }

  get(kind: string, id: string): DevicePresence | undefined {
    return this.devices.get(`${kind}/${id}`);
  }
}

import { doorSensorAck, doorSensorAvailability, doorSensorEvent, doorSensorState, type DoorEventPayload, type DoorState } from '../../devices/door-sensor/protocol.js';
import type { TopicSpec } from '../../src/core/mqtt-contract.js';
import { behaviour } from '../alarm-button/behaviours.js';
import { SimulatedEventDevice, type EventDeviceOptions } from '../alarm-button/event-device.js';

/** A simulated door/contact sensor on a home's door: open/closed, tamper, battery. */
export class SimulatedDoorSensor extends SimulatedEventDevice<DoorEventPayload> {
  contact: DoorState['contact'] = 'closed';

  constructor(options: EventDeviceOptions) {
    const t = (s: unknown) => s as TopicSpec<unknown, 'id'>;
    super(options, { availability: t(doorSensorAvailability), state: t(doorSensorState), event: t(doorSensorEvent), ack: t(doorSensorAck) });
  }

  async open(): Promise<DoorEventPayload> {
    return this.change('open');
  }

  async close(): Promise<DoorEventPayload> {
    return this.change('closed');
  }

  async openCase(): Promise<DoorEventPayload> {
    this.tamper = true;
    this.publishState();
    return this.raise('tamper');
  }

  protected statePayload(): DoorState {
    return { contact: this.contact, battery: this.battery, tamper: this.tamper, at: this.clock().toISOString() };
  }

  private async change(to: DoorState['contact']): Promise<DoorEventPayload> {
    this.contact = to;
    this.publishState();
    const first = await this.raise(to);
    const bounce = behaviour(this.options.behaviours, 'bounce');
    if (bounce) {
      // A bouncing reed contact: flips back and forth, ending where it was put.
      for (let i = 0; i < bounce.count * 2; i++) {
        this.contact = this.contact === 'open' ? 'closed' : 'open';
        await this.raise(this.contact);
      }
    }
    return first;
  }
}

import type { Service } from '../../src/core/lifecycle.js';
import type { AlarmDeviceDriverDeps } from '../alarm-button/driver.js';
import { EventLink, type DeviceEvent } from '../alarm-button/event-link.js';
import { DOOR_SENSOR_KIND, doorSensorAck, doorSensorEvent, doorSensorState, type DoorEventPayload, type DoorState } from './protocol.js';

/** The gateway's side of the door-sensor contract: open/close events (zero-loss) and state. */
export class DoorSensorDriver implements Service {
  readonly name = 'door-sensor-driver';
  readonly link: EventLink<DoorEventPayload>;
  private readonly states = new Map<string, DoorState>();
  private onEvent: ((event: DeviceEvent<DoorEventPayload>, stored: () => void) => void) | undefined;

  constructor(private readonly deps: AlarmDeviceDriverDeps) {
    this.link = new EventLink({ ...deps, kind: DOOR_SENSOR_KIND, event: doorSensorEvent, ack: doorSensorAck });
  }

  onEvents(listener: (event: DeviceEvent<DoorEventPayload>, stored: () => void) => void): void {
    this.onEvent = listener;
  }

  async start(): Promise<void> {
    this.link.start((event, stored) => (this.onEvent ? this.onEvent(event, stored) : stored()));
    this.deps.router.handle(doorSensorState, ({ params, payload }) => {
      this.states.set(params.id, payload);
    });
  }

  async stop(): Promise<void> {
    this.link.stop();
  }

  state(id: string): DoorState | undefined {
    return this.states.get(id);
  }
}

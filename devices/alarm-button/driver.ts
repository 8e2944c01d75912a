import { randomBytes } from 'node:crypto';
import type { EventBus } from '../../src/core/event-bus.js';
import type { Service } from '../../src/core/lifecycle.js';
import type { Logger } from '../../src/core/logger.js';
import type { ContractRouter } from '../../src/mqtt/contract-router.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import { EventLink, type DeviceEvent } from './event-link.js';
import { ALARM_BUTTON_KIND, alarmButtonAck, alarmButtonCommand, alarmButtonEvent, alarmButtonState, type ButtonCommand, type ButtonEventPayload, type ButtonState } from './protocol.js';

export interface AlarmDeviceDriverDeps {
  base: string;
  router: ContractRouter;
  publisher: MqttPublisher;
  bus: EventBus;
  log: Logger;
}

/** The gateway's side of the alarm-button contract: events (zero-loss), state, LED/siren commands. */
export class AlarmButtonDriver implements Service {
  readonly name = 'alarm-button-driver';
  readonly link: EventLink<ButtonEventPayload>;
  private readonly states = new Map<string, ButtonState>();

  constructor(private readonly deps: AlarmDeviceDriverDeps) {
    this.link = new EventLink({ ...deps, kind: ALARM_BUTTON_KIND, event: alarmButtonEvent, ack: alarmButtonAck });
  }

  private onEvent: ((event: DeviceEvent<ButtonEventPayload>, stored: () => void) => void) | undefined;

  /** Set before start(): receives every valid event; `stored` releases its MQTT acknowledgement. */
  onEvents(listener: (event: DeviceEvent<ButtonEventPayload>, stored: () => void) => void): void {
    this.onEvent = listener;
  }

  async start(): Promise<void> {
    this.link.start((event, stored) => (this.onEvent ? this.onEvent(event, stored) : stored()));
    this.deps.router.handle(alarmButtonState, ({ params, payload }) => {
      this.states.set(params.id, payload);
    });
  }

  async stop(): Promise<void> {
    this.link.stop();
  }

  state(id: string): ButtonState | undefined {
    return this.states.get(id);
  }

  /** LED or siren on the button (fire and forget: the new state comes back on `state`). */
  async command(id: string, command: ButtonCommand['command'], value: ButtonCommand['value'], durationS?: number): Promise<string> {
    const requestId = `c-${randomBytes(6).toString('hex')}`;
    await this.deps.publisher.publish(alarmButtonCommand, { id }, { requestId, command, value, ...(durationS !== undefined ? { durationS } : {}) });
    return requestId;
  }
}

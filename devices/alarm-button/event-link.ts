import type { EventBus } from '../../src/core/event-bus.js';
import type { Logger } from '../../src/core/logger.js';
import { matchTopic, type TopicSpec } from '../../src/core/mqtt-contract.js';
import type { ContractRouter } from '../../src/mqtt/contract-router.js';
import type { MqttPublisher } from '../../src/mqtt/publisher.js';
import type { EventAck } from './event-topics.js';

/** One event as the device sent it, with the kind and id of the device. */
export interface DeviceEvent<T> {
  kind: string;
  device: string;
  payload: T;
}

/**
 * The gateway's side of the zero-loss event link (alarm buttons, door sensors): inbound events are
 * handed on with a `stored` callback that releases the MQTT acknowledgement; `acknowledge` sends
 * the application acknowledgement after the commit; an event the contract refused is rejected to
 * its device by eventId so that it stops resending it.
 */
export class EventLink<T extends { eventId: string }> {
  private offInvalid: (() => void) | undefined;

  constructor(
    private readonly deps: {
      kind: string;
      base: string;
      router: ContractRouter;
      publisher: MqttPublisher;
      bus: EventBus;
      log: Logger;
      event: TopicSpec<T, 'id'>;
      ack: TopicSpec<EventAck, 'id'>;
    },
  ) {}

  start(onEvent: (event: DeviceEvent<T>, stored: () => void) => void): void {
    const { router, event, kind } = this.deps;
    router.handle(event, ({ params, payload, defer }) => onEvent({ kind, device: params.id, payload }, defer()));
    this.offInvalid = this.deps.bus.on('mqtt.invalid', ({ topic, raw, reason }) => {
      const device = matchTopic(this.deps.base, event as TopicSpec<unknown, string>, topic)?.id;
      if (!device || !raw) return;
      let eventId: unknown;
      try {
        eventId = (JSON.parse(raw.toString('utf8')) as { eventId?: unknown } | null)?.eventId;
      } catch {
        return; // not JSON: nothing to name (reported on gateway/errors)
      }
      if (typeof eventId !== 'string' && typeof eventId !== 'number') return;
      this.refuse(device, String(eventId).slice(0, 256), reason);
    });
  }

  stop(): void {
    this.offInvalid?.();
    this.offInvalid = undefined;
  }

  async acknowledge(device: string, eventIds: string[], committedAt: Date): Promise<void> {
    await this.deps.publisher.publish(this.deps.ack, { id: device }, { eventIds, committedAt: committedAt.toISOString() });
  }

  refuse(device: string, eventId: string, reason: string): void {
    this.deps.publisher
      .publish(this.deps.ack, { id: device }, { eventIds: [], rejected: [{ eventId, reason: reason.slice(0, 512) }], committedAt: new Date().toISOString() })
      .catch((err: Error) => this.deps.log.warn({ device, err: err.message }, 'could not publish a rejection'));
  }
}

import type { IClientPublishOptions } from 'mqtt';
import { buildTopic, isMirrored, type TopicSpec } from '../core/mqtt-contract.js';
import type { MqttConnection } from './connection.js';
import type { ContractMirror } from './mirror.js';

/** Publishes typed messages of the contract: the topic, QoS and retain flag come from the spec. */
export class MqttPublisher {
  constructor(
    private readonly base: string,
    private readonly connection: MqttConnection,
    private readonly mirror: ContractMirror,
  ) {}

  topic<P extends string>(spec: TopicSpec<unknown, P>, params: Record<P, string>): string {
    return buildTopic(this.base, spec, params);
  }

  async publish<T, P extends string>(spec: TopicSpec<T, P>, params: Record<P, string>, payload: T, options: Partial<IClientPublishOptions> = {}): Promise<void> {
    const topic = buildTopic(this.base, spec, params);
    const retained = options.retain ?? spec.retained;
    if (isMirrored(spec)) this.mirror.emit({ topic: topic.slice(this.base.length + 1), name: spec.name, payload, retained });
    await this.connection.publish(topic, spec.payload.encode(payload), { qos: spec.qos, retain: retained, ...options });
  }
}
